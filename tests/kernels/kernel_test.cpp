// Every kernel of every runnable ISA against the scalar reference / an exact double-precision oracle, over many
// lengths (all tails and block counts, odd ones included) and rows/activations at byte offsets 0..3.
//
// Tolerances: dequantize and quantizeAct must be bit-identical to the reference (both are exact element-wise
// operations). Dot products are compared with the exact sum of the same products in double; the allowed error
// is the F32 summation bound for the number of additions one partial sum sees: (n + 2) * 2^-24 * sum |w_j x_j|
// for the sequential reference, (n / 4 + 80) * 2^-24 * sum |w_j x_j| for SIMD kernels (at least 4 partial sums,
// then a reduction of at most 64). One dropped or doubled element is far outside these bounds.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/reference.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

constexpr GgmlType kTypes[] = {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0};
constexpr size_t kOffsets[] = {0, 1, 2, 3};

// Element counts to test for a type: every length 0..2N+odd for plain types (N = 64 covers the widest
// vector x unroll), 1..many blocks (odd counts included) for block types, plus a few long rows.
std::vector<int64_t> lengthsFor(GgmlType type) {
    std::vector<int64_t> lengths;
    const uint32_t block = traitsOf(type).blockElems;
    if (block == 1) {
        for (int64_t n = 0; n <= 2 * 64 + 3; ++n) lengths.push_back(n);
        for (const int64_t n : {255, 256, 257, 1000, 4099}) lengths.push_back(n);
    } else {
        for (int64_t b = 1; b <= 19; ++b) lengths.push_back(b * block);
        for (const int64_t b : {31, 32, 33, 64, 127, 200}) lengths.push_back(b * block);
    }
    return lengths;
}

std::vector<float> randomFloats(int64_t n, Rng& rng) {
    std::vector<float> x(static_cast<size_t>(n));
    for (float& v : x) v = rng.normal(1.0f);
    return x;
}

// A weight row of type in a buffer at byte offset `offset`, quantized from random values (F16/BF16 rows also
// get a few special values: subnormals, zeros, large values).
void fillRow(GgmlType type, int64_t n, Rng& rng, OffsetBuffer& buffer) {
    std::vector<float> w = randomFloats(n, rng);
    if (type == GgmlType::F16 || type == GgmlType::BF16) {
        for (int64_t i = 0; i + 7 < n; i += 7) w[static_cast<size_t>(i)] = 3e-6f * w[static_cast<size_t>(i)];
        for (int64_t i = 3; i < n; i += 11) w[static_cast<size_t>(i)] = 0.0f;
        for (int64_t i = 5; i < n; i += 13) w[static_cast<size_t>(i)] *= 3000.0f;
    }
    quantizeRow(type, w.data(), buffer.data(), n);
}

// Exact sum of the products of the reference-dequantized row with x, and the sum of their magnitudes.
struct Exact {
    double sum = 0.0;
    double magnitude = 0.0;
};
Exact exactDot(GgmlType type, const void* row, const float* x, int64_t n) {
    std::vector<float> w(static_cast<size_t>(n));
    kernelsFor(type, Isa::Scalar)->dequantize(row, w.data(), n);
    Exact e;
    for (int64_t i = 0; i < n; ++i) {
        const double p = static_cast<double>(w[static_cast<size_t>(i)]) * readF32(x + i);
        e.sum += p;
        e.magnitude += std::fabs(p);
    }
    return e;
}

double dotTolerance(Isa isa, int64_t additions, double magnitude) {
    const double steps = isa == Isa::Scalar ? static_cast<double>(additions) + 2.0
                                            : static_cast<double>(additions) / 4.0 + 80.0;
    return steps * 0x1p-24 * magnitude + 1e-30;
}

std::string label(Isa isa, GgmlType type) {
    return std::string(isaName(isa)) + "/" + std::string(typeName(type));
}

}  // namespace

HEARTH_TEST(tablesComplete) {
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : kTypes) {
            const TypeKernels* k = kernelsFor(type, isa);
            if (!CHECK_MSG(k != nullptr, "%s: no kernels", label(isa, type).c_str())) continue;
            CHECK(k->type == type);
            CHECK(k->dequantize && k->dotF32 && k->quantizeAct && k->dotAct);
            const bool blockType = traitsOf(type).blockElems > 1;
            CHECK_MSG(k->actType == (blockType ? GgmlType::Q8_0 : GgmlType::F32), "%s: actType %s",
                      label(isa, type).c_str(), std::string(typeName(k->actType)).c_str());
        }
        CHECK(kernelsFor(GgmlType::Q4_K, isa) == nullptr);
        CHECK(kernelsFor(GgmlType::Q4_1, isa) == nullptr);
        CHECK(kernelsFor(GgmlType::I8, isa) == nullptr);
    }
    CHECK(kernelsFor(GgmlType::Q6_K) == nullptr);
    CHECK(kernelsFor(GgmlType::Q8_0) == kernelsFor(GgmlType::Q8_0, activeIsa()));
}

