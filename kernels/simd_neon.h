// AArch64 Advanced SIMD primitives for simd_kernels.h, shared by kernels_neon.cpp (ARMv8.0) and
// kernels_neondot.cpp (+ dotprod). The integer block dot uses sdot (vdotq_s32) when the including file is
// compiled with +dotprod, else widening multiplies (vmull_s8) and pairwise accumulation (vpadalq_s16).
// Include only from those two files. All loads are byte loads: rows may start at any address.
#pragma once

#include <arm_neon.h>

#include "kernels/simd_kernels.h"
#include "kernels/simd_kquants_neon.h"

namespace hearth::kernels {
namespace {

struct NeonPrimitives {
    // Both NEON objects use xsimd::neon64 (xsimd 8.1's NEON code does not accept a derived architecture the way
    // the AVX-512 code does, see simd_avx512.h), so the linker may merge their xsimd instantiations. That is
    // safe in practice: the dotprod object (-march=armv8.2-a+dotprod; GCC's vdotq_s32 requires armv8.2-a) adds
    // sdot/udot, which the compiler emits only for the explicit intrinsics in this internal-linkage struct, and
    // ARMv8.1/8.2 additions (LSE atomics, RDMA, ...) that xsimd's float code has no use for.
    using Arch = xsimd::neon64;
    using F = xsimd::batch<float, Arch>;  // 4 lanes
    static constexpr int kBlocksPerStep = 1;
    using Quants = NeonQuants;

    static F loadF16(const uint8_t* p) { return vcvt_f32_f16(vreinterpret_f16_u8(vld1_u8(p))); }

    // The largest lane; the 4 int32 lanes of q (in [-128, 127]) as 4 bytes at dst.
    static float maxLane(F m) { return vmaxvq_f32(m); }
    static void storeI8(xsimd::batch<int32_t, Arch> q, uint8_t* dst) {
        const int16x4_t h = vmovn_s32(q);
        const uint32_t b = vget_lane_u32(vreinterpret_u32_s8(vmovn_s16(vcombine_s16(h, h))), 0);
        std::memcpy(dst, &b, sizeof b);
    }

    static F loadBf16(const uint8_t* p) {
        return vreinterpretq_f32_u32(vshll_n_u16(vreinterpret_u16_u8(vld1_u8(p)), 16));
    }

    // 16 signed bytes -> 4 batches of 4 floats, in order.
    static void expand16(int8x16_t v, F* out) {
        const int16x8_t lo = vmovl_s8(vget_low_s8(v));
        const int16x8_t hi = vmovl_high_s8(v);
        out[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
        out[1] = vcvtq_f32_s32(vmovl_high_s16(lo));
        out[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
        out[3] = vcvtq_f32_s32(vmovl_high_s16(hi));
    }

    static void expandQ8(const uint8_t* qs, F* out) {
        expand16(vreinterpretq_s8_u8(vld1q_u8(qs)), out);
        expand16(vreinterpretq_s8_u8(vld1q_u8(qs + 16)), out + 4);
    }

    // 16 packed bytes -> (low nibbles - 8) = elements 0..15, (high nibbles - 8) = elements 16..31.
    static void nibbles(const uint8_t* qs, int8x16_t& lo, int8x16_t& hi) {
        const uint8x16_t v = vld1q_u8(qs);
        const int8x16_t eight = vdupq_n_s8(8);
        lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0f))), eight);
        hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(v, 4)), eight);
    }

    static void expandQ4(const uint8_t* qs, F* out) {
        int8x16_t lo, hi;
        nibbles(qs, lo, hi);
        expand16(lo, out);
        expand16(hi, out + 4);
    }

    // 32 signed x signed bytes (two halves) -> 4 int32 partial sums, exact.
    static int32x4_t dotI8(int8x16_t a0, int8x16_t a1, int8x16_t b0, int8x16_t b1) {
#ifdef __ARM_FEATURE_DOTPROD
        return vdotq_s32(vdotq_s32(vdupq_n_s32(0), a0, b0), a1, b1);
#else
        // int16 products (|p| <= 128 * 128 fits), pairs summed into int32.
        int32x4_t acc = vpaddlq_s16(vmull_s8(vget_low_s8(a0), vget_low_s8(b0)));
        acc = vpadalq_s16(acc, vmull_high_s8(a0, b0));
        acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a1), vget_low_s8(b1)));
        return vpadalq_s16(acc, vmull_high_s8(a1, b1));
#endif
    }

    static int8x16_t loadS8(const uint8_t* p) { return vreinterpretq_s8_u8(vld1q_u8(p)); }

    static F dotStepQ8(const uint8_t* w, const uint8_t* x) {
        return vcvtq_f32_s32(dotI8(loadS8(w + 2), loadS8(w + 18), loadS8(x + 2), loadS8(x + 18)));
    }

    static F dotStepQ4(const uint8_t* w, const uint8_t* x) {
        int8x16_t lo, hi;
        nibbles(w + 2, lo, hi);
        return vcvtq_f32_s32(dotI8(lo, hi, loadS8(x + 2), loadS8(x + 18)));
    }

    static F scales(const float* s) { return F(s[0]); }

    static float halfToFloat(const uint8_t* p) {
        return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(loadU16(p)))), 0);
    }
};

}  // namespace
}  // namespace hearth::kernels
