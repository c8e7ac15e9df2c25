// Tokenizer tests: llama.cpp's test vectors for every SPM, BPE and WordPiece vocabulary in ../shared/conformance/vocab
// (ids must match exactly), detokenization round trips, streaming UTF-8 output, and malformed vocabularies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/tokenizer_wpm.h"
#include "engine/unicode.h"
#include "engine/vocab.h"
#include "engine/vocab_test_format.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;

fs::path sharedDir() { return fs::path(HEARTH_SHARED_DIR); }
fs::path vocabDir() { return sharedDir() / "conformance" / "vocab"; }

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

// Loads a vocabulary file; fails the test (and returns nullopt) when it does not load.
std::optional<Vocab> loadVocab(const fs::path& path) {
    Result<std::unique_ptr<GgufFile>> file = GgufFile::open(path.string());
    if (!file) {
        ADD_FAILURE() << path << ": " << file.message();
        return std::nullopt;
    }
    Result<Vocab> vocab = Vocab::fromGguf(*file.value());
    if (!vocab) {
        ADD_FAILURE() << path << ": " << vocab.message();
        return std::nullopt;
    }
    return std::move(vocab.value());
}

#define SKIP_WITHOUT_SHARED()                                                                        \
    if (!fs::exists(vocabDir())) {                                                                   \
        GTEST_SKIP() << "conformance vocabularies not found at " << vocabDir() << " (HEARTH_SHARED_DIR)"; \
    }

// ---- llama.cpp test vectors -------------------------------------------------------------------------------------

struct VectorCase {
    const char* vocab;   // ggml-vocab-<vocab>.gguf
    const char* suffix;  // ".inp" (llama.cpp's) or ".extra.inp"
};

std::string caseName(const testing::TestParamInfo<VectorCase>& info) {
    std::string name = std::string(info.param.vocab) + (std::strcmp(info.param.suffix, ".inp") == 0 ? "" : "_extra");
    for (char& c : name) {
        if (c == '-') c = '_';
    }
    return name;
}

class TokenizerVectors : public testing::TestWithParam<VectorCase> {};

// Every text of the file tokenizes (add_special = false, parse_special = false) to exactly llama.cpp's ids.
TEST_P(TokenizerVectors, IdsMatchLlamaCpp) {
    SKIP_WITHOUT_SHARED();
    const fs::path model = vocabDir() / ("ggml-vocab-" + std::string(GetParam().vocab) + ".gguf");
    const fs::path inp = model.string() + GetParam().suffix;
    const fs::path out = inp.string().substr(0, inp.string().size() - 4) + ".out";
    std::optional<Vocab> vocab = loadVocab(model);
    ASSERT_TRUE(vocab);

    const std::vector<std::string> texts = parseVocabTestInput(readFile(inp));
    Result<std::vector<std::vector<int32_t>>> expected = parseVocabTestOutput(readFile(out));
    ASSERT_TRUE(expected) << out << ": " << expected.message();
    ASSERT_EQ(texts.size(), expected->size()) << inp << " and " << out << " disagree on the number of tests";
    ASSERT_FALSE(texts.empty());

    size_t failures = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        const std::vector<int32_t> ids = vocab->tokenize(texts[i], false, false);
        if (ids != (*expected)[i]) {
            ++failures;
            ADD_FAILURE() << inp.filename() << " test " << i << " text '" << texts[i] << "'\n  expected:"
                          << formatVocabTestIds((*expected)[i]) << "\n  got:     " << formatVocabTestIds(ids);
        }
    }
    EXPECT_EQ(failures, 0u) << failures << " of " << texts.size() << " texts differ";
}

