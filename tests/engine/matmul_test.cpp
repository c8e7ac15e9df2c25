// matmulGroup (several weights over one input in one dispatch) gives exactly the results of separate matmul calls,
// for every thread count, on the tile path (Q4_0, Q8_0, F16), the per-row path (exact mode) and with prompt-sized
// batches; and prepareMatmulInput only moves work (the results stay the same).
#include "engine/matmul.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "kernels/dispatch.h"

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

}  // namespace
}  // namespace hearth::engine
