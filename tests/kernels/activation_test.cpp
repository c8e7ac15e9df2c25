// Activation kernels (kernels/activation.h) of every ISA under test against the scalar table: SwiGLU over lengths
// around the vector widths (the scalar tail), gates from tiny to saturating (exp overflow at large negative gates
// must give -0 times up, not NaN), and the elements past n left untouched; RMS norm over the same lengths and
// magnitudes from tiny to huge (in place too); F32 -> F16 bit for bit over every rounding case (ties, subnormals,
// overflow to infinity) and random floats.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels/activation.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

HEARTH_TEST(swigluMatchesScalar) {
    const ActivationKernels* ref = activationKernels(Isa::Scalar);
    CHECK(ref != nullptr);
    const float specials[] = {0.f, -0.f, 1e-30f, -1e-30f, 1e-8f, 20.f, -20.f, 87.f, -87.f, 89.f, -89.f, 100.f,
                              -100.f, 1e4f, -1e4f};
    for (const Isa isa : isasUnderTest()) {
        const ActivationKernels* ak = activationKernels(isa);
        CHECK(ak != nullptr);
        Rng rng(uint64_t(isa) + 3);
        for (const int64_t n : {1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 5632}) {
            for (const float scale : {0.5f, 4.f, 30.f}) {
                std::vector<float> gate(size_t(n) + 3), up(size_t(n) + 3);
                for (int64_t i = 0; i < n + 3; ++i) {
                    gate[size_t(i)] = (i % 5 == 4) ? specials[size_t(i / 5) % std::size(specials)]
                                                   : rng.normal(scale);
                    up[size_t(i)] = rng.normal(2.f);
                }
                std::vector<float> got = gate, want = gate;
                ak->swiglu(got.data(), up.data(), n);
                ref->swiglu(want.data(), up.data(), n);
                for (int64_t i = 0; i < n + 3; ++i) {
                    const double a = got[size_t(i)], b = want[size_t(i)];
                    // A few ulp of the result (exp and the division each round once), or a hair above zero.
                    const double tol = 4e-7 * std::fabs(b) + 1e-37;
                    const bool ok = i < n ? std::isfinite(a) && std::fabs(a - b) <= tol
                                          : bitsOf(got[size_t(i)]) == bitsOf(gate[size_t(i)]);
                    if (!CHECK_MSG(ok, "%s swiglu n %lld: [%lld] gate %.9g up %.9g -> %.9g, scalar %.9g",
                                   std::string(isaName(isa)).c_str(), (long long)n, (long long)i,
                                   double(gate[size_t(i)]), double(up[size_t(i)]), a, b)) {
                        return;
                    }
                }
            }
        }
    }
}

HEARTH_TEST(rmsnormMatchesScalar) {
    const ActivationKernels* ref = activationKernels(Isa::Scalar);
    CHECK(ref != nullptr);
    for (const Isa isa : isasUnderTest()) {
        const ActivationKernels* ak = activationKernels(isa);
        CHECK(ak != nullptr);
        Rng rng(uint64_t(isa) + 11);
        for (const int64_t n : {1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 2048, 5632}) {
            // Residual streams of every size: the double sum must neither overflow nor underflow in float.
            for (const float scale : {1e-20f, 0.01f, 1.f, 300.f, 1e15f}) {
                for (const bool inPlace : {false, true}) {
                    std::vector<float> x(size_t(n) + 3), w(size_t(n) + 3);
                    for (int64_t i = 0; i < n + 3; ++i) {
                        x[size_t(i)] = rng.normal(scale);
                        w[size_t(i)] = 1.f + rng.normal(0.2f);
                    }
                    std::vector<float> got(size_t(n) + 3, 7.f), want = got;
                    if (inPlace) {
                        got = x;
                        ak->rmsnorm(got.data(), got.data(), w.data(), n, 1e-5f);
                    } else {
                        ak->rmsnorm(got.data(), x.data(), w.data(), n, 1e-5f);
                    }
                    ref->rmsnorm(want.data(), x.data(), w.data(), n, 1e-5f);
                    for (int64_t i = 0; i < n + 3; ++i) {
                        const double a = got[size_t(i)], b = want[size_t(i)];
                        // The scale may differ in its last bit (the double sum's order), then each product by an ulp.
                        const bool ok = i < n ? std::fabs(a - b) <= 3e-7 * std::fabs(b)
                                              : bitsOf(got[size_t(i)]) == bitsOf(inPlace ? x[size_t(i)] : 7.f);
                        if (!CHECK_MSG(ok, "%s rmsnorm n %lld scale %g%s: [%lld] %.9g, scalar %.9g",
                                       std::string(isaName(isa)).c_str(), (long long)n, double(scale),
                                       inPlace ? " in place" : "", (long long)i, a, b)) {
                            return;
                        }
                    }
                }
            }
        }
    }
}

