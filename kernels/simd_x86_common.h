// Internal to the per-ISA x86 kernel files (gemm_*_avx2.cpp, gemm_*_avx512vnni.cpp): unaligned loads and stores,
// scalar reads of the F32/F16 fields inside packed blocks, and horizontal sums — the small helpers every tile file
// needs. Include only from files compiled with at least -mavx2 -mfma -mf16c; the 512-bit helpers appear when the
// file is compiled with -mavx512f.
//
// Internal linkage on purpose (unnamed namespace, as in gemm_tiling.h): each per-ISA translation unit is compiled
// with its own -m flags, and an inline function shared between them could be merged by the linker into the copy
// built for the wider ISA.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"

namespace hearth::kernels {
namespace {

inline __m128i load128(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline __m256i load256(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void store256(uint8_t* p, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }

// Scalar fields of packed blocks, at any alignment.
inline float loadF32(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void storeF32(uint8_t* p, float v) { std::memcpy(p, &v, sizeof v); }
inline int32_t loadI32(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline float halfAt(const uint8_t* p) { return _cvtsh_ss(loadU16(p)); }  // an F16 field as F32

// Sum of the 8 lanes.
inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#ifdef __AVX512F__
inline __m512i join(__m256i low, __m256i high) { return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1); }

// Sum of the 16 lanes (not _mm512_reduce_add_ps: GCC 12 warns about its undefined upper halves).
inline float hsum(__m512 v) {
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
    __m128 s = _mm512_castps512_ps128(v);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

#ifdef __AVX512VNNI__
// acc + vpdpbusd(u, broadcast of the 4 signed bytes at p) (u: unsigned bytes), the broadcast as the instruction's
// embedded {1to16} memory operand: one fused uop. GCC 12 emits a separate vpbroadcastd for the intrinsic form
// (_mm512_dpbusd_epi32 of _mm512_set1_epi32 of a load), a front-end slot per product in the repacked kernels' loops.
inline __m512i dpbusdBcast(__m512i acc, __m512i u, const uint8_t* p) {
    asm("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(u), "m"(*reinterpret_cast<const int32_t*>(p)));
    return acc;
}
#endif

// The sums of the eight 32-quant sub-blocks of the Q8_K block at `block` (any alignment), from its bsums pairs
// (|sum| <= 32 * 128): the activation term of the weight types with a scale or minimum per 32 elements (Q4_K, Q5_K,
// IQ4_XS), which their packers store in the form their kernels read.
inline void q8kSubBlockSums(const uint8_t* block, int32_t sums[8]) {
    int16_t bsums[16];
    std::memcpy(bsums, block + offsetof(BlockQ8_K, bsums), sizeof bsums);
    for (int i = 0; i < 8; ++i) sums[i] = int32_t(bsums[2 * i]) + int32_t(bsums[2 * i + 1]);
}

}  // namespace
}  // namespace hearth::kernels
