// Microbenchmark of attention over the KV cache by cache type (engine/ops.h attentionKvHeadTile); not part of
// ctest. TinyLlama-1.1B's attention shape (32 heads, 4 KV heads, head_dim 64, 22 layers):
//   tg: one query token against nKeys keys in every layer (the KV cache streams from memory at long contexts),
//   pp: the 8-token tiles of a prompt of nKeys tokens in one layer (compute-bound).
// Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so other processes on a shared machine disturb them
// less than wall time; the best of the repetitions is printed.
//
// Built with the tests (target kv_bench, bin/kv_bench), never run by ctest.
// Run: kv_bench [repetitions] [head_dim (default 64; another value also sets 8 KV heads, like Llama 7-8B)]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/ops.h"

using namespace hearth::engine;

namespace {

double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

constexpr int64_t kLayers = 22;
AttentionShape kShape{.nHead = 32, .nHeadKv = 4, .headDim = 64, .headDimV = 64, .scale = 0.125f};

struct Times {
    double tgMs = 0;  // one generated token, all layers
    double ppMs = 0;  // a whole prompt, one layer
};

Times measure(KvType type, int64_t nKeys, int reps) {
    const int64_t kvDim = kShape.nHeadKv * kShape.headDim;
    const int64_t qDim = kShape.nHead * kShape.headDim;
    const int64_t outDim = kShape.nHead * kShape.headDimV;
    auto cache = KvCache::create(kLayers, nKeys + kAttentionTileTokens, kvDim, kvDim, type, kShape.nHeadKv);
    if (!cache) {
        std::fprintf(stderr, "%s\n", cache.message().c_str());
        std::exit(1);
    }
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.f, 1.f);
    std::vector<float> k(static_cast<size_t>(kvDim)), v(static_cast<size_t>(kvDim));
    for (int64_t l = 0; l < kLayers; ++l) {
        for (int64_t p = 0; p < nKeys + kAttentionTileTokens; ++p) {
            for (float& x : k) x = normal(rng);
            for (float& x : v) x = normal(rng);
            (*cache)->store(l, p, k.data(), v.data());
        }
    }
    (*cache)->setSize(nKeys + kAttentionTileTokens);
    std::vector<float> q(static_cast<size_t>(kAttentionTileTokens * qDim));
    for (float& x : q) x = normal(rng);
    std::vector<float> out(static_cast<size_t>(kAttentionTileTokens * outDim));
    std::vector<float> scratch(static_cast<size_t>(attentionTileScratchFloats(kShape)));
    const int64_t group = kShape.group();

    Times best{1e30, 1e30};
    for (int r = 0; r < reps; ++r) {
        double t0 = threadSeconds();
        for (int64_t l = 0; l < kLayers; ++l) {
            for (int64_t g = 0; g < kShape.nHeadKv; ++g) {
                attentionKvHeadTile(**cache, l, nKeys, 1, kShape, g, q.data() + g * group * kShape.headDim, qDim,
                                    out.data() + g * group * kShape.headDimV, outDim, scratch.data());
            }
        }
        best.tgMs = std::min(best.tgMs, 1e3 * (threadSeconds() - t0));
        t0 = threadSeconds();
        for (int64_t t = 0; t < nKeys; t += kAttentionTileTokens) {
            const int64_t nTok = std::min(kAttentionTileTokens, nKeys - t);
            for (int64_t g = 0; g < kShape.nHeadKv; ++g) {
                attentionKvHeadTile(**cache, 0, t + 1, nTok, kShape, g, q.data() + g * group * kShape.headDim, qDim,
                                    out.data() + g * group * kShape.headDimV, outDim, scratch.data());
            }
        }
        best.ppMs = std::min(best.ppMs, 1e3 * (threadSeconds() - t0));
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const int reps = argc > 1 ? std::atoi(argv[1]) : 5;
    if (argc > 2) {  // another head size, e.g. 128 (Llama-2/3 7-8B): 8 KV heads of it
        kShape.headDim = kShape.headDimV = std::atoi(argv[2]);
        kShape.nHeadKv = 8;
    }
    std::printf("%-6s %7s %14s %12s %16s\n", "kv", "n_keys", "tg ms/token", "KV MB/token", "pp ms/prompt(1L)");
    for (int64_t nKeys : {512, 2048}) {
        for (KvType type : {KvType::F16, KvType::Q8_0}) {
            const Times t = measure(type, nKeys, reps);
            const uint64_t rowBytes = hearth::kernels::rowBytes(kvGgmlType(type), uint64_t(kShape.nHeadKv * kShape.headDim));
            const double kvBytes = double(kLayers) * double(nKeys) * 2.0 * double(rowBytes);  // K and V, all layers
            std::printf("%-6s %7lld %14.3f %12.2f %16.2f\n", std::string(kvTypeName(type)).c_str(),
                        (long long)nKeys, t.tgMs, kvBytes / 1e6, t.ppMs);
        }
    }
    return 0;
}