HEARTH_TEST(toF16MatchesScalarBitForBit) {
    const ActivationKernels* ref = activationKernels(Isa::Scalar);
    CHECK(ref != nullptr);
    // Every rounding case of F16: ties to even around 1 and the largest F16, the overflow threshold (65520 rounds to
    // infinity, just below it to 65504), the normal/subnormal boundary, subnormal ties and the smallest values that
    // round up or to zero, signed zeros, infinities.
    std::vector<float> x;
    for (const float base : {1.f, 65504.f, 0x1p-14f, 0x1p-24f, 0x1p-25f, 0x1p-20f, 3.f, 1000.f}) {
        for (int d = -40; d <= 40; ++d) {
            uint32_t u;
            std::memcpy(&u, &base, 4);
            u = uint32_t(int64_t(u) + d * 1024);  // steps of 2^10 ulp: F16 ties fall on multiples of 2^12
            float f;
            std::memcpy(&f, &u, 4);
            x.push_back(f);
            x.push_back(-f);
            u = uint32_t(int64_t(u) + 1);
            std::memcpy(&f, &u, 4);
            x.push_back(f);
        }
    }
    for (const float f : {0.f, -0.f, 65519.f, 65520.f, 65536.f, 1e30f, std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min()})
        x.push_back(f);
    Rng rng(5);
    for (int i = 0; i < 4000; ++i) {
        const uint32_t u = rng.bits32() & 0xbfffffffu;  // every sign and mantissa, exponents up to 2^0 and tiny
        float f;
        std::memcpy(&f, &u, 4);
        x.push_back(i % 2 ? f : rng.normal(float(1 << (i % 17))));
    }
    for (const Isa isa : isasUnderTest()) {
        const ActivationKernels* ak = activationKernels(isa);
        CHECK(ak != nullptr);
        for (const size_t n : {size_t{1}, size_t{7}, size_t{15}, size_t{17}, x.size()}) {
            std::vector<uint16_t> got(n + 3, 0x1234), want(n + 3, 0x1234);
            ak->toF16(x.data(), got.data(), int64_t(n));
            ref->toF16(x.data(), want.data(), int64_t(n));
            for (size_t i = 0; i < n + 3; ++i) {
                if (!CHECK_MSG(got[i] == want[i], "%s toF16 n %zu: [%zu] %.9g -> 0x%04x, scalar 0x%04x",
                               std::string(isaName(isa)).c_str(), n, i, i < n ? double(x[i]) : 0.0,
                               unsigned(got[i]), unsigned(want[i]))) {
                    return;
                }
            }
        }
        // NaN stays NaN (the payload bits may differ).
        const float nan[16] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN()};
        uint16_t h[16];
        ak->toF16(nan, h, 16);
        CHECK((h[0] & 0x7c00u) == 0x7c00u && (h[0] & 0x3ffu) != 0 && (h[1] & 0x8000u) != 0);
    }
}

}  // namespace
}  // namespace hearth::kernels::test