// Detokenizing gives the text back: exactly for BPE; for SPM the space prefix is removed again, so the same
// holds (the test texts contain no special-token texts for SPM vocabularies that would eat whitespace).
TEST_P(TokenizerVectors, DetokenizeRoundTrip) {
    SKIP_WITHOUT_SHARED();
    const fs::path model = vocabDir() / ("ggml-vocab-" + std::string(GetParam().vocab) + ".gguf");
    std::optional<Vocab> vocab = loadVocab(model);
    ASSERT_TRUE(vocab);
    if (vocab->type() == VocabType::Wpm) {
        GTEST_SKIP() << "WordPiece lower-cases, drops accents and spaces: not reversible";
    }
    for (const std::string& text : parseVocabTestInput(readFile(model.string() + GetParam().suffix))) {
        const std::vector<int32_t> ids = vocab->tokenize(text, false, false);
        EXPECT_EQ(vocab->detokenize(ids), text) << "ids:" << formatVocabTestIds(ids);
    }
}

const VectorCase kVectorCases[] = {
    {"llama-spm", ".inp"},      {"llama-spm", ".extra.inp"},      {"phi-3", ".inp"},
    {"phi-3", ".extra.inp"},    {"llama-bpe", ".inp"},            {"llama-bpe", ".extra.inp"},
    {"qwen2", ".inp"},          {"qwen2", ".extra.inp"},          {"gpt-2", ".inp"},
    {"gpt-2", ".extra.inp"},    {"deepseek-llm", ".inp"},         {"deepseek-llm", ".extra.inp"},
    {"deepseek-coder", ".inp"}, {"deepseek-coder", ".extra.inp"}, {"falcon", ".inp"},
    {"falcon", ".extra.inp"},   {"mpt", ".inp"},                  {"mpt", ".extra.inp"},
    {"starcoder", ".inp"},      {"starcoder", ".extra.inp"},      {"refact", ".inp"},
    {"refact", ".extra.inp"},   {"bert-bge", ".inp"},             {"bert-bge", ".extra.inp"},
};
INSTANTIATE_TEST_SUITE_P(Vocab, TokenizerVectors, testing::ValuesIn(kVectorCases), caseName);

// ---- Behaviour beyond the vectors ------------------------------------------------------------------------------

TEST(Tokenizer, SpecialTokensParsedOnlyWhenAsked) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> qwen = loadVocab(vocabDir() / "ggml-vocab-qwen2.gguf");
    ASSERT_TRUE(qwen);
    const int32_t imStart = qwen->findToken("<|im_start|>");
    ASSERT_NE(imStart, kNoToken);
    const std::vector<int32_t> parsed = qwen->tokenize("<|im_start|>user\nHi", false, true);
    ASSERT_FALSE(parsed.empty());
    EXPECT_EQ(parsed.front(), imStart);
    const std::vector<int32_t> plain = qwen->tokenize("<|im_start|>user\nHi", false, false);
    EXPECT_EQ(std::count(plain.begin(), plain.end(), imStart), 0);
    // Control tokens print only when asked.
    EXPECT_EQ(qwen->tokenToPiece(imStart), "");
    EXPECT_EQ(qwen->tokenToPiece(imStart, true), "<|im_start|>");
    EXPECT_EQ(qwen->detokenize(parsed, false, true), "<|im_start|>user\nHi");
}

TEST(Tokenizer, EndOfGenerationTokens) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> qwen = loadVocab(vocabDir() / "ggml-vocab-qwen2.gguf");
    std::optional<Vocab> llama3 = loadVocab(vocabDir() / "ggml-vocab-llama-bpe.gguf");
    std::optional<Vocab> phi3 = loadVocab(vocabDir() / "ggml-vocab-phi-3.gguf");
    ASSERT_TRUE(qwen && llama3 && phi3);
    EXPECT_EQ(qwen->eos(), 151645);
    EXPECT_TRUE(qwen->isEog(qwen->findToken("<|im_end|>")));
    EXPECT_TRUE(qwen->isEog(qwen->findToken("<|endoftext|>")));
    EXPECT_FALSE(qwen->isEog(qwen->findToken("<|im_start|>")));
    EXPECT_FALSE(qwen->addBos());
    EXPECT_EQ(llama3->bos(), 128000);
    EXPECT_EQ(llama3->eot(), llama3->findToken("<|eot_id|>"));
    EXPECT_TRUE(llama3->isEog(128001));
    EXPECT_TRUE(llama3->isEog(llama3->findToken("<|eot_id|>")));
    EXPECT_TRUE(llama3->addBos());  // the Llama-3 pre-tokenizer's default
    EXPECT_EQ(phi3->eot(), phi3->findToken("<|end|>"));
    EXPECT_TRUE(phi3->isEog(phi3->findToken("<|end|>")));
    EXPECT_FALSE(phi3->isEog(kNoToken));
    EXPECT_FALSE(phi3->isEog(phi3->nTokens()));
    // BOS is added only with addSpecial.
    EXPECT_EQ(llama3->tokenize("Hi", true, false).front(), 128000);
    EXPECT_NE(llama3->tokenize("Hi", false, false).front(), 128000);
    EXPECT_FALSE(llama3->chatTemplate().empty());
}

