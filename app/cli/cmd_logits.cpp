// hearth-cli logits: evaluate token ids as one batch on the engine's most exact path (F32 activations and F32
// KV cache, or the --kv-type given) and print every position's logits as JSON.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

namespace hearth::cli {
namespace {

Result<std::vector<int32_t>> parseTokens(const std::string& text) {
    std::vector<int32_t> ids;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        char* end = nullptr;
        const long long v = std::strtoll(word.c_str(), &end, 10);
        if (*end != '\0' || v < 0 || v > INT32_MAX) return Error{"--tokens: '" + word + "' is not a token id"};
        ids.push_back(int32_t(v));
    }
    if (ids.empty()) return Error{"--tokens: no token ids given"};
    return ids;
}

}  // namespace

int cmdLogits(const Args& args) {
    auto tokenText = args.required("--tokens");
    if (!tokenText) return fail(tokenText.message());
    auto tokens = parseTokens(*tokenText);
    if (!tokens) return fail(tokens.message());

    auto loaded = loadModel(args);
    if (!loaded) return fail(loaded.message());
    auto params = contextParams(args, *loaded->model);
    if (!params) return fail(params.message());
    params->exact = true;
    // The exact path keeps an F32 cache unless --kv-type asks for another (to see what the cache type alone does).
    if (!args.has("--kv-type")) params->kv = engine::KvType::F32;
    if (!args.has("--ctx")) params->nCtx = std::max<int>(params->nCtx, int(tokens->size()));

    auto ctx = engine::Context::create(*loaded->model, *params);
    if (!ctx) return fail(ctx.message());
    if (auto s = (*ctx)->eval(*tokens, /*allLogits=*/true); !s) return fail(s.message());

    // Written by hand rather than through JsonWriter: this can be millions of floats.
    const int nVocab = (*ctx)->nVocab();
    std::string out = fmt::format("{{\"n_vocab\":{},\"logits\":[", nVocab);
    for (int i = 0; i < (*ctx)->nLogits(); ++i) {
        const float* row = (*ctx)->logits(i);
        out += i ? ",[" : "[";
        for (int v = 0; v < nVocab; ++v) {
            if (v) out += ',';
            out += std::isfinite(row[v]) ? fmt::format("{}", row[v]) : std::string("null");
        }
        out += ']';
    }
    out += "]}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace hearth::cli
