// The forward-pass operations against plain textbook formulas: RoPE pairing and angles (incl. the scaling
// variants no conformance file exercises), attention's online softmax against a full softmax over several key
// blocks with GQA, RMSNorm, and the KV cache's F16 storage.
#include "engine/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "engine/kv_cache.h"

namespace hearth::engine {
namespace {

std::vector<float> values(size_t n, uint32_t seed) {
    std::vector<float> v(n);
    uint32_t s = seed * 747796405u + 2891336453u;
    for (float& x : v) {
        s = s * 1664525u + 1013904223u;
        x = float(s >> 8) / float(1u << 24) * 2.f - 1.f;
    }
    return v;
}

ModelConfig ropeConfig(int64_t nRot, float theta) {
    ModelConfig c;
    c.nRot = nRot;
    c.headDim = nRot;
    c.ropeTheta = theta;
    c.nCtxTrain = 4096;
    return c;
}

TEST(Ops, RmsNormMatchesFormula) {
    const std::vector<float> x = values(37, 1), w = values(37, 2);
    std::vector<float> out(37);
    rmsnorm(out.data(), x.data(), w.data(), 37, 1e-5f);
    double ss = 0;
    for (float v : x) ss += double(v) * v;
    const double scale = 1.0 / std::sqrt(ss / 37 + 1e-5);
    for (int i = 0; i < 37; ++i) EXPECT_NEAR(out[i], x[i] * scale * w[i], 1e-6);
}

TEST(Ops, RopeTableAnglesFollowTheBase) {
    const RopeTable table(ropeConfig(8, 10000.f), nullptr);
    std::vector<float> cs(4), sn(4);
    table.angles(7, cs.data(), sn.data());
    for (int i = 0; i < 4; ++i) {
        const double theta = 7 * std::pow(10000.0, -2.0 * i / 8);
        EXPECT_NEAR(cs[i], std::cos(theta), 1e-6);
        EXPECT_NEAR(sn[i], std::sin(theta), 1e-6);
    }
}

TEST(Ops, RopeScalingVariants) {
    const int64_t nRot = 64;
    const double base = 500000.0;
    auto angle = [&](const RopeTable& t, int64_t pos, int i) {
        std::vector<float> cs(size_t(nRot / 2)), sn(size_t(nRot / 2));
        t.angles(pos, cs.data(), sn.data());
        return std::atan2(double(sn[size_t(i)]), double(cs[size_t(i)]));
    };
    auto plain = [&](int64_t pos, int i) { return pos * std::pow(base, -2.0 * i / double(nRot)); };

    // Linear: every angle divided by the factor.
    ModelConfig lin = ropeConfig(nRot, float(base));
    lin.ropeScaling = RopeScaling::Linear;
    lin.ropeScaleFactor = 4.f;
    EXPECT_NEAR(angle(RopeTable(lin, nullptr), 3, 0), 3.0 / 4, 1e-6);
    EXPECT_NEAR(angle(RopeTable(lin, nullptr), 3, 5), plain(3, 5) / 4, 1e-6);

    // rope_freqs (Llama 3.1 files): angle i divided by factor i, and it wins over the scaling keys.
    std::vector<float> factors(size_t(nRot / 2), 1.f);
    factors[3] = 8.f;
    EXPECT_NEAR(angle(RopeTable(lin, factors.data()), 2, 3), plain(2, 3) / 8, 1e-6);
    EXPECT_NEAR(angle(RopeTable(lin, factors.data()), 2, 0), 2.0, 1e-6);

    // Llama 3: wavelengths shorter than orig_ctx / high_freq_factor keep their frequency, longer than
    // orig_ctx / low_freq_factor are divided by the factor.
    ModelConfig l3 = ropeConfig(nRot, float(base));
    l3.ropeScaling = RopeScaling::Llama3;
    l3.ropeScaleFactor = 8.f;
    l3.ropeOrigCtx = 8192;
    l3.ropeLowFreqFactor = 1.f;
    l3.ropeHighFreqFactor = 4.f;
    const RopeTable t3(l3, nullptr);
    EXPECT_NEAR(angle(t3, 1, 0), 1.0, 1e-6);                  // wavelength 2*pi: unchanged
    const double fLast = std::pow(base, -2.0 * 31 / 64);      // wavelength ~ 2*pi*4.2e5 > 8192: divided
    EXPECT_NEAR(angle(t3, 100, 31), std::remainder(100 * fLast / 8, 2 * std::numbers::pi), 1e-5);

    // YaRN: the fastest dims are extrapolated (unchanged), the slowest interpolated (/ factor); cos/sin are scaled
    // by 1 + 0.1 ln(factor).
    ModelConfig yarn = ropeConfig(nRot, 10000.f);
    yarn.ropeScaling = RopeScaling::Yarn;
    yarn.ropeScaleFactor = 4.f;
    yarn.ropeOrigCtx = 4096;
    const RopeTable ty(yarn, nullptr);
    std::vector<float> cs(32), sn(32);
    ty.angles(1, cs.data(), sn.data());
    EXPECT_NEAR(std::hypot(cs[0], sn[0]), 1.0 + 0.1 * std::log(4.0), 1e-6);
    EXPECT_NEAR(std::atan2(sn[0], cs[0]), 1.0, 1e-6);
    EXPECT_NEAR(std::atan2(sn[31], cs[31]), std::pow(10000.0, -62.0 / 64) / 4, 1e-9);
}

TEST(Ops, RopePairsNormAndNeox) {
    // One head of 8 dims, nRot 4 (partial rotary: dims 4..7 untouched), angle pi/2 on pair 0 and 0 on pair 1.
    const float cs[2] = {0.f, 1.f}, sn[2] = {1.f, 0.f};
    std::vector<float> norm = {1, 2, 3, 4, 5, 6, 7, 8};
    rope(norm.data(), 1, 8, 4, RopeStyle::Norm, cs, sn);
    // Norm rotates (0,1) by pi/2: (1,2) -> (-2,1); (2,3) by 0.
    EXPECT_EQ(norm, (std::vector<float>{-2, 1, 3, 4, 5, 6, 7, 8}));
    std::vector<float> neox = {1, 2, 3, 4, 5, 6, 7, 8};
    rope(neox.data(), 1, 8, 4, RopeStyle::Neox, cs, sn);
    // Neox rotates (0,2) by pi/2: (1,3) -> (-3,1); (1,3) by 0.
    EXPECT_EQ(neox, (std::vector<float>{-3, 2, 1, 4, 5, 6, 7, 8}));
}

TEST(Ops, SoftmaxSumsToOne) {
    std::vector<float> x = {1000.f, 1001.f, 999.f};  // large values: the maximum is subtracted first
    softmax(x.data(), 3);
    EXPECT_NEAR(x[0] + x[1] + x[2], 1.0, 1e-6);
    EXPECT_NEAR(x[1] / x[0], std::exp(1.0), 1e-4);
}

// Attention of one query token for every query head against a naive full softmax, with GQA, over more keys
// than one block of the online softmax, for both cache types.
TEST(Ops, AttentionMatchesFullSoftmax) {
    const AttentionShape shape{.nHead = 6, .nHeadKv = 2, .headDim = 16, .headDimV = 8, .scale = 0.25f};
    const int64_t nKeys = 150;  // 64-key blocks: two full and a partial one
    for (KvType type : {KvType::F32, KvType::F16}) {
        auto cache = KvCache::create(1, 200, shape.nHeadKv * shape.headDim, shape.nHeadKv * shape.headDimV, type);
        ASSERT_TRUE(cache.ok());
        std::vector<std::vector<float>> keys, vals;
        for (int64_t p = 0; p < nKeys; ++p) {
            keys.push_back(values(size_t(shape.nHeadKv * shape.headDim), uint32_t(100 + p)));
            vals.push_back(values(size_t(shape.nHeadKv * shape.headDimV), uint32_t(1000 + p)));
            for (float& v : keys.back()) v *= 3.f;  // spread the scores so the softmax is not flat
            (*cache)->store(0, p, keys.back().data(), vals.back().data());
        }
        (*cache)->setSize(nKeys);
        const std::vector<float> q = values(size_t(shape.nHead * shape.headDim), 7);
        std::vector<float> out(size_t(shape.nHead * shape.headDimV));
        std::vector<float> scratch(size_t(attentionScratchFloats(shape)));
        for (int64_t g = 0; g < shape.nHeadKv; ++g) {
            attentionKvHead(**cache, 0, nKeys, shape, g, q.data() + g * shape.group() * shape.headDim,
                            out.data() + g * shape.group() * shape.headDimV, scratch.data());
        }
        const double tol = type == KvType::F32 ? 1e-5 : 2e-3;
        for (int64_t h = 0; h < shape.nHead; ++h) {
            const int64_t kvh = h / (shape.nHead / shape.nHeadKv);  // README §8 GQA mapping
            std::vector<double> p(static_cast<size_t>(nKeys));
            double mx = -1e300, sum = 0;
            for (int64_t j = 0; j < nKeys; ++j) {
                double d = 0;
                for (int64_t i = 0; i < shape.headDim; ++i)
                    d += double(q[size_t(h * shape.headDim + i)]) * keys[size_t(j)][size_t(kvh * shape.headDim + i)];
                p[size_t(j)] = d * shape.scale;
                mx = std::max(mx, p[size_t(j)]);
            }
            for (double& v : p) sum += (v = std::exp(v - mx));
            for (int64_t i = 0; i < shape.headDimV; ++i) {
                double ref = 0;
                for (int64_t j = 0; j < nKeys; ++j)
                    ref += p[size_t(j)] / sum * vals[size_t(j)][size_t(kvh * shape.headDimV + i)];
                EXPECT_NEAR(out[size_t(h * shape.headDimV + i)], ref, tol) << "head " << h << " dim " << i;
            }
        }
    }
}

TEST(Ops, KvCacheStoresAndTruncates) {
    for (KvType type : {KvType::F32, KvType::F16}) {
        auto cache = KvCache::create(2, 4, 3, 2, type);
        ASSERT_TRUE(cache.ok());
        EXPECT_EQ((*cache)->bytes(), size_t(2 * 4 * 5 * (type == KvType::F32 ? 4 : 2)));
        const float k[3] = {1.5f, -2.25f, 1e-3f}, v[2] = {65504.f, -0.5f};
        (*cache)->store(1, 2, k, v);
        (*cache)->setSize(3);
        float kOut[2], vOut[1];
        (*cache)->loadKeys(1, 2, 1, 1, 2, kOut);  // elements 1..2 of position 2
        (*cache)->loadValues(1, 2, 1, 0, 1, vOut);
        EXPECT_EQ(kOut[0], -2.25f);
        EXPECT_NEAR(kOut[1], 1e-3f, type == KvType::F32 ? 0 : 1e-6);  // F16: nearest half
        EXPECT_EQ(vOut[0], 65504.f);
        (*cache)->setSize(1);
        EXPECT_EQ((*cache)->size(), 1);
        (*cache)->clear();
        EXPECT_EQ((*cache)->size(), 0);
    }
}

}  // namespace
}  // namespace hearth::engine
