// Reference quantizers (quantizeRow): ggml's exact rules on hand-checked blocks (rounding ties, sign of the
// Q4_0 scale, nibble order), and round-trip error bounds on random data.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

constexpr int kQk = 32;

std::vector<float> dequantized(GgmlType type, const void* data, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n));
    kernelsFor(type, Isa::Scalar)->dequantize(data, out.data(), n);
    return out;
}

// Blocks with very different magnitudes, zeros, a single spike, and repeated values.
std::vector<float> testValues(int blocks, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> x(static_cast<size_t>(blocks) * kQk);
    for (int b = 0; b < blocks; ++b) {
        const float scale = std::ldexp(1.0f, (b % 13) - 8);
        for (int j = 0; j < kQk; ++j) {
            float v = rng.normal(scale);
            if (b % 7 == 3) v = 0.0f;                // all-zero block
            if (b % 7 == 5) v = (j == 9) ? -scale : 0.0f;  // a single spike
            if (b % 7 == 6) v = scale * static_cast<float>((j % 3) - 1);
            x[static_cast<size_t>(b) * kQk + j] = v;
        }
    }
    return x;
}

}  // namespace

HEARTH_TEST(quantizeQ8_0Rules) {
    // amax 127 -> d = 1 exactly: q = roundf(x) with ties away from zero (ggml uses roundf, not rint).
    float x[kQk] = {};
    const float ties[] = {2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -1.5f, 126.5f, 127.0f, -127.0f, 0.49999997f, 3.0f};
    const int8_t expected[] = {3, -3, 1, -1, 2, -2, 127, 127, -127, 0, 3};
    std::copy(std::begin(ties), std::end(ties), x);
    BlockQ8_0 block{};
    quantizeRow(GgmlType::Q8_0, x, &block, kQk);
    CHECK(loadU16(block.d) == 0x3c00);  // 1.0
    for (size_t j = 0; j < std::size(expected); ++j) {
        CHECK_MSG(block.qs[j] == expected[j], "x=%g: q=%d, expected %d", x[j], block.qs[j], expected[j]);
    }
    for (size_t j = std::size(expected); j < kQk; ++j) CHECK(block.qs[j] == 0);

    // x_j = j - 16: amax 16, d = 16/127 (stored as F16), q_j = roundf((j - 16) * (127/16)) from the F32 d.
    for (int j = 0; j < kQk; ++j) x[j] = static_cast<float>(j - 16);
    quantizeRow(GgmlType::Q8_0, x, &block, kQk);
    CHECK(loadU16(block.d) == f32ToFp16(16.0f / 127.0f));
    for (int j = 0; j < kQk; ++j) {
        const float id = 1.0f / (16.0f / 127.0f);
        CHECK_MSG(block.qs[j] == static_cast<int8_t>(std::roundf(x[j] * id)), "j=%d q=%d", j, block.qs[j]);
    }
    CHECK(block.qs[0] == -127);

    // All zeros: d = 0 and q = 0 (no division by zero).
    std::fill(std::begin(x), std::end(x), 0.0f);
    quantizeRow(GgmlType::Q8_0, x, &block, kQk);
    CHECK(loadU16(block.d) == 0);
    CHECK(std::all_of(std::begin(block.qs), std::end(block.qs), [](int8_t q) { return q == 0; }));
}

HEARTH_TEST(quantizeQ4_0Rules) {
    // The largest magnitude is -8: d = -8 / -8 = 1, id = 1, nibble = min(15, trunc(x + 8.5)).
    float x[kQk] = {};
    x[0] = -8.0f;   // -> 0 (level -8)
    x[1] = 7.0f;    // -> 15
    x[2] = 0.5f;    // 9.0 -> 9: halves round up
    x[3] = -0.5f;   // 8.0 -> 8
    x[4] = 2.4f;    // 10.9 -> 10
    x[5] = -7.6f;   // 0.9 -> 0
    x[16] = 7.9f;   // 16.4 -> clipped to 15 (element 16 lives in the high nibble of byte 0)
    x[17] = -1.0f;  // 7.5 -> 7
    x[31] = 3.0f;   // 11.5 -> 11, high nibble of byte 15
    BlockQ4_0 block{};
    quantizeRow(GgmlType::Q4_0, x, &block, kQk);
    CHECK(loadU16(block.d) == 0x3c00);
    auto nibble = [&](int j) { return j < 16 ? (block.qs[j] & 0x0f) : (block.qs[j - 16] >> 4); };
    const int expected[kQk] = {0, 15, 9, 8, 10, 0, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
                               15, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 11};
    for (int j = 0; j < kQk; ++j) CHECK_MSG(nibble(j) == expected[j], "element %d: nibble %d, expected %d", j,
                                            nibble(j), expected[j]);
    CHECK(block.qs[0] == (0 | (15 << 4)));

    // The sign of the extreme value decides the sign of d: max +8 gives d = -1, and +8 maps to level -8.
    std::fill(std::begin(x), std::end(x), 0.0f);
    x[5] = 8.0f;
    x[6] = -8.0f;  // same magnitude later in the block: the first one wins
    quantizeRow(GgmlType::Q4_0, x, &block, kQk);
    CHECK(loadU16(block.d) == 0xbc00);  // -1.0
    const std::vector<float> back = dequantized(GgmlType::Q4_0, &block, kQk);
    CHECK(back[5] == 8.0f);
    CHECK(back[6] == -7.0f);  // -8 * id = 8 -> 16.5 -> clipped to 15 -> (15 - 8) * -1
    CHECK(back[0] == 0.0f);

    std::fill(std::begin(x), std::end(x), 0.0f);
    quantizeRow(GgmlType::Q4_0, x, &block, kQk);
    CHECK(loadU16(block.d) == 0x8000);  // 0 / -8 = -0, stored as ggml stores it
    CHECK(std::all_of(std::begin(block.qs), std::end(block.qs), [](uint8_t q) { return q == 0x88; }));
}