HEARTH_TEST(dequantizeMatchesReference) {
    Rng rng(11);
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : kTypes) {
            const TypeKernels* k = kernelsFor(type, isa);
            const TypeKernels* ref = kernelsFor(type, Isa::Scalar);
            for (const int64_t n : lengthsFor(type)) {
                for (const size_t offset : kOffsets) {
                    OffsetBuffer row(rowBytes(type, static_cast<uint64_t>(n)), offset);
                    fillRow(type, n, rng, row);
                    std::vector<float> expected(static_cast<size_t>(n) + 1, -1.0f);
                    std::vector<float> got(static_cast<size_t>(n) + 1, -1.0f);  // +1: a sentinel past the end
                    ref->dequantize(row.data(), expected.data(), n);
                    k->dequantize(row.data(), got.data(), n);
                    for (int64_t i = 0; i <= n; ++i) {
                        const size_t u = static_cast<size_t>(i);
                        if (!CHECK_MSG(sameFloat(got[u], expected[u]), "%s n=%lld offset=%zu [%lld]: %a, expected %a",
                                       label(isa, type).c_str(), static_cast<long long>(n), offset,
                                       static_cast<long long>(i), got[u], expected[u])) {
                            break;
                        }
                    }
                }
            }
        }
    }
}

// Every F16 bit pattern (including subnormals, infinities and NaNs) through each ISA's F16 dequantize.
HEARTH_TEST(dequantizeF16AllValues) {
    std::vector<uint16_t> all(65536);
    for (uint32_t h = 0; h < all.size(); ++h) all[h] = static_cast<uint16_t>(h);
    std::vector<float> expected(all.size());
    std::vector<float> got(all.size());
    for (const GgmlType type : {GgmlType::F16, GgmlType::BF16}) {
        kernelsFor(type, Isa::Scalar)->dequantize(all.data(), expected.data(), 65536);
        for (const Isa isa : isasUnderTest()) {
            kernelsFor(type, isa)->dequantize(all.data(), got.data(), 65536);
            for (size_t h = 0; h < all.size(); ++h) {
                if (!CHECK_MSG(sameFloat(got[h], expected[h]), "%s 0x%04zx: %a, expected %a",
                               label(isa, type).c_str(), h, got[h], expected[h])) {
                    break;
                }
            }
        }
    }
}

HEARTH_TEST(dotF32MatchesExact) {
    Rng rng(12);
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : kTypes) {
            const TypeKernels* k = kernelsFor(type, isa);
            for (const int64_t n : lengthsFor(type)) {
                for (const size_t offset : kOffsets) {
                    OffsetBuffer row(rowBytes(type, static_cast<uint64_t>(n)), offset);
                    fillRow(type, n, rng, row);
                    OffsetBuffer act(static_cast<size_t>(n) * sizeof(float), (offset * 3) % 4);
                    for (int64_t i = 0; i < n; ++i) writeF32(act.data() + 4 * i, rng.normal(1.0f));
                    const Exact e = exactDot(type, row.data(), act.floats(), n);
                    const float got = k->dotF32(row.data(), act.floats(), n);
                    const double tol = dotTolerance(isa, n, e.magnitude);
                    CHECK_MSG(std::fabs(got - e.sum) <= tol, "%s n=%lld offsets %zu/%zu: %.9g, exact %.9g (tol %.3g)",
                              label(isa, type).c_str(), static_cast<long long>(n), offset, (offset * 3) % 4, got,
                              e.sum, tol);
                }
            }
        }
    }
}

