// hearth-cli embed: the embedding of a text by an embedding model (bert, nomic-bert), as llama.cpp's llama-embedding
// computes it: tokenized with [CLS] ... [SEP], pooled as the model's pooling type says, L2-normalised unless --raw.
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "engine/embedding.h"

namespace hearth::cli {
namespace {

const char* poolingName(engine::Pooling p) {
    switch (p) {
    case engine::Pooling::None: return "none";
    case engine::Pooling::Mean: return "mean";
    case engine::Pooling::Cls: return "cls";
    case engine::Pooling::Last: return "last";
    case engine::Pooling::Rank: return "rank";
    }
    return "?";
}

}  // namespace

int cmdEmbed(const Args& args) {
    auto text = args.required("--text");
    if (!text) return fail(text.message());
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return fail(threads.message());
    const bool raw = args.has("--raw");

    auto loaded = loadModel(args);
    if (!loaded) return fail(loaded.message());
    const engine::Model& model = *loaded->model;
    auto embedder = engine::Embedder::create(model, engine::EmbedParams{.nThreads = int(*threads)});
    if (!embedder) return fail(*args.value("-m") + ": " + embedder.message());

    const std::vector<int32_t> tokens = loaded->vocab.tokenize(*text, /*addSpecial=*/true, /*parseSpecial=*/true);
    auto embedding = (*embedder)->embed(tokens, /*normalize=*/!raw);
    if (!embedding) return fail(embedding.message());
    const int64_t n = int64_t(embedding->size());

    if (args.has("--json")) {
        JsonWriter json;
        json.beginObject().field("n_embd", n).key("embedding").beginArray();
        for (float v : *embedding) json.value(v);
        json.endArray()
            .field("n_tokens", int64_t(tokens.size()))
            .field("pooling", poolingName((*embedder)->pooling()))
            .field("normalized", !raw)
            .endObject();
        std::printf("%s\n", json.str().c_str());
        return 0;
    }
    double norm = 0;
    for (float v : *embedding) norm += double(v) * v;
    std::string head;
    for (int64_t i = 0; i < std::min<int64_t>(n, 8); ++i) head += fmt::format(" {:.6f}", (*embedding)[size_t(i)]);
    std::printf("%lld dimensions, %s pooling over %zu tokens, %s (norm %.6f)\n%s%s\n", static_cast<long long>(n),
                poolingName((*embedder)->pooling()), tokens.size(), raw ? "raw" : "L2-normalised", std::sqrt(norm),
                head.c_str(), n > 8 ? " ..." : "");
    return 0;
}

}  // namespace hearth::cli