TEST(Tokenizer, SpmPiecesAndSpacePrefix) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> spm = loadVocab(vocabDir() / "ggml-vocab-llama-spm.gguf");
    ASSERT_TRUE(spm);
    EXPECT_EQ(spm->type(), VocabType::Spm);
    EXPECT_TRUE(spm->addSpacePrefix());
    const std::vector<int32_t> ids = spm->tokenize("Hello world", true, false);
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids.front(), spm->bos());
    EXPECT_EQ(spm->tokenToPiece(ids[1]), " Hello");
    EXPECT_EQ(spm->detokenize(ids, true), " Hello world");  // llama.cpp keeps the prefix after a removed BOS
    EXPECT_EQ(spm->detokenize(std::span(ids).subspan(1)), "Hello world");
    EXPECT_EQ(spm->newline(), spm->findToken("<0x0A>"));
    EXPECT_EQ(spm->tokenToPiece(spm->findToken("<0x0A>")), "\n");
    // Out-of-range ids decode to nothing instead of crashing.
    EXPECT_EQ(spm->tokenToPiece(-5), "");
    EXPECT_EQ(spm->tokenToPiece(spm->nTokens()), "");
}

// A 3-byte and a 4-byte character that stories260K's 512-token vocabulary only has as <0xXX> byte tokens are
// streamed token by token: nothing printed is a broken character, and the whole text comes out.
TEST(Tokenizer, Utf8StreamJoinsCharactersSplitOverTokens) {
    const fs::path model = sharedDir() / "models" / "stories260K.gguf";
    if (!fs::exists(model)) {
        GTEST_SKIP() << model << " not found (HEARTH_SHARED_DIR)";
    }
    std::optional<Vocab> vocab = loadVocab(model);
    ASSERT_TRUE(vocab);
    const std::string text = "Tim saw \xE4\xB8\xAD and a \xF0\x9F\xA6\x99.";  // U+4E2D, U+1F999
    const std::vector<int32_t> ids = vocab->tokenize(text, false, false);
    size_t byteTokens = 0;
    for (int32_t id : ids) {
        byteTokens += vocab->tokenType(id) == TokenType::Byte ? 1 : 0;
    }
    EXPECT_GE(byteTokens, 7u) << "the test needs the two characters to be spelled in byte tokens";

    Utf8Stream stream;
    std::string printed;
    for (int32_t id : ids) {
        const std::string chunk = stream.push(vocab->tokenToPiece(id));
        EXPECT_EQ(chunk.find("\xEF\xBF\xBD"), std::string::npos) << "token " << id << " printed a replacement";
        // Every chunk is whole characters: decoding it alone gives no replacement character.
        for (uint32_t cpt : unicode::decodeUtf8(chunk)) {
            EXPECT_NE(cpt, unicode::kReplacementChar);
        }
        printed += chunk;
    }
    printed += stream.flush();
    EXPECT_EQ(printed, " " + text);  // SPM's space prefix, as the piece of the first token
}

