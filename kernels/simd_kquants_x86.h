// x86 integer dot products for the K-quants, IQ4_XS, TQ2_0 (with Q8_K activations) and Q4_1, Q5_0, Q5_1, IQ4_NL
// (with Q8_0 activations), on 256-bit AVX2 integer ops (vpmaddubsw + vpmaddwd). Shared by the AVX2 and both
// AVX-512 objects (each compiles its own internal copy with its flags; AVX-512 re-encodes them with EVEX): these
// kernels are bound by memory bandwidth at one or two threads, so 512-bit versions would not read faster.
// Include only from a per-ISA x86 translation unit (kernels_avx2.cpp, simd_avx512.h).
//
// Each kernel computes the exact integer sums of ref::dot*Q8_K / ref::dot*Q8_0 (kernels/reference_kquants.h,
// reference_legacy.h) per block and scales them in F32, in a different summation order (per-lane F32
// accumulators). vpmaddubsw multiplies unsigned by signed bytes: weights are kept unsigned (their offset is
// subtracted with the Q8_K block sums) or, for signed weights, moved to the unsigned side as |w| with the sign
// moved onto the activation; no int16 pair sum can saturate (|pair| <= 2 * 127 * 127 < 32767).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_q8_0.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/reference_kquants.h"
#include "kernels/reference_legacy.h"

namespace hearth::kernels {
namespace {

struct X86Quants {
    static constexpr int64_t kQ8KBytes = sizeof(BlockQ8_K);
    static constexpr int64_t kQ8_0Bytes = sizeof(BlockQ8_0);

    static const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
    static __m128i load128(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
    static __m256i load256(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static float half(const uint8_t* p) { return _cvtsh_ss(loadU16(p)); }
    static float f32(const uint8_t* p) {
        float v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }

    static float hsum(__m256 v) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }

    // Unsigned bytes u (each <= 127) times signed bytes s, pairs summed to int16, then times an int16 scale and
    // pairs summed to int32.
    static __m256i dotScaled(__m256i u, __m256i s, int scale) {
        return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(static_cast<int16_t>(scale)));
    }
    // Signed weights w (|w| <= 127) times signed activations: |w| x (x * sign(w)).
    static __m256i dotSignedScaled(__m256i w, __m256i x, int scale) {
        return dotScaled(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w), scale);
    }

    // acc + unsigned u times signed s, in groups of four: one vpdpbusd on VNNI, vpmaddubsw + vpmaddwd otherwise.
    static __m256i accDot(__m256i acc, __m256i u, __m256i s) {
#ifdef __AVX512VNNI__
        return _mm256_dpbusd_epi32(acc, u, s);
#else
        return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
    }

    static void bsums(const uint8_t* xb, int16_t* out) { std::memcpy(out, xb + 260, 32); }

    // --- Q8_K-paired types ----------------------------------------------------------------------------------

    // Broadcast of one int16 scale: scales16 holds 8 int16 scales in both 128-bit lanes; lane 0 gets scale j0,
    // lane 1 scale j1 (shuffle controls are compile-time constants in the unrolled loops).
    static __m256i pickScales(__m256i scales16, int j0, int j1) {
        const auto ctl = [](int j) { return static_cast<int16_t>((2 * j) | ((2 * j + 1) << 8)); };
        return _mm256_shuffle_epi8(scales16, _mm256_set_m128i(_mm_set1_epi16(ctl(j1)), _mm_set1_epi16(ctl(j0))));
    }

    // The Q8_K block sums of the 8 sub-blocks of 32 (pairs of 16-element sums), as 8 int16.
    static __m128i pairedBsums(const uint8_t* xb) {
        return _mm_hadd_epi16(load128(xb + 260), load128(xb + 276));
    }

