// F16 / BF16 <-> F32 conversions (kernels/fp16.h) against oracles computed independently in double precision:
// exhaustive over every F16 / BF16 value, every rounding tie and its neighbours, and random F32 bit patterns.
#include <cfenv>
#include <cmath>

#include "kernels/fp16.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

// The F16 value of bits h, in double (NaN for NaNs).
double fp16Value(uint16_t h) {
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    const int exp = (h >> 10) & 0x1f;
    const int mant = h & 0x3ff;
    if (exp == 0x1f) return mant != 0 ? std::nan("") : sign * INFINITY;
    if (exp == 0) return sign * std::ldexp(mant, -24);
    return sign * std::ldexp(1024 + mant, exp - 25);
}

// Round-to-nearest-even F32 -> F16 by arithmetic on doubles (not NaN).
uint16_t oracleFp16(float f) {
    const uint16_t sign = std::signbit(f) ? 0x8000 : 0;
    const double a = std::fabs(static_cast<double>(f));
    if (a >= 65520.0) return sign | 0x7c00;  // includes infinity
    if (a < 0x1p-14) {                       // subnormal range: multiples of 2^-24
        return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(a * 0x1p24)));
    }
    int e = 0;
    std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1): a in [2^(e-1), 2^e)
    int exp = e - 1;
    double m = std::nearbyint(std::ldexp(a, 10 - exp));  // 11 significant bits, in [1024, 2048]
    if (m == 2048.0) {
        m = 1024.0;
        ++exp;
    }
    return static_cast<uint16_t>(sign | ((exp + 15) << 10) | (static_cast<int>(m) - 1024));
}

// Round-to-nearest-even F32 -> BF16 by comparing the two candidates in double (not NaN).
uint16_t oracleBf16(float f) {
    const uint32_t u = bitsOf(f);
    const auto lo = static_cast<uint16_t>(u >> 16);
    if ((u & 0xffff) == 0) return lo;
    const auto hi = static_cast<uint16_t>(lo + 1);  // next magnitude (may be infinity)
    const double x = std::fabs(static_cast<double>(f));
    const double dl = x - std::fabs(static_cast<double>(floatOf(static_cast<uint32_t>(lo) << 16)));
    const double hiValue = (hi & 0x7fff) == 0x7f80 ? std::ldexp(1.0, 128)  // "infinity" sits where 2^128 would
                                                   : std::fabs(static_cast<double>(floatOf(uint32_t(hi) << 16)));
    const double dh = hiValue - x;
    if (dl < dh) return lo;
    if (dh < dl) return hi;
    return (lo & 1) ? hi : lo;
}

bool isQuietNanF16(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x0200) != 0; }
bool isQuietNanBf16(uint16_t h) { return (h & 0x7f80) == 0x7f80 && (h & 0x0040) != 0; }

}  // namespace

HEARTH_TEST(fp16ToF32Exhaustive) {
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const float f = fp16ToF32(static_cast<uint16_t>(h));
        const double expected = fp16Value(static_cast<uint16_t>(h));
        if (std::isnan(expected)) {
            // NaN: stays NaN, quiet, payload's top bits kept.
            CHECK_MSG(std::isnan(f) && (bitsOf(f) & 0x00400000u) && ((bitsOf(f) >> 13) & 0x1ff) == (h & 0x1ff),
                      "fp16ToF32(0x%04x) = 0x%08x: expected a quiet NaN with the payload", h, bitsOf(f));
            continue;
        }
        CHECK_MSG(static_cast<double>(f) == expected && std::signbit(f) == std::signbit(expected),
                  "fp16ToF32(0x%04x) = %.9g, expected %.9g", h, f, expected);
    }
}

HEARTH_TEST(f32ToFp16RoundTripAndTies) {
    CHECK(std::fegetround() == FE_TONEAREST);
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const auto h16 = static_cast<uint16_t>(h);
        const float f = fp16ToF32(h16);
        if (std::isnan(f)) {
            CHECK_MSG(isQuietNanF16(f32ToFp16(f)), "NaN 0x%04x did not come back as a quiet NaN", h);
            continue;
        }
        CHECK_MSG(f32ToFp16(f) == h16, "round trip of 0x%04x gave 0x%04x", h, f32ToFp16(f));
        if ((h & 0x7fff) >= 0x7c00) continue;  // infinity has no next value
        // The tie halfway to the next magnitude (exact in F32), and its two F32 neighbours.
        const double next = (h & 0x7fff) == 0x7bff ? 65536.0 * (h & 0x8000 ? -1 : 1) : fp16Value(h16 + 1);
        const auto mid = static_cast<float>((static_cast<double>(f) + next) / 2.0);
        CHECK_MSG(static_cast<double>(mid) == (static_cast<double>(f) + next) / 2.0, "tie of 0x%04x not exact", h);
        for (const float probe : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, mid * 2.0f)}) {
            CHECK_MSG(f32ToFp16(probe) == oracleFp16(probe), "f32ToFp16(%.9g) = 0x%04x, expected 0x%04x", probe,
                      f32ToFp16(probe), oracleFp16(probe));
        }
        // Ties go to the even neighbour.
        CHECK_MSG((f32ToFp16(mid) & 1) == 0, "tie above 0x%04x rounded to odd 0x%04x", h, f32ToFp16(mid));
    }
}

