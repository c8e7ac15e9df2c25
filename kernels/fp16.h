// IEEE 754 binary16 ("F16", "half") and bfloat16 ("BF16") <-> binary32 conversions, bit-exact and portable.
//
//   F16:  1 sign | 5 exponent (bias 15)  | 10 mantissa. Normal range 2^-14 .. 65504, subnormals down to 2^-24.
//   BF16: 1 sign | 8 exponent (bias 127) |  7 mantissa: the top 16 bits of an F32 (same range, 8-bit precision).
//
// F32 -> F16 / BF16 rounds to nearest, ties to even (what F16C's vcvtps2ph with imm 0, AArch64's fcvt and
// llama.cpp's converters do), overflows to infinity, keeps subnormals, and turns NaN into a quiet NaN that
// keeps the top payload bits. F16 -> F32 is exact (NaN quieted the same way).
//
// All functions have internal linkage (static) on purpose: per-ISA translation units include this header with
// their own -m flags, and an out-of-line copy with external linkage compiled with, say, -mavx512f could be the
// one the linker keeps for every caller (an ODR trap that bites unoptimized builds on older CPUs).
#pragma once

#include <cstdint>
#include <cstring>

namespace hearth::kernels {

static inline uint32_t floatToBits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

static inline float bitsToFloat(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

static inline float fp16ToF32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) {  // infinity, or NaN (made quiet, payload kept)
        return bitsToFloat(sign | 0x7f800000u | (mant << 13) | (mant != 0 ? 0x00400000u : 0u));
    }
    if (exp != 0) return bitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    // Zero or subnormal: mant * 2^-24, exact in F32 (a normal F32 for every mant != 0).
    return bitsToFloat(sign | floatToBits(static_cast<float>(mant) * 0x1p-24f));
}

static inline uint16_t f32ToFp16(float f) {
    const uint32_t u = floatToBits(f);
    const auto sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
    const uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u | ((a >> 13) & 0x3ffu));  // quiet NaN
    // 65520 = 65504 (largest F16) + half an ulp: the tie goes to the even neighbour, which is infinity.
    if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);
    if (a >= 0x38800000u) {  // >= 2^-14: normal F16. Rebias the exponent, round the low 13 mantissa bits away.
        uint32_t v = a - ((127u - 15u) << 23);
        v += 0xfffu + ((v >> 13) & 1u);  // a carry out of the mantissa correctly bumps the exponent
        return static_cast<uint16_t>(sign | (v >> 13));
    }
    // F16 subnormal (or zero): result = round(|f| * 2^24). |f| = full * 2^(e - 150) with the implicit bit.
    const uint32_t e = a >> 23;
    if (e < 102) return sign;  // |f| < 2^-25: rounds to zero (2^-25 itself is a tie and goes to even 0)
    const uint32_t full = (a & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t q = full >> shift;
    const uint32_t rem = full & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1u))) ++q;  // may become 0x400, the smallest normal: still correct
    return static_cast<uint16_t>(sign | q);
}

static inline float bf16ToF32(uint16_t h) { return bitsToFloat(static_cast<uint32_t>(h) << 16); }

static inline uint16_t f32ToBf16(float f) {
    const uint32_t u = floatToBits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // NaN, forced quiet
    return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);  // nearest, ties to even; may hit inf
}

// Little-endian 16-bit field at any address (block scales live at odd offsets in misaligned rows).
static inline uint16_t loadU16(const void* p) {
    const auto* b = static_cast<const uint8_t*>(p);
    return static_cast<uint16_t>(b[0] | (b[1] << 8));
}

static inline void storeU16(void* p, uint16_t v) {
    auto* b = static_cast<uint8_t*>(p);
    b[0] = static_cast<uint8_t>(v & 0xffu);
    b[1] = static_cast<uint8_t>(v >> 8);
}

}  // namespace hearth::kernels
