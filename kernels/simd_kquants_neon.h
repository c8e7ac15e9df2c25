// AArch64 integer dot products for the types added after Q4_0 (the x86 versions are in simd_kquants_x86.h): the
// K-quants, IQ4_XS and the ternary types with Q8_K activations; Q4_1, Q5_0, Q5_1, IQ4_NL with Q8_0 activations.
// The 16-byte integer dot is sdot (vdotq_s32) when the including file is compiled with +dotprod, else widening
// multiplies (vmull_s8) with pairwise accumulation (vpadalq_s16). Include only from simd_neon.h.
//
// Each kernel computes the exact integer sums of the scalar reference (reference_kquants.h, reference_legacy.h)
// per block and scales them in F32, in a different summation order. Every weight value fits a signed byte, so
// unlike x86 no sign juggling is needed: levels are formed directly (q - offset) and dotted signed x signed.
#pragma once

#include <arm_neon.h>

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

struct NeonQuants {
    static constexpr int64_t kQ8KBytes = sizeof(BlockQ8_K);
    static constexpr int64_t kQ8_0Bytes = sizeof(BlockQ8_0);

    static const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
    static float half(const uint8_t* p) { return fp16ToF32(loadU16(p)); }
    static float f32(const uint8_t* p) {
        float v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static int8x16_t s8(const uint8_t* p) { return vreinterpretq_s8_u8(vld1q_u8(p)); }
    static int8x16_t asS8(uint8x16_t v) { return vreinterpretq_s8_u8(v); }

    // acc + the 16 products a_j * b_j, summed in groups of four into the int32 lanes.
    static int32x4_t dot16(int32x4_t acc, int8x16_t a, int8x16_t b) {
#ifdef __ARM_FEATURE_DOTPROD
        return vdotq_s32(acc, a, b);
#else
        const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
        const int16x8_t hi = vmull_high_s8(a, b);
        return vpadalq_s16(vpadalq_s16(acc, lo), hi);
#endif
    }
    // Dot of 32 weights (two registers) with 32 activations at x.
    static int32x4_t dot32(int8x16_t w0, int8x16_t w1, const uint8_t* x) {
        return dot16(dot16(vdupq_n_s32(0), w0, s8(x)), w1, s8(x + 16));
    }

    static void bsums(const uint8_t* xb, int16_t* out) { std::memcpy(out, xb + 260, 32); }

    // --- Q8_K-paired types ----------------------------------------------------------------------------------

    // Q4_K (hasHigh = false) and Q5_K (true): 8 sub-blocks of 32, unsigned levels, per-sub-block minimums.
    template <bool kHigh>
    static float dotQ45_K(const void* row, const void* xq, int64_t n) {
        constexpr int64_t kBytes = kHigh ? 176 : 144;
        constexpr int kQsAt = kHigh ? 48 : 16;
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t m4 = vdupq_n_u8(0x0f);
        const uint8x16_t one = vdupq_n_u8(1);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * kBytes;
            const uint8_t* xb = x + b * kQ8KBytes;
            const float xd = f32(xb);
            int sc[8], mn[8];
            for (int i = 0; i < 8; ++i) kQuantScaleMin(wb + 4, i, sc[i], mn[i]);
            int16_t bs[16];
            bsums(xb, bs);
            int msum = 0;
            for (int i = 0; i < 8; ++i) msum += mn[i] * (bs[2 * i] + bs[2 * i + 1]);
            uint8x16_t h0 = vdupq_n_u8(0), h1 = vdupq_n_u8(0);
            if constexpr (kHigh) {
                h0 = vld1q_u8(wb + 16);
                h1 = vld1q_u8(wb + 32);
            }
            int32x4_t sumi = vdupq_n_s32(0);
            for (int p = 0; p < 4; ++p) {
                const uint8x16_t q0 = vld1q_u8(wb + kQsAt + 32 * p);
                const uint8x16_t q1 = vld1q_u8(wb + kQsAt + 32 * p + 16);
                uint8x16_t lo0 = vandq_u8(q0, m4), lo1 = vandq_u8(q1, m4);
                uint8x16_t hi0 = vshrq_n_u8(q0, 4), hi1 = vshrq_n_u8(q1, 4);
                if constexpr (kHigh) {
                    lo0 = vorrq_u8(lo0, vshlq_n_u8(vandq_u8(h0, one), 4));
                    lo1 = vorrq_u8(lo1, vshlq_n_u8(vandq_u8(h1, one), 4));
                    hi0 = vorrq_u8(hi0, vshlq_n_u8(vandq_u8(vshrq_n_u8(h0, 1), one), 4));
                    hi1 = vorrq_u8(hi1, vshlq_n_u8(vandq_u8(vshrq_n_u8(h1, 1), one), 4));
                    h0 = vshrq_n_u8(h0, 2);
                    h1 = vshrq_n_u8(h1, 2);
                }
                sumi = vmlaq_n_s32(sumi, dot32(asS8(lo0), asS8(lo1), xb + 4 + 64 * p), sc[2 * p]);
                sumi = vmlaq_n_s32(sumi, dot32(asS8(hi0), asS8(hi1), xb + 4 + 64 * p + 32), sc[2 * p + 1]);
            }
            sum += (xd * half(wb)) * static_cast<float>(vaddvq_s32(sumi)) -
                   (xd * half(wb + 2)) * static_cast<float>(msum);
        }
        return sum;
    }
    static float dotQ4_K(const void* row, const void* xq, int64_t n) { return dotQ45_K<false>(row, xq, n); }
    static float dotQ5_K(const void* row, const void* xq, int64_t n) { return dotQ45_K<true>(row, xq, n); }