HEARTH_TEST(f32ToFp16EdgeCases) {
    CHECK(f32ToFp16(0.0f) == 0x0000);
    CHECK(f32ToFp16(-0.0f) == 0x8000);
    CHECK(f32ToFp16(INFINITY) == 0x7c00);
    CHECK(f32ToFp16(-INFINITY) == 0xfc00);
    CHECK(f32ToFp16(65504.0f) == 0x7bff);
    CHECK(f32ToFp16(65519.996f) == 0x7bff);  // just below the overflow tie
    CHECK(f32ToFp16(65520.0f) == 0x7c00);    // the tie rounds to even: infinity
    CHECK(f32ToFp16(1e10f) == 0x7c00);
    CHECK(f32ToFp16(0x1p-24f) == 0x0001);               // smallest subnormal
    CHECK(f32ToFp16(0x1p-25f) == 0x0000);               // tie with zero: even
    CHECK(f32ToFp16(0x1.000002p-25f) == 0x0001);        // just above the tie
    CHECK(f32ToFp16(0x1.8p-24f) == 0x0002);             // 1.5 ulp: tie, even is 2
    CHECK(f32ToFp16(0x1p-14f) == 0x0400);               // smallest normal
    CHECK(f32ToFp16(0x1.ffcp-15f) == 0x0400);           // 1023.5 subnormal ulps: the tie rounds up into the normals
    CHECK(f32ToFp16(0x1.ff8p-15f) == 0x03ff);           // 1023 ulps: the largest subnormal
    CHECK(f32ToFp16(1e-30f) == 0x0000);
    CHECK(f32ToFp16(floatOf(0x00000001u)) == 0x0000);   // F32 subnormal
    CHECK(f32ToFp16(1.0f + 0x1p-11f) == 0x3c00);        // tie, even down
    CHECK(f32ToFp16(1.0f + 3 * 0x1p-11f) == 0x3c02);    // tie, even up
    CHECK(isQuietNanF16(f32ToFp16(floatOf(0x7f800001u))));  // signalling NaN becomes quiet
    CHECK(isQuietNanF16(f32ToFp16(floatOf(0xffc00000u))));
    CHECK((f32ToFp16(floatOf(0xffc00000u)) & 0x8000) != 0);  // sign kept
}

HEARTH_TEST(f32ToFp16Random) {
    Rng rng(1);
    for (int i = 0; i < 3000000; ++i) {
        const float f = floatOf(rng.bits32());
        if (std::isnan(f)) {
            CHECK(isQuietNanF16(f32ToFp16(f)));
            continue;
        }
        CHECK_MSG(f32ToFp16(f) == oracleFp16(f), "f32ToFp16(%a) = 0x%04x, expected 0x%04x", f, f32ToFp16(f),
                  oracleFp16(f));
    }
    // Values concentrated around the F16 range, where the rounding logic matters.
    for (int i = 0; i < 2000000; ++i) {
        const uint32_t exp = 100 + static_cast<uint32_t>(rng.next() % 45);  // 2^-27 .. 2^17
        const float f = floatOf((rng.bits32() & 0x807fffffu) | (exp << 23));
        CHECK_MSG(f32ToFp16(f) == oracleFp16(f), "f32ToFp16(%a) = 0x%04x, expected 0x%04x", f, f32ToFp16(f),
                  oracleFp16(f));
    }
}

HEARTH_TEST(bf16Conversions) {
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const auto b = static_cast<uint16_t>(h);
        const float f = bf16ToF32(b);
        CHECK(bitsOf(f) == h << 16);
        if (std::isnan(f)) {
            CHECK_MSG(isQuietNanBf16(f32ToBf16(f)), "bf16 NaN 0x%04x not quiet after a round trip", h);
            continue;
        }
        CHECK_MSG(f32ToBf16(f) == b, "bf16 round trip of 0x%04x gave 0x%04x", h, f32ToBf16(f));
        if ((h & 0x7fff) >= 0x7f80) continue;
        // Tie (low half 0x8000) and its neighbours, against the oracle.
        for (const uint32_t low : {0x7fffu, 0x8000u, 0x8001u, 0x0001u, 0xffffu}) {
            const float probe = floatOf((h << 16) | low);
            CHECK_MSG(f32ToBf16(probe) == oracleBf16(probe), "f32ToBf16(%a) = 0x%04x, expected 0x%04x", probe,
                      f32ToBf16(probe), oracleBf16(probe));
        }
        CHECK(((f32ToBf16(floatOf((h << 16) | 0x8000u))) & 1) == 0);  // ties to even
    }
    Rng rng(2);
    for (int i = 0; i < 2000000; ++i) {
        const float f = floatOf(rng.bits32());
        if (std::isnan(f)) {
            CHECK(isQuietNanBf16(f32ToBf16(f)));
            continue;
        }
        CHECK(f32ToBf16(f) == oracleBf16(f));
    }
    CHECK(f32ToBf16(floatOf(0x7f7fffffu)) == 0x7f80);  // F32 max rounds up to infinity
    CHECK(f32ToBf16(floatOf(0x00000001u)) == 0x0000);  // subnormals round like everything else
    CHECK(f32ToBf16(floatOf(0x00008000u)) == 0x0000);  // tie, even
    CHECK(f32ToBf16(floatOf(0x00018000u)) == 0x0002);  // tie, even up
    CHECK(f32ToBf16(floatOf(0x7f800001u)) == 0x7fc0);  // signalling NaN -> quiet
    CHECK(f32ToBf16(-0.0f) == 0x8000);
}

}  // namespace hearth::kernels::test
