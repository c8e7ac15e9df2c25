// Reference quantizers (quantizeRow): ggml's exact rules on hand-checked blocks (rounding ties, sign of the
// Q4_0 scale, nibble order), and round-trip error bounds on random data.
#include <algorithm>
#include <cmath>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
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