    // Q4_K / Q5_K's eight 6-bit scales and minimums (kQuantScaleMin), unpacked 4 at a time with 32-bit masks.
    static void scalesMinsK4(const uint8_t* packed, __m128i& scales16, __m128i& mins16) {
        uint32_t u[3];
        std::memcpy(u, packed, sizeof u);
        const uint32_t sc03 = u[0] & 0x3f3f3f3fu;
        const uint32_t m03 = u[1] & 0x3f3f3f3fu;
        const uint32_t sc47 = (u[2] & 0x0f0f0f0fu) | (((u[0] >> 6) & 0x03030303u) << 4);
        const uint32_t m47 = ((u[2] >> 4) & 0x0f0f0f0fu) | (((u[1] >> 6) & 0x03030303u) << 4);
        scales16 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, static_cast<int>(sc47), static_cast<int>(sc03)));
        mins16 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, static_cast<int>(m47), static_cast<int>(m03)));
    }

    // Q4_K (kHigh = false) and Q5_K: unsigned levels, per-sub-block scales and minimums.
    template <bool kHigh>
    static float dotQ45_K(const void* row, const void* xq, int64_t n) {
        constexpr int64_t kBytes = kHigh ? 176 : 144;
        constexpr int kQsAt = kHigh ? 48 : 16;
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i m4 = _mm256_set1_epi8(0x0f);
        const __m256i one = _mm256_set1_epi8(1);
        __m256 acc = _mm256_setzero_ps();
        __m128 accMin = _mm_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * kBytes;
            const uint8_t* xb = x + b * kQ8KBytes;
            const float xd = f32(xb);
            __m128i sc16, mn16;
            scalesMinsK4(wb + 4, sc16, mn16);
            const __m128i mprod = _mm_madd_epi16(mn16, pairedBsums(xb));
            accMin = _mm_fmadd_ps(_mm_set1_ps(xd * half(wb + 2)), _mm_cvtepi32_ps(mprod), accMin);
            const __m256i scales = _mm256_broadcastsi128_si256(sc16);
            __m256i hbits = _mm256_setzero_si256();
            if constexpr (kHigh) hbits = load256(wb + 16);
            __m256i sumi = _mm256_setzero_si256();
            for (int p = 0; p < 4; ++p) {
                const __m256i q = load256(wb + kQsAt + 32 * p);
                __m256i lo = _mm256_and_si256(q, m4);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
                if constexpr (kHigh) {
                    // Bit 2p of qh[l] is the 5th bit of the low-nibble element, bit 2p + 1 of the high one.
                    lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(hbits, one), 4));
                    hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 1), one), 4));
                    hbits = _mm256_srli_epi16(hbits, 2);
                }
                const __m256i plo = _mm256_maddubs_epi16(lo, load256(xb + 4 + 64 * p));
                const __m256i phi = _mm256_maddubs_epi16(hi, load256(xb + 4 + 64 * p + 32));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(plo, pickScales(scales, 2 * p, 2 * p)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(phi, pickScales(scales, 2 * p + 1, 2 * p + 1)));
            }
            acc = _mm256_fmadd_ps(_mm256_set1_ps(xd * half(wb)), _mm256_cvtepi32_ps(sumi), acc);
        }
        __m128 m = _mm_add_ps(accMin, _mm_movehl_ps(accMin, accMin));
        m = _mm_add_ss(m, _mm_movehdup_ps(m));
        return hsum(acc) - _mm_cvtss_f32(m);
    }
    static float dotQ4_K(const void* row, const void* xq, int64_t n) { return dotQ45_K<false>(row, xq, n); }
    static float dotQ5_K(const void* row, const void* xq, int64_t n) { return dotQ45_K<true>(row, xq, n); }

    // 16 signed sub-block scales (one per 16 elements) as int16: the 8 of half h in both 128-bit lanes.
    static __m256i halfScales(const int8_t* sc, int h) {
        return _mm256_broadcastsi128_si256(
            _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(sc + 8 * h))));
    }
    // sum_i sc_i * bsums_i over the 16 sub-blocks, as 8 int32 partial sums.
    static __m256i scaledBsums(const int8_t* sc, const uint8_t* xb) {
        return _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc))),
                                 load256(xb + 260));
    }

    // Q6_K: q = low | high << 4 in 0..63 stays unsigned; sum (q - 32) x = sum q x - 32 * bsum per sub-block.
    static float dotQ6_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i m4 = _mm256_set1_epi8(0x0f);
        const __m256i m2 = _mm256_set1_epi8(0x03);
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 210;
            const uint8_t* xb = x + b * kQ8KBytes;
            const auto* sc = reinterpret_cast<const int8_t*>(wb + 192);
            __m256i sumi = _mm256_slli_epi32(scaledBsums(sc, xb), 5);  // 32 * sum sc_i bsum_i, subtracted
            sumi = _mm256_sub_epi32(_mm256_setzero_si256(), sumi);
            for (int h = 0; h < 2; ++h) {
                const __m256i scales = halfScales(sc, h);
                const __m256i qa = load256(wb + 64 * h);
                const __m256i qb = load256(wb + 64 * h + 32);
                const __m256i qh = load256(wb + 128 + 32 * h);
                const __m256i q[4] = {
                    _mm256_or_si256(_mm256_and_si256(qa, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4)),
                    _mm256_or_si256(_mm256_and_si256(qb, m4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4)),
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qa, 4), m4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m2), 4)),
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qb, 4), m4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m2), 4)),
                };
                for (int s = 0; s < 4; ++s) {
                    const __m256i p = _mm256_maddubs_epi16(q[s], load256(xb + 4 + 128 * h + 32 * s));
                    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, pickScales(scales, 2 * s, 2 * s + 1)));
                }
            }
            const float d = f32(xb) * half(wb + 208);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(acc);
    }

    static float dotQ2_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i m2 = _mm256_set1_epi8(0x03);
        const __m128i m4 = _mm_set1_epi8(0x0f);
        __m256 acc = _mm256_setzero_ps();
        __m256 accMin = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 84;
            const uint8_t* xb = x + b * kQ8KBytes;
            const float xd = f32(xb);
            const __m128i packed = load128(wb);  // scale | min << 4 per sub-block
            alignas(16) int8_t sc[16];
            _mm_store_si128(reinterpret_cast<__m128i*>(sc), _mm_and_si128(packed, m4));
            const __m128i mins = _mm_and_si128(_mm_srli_epi16(packed, 4), m4);
            const __m256i mprod = _mm256_madd_epi16(_mm256_cvtepu8_epi16(mins), load256(xb + 260));
            accMin = _mm256_fmadd_ps(_mm256_set1_ps(xd * half(wb + 82)), _mm256_cvtepi32_ps(mprod), accMin);
            __m256i sumi = _mm256_setzero_si256();
            for (int h = 0; h < 2; ++h) {
                const __m256i scales = halfScales(sc, h);
                const __m256i q = load256(wb + 16 + 32 * h);
                for (int s = 0; s < 4; ++s) {
                    const __m256i v = _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m2);
                    const __m256i p = _mm256_maddubs_epi16(v, load256(xb + 4 + 128 * h + 32 * s));
                    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, pickScales(scales, 2 * s, 2 * s + 1)));
                }
            }
            acc = _mm256_fmadd_ps(_mm256_set1_ps(xd * half(wb + 80)), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(_mm256_sub_ps(acc, accMin));
    }

    // Q3_K: v = low 2 bits | high bit << 2 in 0..7 stays unsigned; the level is v - 4.
    static float dotQ3_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i m2 = _mm256_set1_epi8(0x03);
        const __m256i one = _mm256_set1_epi8(1);
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 110;
            const uint8_t* xb = x + b * kQ8KBytes;
            // The 16 six-bit scales (format_q3_k.h), minus 32, with 32-bit masks: bytes 0..7 hold the low
            // nibbles (scales 0..7 low, 8..15 high), bytes 8..11 the 2-bit high parts (scale i at bits
            // 2 (i / 4) of byte 8 + i % 4).
            uint32_t u[3];
            std::memcpy(u, wb + 96, sizeof u);
            alignas(16) uint32_t s32[4] = {
                (u[0] & 0x0f0f0f0fu) | ((u[2] & 0x03030303u) << 4),
                (u[1] & 0x0f0f0f0fu) | (((u[2] >> 2) & 0x03030303u) << 4),
                ((u[0] >> 4) & 0x0f0f0f0fu) | (((u[2] >> 4) & 0x03030303u) << 4),
                ((u[1] >> 4) & 0x0f0f0f0fu) | (((u[2] >> 6) & 0x03030303u) << 4),
            };
            alignas(16) int8_t sc[16];
            _mm_store_si128(reinterpret_cast<__m128i*>(sc),
                            _mm_sub_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(s32)), _mm_set1_epi8(32)));
            __m256i sumi = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(scaledBsums(sc, xb), 2));
            __m256i hbits = load256(wb);
            for (int h = 0; h < 2; ++h) {
                const __m256i scales = halfScales(sc, h);
                const __m256i q = load256(wb + 32 + 32 * h);
                for (int s = 0; s < 4; ++s) {
                    const __m256i hb = _mm256_slli_epi16(_mm256_and_si256(hbits, one), 2);
                    hbits = _mm256_srli_epi16(hbits, 1);
                    const __m256i v = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m2), hb);
                    const __m256i p = _mm256_maddubs_epi16(v, load256(xb + 4 + 128 * h + 32 * s));
                    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, pickScales(scales, 2 * s, 2 * s + 1)));
                }
            }
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f32(xb) * half(wb + 108)), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(acc);
    }

    // 16 packed bytes -> 32 nibbles in element order (low nibbles = elements 0..15, high = 16..31).
    static __m256i nibbles32(const uint8_t* qs) {
        const __m256i v = _mm256_broadcastsi128_si256(load128(qs));
        return _mm256_and_si256(_mm256_srlv_epi64(v, _mm256_set_epi64x(4, 4, 0, 0)), _mm256_set1_epi8(0x0f));
    }

    static __m256i iq4Table() {
        return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4NlLevels)));
    }

    static float dotIq4Xs(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i table = iq4Table();
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 136;
            const uint8_t* xb = x + b * kQ8KBytes;
            const int scalesH = loadU16(wb + 2);
            __m256i sumi = _mm256_setzero_si256();
            for (int i = 0; i < 8; ++i) {
                const int ls = (((wb[4 + i / 2] >> (4 * (i % 2))) & 15) | (((scalesH >> (2 * i)) & 3) << 4)) - 32;
                const __m256i v = _mm256_shuffle_epi8(table, nibbles32(wb + 8 + 16 * i));
                sumi = _mm256_add_epi32(sumi, dotSignedScaled(v, load256(xb + 4 + 32 * i), ls));
            }
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f32(xb) * half(wb)), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(acc);
    }

    // TQ2_0: t in 0..2 stays unsigned; sum (t - 1) x = sum t x - sum of all bsums.
    static float dotTq2_0(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i m2 = _mm256_set1_epi8(0x03);
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 66;
            const uint8_t* xb = x + b * kQ8KBytes;
            int16_t bs[16];
            bsums(xb, bs);
            int total = 0;
            for (const int16_t s : bs) total += s;
#ifdef __AVX512VNNI__
            __m256i sumi = _mm256_setzero_si256();
            for (int h = 0; h < 2; ++h) {
                const __m256i q = load256(wb + 32 * h);
                for (int s = 0; s < 4; ++s) {
                    const __m256i v = _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m2);
                    sumi = accDot(sumi, v, load256(xb + 4 + 128 * h + 32 * s));
                }
            }
