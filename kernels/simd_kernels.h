// The SIMD kernels, written once as a template over a per-ISA "primitives" struct P, in the style of xsimd's
// docs and mozilla/gemmology: float work (dot products, scaling, stores) uses xsimd batches of P::Arch; the few
// things xsimd 8.1 cannot express (F16/BF16 widening, int8/int4 unpacking, integer block dot products) are tiny
// static functions of P written with that ISA's intrinsics.
//
// Include this header ONLY from a per-ISA translation unit (kernels_<isa>.cpp), which is compiled with that ISA's
// flags and defines P. Everything here has internal linkage (anonymous namespace): each ISA object gets its own
// copies, so the linker can never substitute an AVX-512-compiled helper into the AVX2 or scalar path.
//
// What P provides (F = xsimd::batch<float, P::Arch>, L = F::size, kQk = 32 elements per block):
//   using Arch;                                          xsimd architecture of the batches
//   static constexpr int kBlocksPerStep;                 blocks per integer dot step (1, or 2 for 512-bit)
//   static F loadF16(const uint8_t* p);                  L F16 values at p (any alignment) -> F32
//   static F loadBf16(const uint8_t* p);                 L BF16 values at p -> F32
//   static void expandQ8(const uint8_t* qs, F* out);     a Q8_0 block's 32 quants -> kQk / L batches, in order
//   static void expandQ4(const uint8_t* qs, F* out);     a Q4_0 block's 16 packed bytes -> 32 (nibble - 8) values
//   static F dotStepQ8(const uint8_t* w, const uint8_t* x);  kBlocksPerStep Q8_0 weight blocks (at w, 34-byte
//                                                        stride) . Q8_0 activation blocks (at x): exact int32
//                                                        partial sums, one block's partials per lane group,
//                                                        converted to F32 (exact: each is < 2^24)
//   static F dotStepQ4(const uint8_t* w, const uint8_t* x);  the same for Q4_0 weights (18-byte stride)
//   static F scales(const float* s);                     lane groups of a step <- s[0 .. kBlocksPerStep)
//   static float halfToFloat(const uint8_t* p);          one F16 block scale at p (hardware conversion)
//   using Quants;                                        struct of the ISA's dotAct kernels for Q4_1, Q5_0, Q5_1,
//                                                        IQ4_NL (Q8_0 activations) and Q2_K..Q6_K, IQ4_XS, TQ1_0,
//                                                        TQ2_0 (Q8_K activations) plus quantizeQ8_K: written
//                                                        directly in intrinsics (simd_kquants_x86.h / _neon.h);
//                                                        their dequantize and dotF32 (exact path) stay scalar
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/isa_tables.h"
#include "kernels/reference.h"
#include "kernels/reference_kquants.h"
#include "kernels/reference_legacy.h"

namespace hearth::kernels {
namespace {

template <class P>
struct SimdKernels {
    using F = xsimd::batch<float, typename P::Arch>;
    static constexpr int64_t kL = static_cast<int64_t>(F::size);
    static constexpr int64_t kQk = 32;
    static constexpr int64_t kVecsPerBlock = kQk / kL;
    static_assert(kQk % kL == 0);

    static const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

    static float loadScalarF32(const void* p) {
        float v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }

    // --- plain types: F32, F16, BF16 -------------------------------------------------------------------------

    template <GgmlType T>
    static constexpr int64_t kElemBytes = T == GgmlType::F32 ? 4 : 2;

    template <GgmlType T>
    static F loadWeights(const uint8_t* p) {
        if constexpr (T == GgmlType::F32) return F::load_unaligned(reinterpret_cast<const float*>(p));
        if constexpr (T == GgmlType::F16) return P::loadF16(p);
        if constexpr (T == GgmlType::BF16) return P::loadBf16(p);
    }

    template <GgmlType T>
    static float loadWeight(const uint8_t* p) {
        if constexpr (T == GgmlType::F32) return loadScalarF32(p);
        if constexpr (T == GgmlType::F16) return fp16ToF32(loadU16(p));
        if constexpr (T == GgmlType::BF16) return bf16ToF32(loadU16(p));
    }

    template <GgmlType T>
    static void dequantizePlain(const void* src, float* dst, int64_t n) {
        const uint8_t* w = bytes(src);
        int64_t i = 0;
        for (; i + kL <= n; i += kL) loadWeights<T>(w + i * kElemBytes<T>).store_unaligned(dst + i);
        for (; i < n; ++i) dst[i] = loadWeight<T>(w + i * kElemBytes<T>);
    }