TEST(Utf8Stream, HoldsBackIncompleteAndReplacesInvalid) {
    Utf8Stream stream;
    EXPECT_EQ(stream.push("a\xE2\x82"), "a");  // € = E2 82 AC split after two bytes
    EXPECT_TRUE(stream.pending());
    EXPECT_EQ(stream.push("\xAC"), "\xE2\x82\xAC");
    EXPECT_EQ(stream.push("\xF0"), "");          // 🦙 = F0 9F A6 99, one byte at a time
    EXPECT_EQ(stream.push("\x9F"), "");
    EXPECT_EQ(stream.push("\xA6"), "");
    EXPECT_EQ(stream.push("\x99!"), "\xF0\x9F\xA6\x99!");
    EXPECT_FALSE(stream.pending());
    EXPECT_EQ(stream.flush(), "");

    EXPECT_EQ(stream.push("\xFF"), "\xEF\xBF\xBD");          // never valid
    EXPECT_EQ(stream.push("\xE2(x"), "\xEF\xBF\xBD(x");     // lead byte followed by a non-continuation
    EXPECT_EQ(stream.push("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    EXPECT_EQ(stream.push("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate U+D800
    EXPECT_EQ(stream.push("\xF0\x9F"), "");
    EXPECT_EQ(stream.flush(), "\xEF\xBF\xBD");  // unfinished at the end
    EXPECT_FALSE(stream.pending());
}

TEST(Unicode, ByteLevelAlphabetIsABijection) {
    for (int b = 0; b < 256; ++b) {
        EXPECT_EQ(unicode::codepointToByte(unicode::byteToCodepoint(static_cast<uint8_t>(b))), b);
    }
    EXPECT_EQ(unicode::byteToCodepoint(' '), 0x120u);  // 'Ġ'
    EXPECT_EQ(unicode::byteToCodepoint('\n'), 0x10Au);  // 'Ċ'
    EXPECT_EQ(unicode::byteToCodepoint('A'), uint32_t('A'));
    EXPECT_EQ(unicode::codepointToByte(0x4E00), -1);
}

TEST(VocabTestFormat, ParsesInputAndFormatsIds) {
    const std::vector<std::string> texts =
        parseVocabTestInput("Hello\n__ggml_vocab_test__\n\n__ggml_vocab_test__\n a\nb\n__ggml_vocab_test__\n");
    ASSERT_EQ(texts.size(), 3u);
    EXPECT_EQ(texts[0], "Hello");
    EXPECT_EQ(texts[1], "");
    EXPECT_EQ(texts[2], " a\nb");
    const std::vector<int32_t> ids = {15043, 0, 3186};
    EXPECT_EQ(formatVocabTestIds(ids), " 15043 0 3186");
    EXPECT_EQ(formatVocabTestIds({}), "");
    Result<std::vector<std::vector<int32_t>>> parsed = parseVocabTestOutput(" 15043 0 3186\n\n 7\n");
    ASSERT_TRUE(parsed) << parsed.message();
    ASSERT_EQ(parsed->size(), 3u);
    EXPECT_EQ((*parsed)[0], ids);
    EXPECT_TRUE((*parsed)[1].empty());
    EXPECT_FALSE(parseVocabTestOutput(" 12 x3\n"));
}

// ---- WordPiece ----------------------------------------------------------------------------------------------------

// addSpecial wraps the ids in [CLS] ... [SEP] (llama-embedding's input); pieces carry the word-start space.
TEST(WordPiece, ClsSepAndPieces) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> bert = loadVocab(vocabDir() / "ggml-vocab-bert-bge.gguf");
    ASSERT_TRUE(bert);
    EXPECT_EQ(bert->type(), VocabType::Wpm);
    EXPECT_EQ(bert->model(), "bert");
    EXPECT_EQ(bert->bos(), 101);  // [CLS]
    EXPECT_EQ(bert->sep(), 102);
    EXPECT_EQ(bert->unk(), 100);
    // The ids of ../shared/conformance/ref/arch-bert.texts.json (llama-embedding's tokenization).
    EXPECT_EQ(bert->tokenize("Hello world", true, true), (std::vector<int32_t>{101, 7592, 2088, 102}));
    EXPECT_EQ(bert->tokenize("what is the capital of France? Paris.", true, true),
              (std::vector<int32_t>{101, 2054, 2003, 1996, 3007, 1997, 2605, 1029, 3000, 1012, 102}));
    EXPECT_EQ(bert->tokenize("llama.cpp computes sentence embeddings with mean pooling!", true, true),
              (std::vector<int32_t>{101, 2222, 8067, 1012, 18133, 2361, 24134, 2015, 6251, 7861, 8270, 4667, 2015,
                                    2007, 2812, 4770, 2075, 999, 102}));
    EXPECT_EQ(bert->tokenize("", true, true), (std::vector<int32_t>{101, 102}));
    // Special texts only with parseSpecial.
    EXPECT_EQ(bert->tokenize("[CLS] hi", false, true).front(), 101);
    EXPECT_NE(bert->tokenize("[CLS] hi", false, false).front(), 101);
    // Lower-cased, accents dropped: "Héllo" and "hello" are the same ids; a continuation piece has no space.
    EXPECT_EQ(bert->tokenize("H\xC3\xA9llo", false, false), bert->tokenize("hello", false, false));
    EXPECT_EQ(bert->tokenToPiece(7592), " hello");
    EXPECT_EQ(bert->detokenize(bert->tokenize("Hello world", false, false)), "hello world");
}

TEST(WordPiece, PreTokenizerSplitsPunctuationAndCjk) {
    EXPECT_EQ(wpmWords("Hello, World!  caf\xC3\xA9"),
              (std::vector<std::string>{"hello", ",", "world", "!", "cafe"}));
    EXPECT_EQ(wpmWords("\xE4\xBD\xA0\xE5\xA5\xBD" "ab"),  // two CJK ideographs, then Latin
              (std::vector<std::string>{"\xE4\xBD\xA0", "\xE5\xA5\xBD", "ab"}));
    EXPECT_EQ(wpmWords(std::string("a\0b\x01 \t\n", 7)), (std::vector<std::string>{"ab"}));
    EXPECT_TRUE(wpmWords(" \t ").empty());
}

// A word no sequence of tokens covers is one [UNK]; the words around it are unaffected.
TEST(WordPiece, UncoverableWordIsUnknown) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> bert = loadVocab(vocabDir() / "ggml-vocab-bert-bge.gguf");
    ASSERT_TRUE(bert);
    const std::vector<int32_t> ids = bert->tokenize("hello \xF0\x9F\xA6\x99x world", false, false);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[0], 7592);
    EXPECT_EQ(ids[1], 100);
    EXPECT_EQ(ids[2], 2088);
}