HEARTH_TEST(quantizeRoundTripBounds) {
    const int blocks = 91;
    const std::vector<float> x = testValues(blocks, 7);
    const int64_t n = static_cast<int64_t>(x.size());

    std::vector<BlockQ8_0> q8(blocks);
    quantizeRow(GgmlType::Q8_0, x.data(), q8.data(), n);
    const std::vector<float> y8 = dequantized(GgmlType::Q8_0, q8.data(), n);
    for (int b = 0; b < blocks; ++b) {
        float amax = 0.0f;
        for (int j = 0; j < kQk; ++j) amax = std::max(amax, std::fabs(x[b * kQk + j]));
        // |x - q*d| <= d/2 for the F32 d, plus 127 * |d - F16(d)| <= amax * 2^-11 for the stored d.
        const float bound = amax * (1.0f / 254.0f + 0x1p-11f) * 1.0001f;
        for (int j = 0; j < kQk; ++j) {
            const size_t i = static_cast<size_t>(b) * kQk + j;
            CHECK_MSG(std::fabs(x[i] - y8[i]) <= bound, "Q8_0 block %d elem %d: %g -> %g (bound %g)", b, j, x[i],
                      y8[i], bound);
        }
    }

    std::vector<BlockQ4_0> q4(blocks);
    quantizeRow(GgmlType::Q4_0, x.data(), q4.data(), n);
    const std::vector<float> y4 = dequantized(GgmlType::Q4_0, q4.data(), n);
    for (int b = 0; b < blocks; ++b) {
        float amax = 0.0f;
        for (int j = 0; j < kQk; ++j) amax = std::max(amax, std::fabs(x[b * kQk + j]));
        const float d = amax / 8.0f;
        // Half a level, except at the clipped top level (only values near -max): one level. Plus F16(d).
        for (int j = 0; j < kQk; ++j) {
            const size_t i = static_cast<size_t>(b) * kQk + j;
            const bool nearClip = std::fabs(x[i]) > 7.0f * d;
            const float bound = (nearClip ? d : 0.5f * d) * 1.0001f + 8.0f * d * 0x1p-11f;
            CHECK_MSG(std::fabs(x[i] - y4[i]) <= bound, "Q4_0 block %d elem %d: %g -> %g (bound %g)", b, j, x[i],
                      y4[i], bound);
        }
    }

    // F16 / BF16 rows are the element-wise conversions.
    std::vector<uint16_t> h(x.size());
    quantizeRow(GgmlType::F16, x.data(), h.data(), n);
    for (size_t i = 0; i < x.size(); ++i) CHECK(h[i] == f32ToFp16(x[i]));
    quantizeRow(GgmlType::BF16, x.data(), h.data(), n);
    for (size_t i = 0; i < x.size(); ++i) CHECK(h[i] == f32ToBf16(x[i]));
    std::vector<float> f(x.size());
    quantizeRow(GgmlType::F32, x.data(), f.data(), n);
    CHECK(f == x);
}

}  // namespace hearth::kernels::test