    // Four independent accumulators hide the FMA latency; the tail (< L elements) is added in scalar.
    template <GgmlType T>
    static float dotPlain(const void* row, const float* x, int64_t n) {
        constexpr int64_t es = kElemBytes<T>;
        const uint8_t* w = bytes(row);
        F acc0(0.0f), acc1(0.0f), acc2(0.0f), acc3(0.0f);
        int64_t i = 0;
        for (; i + 4 * kL <= n; i += 4 * kL) {
            acc0 = xsimd::fma(loadWeights<T>(w + i * es), F::load_unaligned(x + i), acc0);
            acc1 = xsimd::fma(loadWeights<T>(w + (i + kL) * es), F::load_unaligned(x + i + kL), acc1);
            acc2 = xsimd::fma(loadWeights<T>(w + (i + 2 * kL) * es), F::load_unaligned(x + i + 2 * kL), acc2);
            acc3 = xsimd::fma(loadWeights<T>(w + (i + 3 * kL) * es), F::load_unaligned(x + i + 3 * kL), acc3);
        }
        for (; i + kL <= n; i += kL) acc0 = xsimd::fma(loadWeights<T>(w + i * es), F::load_unaligned(x + i), acc0);
        float sum = xsimd::hadd((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; ++i) sum += loadWeight<T>(w + i * es) * loadScalarF32(x + i);
        return sum;
    }

    template <GgmlType T>
    static float dotActPlain(const void* row, const void* x, int64_t n) {
        return dotPlain<T>(row, static_cast<const float*>(x), n);
    }

    // --- block types: Q8_0, Q4_0 ------------------------------------------------------------------------------

    template <GgmlType T>
    static constexpr int64_t kBlockBytes = T == GgmlType::Q8_0 ? sizeof(BlockQ8_0) : sizeof(BlockQ4_0);

    // One block's 32 weights as F32 (quant * d), kVecsPerBlock batches.
    template <GgmlType T>
    static void expandBlock(const uint8_t* block, F* out) {
        const F d(P::halfToFloat(block));
        if constexpr (T == GgmlType::Q8_0) P::expandQ8(block + 2, out);
        if constexpr (T == GgmlType::Q4_0) P::expandQ4(block + 2, out);
        for (int64_t k = 0; k < kVecsPerBlock; ++k) out[k] = out[k] * d;
    }

    template <GgmlType T>
    static void dequantizeBlocks(const void* src, float* dst, int64_t n) {
        const uint8_t* w = bytes(src);
        F v[kVecsPerBlock];
        for (int64_t b = 0; b < n / kQk; ++b) {
            expandBlock<T>(w + b * kBlockBytes<T>, v);
            for (int64_t k = 0; k < kVecsPerBlock; ++k) v[k].store_unaligned(dst + b * kQk + k * kL);
        }
    }

    // Exact path: weights dequantized on the fly (the same products as dequantize), one accumulator per batch
    // of a block.
    template <GgmlType T>
    static float dotBlocksF32(const void* row, const float* x, int64_t n) {
        const uint8_t* w = bytes(row);
        F acc[kVecsPerBlock];
        for (F& a : acc) a = F(0.0f);
        F v[kVecsPerBlock];
        for (int64_t b = 0; b < n / kQk; ++b) {
            expandBlock<T>(w + b * kBlockBytes<T>, v);
            const float* xb = x + b * kQk;
            for (int64_t k = 0; k < kVecsPerBlock; ++k) acc[k] = xsimd::fma(v[k], F::load_unaligned(xb + k * kL), acc[k]);
        }
        for (int64_t k = 1; k < kVecsPerBlock; ++k) acc[0] += acc[k];
        return xsimd::hadd(acc[0]);
    }

    // Fast path, as ggml does it: exact integer dot per block, then acc += idot * (d_w * d_x) in F32.
    template <GgmlType T>
    static float dotBlocksQ8(const void* row, const void* xq, int64_t n) {
        constexpr int kStep = P::kBlocksPerStep;
        constexpr int64_t wb = kBlockBytes<T>;
        constexpr int64_t xb = sizeof(BlockQ8_0);
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const int64_t nb = n / kQk;
        // kStep blocks starting at block `at`, accumulated into acc.
        auto step = [&](int64_t at, F& acc) {
            float s[kStep];
            for (int k = 0; k < kStep; ++k) {
                s[k] = P::halfToFloat(w + (at + k) * wb) * P::halfToFloat(x + (at + k) * xb);
            }
            F dots;
            if constexpr (T == GgmlType::Q8_0) dots = P::dotStepQ8(w + at * wb, x + at * xb);
            if constexpr (T == GgmlType::Q4_0) dots = P::dotStepQ4(w + at * wb, x + at * xb);
            acc = xsimd::fma(dots, P::scales(s), acc);
        };
        F acc0(0.0f), acc1(0.0f);  // two chains hide the FMA latency
        int64_t b = 0;
        for (; b + 2 * kStep <= nb; b += 2 * kStep) {
            step(b, acc0);
            step(b + kStep, acc1);
        }
        for (; b + kStep <= nb; b += kStep) step(b, acc0);
        float sum = xsimd::hadd(acc0 + acc1);
        for (; b < nb; ++b) {  // at most kStep - 1 blocks
            const float s = P::halfToFloat(w + b * wb) * P::halfToFloat(x + b * xb);
            int32_t idot;
            if constexpr (T == GgmlType::Q8_0) {
                idot = ref::blockDotQ8_0Q8_0(*reinterpret_cast<const BlockQ8_0*>(w + b * wb),
                                             *reinterpret_cast<const BlockQ8_0*>(x + b * xb));
            } else {
                idot = ref::blockDotQ4_0Q8_0(*reinterpret_cast<const BlockQ4_0*>(w + b * wb),
                                             *reinterpret_cast<const BlockQ8_0*>(x + b * xb));
            }
            sum += static_cast<float>(idot) * s;
        }
        return sum;
    }

    // Exact path for the types whose dequantizer stays scalar (the ones after Q4_0): one block dequantized by
    // the reference into a buffer, then multiplied with x in F32 batches (two accumulators).
    template <void (*Dequantize)(const void*, float*, int64_t), int64_t kBlock, int64_t kBytes>
    static float dotDequantized(const void* row, const float* x, int64_t n) {
        static_assert(kBlock % (2 * kL) == 0);
        const uint8_t* w = bytes(row);
        alignas(64) float buf[kBlock];
        F acc0(0.0f), acc1(0.0f);
        for (int64_t b = 0; b < n / kBlock; ++b) {
            Dequantize(w + b * kBytes, buf, kBlock);
            const float* xb = x + b * kBlock;
            for (int64_t k = 0; k < kBlock; k += 2 * kL) {
                acc0 = xsimd::fma(F::load_aligned(buf + k), F::load_unaligned(xb + k), acc0);
                acc1 = xsimd::fma(F::load_aligned(buf + k + kL), F::load_unaligned(xb + k + kL), acc1);
            }
        }
        return xsimd::hadd(acc0 + acc1);
    }

    // Q8_0 activations, bit-identical to ref::quantizeQ8_0: amax, d = amax / 127, q = roundf(x * (1/d)).
    // xsimd::round rounds halfway cases away from zero, like roundf.
    static void quantizeQ8_0(const float* x, void* dst, int64_t n) {
        auto* out = static_cast<uint8_t*>(dst);
        F v[kVecsPerBlock];
        for (int64_t b = 0; b < n / kQk; ++b) {
            F m(0.0f);
            for (int64_t k = 0; k < kVecsPerBlock; ++k) {
                v[k] = F::load_unaligned(x + b * kQk + k * kL);
                m = xsimd::max(m, xsimd::abs(v[k]));
            }
            const float amax = P::maxLane(m);
            const float d = amax / 127.0f;
            const float id = d != 0.0f ? 1.0f / d : 0.0f;
            uint8_t* block = out + b * static_cast<int64_t>(sizeof(BlockQ8_0));
            storeU16(block, f32ToFp16(d));
            // Narrowed in registers (P::storeI8): a scalar loop over the block's 32 values took ~2/3 of the time
            // (rows of 2048 on AVX-512: 1.38 -> 0.85 us).
            for (int64_t k = 0; k < kVecsPerBlock; ++k) {
                P::storeI8(xsimd::to_int(xsimd::round(v[k] * F(id))), block + 2 + k * kL);
            }
        }
    }
};

// The table of an ISA, in kKernelTypes order.
template <class P>
constexpr std::array<TypeKernels, kKernelTypeCount> makeTable() {
    using K = SimdKernels<P>;
    using Q = typename P::Quants;  // the ISA's dot products for the types added after Q4_0 (simd_kquants_*.h)
    constexpr GgmlType F32 = GgmlType::F32, F16 = GgmlType::F16, BF16 = GgmlType::BF16, Q8_0 = GgmlType::Q8_0,
                       Q4_0 = GgmlType::Q4_0, Q8_K = GgmlType::Q8_K;
    return {{
        {F32, K::template dequantizePlain<F32>, K::template dotPlain<F32>, F32, ref::quantizeF32,
         K::template dotActPlain<F32>},
        {F16, K::template dequantizePlain<F16>, K::template dotPlain<F16>, F32, ref::quantizeF32,
         K::template dotActPlain<F16>},
        {BF16, K::template dequantizePlain<BF16>, K::template dotPlain<BF16>, F32, ref::quantizeF32,
         K::template dotActPlain<BF16>},
        {Q8_0, K::template dequantizeBlocks<Q8_0>, K::template dotBlocksF32<Q8_0>, Q8_0, K::quantizeQ8_0,
         K::template dotBlocksQ8<Q8_0>},
        {Q4_0, K::template dequantizeBlocks<Q4_0>, K::template dotBlocksF32<Q4_0>, Q8_0, K::quantizeQ8_0,
         K::template dotBlocksQ8<Q4_0>},
        {GgmlType::Q4_1, ref::dequantizeQ4_1, K::template dotDequantized<ref::dequantizeQ4_1, 32, 20>,
         Q8_0, K::quantizeQ8_0, Q::dotQ4_1},
        {GgmlType::Q5_0, ref::dequantizeQ5_0, K::template dotDequantized<ref::dequantizeQ5_0, 32, 22>,
         Q8_0, K::quantizeQ8_0, Q::dotQ5_0},
        {GgmlType::Q5_1, ref::dequantizeQ5_1, K::template dotDequantized<ref::dequantizeQ5_1, 32, 24>,
         Q8_0, K::quantizeQ8_0, Q::dotQ5_1},
        {GgmlType::Q2_K, ref::dequantizeQ2_K, K::template dotDequantized<ref::dequantizeQ2_K, 256, 84>,
         Q8_K, Q::quantizeQ8_K, Q::dotQ2_K},
        {GgmlType::Q3_K, ref::dequantizeQ3_K, K::template dotDequantized<ref::dequantizeQ3_K, 256, 110>,
         Q8_K, Q::quantizeQ8_K, Q::dotQ3_K},
        {GgmlType::Q4_K, ref::dequantizeQ4_K, K::template dotDequantized<ref::dequantizeQ4_K, 256, 144>,
         Q8_K, Q::quantizeQ8_K, Q::dotQ4_K},
        {GgmlType::Q5_K, ref::dequantizeQ5_K, K::template dotDequantized<ref::dequantizeQ5_K, 256, 176>,
         Q8_K, Q::quantizeQ8_K, Q::dotQ5_K},
        {GgmlType::Q6_K, ref::dequantizeQ6_K, K::template dotDequantized<ref::dequantizeQ6_K, 256, 210>,
         Q8_K, Q::quantizeQ8_K, Q::dotQ6_K},
        {GgmlType::IQ4_NL, ref::dequantizeIq4Nl, K::template dotDequantized<ref::dequantizeIq4Nl, 32, 18>,
         Q8_0, K::quantizeQ8_0, Q::dotIq4Nl},
        {GgmlType::IQ4_XS, ref::dequantizeIq4Xs, K::template dotDequantized<ref::dequantizeIq4Xs, 256, 136>,
         Q8_K, Q::quantizeQ8_K, Q::dotIq4Xs},
        {GgmlType::TQ1_0, ref::dequantizeTq1_0, K::template dotDequantized<ref::dequantizeTq1_0, 256, 54>,
         Q8_K, Q::quantizeQ8_K, Q::dotTq1_0},
        {GgmlType::TQ2_0, ref::dequantizeTq2_0, K::template dotDequantized<ref::dequantizeTq2_0, 256, 66>,
         Q8_K, Q::quantizeQ8_K, Q::dotTq2_0},
    }};
}

template <size_t N>
constexpr bool inKernelTypeOrder(const std::array<TypeKernels, N>& table) {
    if (N != kKernelTypeCount) return false;
    for (size_t i = 0; i < N; ++i) {
        if (table[i].type != kKernelTypes[i]) return false;
    }
    return true;
}

}  // namespace
}  // namespace hearth::kernels
