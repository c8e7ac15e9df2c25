// The forward-pass operations against plain textbook formulas: RoPE pairing and angles (incl. the scaling
// variants no conformance file exercises), attention's online softmax against a full softmax over several key
// blocks with GQA, RMSNorm, and the KV cache's F16 and Q8_0 storage (Q8_0: ggml's block bytes, attention on both
// paths against the full softmax over the unrounded keys).
#include "engine/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "engine/kv_cache.h"
#include "kernels/dispatch.h"
#include "kernels/format_q8_0.h"

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
        auto cache = KvCache::create(1, 200, shape.nHeadKv * shape.headDim, shape.nHeadKv * shape.headDimV, type,
                                     shape.nHeadKv);  // head-major, as forward.cpp creates it
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

// Heads are stored head-major (all positions of one head's keys contiguous, so attention streams them without
// reading the other heads' bytes): every head's slice reads back from its own place, and a head's rows at
// consecutive positions are keyStride() apart; heads that are not whole blocks of the type are refused.
TEST(Ops, KvCacheStoresHeadsContiguously) {
    const int64_t nHeads = 4, headDim = 32, headDimV = 64;
    for (KvType type : {KvType::F32, KvType::F16, KvType::Q8_0}) {
        auto cache = KvCache::create(2, 8, nHeads * headDim, nHeads * headDimV, type, nHeads);
        ASSERT_TRUE(cache.ok()) << cache.message();
        const size_t rowK = (*cache)->keyRowBytes();
        EXPECT_EQ((*cache)->keyStride() * size_t(nHeads), rowK);
        EXPECT_EQ((*cache)->valueStride() * size_t(nHeads), (*cache)->valueRowBytes());
        std::vector<std::vector<float>> k, v;
        for (int64_t p = 0; p < 8; ++p) {
            k.push_back(values(size_t(nHeads * headDim), uint32_t(10 + p)));
            v.push_back(values(size_t(nHeads * headDimV), uint32_t(50 + p)));
            (*cache)->store(1, p, k.back().data(), v.back().data());
        }
        const double tol = type == KvType::F32 ? 0 : type == KvType::F16 ? 1e-3 : 1.0 / 127;
        for (int64_t h = 0; h < nHeads; ++h) {
            EXPECT_EQ((*cache)->keyData(1, 3, h * headDim) + (*cache)->keyStride(), (*cache)->keyData(1, 4, h * headDim));
            EXPECT_EQ((*cache)->valueData(1, 3, h * headDimV) + (*cache)->valueStride(),
                      (*cache)->valueData(1, 4, h * headDimV));
            std::vector<float> kOut(size_t(8 * headDim)), vOut(size_t(8 * headDimV));
            (*cache)->loadKeys(1, 0, 8, h * headDim, headDim, kOut.data());
            (*cache)->loadValues(1, 0, 8, h * headDimV, headDimV, vOut.data());
            for (int64_t p = 0; p < 8; ++p) {
                for (int64_t i = 0; i < headDim; ++i) {
                    ASSERT_NEAR(kOut[size_t(p * headDim + i)], k[size_t(p)][size_t(h * headDim + i)], tol)
                        << "head " << h << " position " << p;
                }
                for (int64_t i = 0; i < headDimV; ++i) {
                    ASSERT_NEAR(vOut[size_t(p * headDimV + i)], v[size_t(p)][size_t(h * headDimV + i)], tol)
                        << "head " << h << " position " << p;
                }
            }
        }
    }
    // 4 heads of 16 keys: not whole Q8_0 blocks.
    auto bad = KvCache::create(1, 8, 64, 64, KvType::Q8_0, 4);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("per head"), std::string::npos) << bad.message();
}

