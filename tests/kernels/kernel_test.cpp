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
#include <cstring>
#include <string>
#include <vector>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/reference.h"
#include "kernels/reference_kquants.h"
#include "kernels/reference_legacy.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

constexpr GgmlType kTypes[] = {GgmlType::F32,    GgmlType::F16,    GgmlType::BF16,  GgmlType::Q8_0,  GgmlType::Q4_0,
                               GgmlType::Q4_1,   GgmlType::Q5_0,   GgmlType::Q5_1,  GgmlType::Q2_K,  GgmlType::Q3_K,
                               GgmlType::Q4_K,   GgmlType::Q5_K,   GgmlType::Q6_K,  GgmlType::IQ4_NL, GgmlType::IQ4_XS,
                               GgmlType::TQ1_0,  GgmlType::TQ2_0};
// The block types (their dotAct takes quantized activations).
constexpr GgmlType kBlockTypes[] = {GgmlType::Q8_0,  GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,
                                    GgmlType::Q5_1,  GgmlType::Q2_K, GgmlType::Q3_K,   GgmlType::Q4_K,
                                    GgmlType::Q5_K,  GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS,
                                    GgmlType::TQ1_0, GgmlType::TQ2_0};

// The activation type a weight type pairs with: Q8_0 for 32-element blocks, Q8_K for 256-element super-blocks.
GgmlType expectedActType(GgmlType type) {
    const uint32_t block = traitsOf(type).blockElems;
    return block == 1 ? GgmlType::F32 : block == 32 ? GgmlType::Q8_0 : GgmlType::Q8_K;
}

void referenceQuantizeAct(GgmlType actType, const float* x, void* dst, int64_t n) {
    if (actType == GgmlType::Q8_K) {
        ref::quantizeQ8_K(x, dst, n);
    } else {
        ref::quantizeQ8_0(x, dst, n);
    }
}
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

// Offsets of the F16 scale fields within a block of `type` (the other bytes may hold any bits).
std::vector<int> halfFieldOffsets(GgmlType type) {
    switch (type) {
    case GgmlType::Q8_0:
    case GgmlType::Q4_0:
    case GgmlType::Q5_0:
    case GgmlType::IQ4_NL:
    case GgmlType::IQ4_XS: return {0};
    case GgmlType::Q4_1:
    case GgmlType::Q5_1:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K: return {0, 2};
    case GgmlType::Q2_K: return {80, 82};
    case GgmlType::Q3_K: return {108};
    case GgmlType::Q6_K: return {208};
    case GgmlType::TQ1_0: return {52};
    case GgmlType::TQ2_0: return {64};
    default: return {};
    }
}

// A row of random bits (every quant, scale and sign pattern, including ones our quantizers never write), with
// finite F16 scales of either sign.
void fillRandomBits(GgmlType type, int64_t n, Rng& rng, OffsetBuffer& buffer) {
    const TypeTraits t = traitsOf(type);
    const uint64_t bytes = rowBytes(type, static_cast<uint64_t>(n));
    for (uint64_t i = 0; i < bytes; ++i) buffer.data()[i] = static_cast<uint8_t>(rng.bits32());
    for (uint64_t b = 0; b < bytes / t.blockBytes; ++b) {
        for (const int at : halfFieldOffsets(type)) {
            storeU16(buffer.data() + b * t.blockBytes + at, f32ToFp16(0.05f * rng.uniform()));
        }
    }
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
            CHECK_MSG(k->actType == expectedActType(type), "%s: actType %s",
                      label(isa, type).c_str(), std::string(typeName(k->actType)).c_str());
        }
        CHECK(kernelsFor(GgmlType::IQ2_XXS, isa) == nullptr);
        CHECK(kernelsFor(GgmlType::Q8_K, isa) == nullptr);  // an activation format only
        CHECK(kernelsFor(GgmlType::I8, isa) == nullptr);
    }
    for (const GgmlType type : kTypes) {
        CHECK_MSG(traitsOf(type).computeSupported, "%s", std::string(typeName(type)).c_str());
    }
    CHECK(!traitsOf(GgmlType::IQ3_S).computeSupported);
    CHECK(kernelsFor(GgmlType::IQ3_S) == nullptr);
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
        for (const GgmlType type : kBlockTypes) {
            const TypeKernels* k = kernelsFor(type, isa);
            const GgmlType act = k->actType;
            for (const int64_t n : lengthsFor(type)) {
                std::vector<float> x = randomFloats(n, rng);
                // Exact ties for the rounding (amax 127 -> d = 1) in some 32-blocks, a zero 32-block in others,
                // an all-zero 256-block in long rows.
                for (int64_t b = 0; b < n / 32; b += 3) {
                    for (int j = 0; j < 32; ++j) {
                        x[static_cast<size_t>(b * 32 + j)] = static_cast<float>(j * 8 - 127) + 0.5f * (j % 2);
                    }
                    x[static_cast<size_t>(b * 32)] = -127.0f;
                }
                for (int64_t b = 1; b < n / 32; b += 5) std::fill_n(x.begin() + b * 32, 32, 0.0f);
                if (n >= 3 * 256) std::fill_n(x.begin() + 2 * 256, 256, 0.0f);
                const size_t bytes = rowBytes(act, static_cast<uint64_t>(n));
                for (const size_t offset : {size_t{0}, size_t{1}}) {
                    OffsetBuffer expected(bytes + 1, offset);
                    OffsetBuffer got(bytes + 1, offset);
                    std::fill_n(expected.data(), bytes + 1, 0xa5);
                    std::fill_n(got.data(), bytes + 1, 0xa5);
                    referenceQuantizeAct(act, x.data(), expected.data(), n);
                    k->quantizeAct(x.data(), got.data(), n);
                    CHECK_MSG(std::equal(got.data(), got.data() + bytes + 1, expected.data()),
                              "%s n=%lld offset %zu: quantized activations differ from the reference",
                              label(isa, type).c_str(), static_cast<long long>(n), offset);
                }
            }
        }
    }
}