// ---- Behaviour beyond the vectors, per vocabulary -----------------------------------------------------------------

class VocabBehaviour : public testing::TestWithParam<const char*> {};

// Text with control tokens written out tokenizes (parseSpecial) to those tokens, and detokenizes (unparseSpecial)
// to the same text (SPM: plus the space it prefixes to the text after each special token).
TEST_P(VocabBehaviour, ControlTokensRoundTrip) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> vocab = loadVocab(vocabDir() / ("ggml-vocab-" + std::string(GetParam()) + ".gguf"));
    ASSERT_TRUE(vocab);
    std::string text = "Hi";
    std::string expected = "Hi";
    std::vector<int32_t> controls;
    for (int32_t id = 0; id < vocab->nTokens() && controls.size() < 40; ++id) {
        if (vocab->tokenType(id) == TokenType::Control) {
            const std::string name(vocab->tokenText(id));
            text += name + "x y\n";
            expected += name + (vocab->type() == VocabType::Spm ? " x y\n" : "x y\n");
            controls.push_back(id);
        }
    }
    ASSERT_FALSE(controls.empty());
    const std::vector<int32_t> ids = vocab->tokenize(text, false, true);
    for (int32_t id : controls) {
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << "control token " << id << " not parsed";
    }
    // (WordPiece text does not come back: it is lower-cased and split into words.)
    const bool reversible = vocab->type() != VocabType::Wpm;
    if (reversible) {
        EXPECT_EQ(vocab->detokenize(ids, false, true), expected);
    }
    // Without parseSpecial the same text is plain text: no control token, and it comes back as it was.
    const std::vector<int32_t> plain = vocab->tokenize(text, false, false);
    for (int32_t id : plain) {
        EXPECT_FALSE(vocab->isControl(id)) << id;
    }
    if (reversible) {
        EXPECT_EQ(vocab->detokenize(plain), text);
    }
}