// Q8_0 rows are ggml's block_q8_0 as kernels::quantizeRow writes them (so bytes() is what the cache holds and a
// row could be handed to any Q8_0 kernel), and they read back within the format's error bound.
TEST(Ops, KvCacheQ8_0StoresGgmlBlocks) {
    const int64_t kvDimK = 64, kvDimV = 96;  // 2 and 3 blocks per row
    auto cache = KvCache::create(2, 4, kvDimK, kvDimV, KvType::Q8_0);
    ASSERT_TRUE(cache.ok()) << cache.message();
    EXPECT_EQ((*cache)->keyRowBytes(), 2 * sizeof(kernels::BlockQ8_0));
    EXPECT_EQ((*cache)->valueRowBytes(), 3 * sizeof(kernels::BlockQ8_0));
    EXPECT_EQ((*cache)->bytes(), size_t(2 * 4 * (2 + 3) * 34));
    // Against F16: 34 / 64 of the bytes.
    auto f16 = KvCache::create(2, 4, kvDimK, kvDimV, KvType::F16);
    ASSERT_TRUE(f16.ok());
    EXPECT_EQ((*cache)->bytes() * 64, (*f16)->bytes() * 34);

    std::vector<float> k = values(size_t(kvDimK), 3), v = values(size_t(kvDimV), 4);
    for (float& x : k) x *= 5.f;
    (*cache)->store(1, 2, k.data(), v.data());
    std::vector<uint8_t> expectK(size_t(2 * 34)), expectV(size_t(3 * 34));
    kernels::quantizeRow(kernels::GgmlType::Q8_0, k.data(), expectK.data(), kvDimK);
    kernels::quantizeRow(kernels::GgmlType::Q8_0, v.data(), expectV.data(), kvDimV);
    EXPECT_EQ(std::memcmp((*cache)->keyData(1, 2, 0), expectK.data(), expectK.size()), 0);
    EXPECT_EQ(std::memcmp((*cache)->valueData(1, 2, 0), expectV.data(), expectV.size()), 0);
    EXPECT_EQ((*cache)->keyData(1, 2, 32), (*cache)->keyData(1, 2, 0) + 34) << "head slices start at a block";
    EXPECT_EQ((*cache)->keyData(1, 3, 0), (*cache)->keyData(1, 2, 0) + (*cache)->keyRowBytes());

    // Read back the second key block and all values: x - q * d16 = (x - q * d) + q * (d - d16), so |error| <=
    // d/2 + 127 * d * 2^-11 with d = amax/127 and d16 its F16 rounding (relative error <= 2^-11).
    std::vector<float> kOut(32), vOut(static_cast<size_t>(kvDimV));
    (*cache)->loadKeys(1, 2, 1, 32, 32, kOut.data());
    (*cache)->loadValues(1, 2, 1, 0, kvDimV, vOut.data());
    auto bound = [](const float* x) {
        float amax = 0.f;
        for (int i = 0; i < 32; ++i) amax = std::max(amax, std::abs(x[i]));
        return amax / 127.f * (0.5f + 127.f / 2048.f) + 1e-7f;
    };
    for (int i = 0; i < 32; ++i) EXPECT_NEAR(kOut[size_t(i)], k[size_t(32 + i)], bound(k.data() + 32)) << i;
    for (int64_t i = 0; i < kvDimV; ++i) {
        EXPECT_NEAR(vOut[size_t(i)], v[size_t(i)], bound(v.data() + i / 32 * 32)) << i;
    }
}

// A Q8_0 cache needs whole 32-element blocks per head: other head sizes are refused with the size named.
TEST(Ops, KvCacheQ8_0NeedsHeadDimMultipleOf32) {
    EXPECT_TRUE(checkKvType(KvType::Q8_0, 64, 128).ok());
    EXPECT_TRUE(checkKvType(KvType::F16, 8, 8).ok());
    EXPECT_TRUE(checkKvType(KvType::F32, 80, 80).ok());
    Status st = checkKvType(KvType::Q8_0, 80, 80);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("head_dim 80"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("multiple of 32"), std::string::npos) << st.message();
    st = checkKvType(KvType::Q8_0, 64, 48);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("head_dim_v 48"), std::string::npos) << st.message();
    auto cache = KvCache::create(1, 4, 40, 64, KvType::Q8_0);
    ASSERT_FALSE(cache.ok());
    EXPECT_NE(cache.message().find("40"), std::string::npos) << cache.message();
    EXPECT_EQ(parseKvType("q8_0"), KvType::Q8_0);
    EXPECT_EQ(parseKvType("f16"), KvType::F16);
    EXPECT_EQ(parseKvType("f32"), KvType::F32);
    EXPECT_FALSE(parseKvType("q4_0").has_value());
    EXPECT_FALSE(parseKvType("Q8_0").has_value());
    EXPECT_EQ(kvGgmlType(KvType::Q8_0), kernels::GgmlType::Q8_0);
}