namespace hearth::kernels::test {

HEARTH_TEST(quantizeQ8_KRules) {
    // The largest magnitude is -127 -> iscale = 1, d = 1: q = round-half-even(x) (ggml's nearest_int, not roundf).
    std::vector<float> x(256, 0.0f);
    const float values[] = {-127.0f, 2.5f, -2.5f, 3.5f, 0.5f, -0.5f, 1.5f, 126.5f, 100.0f};
    const int8_t expected[] = {-127, 2, -2, 4, 0, 0, 2, 126, 100};
    std::copy(std::begin(values), std::end(values), x.begin());
    x[200] = 127.0f;  // same magnitude later: the first one (negative) sets the sign, +127 maps to +127
    BlockQ8_K block{};
    quantizeRow(GgmlType::Q8_K, x.data(), &block, 256);
    CHECK(block.d == 1.0f);
    for (size_t j = 0; j < std::size(expected); ++j) {
        CHECK_MSG(block.qs[j] == expected[j], "x=%g: q=%d, expected %d", x[j], block.qs[j], expected[j]);
    }
    CHECK(block.qs[200] == 127);
    int sum0 = 0;
    for (int j = 0; j < 16; ++j) sum0 += block.qs[j];
    CHECK(block.bsums[0] == sum0);
    CHECK(block.bsums[12] == 127);
    CHECK(block.bsums[1] == 0);

    // Positive extreme: iscale = -127 / m < 0, so m maps to -127 and d is negative.
    std::fill(x.begin(), x.end(), 0.0f);
    x[7] = 2.0f;
    x[8] = -1.0f;
    quantizeRow(GgmlType::Q8_K, x.data(), &block, 256);
    CHECK(block.qs[7] == -127);
    CHECK(block.qs[8] == 64);  // -1 * -63.5 = 63.5 -> 64 (even)
    CHECK(block.d == 1.0f / (-127.0f / 2.0f));

    std::fill(x.begin(), x.end(), 0.0f);
    quantizeRow(GgmlType::Q8_K, x.data(), &block, 256);
    CHECK(block.d == 0.0f);
    CHECK(std::all_of(std::begin(block.qs), std::end(block.qs), [](int8_t q) { return q == 0; }));
    CHECK(std::all_of(std::begin(block.bsums), std::end(block.bsums), [](int16_t s) { return s == 0; }));
}

// Every quantizer on degenerate super-blocks (all zero, constant, one spike, tiny values) yields finite values
// that reconstruct them: all-zero exactly, a constant or a spike within 5%, values too small for F16 scales
// within twice their size (no blow-up).
HEARTH_TEST(quantizeDegenerateBlocks) {
    const GgmlType types[] = {GgmlType::Q4_1, GgmlType::Q5_0,   GgmlType::Q5_1,   GgmlType::Q2_K, GgmlType::Q3_K,
                              GgmlType::Q4_K, GgmlType::Q5_K,   GgmlType::Q6_K,   GgmlType::IQ4_NL,
                              GgmlType::IQ4_XS, GgmlType::TQ1_0, GgmlType::TQ2_0};
    for (const GgmlType type : types) {
        const std::string typeLabel(typeName(type));
        const char* name = typeLabel.c_str();
        std::vector<float> x(4 * 256, 0.0f);
        for (int j = 256; j < 512; ++j) x[j] = 0.75f;  // constant block
        x[512 + 77] = -3.0f;                           // a single spike
        for (int j = 768; j < 1024; ++j) x[j] = 1e-6f * static_cast<float>((j % 7) - 3);  // tiny values
        std::vector<uint8_t> q(rowBytes(type, x.size()));
        quantizeRow(type, x.data(), q.data(), static_cast<int64_t>(x.size()));
        const std::vector<float> y = dequantized(type, q.data(), static_cast<int64_t>(x.size()));
        for (size_t j = 0; j < x.size(); ++j) {
            if (!CHECK_MSG(std::isfinite(y[j]), "%s [%zu]: %g", name, j, y[j])) break;
        }
        for (int j = 0; j < 256; ++j) CHECK_MSG(y[j] == 0.0f, "%s zero block [%d]: %g", name, j, y[j]);
        // Ternary types cannot hold a constant below their scale exactly; they hold it as +-d = 0.75 too.
        for (int j = 256; j < 512; ++j) {
            CHECK_MSG(std::fabs(y[j] - 0.75f) <= 0.75f * 0.05f, "%s constant block [%d]: %g", name, j,
                      y[j]);
        }
        CHECK_MSG(std::fabs(y[512 + 77] + 3.0f) <= 3.0f * 0.05f, "%s spike: %g", name, y[512 + 77]);
        for (int j = 768; j < 1024; ++j) {
            CHECK_MSG(std::fabs(y[j] - x[j]) <= 6e-6f, "%s tiny block [%d]: %g vs %g", name, j,
                      y[j], x[j]);
        }
    }
}

}  // namespace hearth::kernels::test
