// Sampler: greedy choice, each filter's effect on a known distribution, the repeat penalty's direction, and that
// a seed fixes the whole sequence of draws (same numbers on every platform).
#include "engine/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>

namespace hearth::engine {
namespace {

// Logits whose softmax is exactly probs (up to rounding).
std::vector<float> logitsOf(std::initializer_list<double> probs) {
    std::vector<float> out;
    for (double p : probs) out.push_back(float(std::log(p)));
    return out;
}

SamplerParams sampling(float temperature) {
    SamplerParams p;
    p.temperature = temperature;
    p.topK = 0;
    p.topP = 1.0f;
    p.minP = 0.0f;
    p.repeatPenalty = 1.0f;
    p.seed = 1234;
    return p;
}

// Frequencies of each id over n draws.
std::vector<double> frequencies(Sampler& s, const std::vector<float>& logits, int n) {
    std::vector<double> f(logits.size(), 0.0);
    for (int i = 0; i < n; ++i) f[size_t(s.sample(logits))] += 1.0 / n;
    return f;
}

std::set<int32_t> drawnIds(Sampler& s, const std::vector<float>& logits, int n) {
    std::set<int32_t> ids;
    for (int i = 0; i < n; ++i) ids.insert(s.sample(logits));
    return ids;
}

TEST(Sampler, RandomStreamIsFixedByTheSeed) {
    // Golden values from an independent implementation of splitmix64-seeded xoshiro256**: if these change, saved
    // seeds stop reproducing conversations.
    Xoshiro256 r0(0);
    EXPECT_EQ(r0.next(), 0x99ec5f36cb75f2b4ull);
    EXPECT_EQ(r0.next(), 0xbf6e1f784956452aull);
    EXPECT_EQ(r0.next(), 0x1a5f849d4933e6e0ull);
    Xoshiro256 r42(42);
    EXPECT_EQ(r42.next(), 0x15780b2e0c2ec716ull);
    EXPECT_DOUBLE_EQ(Xoshiro256(0).uniform(), double(0x99ec5f36cb75f2b4ull >> 11) * 0x1.0p-53);
    Xoshiro256 u(7);
    for (int i = 0; i < 10000; ++i) {
        const double x = u.uniform();
        ASSERT_GE(x, 0.0);
        ASSERT_LT(x, 1.0);
    }
}

TEST(Sampler, GreedyPicksTheArgmaxAndBreaksTiesToTheLowestId) {
    Sampler s(sampling(0.0f));
    EXPECT_EQ(s.sample(std::vector<float>{1.f, 3.f, 3.f, 2.f}), 1);
    EXPECT_EQ(s.sample(std::vector<float>{5.f, 5.f}), 0);
    EXPECT_EQ(s.sample(std::vector<float>{-1.f, -0.5f, -2.f}), 1);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(s.sample(std::vector<float>{nan, 0.f, 1.f}), 2);  // NaN is never chosen over a number
    Sampler negative(sampling(-1.0f));                             // any temperature <= 0 is greedy
    EXPECT_EQ(negative.sample(std::vector<float>{0.f, 0.f, 0.1f}), 2);
}

TEST(Sampler, TemperatureOneDrawsFromTheSoftmax) {
    Sampler s(sampling(1.0f));
    const std::vector<double> f = frequencies(s, logitsOf({0.5, 0.3, 0.2}), 20000);
    EXPECT_NEAR(f[0], 0.5, 0.015);
    EXPECT_NEAR(f[1], 0.3, 0.015);
    EXPECT_NEAR(f[2], 0.2, 0.015);
}

TEST(Sampler, TemperatureReshapesTheDistribution) {
    // p_i^(1/T) renormalised: T = 2 flattens, T = 0.5 sharpens.
    Sampler hot(sampling(2.0f));
    const std::vector<double> fh = frequencies(hot, logitsOf({0.5, 0.3, 0.2}), 20000);
    const double zh = std::sqrt(0.5) + std::sqrt(0.3) + std::sqrt(0.2);
    EXPECT_NEAR(fh[0], std::sqrt(0.5) / zh, 0.015);
    EXPECT_NEAR(fh[2], std::sqrt(0.2) / zh, 0.015);

    Sampler cold(sampling(0.5f));
    const std::vector<double> fc = frequencies(cold, logitsOf({0.5, 0.3, 0.2}), 20000);
    const double zc = 0.25 + 0.09 + 0.04;
    EXPECT_NEAR(fc[0], 0.25 / zc, 0.015);
    EXPECT_NEAR(fc[2], 0.04 / zc, 0.015);
}

TEST(Sampler, TopKKeepsOnlyTheKMostLikely) {
    SamplerParams p = sampling(1.0f);
    p.topK = 2;
    Sampler s(p);
    const std::vector<float> logits = logitsOf({0.1, 0.4, 0.2, 0.3});
    EXPECT_EQ(drawnIds(s, logits, 2000), (std::set<int32_t>{1, 3}));
    // Survivors keep their relative odds: 0.4 : 0.3.
    const std::vector<double> f = frequencies(s, logits, 20000);
    EXPECT_NEAR(f[1], 0.4 / 0.7, 0.015);

    p.topK = 4;  // k >= n_vocab: no filtering
    Sampler all(p);
    EXPECT_EQ(drawnIds(all, logits, 2000).size(), 4u);
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
    const std::vector<float> logits = logitsOf({0.5, 0.3, 0.15, 0.05});
    SamplerParams p = sampling(1.0f);
    p.topP = 0.75f;  // 0.5 < 0.75 <= 0.8
    Sampler s(p);
    EXPECT_EQ(drawnIds(s, logits, 2000), (std::set<int32_t>{0, 1}));
    p.topP = 0.9f;  // 0.8 < 0.9 <= 0.95
    Sampler wider(p);
    EXPECT_EQ(drawnIds(wider, logits, 2000), (std::set<int32_t>{0, 1, 2}));
    p.topP = 0.01f;  // always at least the best token
    Sampler narrow(p);
    EXPECT_EQ(drawnIds(narrow, logits, 200), (std::set<int32_t>{0}));
}

TEST(Sampler, MinPDropsTokensFarBelowTheBest) {
    const std::vector<float> logits = logitsOf({0.5, 0.3, 0.15, 0.05});
    SamplerParams p = sampling(1.0f);
    p.minP = 0.2f;  // keeps p >= 0.1
    Sampler s(p);
    EXPECT_EQ(drawnIds(s, logits, 2000), (std::set<int32_t>{0, 1, 2}));
    p.minP = 0.5f;  // keeps p >= 0.25
    Sampler strict(p);
    EXPECT_EQ(drawnIds(strict, logits, 2000), (std::set<int32_t>{0, 1}));
}

TEST(Sampler, FiltersLookAtTemperatureOneProbabilities) {
    // A high temperature flattens the draw but must not let a min-p-rejected token back in.
    const std::vector<float> logits = logitsOf({0.5, 0.3, 0.15, 0.05});
    SamplerParams p = sampling(5.0f);
    p.minP = 0.5f;
    Sampler s(p);
    EXPECT_EQ(drawnIds(s, logits, 2000), (std::set<int32_t>{0, 1}));
}

TEST(Sampler, RepeatPenaltyDividesPositiveAndMultipliesNegativeLogits) {
    SamplerParams p = sampling(0.0f);
    p.repeatPenalty = 2.0f;
    p.repeatLastN = 64;
    Sampler s(p);
    const std::vector<int32_t> history0{0};
    // Positive: 2.0 / 2 = 1.0 < 1.5, so id 2 wins.
    EXPECT_EQ(s.sample(std::vector<float>{2.0f, -1.0f, 1.5f}, history0), 2);
    // Negative: -1.0 * 2 = -2.0 < -1.5, so id 1 wins (dividing would have wrongly favoured id 0).
    EXPECT_EQ(s.sample(std::vector<float>{-1.0f, -1.5f, -3.0f}, history0), 1);
    // A token repeated many times is penalised once: 2.0 / 2 = 1.0 still beats 0.9.
    EXPECT_EQ(s.sample(std::vector<float>{2.0f, 0.9f}, std::vector<int32_t>{0, 0, 0, 0}), 0);
    // Ids outside the vocabulary in the history are ignored.
    EXPECT_EQ(s.sample(std::vector<float>{2.0f, 1.5f}, std::vector<int32_t>{-5, 99}), 0);
}

TEST(Sampler, RepeatPenaltyOnlySeesTheLastN) {
    SamplerParams p = sampling(0.0f);
    p.repeatPenalty = 2.0f;
    p.repeatLastN = 1;
    Sampler s(p);
    // History {0, 2}: only token 2 is in the window, so 0 keeps its lead.
    EXPECT_EQ(s.sample(std::vector<float>{2.0f, 0.0f, 1.9f}, std::vector<int32_t>{0, 2}), 0);
    p.repeatLastN = 0;  // off
    Sampler off(p);
    EXPECT_EQ(off.sample(std::vector<float>{2.0f, 1.5f}, std::vector<int32_t>{0}), 0);
    // History {0, 1, 1, 1}: the whole history penalises 0 too (2.0 -> 1.0, 1.5 -> 0.75, so 1.2 wins); a window of
    // 3 sees only 1 (0 keeps 2.0).
    const std::vector<float> logits{2.0f, 1.5f, 1.2f};
    const std::vector<int32_t> history{0, 1, 1, 1};
    p.repeatLastN = -1;
    Sampler whole(p);
    EXPECT_EQ(whole.sample(logits, history), 2);
    p.repeatLastN = 3;
    Sampler three(p);
    EXPECT_EQ(three.sample(logits, history), 0);
}

std::vector<int32_t> drawSequence(uint64_t seed, int n) {
    SamplerParams p;  // defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05
    p.seed = seed;
    Sampler s(p);
    std::vector<float> logits(100);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = float(std::sin(double(i) * 0.37) * 0.5);
    std::vector<int32_t> out;
    for (int i = 0; i < n; ++i) out.push_back(s.sample(logits));
    return out;
}

TEST(Sampler, SameSeedSameSequenceDifferentSeedDifferentSequence) {
    const std::vector<int32_t> a = drawSequence(42, 64);
    EXPECT_EQ(a, drawSequence(42, 64));
    EXPECT_NE(a, drawSequence(43, 64));
    EXPECT_GT(std::set<int32_t>(a.begin(), a.end()).size(), 5u);  // it really samples

    // reseed restarts the stream.
    SamplerParams p;
    p.seed = 42;
    Sampler s(p);
    std::vector<float> logits(100);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = float(std::sin(double(i) * 0.37) * 0.5);
    std::vector<int32_t> first, second;
    for (int i = 0; i < 16; ++i) first.push_back(s.sample(logits));
    s.reseed(42);
    for (int i = 0; i < 16; ++i) second.push_back(s.sample(logits));
    EXPECT_EQ(first, second);
}

TEST(Sampler, GoldenDrawsForAFixedSeed) {
    // With seed 1234 and T = 1 over {0.5, 0.3, 0.2}, the first draws follow from the golden uniforms
    // (u < 0.5 -> 0, u < 0.8 -> 1, else 2), so a change in the stream or the walk shows up here.
    Xoshiro256 r(1234);
    std::vector<int32_t> expected;
    for (int i = 0; i < 32; ++i) {
        const double u = r.uniform();
        expected.push_back(u < 0.5 ? 0 : u < 0.8 ? 1 : 2);
    }
    Sampler s(sampling(1.0f));
    const std::vector<float> logits = logitsOf({0.5, 0.3, 0.2});
    std::vector<int32_t> got;
    for (int i = 0; i < 32; ++i) got.push_back(s.sample(logits));
    // Draws within rounding of 0.5 or 0.8 could legitimately differ; the seed keeps them away from both.
    EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace hearth::engine