// Attention over a cache of each type, on the reference path (one token) and the fast tile path (and split over the
// keys), against a float64 full softmax over the unrounded keys and values.
void checkAttentionAgainstFullSoftmax(const AttentionShape& shape, int64_t nKeys0, int64_t nTok) {
    const int64_t nKeys = nKeys0 + nTok - 1;
    const int64_t qDim = shape.nHead * shape.headDim, outDim = shape.nHead * shape.headDimV;
    const int64_t kvDimK = shape.nHeadKv * shape.headDim, kvDimV = shape.nHeadKv * shape.headDimV;
    std::vector<std::vector<float>> keys, vals;
    for (int64_t p = 0; p < nKeys; ++p) {
        keys.push_back(values(size_t(kvDimK), uint32_t(100 + p)));
        vals.push_back(values(size_t(kvDimV), uint32_t(1000 + p)));
        for (float& v : keys.back()) v *= 3.f;  // scores of a few units: a peaked, not flat, softmax
    }
    const std::vector<float> q = values(size_t(nTok * qDim), 7);

    // out[t][h][d] in float64.
    std::vector<double> ref(size_t(nTok * outDim));
    for (int64_t t = 0; t < nTok; ++t) {
        for (int64_t h = 0; h < shape.nHead; ++h) {
            const int64_t kvh = h / shape.group();
            const int64_t n = nKeys0 + t;
            std::vector<double> p(static_cast<size_t>(n));
            double mx = -1e300, sum = 0;
            for (int64_t j = 0; j < n; ++j) {
                const float* qh = q.data() + t * qDim + h * shape.headDim;
                const float* kj = keys[size_t(j)].data() + kvh * shape.headDim;
                double d = 0;
                for (int64_t i = 0; i < shape.headDim; ++i) d += double(qh[i]) * kj[i];
                p[size_t(j)] = d * shape.scale;
                mx = std::max(mx, p[size_t(j)]);
            }
            for (double& v : p) sum += (v = std::exp(v - mx));
            for (int64_t i = 0; i < shape.headDimV; ++i) {
                double o = 0;
                for (int64_t j = 0; j < n; ++j) {
                    o += p[size_t(j)] / sum * vals[size_t(j)][size_t(kvh * shape.headDimV + i)];
                }
                ref[size_t(t * outDim + h * shape.headDimV + i)] = o;
            }
        }
    }

    auto maxError = [&](const std::vector<float>& out) {
        double e = 0;
        for (size_t i = 0; i < out.size(); ++i) {
            const double d = std::abs(double(out[i]) - ref[i]);
            e = std::isfinite(d) ? std::max(e, d) : INFINITY;  // NaN must fail, not be skipped by max
        }
        return e;
    };
    // Tolerances: a stored Q8_0 element is off by <= ~amax/254 (keys 3/254 ~ 0.012, values 1/254 ~ 0.004);
    // outputs are convex mixes of values in [-1, 1]. Measured maximum output errors: F16 9.7e-5, Q8_0 1.5e-3 on
    // both paths. The Q8_0 bound, 5e-3, leaves ~3x headroom; head slices read at a wrong block size (32 bytes
    // instead of 34) give non-finite outputs.
    for (KvType type : {KvType::F32, KvType::F16, KvType::Q8_0}) {
        auto cache = KvCache::create(1, 200, kvDimK, kvDimV, type, shape.nHeadKv);
        ASSERT_TRUE(cache.ok()) << cache.message();
        for (int64_t p = 0; p < nKeys; ++p) (*cache)->store(0, p, keys[size_t(p)].data(), vals[size_t(p)].data());
        (*cache)->setSize(nKeys);
        const double tol = type == KvType::F32 ? 1e-5 : type == KvType::F16 ? 5e-4 : 5e-3;

        std::vector<float> tile(size_t(nTok * outDim), NAN);
        std::vector<float> scratch(size_t(attentionTileScratchFloats(shape)));
        for (int64_t g = 0; g < shape.nHeadKv; ++g) {
            const int64_t h0 = g * shape.group();  // first query head of KV head g
            attentionKvHeadTile(**cache, 0, nKeys0, nTok, shape, g, q.data() + h0 * shape.headDim, qDim,
                                tile.data() + h0 * shape.headDimV, outDim, scratch.data());
        }
        const double tileErr = maxError(tile);
        std::printf("    %s cache: tile path max error %.3g\n", std::string(kvTypeName(type)).c_str(), tileErr);
        EXPECT_LE(tileErr, tol) << kvTypeName(type) << " tile path";

        std::vector<float> one(size_t(nTok * outDim), NAN);
        std::vector<float> scratch1(size_t(attentionScratchFloats(shape)));
        for (int64_t t = 0; t < nTok; ++t) {
            for (int64_t g = 0; g < shape.nHeadKv; ++g) {
                const int64_t h0 = g * shape.group();
                attentionKvHead(**cache, 0, nKeys0 + t, shape, g, q.data() + t * qDim + h0 * shape.headDim,
                                one.data() + t * outDim + h0 * shape.headDimV, scratch1.data());
            }
        }
        const double oneErr = maxError(one);
        std::printf("    %s cache: one-token path max error %.3g\n", std::string(kvTypeName(type)).c_str(), oneErr);
        EXPECT_LE(oneErr, tol) << kvTypeName(type) << " one-token path";

        // Split over the keys and merged (few KV heads, long contexts): parts [0, 64), [64, 150), [150, nKeys); with
        // several tokens the last holds keys that only the later tokens see, so token 0's rows get an empty part.
        const int64_t bounds[] = {0, 64, 150, nKeys};
        const int64_t nParts = 3;
        const size_t partFloats = size_t(nTok * shape.group() * (shape.headDimV + 2));
        std::vector<float> split(size_t(nTok * outDim), NAN), parts(size_t(nParts) * partFloats, NAN);
        for (int64_t g = 0; g < shape.nHeadKv; ++g) {
            const int64_t h0 = g * shape.group();
            for (int64_t p = 0; p < nParts; ++p) {
                attentionKvHeadTilePart(**cache, 0, nKeys0, nTok, shape, g, q.data() + h0 * shape.headDim, qDim,
                                        bounds[p], bounds[p + 1], parts.data() + size_t(p) * partFloats,
                                        scratch.data());
            }
            attentionMergeParts(parts.data(), nParts, partFloats, nTok, shape, split.data() + h0 * shape.headDimV,
                                outDim);
        }
        const double splitErr = maxError(split);
        std::printf("    %s cache: split path max error %.3g\n", std::string(kvTypeName(type)).c_str(), splitErr);
        EXPECT_LE(splitErr, tol) << kvTypeName(type) << " split path";
    }
}