#else
            __m256i sum16 = _mm256_setzero_si256();  // int16: 8 pair sums of <= 2 * 3 * 127 each (code 3 included)
            for (int h = 0; h < 2; ++h) {
                const __m256i q = load256(wb + 32 * h);
                for (int s = 0; s < 4; ++s) {
                    const __m256i v = _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m2);
                    sum16 = _mm256_add_epi16(sum16, _mm256_maddubs_epi16(v, load256(xb + 4 + 128 * h + 32 * s)));
                }
            }
            __m256i sumi = _mm256_madd_epi16(sum16, _mm256_set1_epi16(1));
#endif
            sumi = _mm256_sub_epi32(sumi, _mm256_setr_epi32(total, 0, 0, 0, 0, 0, 0, 0));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f32(xb) * half(wb + 64)), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(acc);
    }

    // --- Q8_0-paired types (32-element blocks) --------------------------------------------------------------

    // The 5th bits of a Q5 block (uint32, bit j = element j) as 0x10 bytes in element order.
    static __m256i highBits(const uint8_t* qh) {
        uint32_t h;
        std::memcpy(&h, qh, sizeof h);
        const __m256i spread = _mm256_shuffle_epi8(
            _mm256_set1_epi32(static_cast<int>(h)),
            _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
        const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
        const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
        return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
    }

    // Blocks of (q unsigned, d, m) with w = d q + m: acc += (d dx) sum q x, accM += (m dx) sum x.
    template <int kBytes, int kQsAt, int kQhAt, bool kHasMin>
    static float dotUnsigned32(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i ones8 = _mm256_set1_epi8(1);
        __m256 acc = _mm256_setzero_ps();
        __m256 accM = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / 32; ++b) {
            const uint8_t* wb = w + b * kBytes;
            const uint8_t* xb = x + b * kQ8_0Bytes;
            const __m256i xv = load256(xb + 2);
            __m256i q = nibbles32(wb + kQsAt);
            if constexpr (kQhAt >= 0) q = _mm256_or_si256(q, highBits(wb + kQhAt));
            const float dx = half(xb);
            const __m256i dot = accDot(_mm256_setzero_si256(), q, xv);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(half(wb) * dx), _mm256_cvtepi32_ps(dot), acc);
            if constexpr (kHasMin) {
                const __m256i sx = accDot(_mm256_setzero_si256(), ones8, xv);
                accM = _mm256_fmadd_ps(_mm256_set1_ps(half(wb + 2) * dx), _mm256_cvtepi32_ps(sx), accM);
            }
        }
        return hsum(_mm256_add_ps(acc, accM));
    }

    static float dotQ4_1(const void* row, const void* xq, int64_t n) {
        return dotUnsigned32<20, 4, -1, true>(row, xq, n);
    }
    static float dotQ5_1(const void* row, const void* xq, int64_t n) {
        return dotUnsigned32<24, 8, 4, true>(row, xq, n);
    }

    // Signed weights: Q5_0 (q - 16) and IQ4_NL (table levels).
    template <bool kIq4>
    static float dotSigned32(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const __m256i table = iq4Table();
        constexpr int64_t kBytes = kIq4 ? 18 : 22;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / 32; ++b) {
            const uint8_t* wb = w + b * kBytes;
            const uint8_t* xb = x + b * kQ8_0Bytes;
            __m256i q;
            if constexpr (kIq4) {
                q = _mm256_shuffle_epi8(table, nibbles32(wb + 2));
            } else {
                q = _mm256_sub_epi8(_mm256_or_si256(nibbles32(wb + 6), highBits(wb + 2)), _mm256_set1_epi8(16));
            }
            const __m256i xv = load256(xb + 2);
            const __m256i dot = accDot(_mm256_setzero_si256(), _mm256_sign_epi8(q, q), _mm256_sign_epi8(xv, q));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(half(wb) * half(xb)), _mm256_cvtepi32_ps(dot), acc);
        }
        return hsum(acc);
    }

    static float dotQ5_0(const void* row, const void* xq, int64_t n) { return dotSigned32<false>(row, xq, n); }
    static float dotIq4Nl(const void* row, const void* xq, int64_t n) { return dotSigned32<true>(row, xq, n); }

    // TQ1_0: trit k of byte b is ((uint8)(b * 3^k) * 3) >> 8 (format_tq1_0.h). m = b * 3^k mod 256 by repeated
    // byte additions (m + m + m), and the digit as [m >= 86] + [m >= 171] (the same thresholds: 86 * 3 = 258,
    // 171 * 3 = 513). Trits t in 0..2 stay unsigned; sum (t - 1) x = sum t x - sum of all bsums.
    static __m256i times3(__m256i m) { return _mm256_add_epi8(m, _mm256_add_epi8(m, m)); }
    static __m256i trits(__m256i m) {
        const __m256i ge86 = _mm256_cmpeq_epi8(_mm256_max_epu8(m, _mm256_set1_epi8(86)), m);
        const __m256i ge171 = _mm256_cmpeq_epi8(_mm256_max_epu8(m, _mm256_set1_epi8(static_cast<char>(171))), m);
        return _mm256_sub_epi8(_mm256_setzero_si256(), _mm256_add_epi8(ge86, ge171));
    }

    static float dotTq1_0(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        __m256 acc = _mm256_setzero_ps();
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 54;
            const uint8_t* xb = x + b * kQ8KBytes;
            const uint8_t* xs = xb + 4;
            int16_t bs[16];
            bsums(xb, bs);
            int total = 0;
            for (const int16_t v : bs) total += v;
            __m256i sumi = _mm256_setzero_si256();
            // qs[0..31]: elements 32k + l.
            __m256i a = load256(wb);
            for (int k = 0; k < 5; ++k) {
                sumi = accDot(sumi, trits(a), load256(xs + 32 * k));
                a = times3(a);
            }
            // qs[32..47]: elements 160 + 16k + l; trits k and k + 1 share a register (their activations are
            // contiguous), trit 4 shares one with the qh elements 240..255 that follow it.
            const __m128i c = load128(wb + 32);
            const __m128i c3 = _mm_add_epi8(c, _mm_add_epi8(c, c));
            const __m256i c01 = _mm256_set_m128i(c3, c);
            const __m256i c23 = times3(times3(c01));
            sumi = accDot(sumi, trits(c01), load256(xs + 160));
            sumi = accDot(sumi, trits(c23), load256(xs + 192));
            // qh[l] * 3^k for element 240 + 4k + l: lanes of four bytes each multiplied by 1, 3, 9, 27.
            uint32_t qhBits;
            std::memcpy(&qhBits, wb + 48, sizeof qhBits);
            const __m128i q1 = _mm_set1_epi32(static_cast<int>(qhBits));
            const __m128i q3 = _mm_add_epi8(q1, _mm_add_epi8(q1, q1));
            const __m128i q9 = _mm_add_epi8(q3, _mm_add_epi8(q3, q3));
            const __m128i q27 = _mm_add_epi8(q9, _mm_add_epi8(q9, q9));
            const __m128i qh = _mm_blend_epi32(_mm_blend_epi32(_mm_blend_epi32(q1, q3, 0x2), q9, 0x4), q27, 0x8);
            const __m256i c4 = _mm256_castsi128_si256(_mm256_extracti128_si256(times3(c23), 1));  // c * 81
            sumi = accDot(sumi, trits(_mm256_inserti128_si256(c4, qh, 1)), load256(xs + 224));
            sumi = _mm256_sub_epi32(sumi, _mm256_setr_epi32(total, 0, 0, 0, 0, 0, 0, 0));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f32(xb) * half(wb + 52)), _mm256_cvtepi32_ps(sumi), acc);
        }
        return hsum(acc);
    }

    // Q8_K activations, bit-identical to ref::quantizeQ8_K: the first value of largest magnitude m, iscale =
    // -127 / m, q = min(127, round-half-even(iscale * x)) (vcvtps2dq rounds to nearest even, like lrintf).
