// matmulGroup (several weights over one input in one dispatch) gives exactly the results of separate matmul calls,
// for every thread count, on the tile path (Q4_0, Q8_0, F16), the per-row path (exact mode) and with prompt-sized
// batches; and prepareMatmulInput only moves work (the results stay the same). Weights repacked at load (the
// active ISA's repacked kernels) give the same products as the in-place ones, with row counts that end inside a
// row group and thread splits on group boundaries.
#include "engine/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

using kernels::GgmlType;

struct OwnedWeight {
    std::vector<uint8_t> bytes;
    Weight w;
};

OwnedWeight makeWeight(GgmlType type, int64_t nOut, int64_t nIn, std::mt19937& rng) {
    OwnedWeight o;
    std::normal_distribution<float> nd(0.0f, 1.0f);
    o.w.type = type;
    o.w.nIn = nIn;
    o.w.nOut = nOut;
    o.w.rowBytes = kernels::rowBytes(type, uint64_t(nIn));
    o.w.kernels = kernels::kernelsFor(type);
    o.bytes.resize(size_t(nOut) * o.w.rowBytes);
    std::vector<float> row(static_cast<size_t>(nIn));
    for (int64_t r = 0; r < nOut; ++r) {
        for (float& v : row) v = nd(rng);
        kernels::quantizeRow(type, row.data(), o.bytes.data() + size_t(r) * o.w.rowBytes, nIn);
    }
    o.w.data = o.bytes.data();
    return o;
}

TEST(Matmul, GroupEqualsSeparateCallsForEveryThreadCount) {
    const int64_t nIn = 512;
    for (const GgmlType type : {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::F16}) {
        std::mt19937 rng(uint32_t(type) + 5);
        // Row counts that are not multiples of the tiles, like q (large) next to k and v (small).
        OwnedWeight a = makeWeight(type, 70, nIn, rng), b = makeWeight(type, 9, nIn, rng),
                    c = makeWeight(type, 12, nIn, rng);
        for (const int64_t nTok : {1, 3, 13}) {
            std::normal_distribution<float> nd(0.0f, 1.0f);
            std::vector<float> x(size_t(nTok * nIn));
            for (float& v : x) v = nd(rng);
            for (const bool exact : {false, true}) {
                // Separate calls on one thread: the expected values.
                ThreadPool one(1);
                MatmulInput in;
                in.reset(x.data(), nTok, nIn);
                std::vector<float> ya(size_t(nTok * 70)), yb(size_t(nTok * 9)), yc(size_t(nTok * 12));
                matmul(one, a.w, in, ya.data(), exact);
                matmul(one, b.w, in, yb.data(), exact);
                matmul(one, c.w, in, yc.data(), exact);
                for (const int nThreads : {1, 2, 3}) {
                    ThreadPool pool(nThreads);
                    MatmulInput in2;
                    in2.reset(x.data(), nTok, nIn);
                    if (nThreads == 2) prepareMatmulInput(pool, a.w, in2, exact);
                    std::vector<float> ga(ya.size(), -1.f), gb(yb.size(), -1.f), gc(yc.size(), -1.f);
                    const MatmulOut outs[] = {{&a.w, ga.data()}, {&b.w, gb.data()}, {&c.w, gc.data()}};
                    matmulGroup(pool, outs, in2, exact);
                    const auto where = [&] {
                        return std::string(kernels::typeName(type)) + " nTok " + std::to_string(nTok) + " threads " +
                               std::to_string(nThreads) + (exact ? " exact" : " fast");
                    };
                    EXPECT_EQ(ga, ya) << where();
                    EXPECT_EQ(gb, yb) << where();
                    EXPECT_EQ(gc, yc) << where();
                }
            }
        }
    }
}

struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
};

// Gives o.w a repacked copy (as Model::load does), kept alive by the returned pointer; nullptr if the active ISA
// has no repacked kernels for the type.
std::unique_ptr<uint8_t[], FreeDeleter> repackInto(OwnedWeight& o) {
    const kernels::GemmKernels* g = kernels::repackedGemmFor(o.w.type);
    if (g == nullptr) return nullptr;
    const size_t bytes = size_t((o.w.nOut + g->rowGroup - 1) / g->rowGroup) * g->groupBytes(o.w.nIn);
    std::unique_ptr<uint8_t[], FreeDeleter> dst(static_cast<uint8_t*>(std::aligned_alloc(64, bytes)));
    g->repack(o.w.data, o.w.rowBytes, o.w.nOut, o.w.nIn, dst.get());
    o.w.repacked = g;
    o.w.repackedData = dst.get();
    return dst;
}

TEST(Matmul, RepackedWeightsGiveTheSameProducts) {
    const int64_t nIn = 1024;  // whole superblocks for the K-quants
    int tested = 0;
    for (const GgmlType type : {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
        std::mt19937 rng(uint32_t(type) + 11);
        OwnedWeight plain[3] = {makeWeight(type, 70, nIn, rng), makeWeight(type, 9, nIn, rng),
                                makeWeight(type, 48, nIn, rng)};
        OwnedWeight packed[3] = {plain[0], plain[1], plain[2]};
        std::unique_ptr<uint8_t[], FreeDeleter> keep[3];
        for (int i = 0; i < 3; ++i) {
            packed[i].w.data = packed[i].bytes.data();
            keep[i] = repackInto(packed[i]);
        }
        if (keep[0] == nullptr) continue;
        ++tested;
        for (const int64_t nTok : {1, 5, 37}) {
            std::normal_distribution<float> nd(0.0f, 1.0f);
            std::vector<float> x(size_t(nTok * nIn));
            for (float& v : x) v = nd(rng);
            ThreadPool one(1);
            MatmulInput in;
            in.reset(x.data(), nTok, nIn);
            std::vector<float> want[3], alone[3];
            for (int i = 0; i < 3; ++i) {
                want[i].resize(size_t(nTok * plain[i].w.nOut));
                alone[i].resize(want[i].size());
                matmul(one, plain[i].w, in, want[i].data(), false);
                matmul(one, packed[i].w, in, alone[i].data(), false);
                // The repacked kernels compute the same integer block sums; only the F32 summation order differs.
                for (size_t e = 0; e < want[i].size(); ++e) {
                    ASSERT_NEAR(alone[i][e], want[i][e], 1e-4f * (16.f + std::fabs(want[i][e])))
                        << kernels::typeName(type) << " weight " << i << " element " << e << " nTok " << nTok;
                }
            }
            for (const int nThreads : {1, 2, 3}) {
                ThreadPool pool(nThreads);
                MatmulInput in2;
                in2.reset(x.data(), nTok, nIn);
                std::vector<float> got[3];
                for (int i = 0; i < 3; ++i) got[i].assign(want[i].size(), -1.f);
                const MatmulOut outs[] = {{&packed[0].w, got[0].data()}, {&packed[1].w, got[1].data()},
                                          {&packed[2].w, got[2].data()}};
                matmulGroup(pool, outs, in2, false);
                for (int i = 0; i < 3; ++i) {
                    EXPECT_EQ(got[i], alone[i]) << kernels::typeName(type) << " weight " << i << " threads "
                                                << nThreads << " nTok " << nTok;
                }
            }
        }
    }
    if (tested == 0) GTEST_SKIP() << "the active ISA has no repacked kernels";
}

}  // namespace
}  // namespace hearth::engine