// GQA groups of 4 (prompt tiles of 5 tokens: the transposed kernels), head_dim 160: 5 Q8_0 blocks per head (an odd
// count: every block of a head slice is found at its offset); token i sees nKeys0 + i keys: 64-key blocks, two full
// and a partial.
TEST(Ops, AttentionWithQ8_0CacheMatchesFullSoftmax) {
    checkAttentionAgainstFullSoftmax({.nHead = 8, .nHeadKv = 2, .headDim = 160, .headDimV = 32, .scale = 0.08f}, 150,
                                     5);
}

// Larger GQA groups: one token of a group of 8 and of 7 query heads (token generation of TinyLlama, Qwen2), odd key
// counts, and a group of 8 in a prompt tile (the transposed kernels over 24 rows padded to 32).
TEST(Ops, AttentionOneTokenLargeGroupsMatchFullSoftmax) {
    const AttentionShape group8{.nHead = 16, .nHeadKv = 2, .headDim = 64, .headDimV = 64, .scale = 0.125f};
    checkAttentionAgainstFullSoftmax(group8, 151, 1);
    checkAttentionAgainstFullSoftmax({.nHead = 14, .nHeadKv = 2, .headDim = 96, .headDimV = 64, .scale = 0.1f}, 155, 1);
    checkAttentionAgainstFullSoftmax(group8, 150, 3);
}

}  // namespace
}  // namespace hearth::engine