#if defined(__AVX512BW__)
    // The AVX-512 build (the same steps as the AVX2 loop below, 16 lanes, bit-identical): a block's 256 values stay
    // in 16 registers between the passes, the quants narrow to bytes in registers and the 16 sums come out of one
    // add tree. One thread: 2048 values 0.72 -> 0.47 us, 5632 1.95 -> 1.29 us.
    static void quantizeQ8_K(const float* x, void* dst, int64_t n) {
        auto* out = static_cast<uint8_t*>(dst);
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const float* xb = x + b * kQkK;
            uint8_t* yb = out + b * kQ8KBytes;
            __m512 v[16];
            __m512 m = _mm512_setzero_ps();
            for (int i = 0; i < 16; ++i) {
                v[i] = _mm512_loadu_ps(xb + 16 * i);
                m = _mm512_max_ps(m, _mm512_abs_ps(v[i]));
            }
            const float amax = _mm512_reduce_max_ps(m);
            if (amax == 0.0f) {
                std::memset(yb, 0, kQ8KBytes);
                continue;
            }
            float max = 0.0f;  // the first value of largest magnitude, with its sign
            const __m512 target = _mm512_set1_ps(amax);
            for (int i = 0; i < 16; ++i) {
                const __mmask16 hits = _mm512_cmp_ps_mask(_mm512_abs_ps(v[i]), target, _CMP_EQ_OQ);
                if (hits != 0) {
                    max = xb[16 * i + __builtin_ctz(static_cast<unsigned>(hits))];
                    break;
                }
            }
            const float iscale = -127.0f / max;
            const __m512 vs = _mm512_set1_ps(iscale);
            const __m512i top = _mm512_set1_epi32(127);
            __m512i q[16];
            for (int i = 0; i < 16; ++i) {
                q[i] = _mm512_min_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(v[i], vs)), top);
                _mm_storeu_si128(reinterpret_cast<__m128i*>(yb + 4 + 16 * i), _mm512_cvtepi32_epi8(q[i]));
            }
            // The 16 sums at once (lane i = the sum of q[i]): pairs within 128-bit chunks, then chunks.
            __m512i p2[8], p4[4];
            for (int i = 0; i < 8; ++i) {
                p2[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(q[2 * i], q[2 * i + 1]),
                                         _mm512_unpackhi_epi32(q[2 * i], q[2 * i + 1]));
            }
            for (int i = 0; i < 4; ++i) {
                p4[i] = _mm512_add_epi32(_mm512_unpacklo_epi64(p2[2 * i], p2[2 * i + 1]),
                                         _mm512_unpackhi_epi64(p2[2 * i], p2[2 * i + 1]));
            }
            const __m512i g01 = _mm512_add_epi32(_mm512_shuffle_i32x4(p4[0], p4[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                                 _mm512_shuffle_i32x4(p4[0], p4[1], _MM_SHUFFLE(3, 1, 3, 1)));
            const __m512i g23 = _mm512_add_epi32(_mm512_shuffle_i32x4(p4[2], p4[3], _MM_SHUFFLE(2, 0, 2, 0)),
                                                 _mm512_shuffle_i32x4(p4[2], p4[3], _MM_SHUFFLE(3, 1, 3, 1)));
            const __m512i sums = _mm512_add_epi32(_mm512_shuffle_i32x4(g01, g23, _MM_SHUFFLE(2, 0, 2, 0)),
                                                  _mm512_shuffle_i32x4(g01, g23, _MM_SHUFFLE(3, 1, 3, 1)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(yb + 260), _mm512_cvtepi32_epi16(sums));
            const float d = 1.0f / iscale;
            std::memcpy(yb, &d, sizeof d);
        }
    }
#else
    static void quantizeQ8_K(const float* x, void* dst, int64_t n) {
        auto* out = static_cast<uint8_t*>(dst);
        const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const float* xb = x + b * kQkK;
            uint8_t* yb = out + b * kQ8KBytes;
            __m256 m = _mm256_setzero_ps();
            for (int j = 0; j < kQkK; j += 8) m = _mm256_max_ps(m, _mm256_and_ps(_mm256_loadu_ps(xb + j), absMask));
            __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
            m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
            m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
            const float amax = _mm_cvtss_f32(m4);
            if (amax == 0.0f) {
                std::memset(yb, 0, kQ8KBytes);
                continue;
            }
            float max = 0.0f;
            const __m256 target = _mm256_set1_ps(amax);
            for (int j = 0; j < kQkK; j += 8) {
                const int hits = _mm256_movemask_ps(
                    _mm256_cmp_ps(_mm256_and_ps(_mm256_loadu_ps(xb + j), absMask), target, _CMP_EQ_OQ));
                if (hits != 0) {
                    max = xb[j + __builtin_ctz(static_cast<unsigned>(hits))];
                    break;
                }
            }
            const float iscale = -127.0f / max;
            const __m256 vs = _mm256_set1_ps(iscale);
            const __m256i top = _mm256_set1_epi32(127);
            const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
            int16_t sums[16];
            for (int j = 0; j < kQkK; j += 32) {
                __m256i v[4];
                for (int k = 0; k < 4; ++k) {
                    const __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(xb + j + 8 * k), vs);
                    v[k] = _mm256_min_epi32(_mm256_cvtps_epi32(scaled), top);
                }
                const __m256i packed = _mm256_permutevar8x32_epi32(
                    _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3])), order);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(yb + 4 + j), packed);
                const __m256i s01 = _mm256_add_epi32(v[0], v[1]);
                const __m256i s23 = _mm256_add_epi32(v[2], v[3]);
                // hadd pairs lanes within 128-bit halves: fold to the two 16-element sums.
                __m256i h = _mm256_hadd_epi32(s01, s23);  // [s01 0+1, 2+3, s23 0+1, 2+3 | s01 4+5, 6+7, s23 ...]
                h = _mm256_hadd_epi32(h, h);              // [s01 0..3, s23 0..3, .. | s01 4..7, s23 4..7, ..]
                sums[j / 16] = static_cast<int16_t>(_mm256_extract_epi32(h, 0) + _mm256_extract_epi32(h, 4));
                sums[j / 16 + 1] = static_cast<int16_t>(_mm256_extract_epi32(h, 1) + _mm256_extract_epi32(h, 5));
            }
            const float d = 1.0f / iscale;
            std::memcpy(yb, &d, sizeof d);
            std::memcpy(yb + 260, sums, sizeof sums);
        }
    }
#endif
};

}  // namespace
}  // namespace hearth::kernels