HEARTH_TEST(quantizeActMatchesReference) {
    Rng rng(13);
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0}) {
            const TypeKernels* k = kernelsFor(type, isa);
            for (const int64_t n : lengthsFor(type)) {
                std::vector<float> x = randomFloats(n, rng);
                // Exact ties for the rounding (amax 127 -> d = 1) in some blocks, a zero block in others.
                for (int64_t b = 0; b < n / 32; b += 3) {
                    for (int j = 0; j < 32; ++j) {
                        x[static_cast<size_t>(b * 32 + j)] = static_cast<float>(j * 8 - 127) + 0.5f * (j % 2);
                    }
                    x[static_cast<size_t>(b * 32)] = -127.0f;
                }
                for (int64_t b = 1; b < n / 32; b += 5) std::fill_n(x.begin() + b * 32, 32, 0.0f);
                const size_t bytes = rowBytes(GgmlType::Q8_0, static_cast<uint64_t>(n));
                for (const size_t offset : {size_t{0}, size_t{1}}) {
                    OffsetBuffer expected(bytes + 1, offset);
                    OffsetBuffer got(bytes + 1, offset);
                    std::fill_n(expected.data(), bytes + 1, 0xa5);
                    std::fill_n(got.data(), bytes + 1, 0xa5);
                    ref::quantizeQ8_0(x.data(), expected.data(), n);
                    k->quantizeAct(x.data(), got.data(), n);
                    CHECK_MSG(std::equal(got.data(), got.data() + bytes + 1, expected.data()),
                              "%s n=%lld offset %zu: quantized activations differ from the reference",
                              label(isa, type).c_str(), static_cast<long long>(n), offset);
                }
            }
        }
    }
}

HEARTH_TEST(dotActMatchesExact) {
    Rng rng(14);
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0}) {
            const TypeKernels* k = kernelsFor(type, isa);
            for (const int64_t n : lengthsFor(type)) {
                for (const size_t offset : kOffsets) {
                    OffsetBuffer row(rowBytes(type, static_cast<uint64_t>(n)), offset);
                    fillRow(type, n, rng, row);
                    std::vector<float> x = randomFloats(n, rng);
                    OffsetBuffer xq(rowBytes(GgmlType::Q8_0, static_cast<uint64_t>(n)), 3 - offset);
                    ref::quantizeQ8_0(x.data(), xq.data(), n);
                    // Oracle: exact integer block dots times the exact product of the two F16 scales. The error
                    // bound uses the element-wise magnitude sum_j |w_j xq_j| (it bounds every partial sum).
                    double exact = 0.0;
                    double magnitude = 0.0;
                    std::vector<float> wd(static_cast<size_t>(n)), xd(static_cast<size_t>(n));
                    kernelsFor(type, Isa::Scalar)->dequantize(row.data(), wd.data(), n);
                    ref::dequantizeQ8_0(xq.data(), xd.data(), n);
                    for (int64_t i = 0; i < n; ++i) {
                        magnitude += std::fabs(static_cast<double>(wd[static_cast<size_t>(i)]) * xd[static_cast<size_t>(i)]);
                    }
                    for (int64_t b = 0; b < n / 32; ++b) {
                        const auto& xb = reinterpret_cast<const BlockQ8_0*>(xq.data())[b];
                        const int32_t idot =
                            type == GgmlType::Q8_0
                                ? ref::blockDotQ8_0Q8_0(reinterpret_cast<const BlockQ8_0*>(row.data())[b], xb)
                                : ref::blockDotQ4_0Q8_0(reinterpret_cast<const BlockQ4_0*>(row.data())[b], xb);
                        const uint8_t* wd = row.data() + b * traitsOf(type).blockBytes;
                        const double term = static_cast<double>(idot) * fp16ToF32(loadU16(wd)) *
                                            fp16ToF32(loadU16(xb.d));
                        exact += term;
                    }
                    const float got = k->dotAct(row.data(), xq.data(), n);
                    // Per block: the scale product and the term are rounded (2 ulps), then up to n/32 additions
                    // into one partial sum (the SIMD kernels keep one accumulator across blocks).
                    const double tol = (static_cast<double>(n / 32) + 82.0) * 0x1p-24 * magnitude + 1e-30;
                    CHECK_MSG(std::fabs(got - exact) <= tol, "%s n=%lld offset %zu: %.9g, exact %.9g (tol %.3g)",
                              label(isa, type).c_str(), static_cast<long long>(n), offset, got, exact, tol);
                    // The fast path approximates the exact dot with F32 activations (quantization error only).
                    const Exact e = exactDot(type, row.data(), x.data(), n);
                    CHECK_MSG(std::fabs(got - e.sum) <= 0.02 * e.magnitude + 1e-6,
                              "%s n=%lld: dotAct %.6g far from dotF32's exact %.6g", label(isa, type).c_str(),
                              static_cast<long long>(n), got, e.sum);
                }
            }
        }
    }
    // Plain types: dotAct takes F32 activations and equals dotF32.
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16}) {
            const TypeKernels* k = kernelsFor(type, isa);
            const int64_t n = 131;
            OffsetBuffer row(rowBytes(type, n), 1);
            fillRow(type, n, rng, row);
            std::vector<float> x = randomFloats(n, rng);
            CHECK(bitsOf(k->dotAct(row.data(), x.data(), n)) == bitsOf(k->dotF32(row.data(), x.data(), n)));
        }
    }
}

}  // namespace hearth::kernels::test