// Invalid UTF-8, NUL bytes, long runs and token look-alikes neither crash nor hang, and give valid ids.
TEST_P(VocabBehaviour, OddInputGivesValidIds) {
    SKIP_WITHOUT_SHARED();
    std::optional<Vocab> vocab = loadVocab(vocabDir() / ("ggml-vocab-" + std::string(GetParam()) + ".gguf"));
    ASSERT_TRUE(vocab);
    const std::string odd[] = {
        std::string("a\0b", 3),
        "\xFF\xFE broken \xE2\x82 utf8 \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80",
        std::string(20000, ' ') + "x" + std::string(20000, '\n'),
        std::string(20000, 'a') + std::string(5000, '7') + std::string(3000, '!'),
        "\xE2\x96\x81\xE2\x96\x81 <0x41> <s> </s> [EMPTY_0]",
    };
    for (const std::string& input : odd) {
        for (bool parseSpecial : {false, true}) {
            const std::vector<int32_t> ids = vocab->tokenize(input, true, parseSpecial);
            EXPECT_FALSE(ids.empty());
            for (int32_t id : ids) {
                ASSERT_TRUE(vocab->valid(id));
            }
            const bool validUtf8 = input.find('\xFF') == std::string::npos;
            if (vocab->type() == VocabType::Bpe && !parseSpecial && validUtf8) {
                EXPECT_EQ(vocab->detokenize(ids, true), input);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Vocab, VocabBehaviour,
                         testing::Values("llama-spm", "phi-3", "llama-bpe", "qwen2", "gpt-2", "deepseek-llm",
                                         "deepseek-coder", "falcon", "mpt", "starcoder", "refact", "bert-bge"),
                         [](const testing::TestParamInfo<const char*>& info) {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

// ---- Malformed vocabularies --------------------------------------------------------------------------------------

// Builds a GGUF v3 file with metadata only.
class GgufBuilder {
public:
    GgufBuilder& str(std::string_view key, std::string_view value) {
        kv(key, 8);
        string(value);
        return *this;
    }
    GgufBuilder& u32(std::string_view key, uint32_t value) {
        kv(key, 4);
        pod(value);
        return *this;
    }
    GgufBuilder& boolean(std::string_view key, bool value) {
        kv(key, 7);
        pod(static_cast<uint8_t>(value));
        return *this;
    }
    GgufBuilder& strings(std::string_view key, const std::vector<std::string>& values) {
        kv(key, 9);
        pod(uint32_t{8});
        pod(uint64_t{values.size()});
        for (const std::string& value : values) {
            string(value);
        }
        return *this;
    }
    GgufBuilder& floats(std::string_view key, const std::vector<float>& values) {
        kv(key, 9);
        pod(uint32_t{6});
        pod(uint64_t{values.size()});
        for (float value : values) {
            pod(value);
        }
        return *this;
    }
    GgufBuilder& ints(std::string_view key, const std::vector<int32_t>& values) {
        kv(key, 9);
        pod(uint32_t{5});
        pod(uint64_t{values.size()});
        for (int32_t value : values) {
            pod(value);
        }
        return *this;
    }
    std::vector<uint8_t> bytes() const {
        std::vector<uint8_t> out = {'G', 'G', 'U', 'F', 3, 0, 0, 0};
        const uint64_t nTensors = 0;
        out.insert(out.end(), reinterpret_cast<const uint8_t*>(&nTensors),
                   reinterpret_cast<const uint8_t*>(&nTensors) + 8);
        out.insert(out.end(), reinterpret_cast<const uint8_t*>(&nKv_), reinterpret_cast<const uint8_t*>(&nKv_) + 8);
        out.insert(out.end(), body_.begin(), body_.end());
        while (out.size() % 32 != 0) {
            out.push_back(0);
        }
        return out;
    }

private:
    template <class T>
    void pod(T value) {
        const auto* p = reinterpret_cast<const uint8_t*>(&value);
        body_.insert(body_.end(), p, p + sizeof(T));
    }
    void string(std::string_view s) {
        pod(uint64_t{s.size()});
        body_.insert(body_.end(), s.begin(), s.end());
    }
    void kv(std::string_view key, uint32_t type) {
        ++nKv_;
        string(key);
        pod(type);
    }
    std::vector<uint8_t> body_;
    uint64_t nKv_ = 0;
};

// A small valid SPM vocabulary: <unk> <s> </s>, 256 byte tokens, "▁a", "a", "▁".
GgufBuilder tinySpm(size_t nScores = 262, uint32_t bos = 1) {
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<int32_t> types = {2, 3, 3};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        tokens.emplace_back(name);
        types.push_back(6);
    }
    tokens.emplace_back("\xE2\x96\x81" "a");
    tokens.emplace_back("a");
    tokens.emplace_back("\xE2\x96\x81");
    types.push_back(1);
    types.push_back(1);
    types.push_back(1);
    GgufBuilder builder;
    builder.str("general.architecture", "llama")
        .str("tokenizer.ggml.model", "llama")
        .strings("tokenizer.ggml.tokens", tokens)
        .floats("tokenizer.ggml.scores", std::vector<float>(nScores, 0.0f))
        .ints("tokenizer.ggml.token_type", types)
        .u32("tokenizer.ggml.bos_token_id", bos)
        .u32("tokenizer.ggml.padding_token_id", 0xFFFFFFFFu);  // "none", as in stories260K
    return builder;
}

Result<Vocab> vocabFromBytes(const std::vector<uint8_t>& bytes) {
    Result<std::unique_ptr<GgufFile>> file = GgufFile::parse(bytes);
    if (!file) {
        return Error{"GGUF: " + file.message()};
    }
    return Vocab::fromGguf(*file.value());
}

TEST(VocabErrors, TinyVocabularyLoadsAndFallsBackToBytes) {
    const std::vector<uint8_t> bytes = tinySpm().bytes();
    Result<Vocab> vocab = vocabFromBytes(bytes);
    ASSERT_TRUE(vocab) << vocab.message();
    EXPECT_EQ(vocab->nTokens(), 262);
    EXPECT_EQ(vocab->pad(), kNoToken);
    // "a b": "▁a" and "▁" are tokens, "b" is not and falls back to its byte token.
    const std::vector<int32_t> ids = vocab->tokenize("a b", true, false);
    const std::vector<int32_t> expected = {1, 259, 261, 3 + 'b'};
    EXPECT_EQ(ids, expected);
    EXPECT_EQ(vocab->detokenize(std::span(ids).subspan(1)), "a b");
}

TEST(VocabErrors, MismatchedArrayLengthsAreAnError) {
    const std::vector<uint8_t> bytes = tinySpm(/*nScores=*/100).bytes();
    Result<Vocab> vocab = vocabFromBytes(bytes);
    ASSERT_FALSE(vocab);
    EXPECT_NE(vocab.message().find("tokenizer.ggml.scores"), std::string::npos) << vocab.message();
}

TEST(VocabErrors, OutOfRangeBosIsAnError) {
    const std::vector<uint8_t> bytes = tinySpm(262, /*bos=*/70000).bytes();
    Result<Vocab> vocab = vocabFromBytes(bytes);
    ASSERT_FALSE(vocab);
    EXPECT_NE(vocab.message().find("bos_token_id"), std::string::npos) << vocab.message();
}

// A tiny WordPiece vocabulary with its special ids in the metadata (not at BERT's default ids).
TEST(VocabErrors, TinyWordPieceVocabularyUsesMetadataIds) {
    Result<Vocab> bert = vocabFromBytes(GgufBuilder()
                                            .str("tokenizer.ggml.model", "bert")
                                            .strings("tokenizer.ggml.tokens",
                                                     {"[UNK]", "\xE2\x96\x81hi", "\xE2\x96\x81the", "re", "[CLS]",
                                                      "[SEP]"})
                                            .u32("tokenizer.ggml.unknown_token_id", 0)
                                            .u32("tokenizer.ggml.cls_token_id", 4)
                                            .u32("tokenizer.ggml.seperator_token_id", 5)
                                            .bytes());
    ASSERT_TRUE(bert) << bert.message();
    EXPECT_EQ(bert->tokenize("Hi there xyz", true, false), (std::vector<int32_t>{4, 1, 2, 3, 0, 5}));
    EXPECT_EQ(bert->tokenize("Hi there xyz", false, false), (std::vector<int32_t>{1, 2, 3, 0}));
}

TEST(VocabErrors, MissingOrUnsupportedTokenizerIsAnError) {
    Result<Vocab> none = vocabFromBytes(GgufBuilder().str("general.architecture", "llama").bytes());
    ASSERT_FALSE(none);
    EXPECT_NE(none.message().find("tokenizer.ggml.model"), std::string::npos) << none.message();

    Result<Vocab> ugm = vocabFromBytes(
        GgufBuilder().str("tokenizer.ggml.model", "t5").strings("tokenizer.ggml.tokens", {"[PAD]"}).bytes());
    ASSERT_FALSE(ugm);
    EXPECT_NE(ugm.message().find("'t5'"), std::string::npos) << ugm.message();

    Result<Vocab> noMerges =
        vocabFromBytes(GgufBuilder().str("tokenizer.ggml.model", "gpt2").strings("tokenizer.ggml.tokens", {"a"}).bytes());
    ASSERT_FALSE(noMerges);
    EXPECT_NE(noMerges.message().find("merges"), std::string::npos) << noMerges.message();

    Result<Vocab> badPre = vocabFromBytes(GgufBuilder()
                                              .str("tokenizer.ggml.model", "gpt2")
                                              .str("tokenizer.ggml.pre", "no-such-pre")
                                              .strings("tokenizer.ggml.tokens", {"a", "b", "ab"})
                                              .strings("tokenizer.ggml.merges", {"a b"})
                                              .bytes());
    ASSERT_FALSE(badPre);
    EXPECT_NE(badPre.message().find("no-such-pre"), std::string::npos) << badPre.message();

    Result<Vocab> wrongType = vocabFromBytes(GgufBuilder()
                                                 .str("tokenizer.ggml.model", "llama")
                                                 .str("tokenizer.ggml.tokens", "not an array")
                                                 .bytes());
    ASSERT_FALSE(wrongType);
    EXPECT_NE(wrongType.message().find("tokenizer.ggml.tokens"), std::string::npos) << wrongType.message();
}

TEST(VocabErrors, TinyBpeVocabularyWorksWithOddMerges) {
    // Merges without a separator, duplicates and a token-type array of the wrong length.
    const auto builder = [](std::vector<int32_t> types) {
        return GgufBuilder()
            .str("tokenizer.ggml.model", "gpt2")
            .str("tokenizer.ggml.pre", "gpt-2")
            .strings("tokenizer.ggml.tokens", {"a", "b", "ab", "\xC4\xA0", "\xC4\xA0" "ab"})
            .strings("tokenizer.ggml.merges", {"nospace", "a b", "a b", "\xC4\xA0 ab"})
            .ints("tokenizer.ggml.token_type", types)
            .bytes();
    };
    Result<Vocab> vocab = vocabFromBytes(builder({1, 1, 1, 1, 1}));
    ASSERT_TRUE(vocab) << vocab.message();
    const std::vector<int32_t> expected = {2, 4, 0};
    EXPECT_EQ(vocab->tokenize("ab aba", false, false), expected);
    EXPECT_EQ(vocab->detokenize(expected), "ab aba");
    EXPECT_EQ(vocab->tokenize("xyz", false, false), std::vector<int32_t>{});  // unknown bytes are dropped
    EXPECT_FALSE(vocabFromBytes(builder({1, 1})));
}

}  // namespace
}  // namespace hearth::engine
