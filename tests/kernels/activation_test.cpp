// Activation kernels (kernels/activation.h) of every ISA under test against the scalar table: SwiGLU over lengths
// around the vector widths (the scalar tail), gates from tiny to saturating (exp overflow at large negative gates
// must give -0 times up, not NaN), and the elements past n left untouched.
#include <cmath>
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

}  // namespace
}  // namespace hearth::kernels::test
