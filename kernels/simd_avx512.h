// AVX-512 primitives for simd_kernels.h, shared by kernels_avx512.cpp (F/BW/VL/DQ) and kernels_avx512vnni.cpp
// (+ VNNI). The integer block dot uses vpdpbusd when the including file is compiled with -mavx512vnni, else
// vpmaddubsw + vpmaddwd. Include only from those two files.
#pragma once

#include <immintrin.h>

#include "kernels/simd_kernels.h"
#include "kernels/simd_kquants_x86.h"

#ifdef __AVX512VNNI__
namespace hearth::kernels {
// A distinct xsimd architecture for the VNNI object, so its xsimd template instantiations can never be merged
// with (and substituted for) the plain AVX-512 object's by the linker.
struct Avx512VnniArch : xsimd::avx512bw {
    static constexpr char const* name() noexcept { return "avx512bw+vnni"; }
};
}  // namespace hearth::kernels
namespace xsimd::types {
template <class T>
struct get_bool_simd_register<T, hearth::kernels::Avx512VnniArch> {
    using type = simd_avx512_bool_register<T>;  // AVX-512 comparisons yield mask registers, as for avx512bw
};
XSIMD_DECLARE_SIMD_REGISTER_ALIAS(hearth::kernels::Avx512VnniArch, avx512bw);
}  // namespace xsimd::types
#endif

namespace hearth::kernels {
namespace {

struct Avx512Primitives {
#ifdef __AVX512VNNI__
    using Arch = Avx512VnniArch;
#else
    using Arch = xsimd::avx512bw;
#endif
    using F = xsimd::batch<float, Arch>;  // 16 lanes
    // A block's 32 bytes fill half a register: two consecutive blocks share one 512-bit integer dot.
    static constexpr int kBlocksPerStep = 2;
    using Quants = X86Quants;

    static __m128i load128(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
    static __m256i load256(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static __m512 i8ToF32(__m128i v) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v)); }
    static __m512i join(__m256i low, __m256i high) {
        return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
    }

    static F loadF16(const uint8_t* p) { return _mm512_cvtph_ps(load256(p)); }

    // The largest lane; the 16 int32 lanes of q (in [-128, 127]) as 16 bytes at dst.
    static float maxLane(F m) { return _mm512_reduce_max_ps(m); }
    static void storeI8(xsimd::batch<int32_t, Arch> q, uint8_t* dst) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi32_epi8(q));
    }

    static F loadBf16(const uint8_t* p) {
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(load256(p)), 16));
    }

    static void expandQ8(const uint8_t* qs, F* out) {
        out[0] = i8ToF32(load128(qs));
        out[1] = i8ToF32(load128(qs + 16));
    }

    static void nibbles(const uint8_t* qs, __m128i& lo, __m128i& hi) {
        const __m128i v = load128(qs);
        const __m128i mask = _mm_set1_epi8(0x0f);
        const __m128i eight = _mm_set1_epi8(8);
        lo = _mm_sub_epi8(_mm_and_si128(v, mask), eight);
        hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(v, 4), mask), eight);
    }

    static void expandQ4(const uint8_t* qs, F* out) {
        __m128i lo, hi;
        nibbles(qs, lo, hi);
        out[0] = i8ToF32(lo);
        out[1] = i8ToF32(hi);
    }

    // Two consecutive Q4_0 blocks' 64 signed values in element order: each block's 16 bytes in both 128-bit
    // lanes of its half, the upper lane shifted right by 4 (per 64-bit element), masked, minus 8.
    static __m512i unpackQ4x2(const uint8_t* qs0, const uint8_t* qs1) {
        const __m512i v = join(_mm256_broadcastsi128_si256(load128(qs0)), _mm256_broadcastsi128_si256(load128(qs1)));
        const __m512i shifts = _mm512_set_epi64(4, 4, 0, 0, 4, 4, 0, 0);
        const __m512i nib = _mm512_and_si512(_mm512_srlv_epi64(v, shifts), _mm512_set1_epi8(0x0f));
        return _mm512_sub_epi8(nib, _mm512_set1_epi8(8));
    }

    // Signed x signed bytes -> 16 int32 partial sums, via |a| (unsigned) and b * sign(a). Exact: |a| <= 128,
    // |b| <= 127 (Q8_0 activations never hold -128).
    static __m512i dotI8(__m512i a, __m512i b) {
        const __m512i absA = _mm512_abs_epi8(a);
        const __m512i signedB = _mm512_mask_sub_epi8(b, _mm512_movepi8_mask(a), _mm512_setzero_si512(), b);
#ifdef __AVX512VNNI__
        return _mm512_dpbusd_epi32(_mm512_setzero_si512(), absA, signedB);
#else
        const __m512i pairs = _mm512_maddubs_epi16(absA, signedB);  // pairs <= 2 * 128 * 127: no saturation
        return _mm512_madd_epi16(pairs, _mm512_set1_epi16(1));
#endif
    }

    static F dotStepQ8(const uint8_t* w, const uint8_t* x) {
        constexpr int kB = sizeof(BlockQ8_0);
        const __m512i a = join(load256(w + 2), load256(w + kB + 2));
        const __m512i b = join(load256(x + 2), load256(x + kB + 2));
        return _mm512_cvtepi32_ps(dotI8(a, b));
    }

    static F dotStepQ4(const uint8_t* w, const uint8_t* x) {
        constexpr int kW = sizeof(BlockQ4_0);
        constexpr int kX = sizeof(BlockQ8_0);
        const __m512i a = unpackQ4x2(w + 2, w + kW + 2);
        const __m512i b = join(load256(x + 2), load256(x + kX + 2));
        return _mm512_cvtepi32_ps(dotI8(a, b));
    }

    // Lanes 0..7 hold the first block's partial sums, lanes 8..15 the second's.
    static F scales(const float* s) { return _mm512_insertf32x8(_mm512_set1_ps(s[0]), _mm256_set1_ps(s[1]), 1); }

    static float halfToFloat(const uint8_t* p) { return _cvtsh_ss(loadU16(p)); }
};

}  // namespace
}  // namespace hearth::kernels