// Exact value (in double) of the fast-path dot product from the integer decodings, and the magnitude
// sum_j (|d s_i q_j| + |dmin m_i|) |d_x xq_j| that bounds every partial sum's rounding (it does not cancel like
// the dequantized weights can).
static Exact exactActDot(GgmlType type, const uint8_t* row, const uint8_t* xq, int64_t n) {
    Exact e;
    const uint32_t bytes = traitsOf(type).blockBytes;
    if (type == GgmlType::Q8_0 || type == GgmlType::Q4_0) {
        std::vector<float> wd(static_cast<size_t>(n)), xd(static_cast<size_t>(n));
        kernelsFor(type, Isa::Scalar)->dequantize(row, wd.data(), n);
        ref::dequantizeQ8_0(xq, xd.data(), n);
        for (int64_t i = 0; i < n; ++i) {
            e.magnitude += std::fabs(static_cast<double>(wd[static_cast<size_t>(i)]) * xd[static_cast<size_t>(i)]);
        }
        for (int64_t b = 0; b < n / 32; ++b) {
            const auto& xb = reinterpret_cast<const BlockQ8_0*>(xq)[b];
            const int32_t idot = type == GgmlType::Q8_0
                                     ? ref::blockDotQ8_0Q8_0(reinterpret_cast<const BlockQ8_0*>(row)[b], xb)
                                     : ref::blockDotQ4_0Q8_0(reinterpret_cast<const BlockQ4_0*>(row)[b], xb);
            e.sum += static_cast<double>(idot) * fp16ToF32(loadU16(row + b * bytes)) * fp16ToF32(loadU16(xb.d));
        }
    } else if (traitsOf(type).blockElems == 32) {
        ref::Block32 w;
        for (int64_t b = 0; b < n / 32; ++b) {
            ref::decodeBlock32(type, row + b * bytes, w);
            const auto& xb = reinterpret_cast<const BlockQ8_0*>(xq)[b];
            const double dx = fp16ToF32(loadU16(xb.d));
            for (int j = 0; j < 32; ++j) {
                const double x = dx * xb.qs[j];
                e.sum += (static_cast<double>(w.d) * w.q[j] + w.m) * x;
                e.magnitude += (std::fabs(static_cast<double>(w.d) * w.q[j]) + std::fabs(w.m)) * std::fabs(x);
            }
        }
    } else {
        ref::SuperBlock w;
        for (int64_t b = 0; b < n / 256; ++b) {
            ref::decodeSuperBlock(type, row + b * bytes, w);
            BlockQ8_K xb;
            std::memcpy(&xb, xq + b * static_cast<int64_t>(sizeof xb), sizeof xb);
            for (int j = 0; j < 256; ++j) {
                const int i = j / w.subLen;
                const double x = static_cast<double>(xb.d) * xb.qs[j];
                const double scaled = static_cast<double>(w.d) * w.scale[i] * w.q[j];
                const double offset = static_cast<double>(w.dmin) * w.min[i];
                e.sum += (scaled - offset) * x;
                e.magnitude += (std::fabs(scaled) + std::fabs(offset)) * std::fabs(x);
            }
        }
    }
    return e;
}

HEARTH_TEST(dotActMatchesExact) {
    Rng rng(14);
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : kBlockTypes) {
            const TypeKernels* k = kernelsFor(type, isa);
            const GgmlType act = k->actType;
            const int64_t blockElems = traitsOf(type).blockElems;
            for (const int64_t n : lengthsFor(type)) {
                for (const size_t offset : kOffsets) {
                    OffsetBuffer row(rowBytes(type, static_cast<uint64_t>(n)), offset);
                    if (offset % 2 == 0) {
                        fillRow(type, n, rng, row);
                    } else {
                        fillRandomBits(type, n, rng, row);
                    }
                    std::vector<float> x = randomFloats(n, rng);
                    OffsetBuffer xq(rowBytes(act, static_cast<uint64_t>(n)), 3 - offset);
                    referenceQuantizeAct(act, x.data(), xq.data(), n);
                    const Exact oracle = exactActDot(type, row.data(), xq.data(), n);
                    const float got = k->dotAct(row.data(), xq.data(), n);
                    // Per block: the scale products and the terms are rounded (a few ulps), then up to n / block
                    // additions into one partial sum.
                    const double tol =
                        (static_cast<double>(n / blockElems) + 82.0) * 0x1p-24 * oracle.magnitude + 1e-30;
                    CHECK_MSG(std::fabs(got - oracle.sum) <= tol, "%s n=%lld offset %zu: %.9g, exact %.9g (tol %.3g)",
                              label(isa, type).c_str(), static_cast<long long>(n), offset, got, oracle.sum, tol);
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