    static float dotQ6_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t m4 = vdupq_n_u8(0x0f);
        const uint8x16_t m2 = vdupq_n_u8(0x03);
        const int8x16_t off = vdupq_n_s8(32);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 210;
            const uint8_t* xb = x + b * kQ8KBytes;
            const auto* sc = reinterpret_cast<const int8_t*>(wb + 192);
            int32x4_t sumi = vdupq_n_s32(0);
            for (int h = 0; h < 2; ++h) {
                for (int half16 = 0; half16 < 2; ++half16) {  // l = 0..15, then 16..31
                    const int o = 16 * half16;
                    const uint8x16_t qa = vld1q_u8(wb + 64 * h + o);
                    const uint8x16_t qb = vld1q_u8(wb + 64 * h + 32 + o);
                    const uint8x16_t qh = vld1q_u8(wb + 128 + 32 * h + o);
                    const uint8x16_t q[4] = {
                        vorrq_u8(vandq_u8(qa, m4), vshlq_n_u8(vandq_u8(qh, m2), 4)),
                        vorrq_u8(vandq_u8(qb, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(qh, 2), m2), 4)),
                        vorrq_u8(vshrq_n_u8(qa, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(qh, 4), m2), 4)),
                        vorrq_u8(vshrq_n_u8(qb, 4), vshlq_n_u8(vshrq_n_u8(qh, 6), 4)),
                    };
                    for (int s = 0; s < 4; ++s) {
                        const int i = 8 * h + 2 * s + half16;
                        const int32x4_t d = dot16(vdupq_n_s32(0), vsubq_s8(asS8(q[s]), off),
                                                  s8(xb + 4 + 128 * h + 32 * s + o));
                        sumi = vmlaq_n_s32(sumi, d, sc[i]);
                    }
                }
            }
            sum += (f32(xb) * half(wb + 208)) * static_cast<float>(vaddvq_s32(sumi));
        }
        return sum;
    }

    static float dotQ2_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t m2 = vdupq_n_u8(0x03);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 84;
            const uint8_t* xb = x + b * kQ8KBytes;
            const float xd = f32(xb);
            int16_t bs[16];
            bsums(xb, bs);
            int msum = 0;
            for (int i = 0; i < 16; ++i) msum += (wb[i] >> 4) * bs[i];
            int32x4_t sumi = vdupq_n_s32(0);
            for (int h = 0; h < 2; ++h) {
                uint8x16_t q0 = vld1q_u8(wb + 16 + 32 * h);
                uint8x16_t q1 = vld1q_u8(wb + 16 + 32 * h + 16);
                for (int s = 0; s < 4; ++s) {
                    const int i = 8 * h + 2 * s;
                    const uint8_t* xs = xb + 4 + 128 * h + 32 * s;
                    sumi = vmlaq_n_s32(sumi, dot16(vdupq_n_s32(0), asS8(vandq_u8(q0, m2)), s8(xs)), wb[i] & 15);
                    sumi = vmlaq_n_s32(sumi, dot16(vdupq_n_s32(0), asS8(vandq_u8(q1, m2)), s8(xs + 16)),
                                       wb[i + 1] & 15);
                    q0 = vshrq_n_u8(q0, 2);
                    q1 = vshrq_n_u8(q1, 2);
                }
            }
            sum += (xd * half(wb + 80)) * static_cast<float>(vaddvq_s32(sumi)) -
                   (xd * half(wb + 82)) * static_cast<float>(msum);
        }
        return sum;
    }

    static float dotQ3_K(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t m2 = vdupq_n_u8(0x03);
        const uint8x16_t one = vdupq_n_u8(1);
        const int8x16_t four = vdupq_n_s8(4);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 110;
            const uint8_t* xb = x + b * kQ8KBytes;
            const uint8_t* scales = wb + 96;
            int sc[16];
            for (int i = 0; i < 16; ++i) {
                const int low = i < 8 ? (scales[i] & 15) : (scales[i - 8] >> 4);
                const int high = (scales[8 + i % 4] >> (2 * (i / 4))) & 3;
                sc[i] = (low | (high << 4)) - 32;
            }
            uint8x16_t hm0 = vld1q_u8(wb), hm1 = vld1q_u8(wb + 16);
            int32x4_t sumi = vdupq_n_s32(0);
            for (int h = 0; h < 2; ++h) {
                uint8x16_t q0 = vld1q_u8(wb + 32 + 32 * h);
                uint8x16_t q1 = vld1q_u8(wb + 32 + 32 * h + 16);
                for (int s = 0; s < 4; ++s) {
                    const int i = 8 * h + 2 * s;
                    const uint8_t* xs = xb + 4 + 128 * h + 32 * s;
                    const int8x16_t v0 =
                        vsubq_s8(asS8(vorrq_u8(vandq_u8(q0, m2), vshlq_n_u8(vandq_u8(hm0, one), 2))), four);
                    const int8x16_t v1 =
                        vsubq_s8(asS8(vorrq_u8(vandq_u8(q1, m2), vshlq_n_u8(vandq_u8(hm1, one), 2))), four);
                    sumi = vmlaq_n_s32(sumi, dot16(vdupq_n_s32(0), v0, s8(xs)), sc[i]);
                    sumi = vmlaq_n_s32(sumi, dot16(vdupq_n_s32(0), v1, s8(xs + 16)), sc[i + 1]);
                    q0 = vshrq_n_u8(q0, 2);
                    q1 = vshrq_n_u8(q1, 2);
                    hm0 = vshrq_n_u8(hm0, 1);
                    hm1 = vshrq_n_u8(hm1, 1);
                }
            }
            sum += (f32(xb) * half(wb + 108)) * static_cast<float>(vaddvq_s32(sumi));
        }
        return sum;
    }

    static float dotIq4Xs(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const int8x16_t table = vld1q_s8(kIq4NlLevels);
        const uint8x16_t m4 = vdupq_n_u8(0x0f);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 136;
            const uint8_t* xb = x + b * kQ8KBytes;
            const int scalesH = loadU16(wb + 2);
            int32x4_t sumi = vdupq_n_s32(0);
            for (int i = 0; i < 8; ++i) {
                const int ls = (((wb[4 + i / 2] >> (4 * (i % 2))) & 15) | (((scalesH >> (2 * i)) & 3) << 4)) - 32;
                const uint8x16_t q = vld1q_u8(wb + 8 + 16 * i);
                const int8x16_t lo = vqtbl1q_s8(table, vandq_u8(q, m4));
                const int8x16_t hi = vqtbl1q_s8(table, vshrq_n_u8(q, 4));
                sumi = vmlaq_n_s32(sumi, dot32(lo, hi, xb + 4 + 32 * i), ls);
            }
            sum += (f32(xb) * half(wb)) * static_cast<float>(vaddvq_s32(sumi));
        }
        return sum;
    }

    static float dotTq2_0(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t m2 = vdupq_n_u8(0x03);
        const int8x16_t one = vdupq_n_s8(1);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 66;
            const uint8_t* xb = x + b * kQ8KBytes;
            int32x4_t sumi = vdupq_n_s32(0);
            for (int h = 0; h < 2; ++h) {
                uint8x16_t q0 = vld1q_u8(wb + 32 * h);
                uint8x16_t q1 = vld1q_u8(wb + 32 * h + 16);
                for (int s = 0; s < 4; ++s) {
                    const uint8_t* xs = xb + 4 + 128 * h + 32 * s;
                    sumi = dot16(sumi, vsubq_s8(asS8(vandq_u8(q0, m2)), one), s8(xs));
                    sumi = dot16(sumi, vsubq_s8(asS8(vandq_u8(q1, m2)), one), s8(xs + 16));
                    q0 = vshrq_n_u8(q0, 2);
                    q1 = vshrq_n_u8(q1, 2);
                }
            }
            sum += (f32(xb) * half(wb + 64)) * static_cast<float>(vaddvq_s32(sumi));
        }
        return sum;
    }

    // TQ1_0: trit k of byte b is ((uint8)(b * 3^k) * 3) >> 8 (format_tq1_0.h); b * 3^k mod 256 by repeated
    // byte multiplication by 3, the digit by a widening multiply and a narrowing shift.
    static int8x16_t tritsMinusOne(uint8x16_t m) {
        const uint8x16_t three = vdupq_n_u8(3);
        const uint16x8_t lo = vmull_u8(vget_low_u8(m), vget_low_u8(three));
        const uint16x8_t hi = vmull_high_u8(m, three);
        const uint8x16_t t = vcombine_u8(vshrn_n_u16(lo, 8), vshrn_n_u16(hi, 8));
        return vsubq_s8(asS8(t), vdupq_n_s8(1));
    }

    static float dotTq1_0(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const uint8x16_t three = vdupq_n_u8(3);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / kQkK; ++b) {
            const uint8_t* wb = w + b * 54;
            const uint8_t* xb = x + b * kQ8KBytes;
            const uint8_t* xs = xb + 4;
            int32x4_t sumi = vdupq_n_s32(0);
            uint8x16_t a0 = vld1q_u8(wb), a1 = vld1q_u8(wb + 16), a2 = vld1q_u8(wb + 32);
            for (int k = 0; k < 5; ++k) {
                sumi = dot16(sumi, tritsMinusOne(a0), s8(xs + 32 * k));
                sumi = dot16(sumi, tritsMinusOne(a1), s8(xs + 32 * k + 16));
                sumi = dot16(sumi, tritsMinusOne(a2), s8(xs + 160 + 16 * k));
                a0 = vmulq_u8(a0, three);
                a1 = vmulq_u8(a1, three);
                a2 = vmulq_u8(a2, three);
            }
            // qh: elements 240 + 4k + l, trit k of qh[l]; one register holds qh[0..3] * 3^k for k = 0..3.
            uint32_t qh;
            std::memcpy(&qh, wb + 48, sizeof qh);
            static constexpr uint8_t kPow3[16] = {1, 1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 27, 27, 27, 27};
            const uint8x16_t m = vmulq_u8(vreinterpretq_u8_u32(vdupq_n_u32(qh)), vld1q_u8(kPow3));
            sumi = dot16(sumi, tritsMinusOne(m), s8(xs + 240));
            sum += (f32(xb) * half(wb + 52)) * static_cast<float>(vaddvq_s32(sumi));
        }
        return sum;
    }

    // --- Q8_0-paired types (32-element blocks) --------------------------------------------------------------

    // A 32-element block's nibbles (low = elements 0..15, high = 16..31) with optional 5th bits, minus offset.
    template <int kQsAt, int kQhAt>
    static void levels32(const uint8_t* wb, int8x16_t& lo, int8x16_t& hi, int offset) {
        const uint8x16_t q = vld1q_u8(wb + kQsAt);
        uint8x16_t l = vandq_u8(q, vdupq_n_u8(0x0f));
        uint8x16_t h = vshrq_n_u8(q, 4);
        if constexpr (kQhAt >= 0) {
            // Bit j of the little-endian uint32 qh is element j's 5th bit: spread bytes, test one bit per lane.
            static constexpr uint8_t kBit[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
            const uint8x16_t bit = vld1q_u8(kBit);
            const uint8x8_t qh = vld1_u8(wb + kQhAt);  // 8 bytes readable: qs follows qh in every layout
            static constexpr uint8_t kSpreadLo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
            static constexpr uint8_t kSpreadHi[16] = {2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
            const uint8x16_t qh16 = vcombine_u8(qh, qh);
            const uint8x16_t bl = vtstq_u8(vqtbl1q_u8(qh16, vld1q_u8(kSpreadLo)), bit);
            const uint8x16_t bh = vtstq_u8(vqtbl1q_u8(qh16, vld1q_u8(kSpreadHi)), bit);
            l = vorrq_u8(l, vandq_u8(bl, vdupq_n_u8(0x10)));
            h = vorrq_u8(h, vandq_u8(bh, vdupq_n_u8(0x10)));
        }
        lo = vsubq_s8(asS8(l), vdupq_n_s8(static_cast<int8_t>(offset)));
        hi = vsubq_s8(asS8(h), vdupq_n_s8(static_cast<int8_t>(offset)));
    }

    // w = d q + m (m = 0 when !kHasMin): sum += (d dx) sum q x + (m dx) sum x.
    template <int kBytes, int kQsAt, int kQhAt, int kOffset, bool kHasMin>
    static float dotLegacy(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / 32; ++b) {
            const uint8_t* wb = w + b * kBytes;
            const uint8_t* xb = x + b * kQ8_0Bytes;
            int8x16_t lo, hi;
            levels32<kQsAt, kQhAt>(wb, lo, hi, kOffset);
            const float dx = half(xb);
            sum += (half(wb) * dx) * static_cast<float>(vaddvq_s32(dot32(lo, hi, xb + 2)));
            if constexpr (kHasMin) {
                const int32_t sx = vaddlvq_s8(s8(xb + 2)) + vaddlvq_s8(s8(xb + 18));
                sum += (half(wb + 2) * dx) * static_cast<float>(sx);
            }
        }
        return sum;
    }
    static float dotQ4_1(const void* row, const void* xq, int64_t n) {
        return dotLegacy<20, 4, -1, 0, true>(row, xq, n);
    }
    static float dotQ5_0(const void* row, const void* xq, int64_t n) {
        return dotLegacy<22, 6, 2, 16, false>(row, xq, n);
    }
    static float dotQ5_1(const void* row, const void* xq, int64_t n) {
        return dotLegacy<24, 8, 4, 0, true>(row, xq, n);
    }

    static float dotIq4Nl(const void* row, const void* xq, int64_t n) {
        const uint8_t* w = bytes(row);
        const uint8_t* x = bytes(xq);
        const int8x16_t table = vld1q_s8(kIq4NlLevels);
        float sum = 0.0f;
        for (int64_t b = 0; b < n / 32; ++b) {
            const uint8_t* wb = w + b * 18;
            const uint8_t* xb = x + b * kQ8_0Bytes;
            const uint8x16_t q = vld1q_u8(wb + 2);
            const int8x16_t lo = vqtbl1q_s8(table, vandq_u8(q, vdupq_n_u8(0x0f)));
            const int8x16_t hi = vqtbl1q_s8(table, vshrq_n_u8(q, 4));
            sum += (half(wb) * half(xb)) * static_cast<float>(vaddvq_s32(dot32(lo, hi, xb + 2)));
        }
        return sum;
    }

    static constexpr auto quantizeQ8_K = ref::quantizeQ8_K;
};

}  // namespace
}  // namespace hearth::kernels
