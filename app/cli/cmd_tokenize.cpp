// hearth-cli tokenize: text to token ids with the model's own tokenizer. Loads only the vocabulary, so it works
// on vocabulary-only GGUF files of any architecture. Special-token texts are not parsed as special.
#include <cstdio>
#include <fstream>

#include "app/cli/commands.h"
#include "engine/gguf_reader.h"
#include "engine/vocab.h"
#include "engine/vocab_test_format.h"

namespace hearth::cli {
namespace {

// Reads a whole text file, refusing more than kMaxInputBytes (a device like /dev/zero would never end).
constexpr size_t kMaxInputBytes = size_t{256} << 20;

Result<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"cannot open '" + path + "'"};
    std::string contents;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        contents.append(buffer, size_t(in.gcount()));
        if (contents.size() > kMaxInputBytes) {
            return Error{"'" + path + "' is larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB"};
        }
    }
    if (in.bad()) return Error{"cannot read '" + path + "'"};
    return contents;
}

}  // namespace

int cmdTokenize(const Args& args) {
    auto path = args.required("-m");
    if (!path) return fail(path.message());
    const int sources = int(args.has("--text")) + int(args.has("--file")) + int(args.has("--vocab-test"));
    if (sources != 1) return fail("give exactly one of --text, --file, --vocab-test");

    auto file = engine::GgufFile::open(*path);
    if (!file) return fail(file.message());
    auto vocab = engine::Vocab::fromGguf(**file);
    if (!vocab) return fail(*path + ": " + vocab.message());

    if (auto testPath = args.value("--vocab-test")) {
        // llama.cpp's test-tokenizer-0: no BOS, special texts not parsed, one line of ids per text.
        auto contents = readFile(*testPath);
        if (!contents) return fail(contents.message());
        std::string out;
        for (const std::string& text : engine::parseVocabTestInput(*contents)) {
            out += engine::formatVocabTestIds(vocab->tokenize(text, false, false));
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return 0;
    }

    std::string text;
    if (auto t = args.value("--text")) {
        text = *t;
    } else {
        auto contents = readFile(*args.value("--file"));
        if (!contents) return fail(contents.message());
        text = std::move(contents).value();
    }
    // --bos prepends the vocabulary's BOS token whatever its add_bos flag says (and fails if it has none).
    std::vector<int32_t> ids = vocab->tokenize(text, false, false);
    if (args.has("--bos")) {
        if (vocab->bos() == engine::kNoToken) return fail(*path + ": the vocabulary has no BOS token");
        ids.insert(ids.begin(), vocab->bos());
    }
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) line += ' ';
        line += std::to_string(ids[i]);
    }
    std::printf("%s\n", line.c_str());
    return 0;
}

}  // namespace hearth::cli
