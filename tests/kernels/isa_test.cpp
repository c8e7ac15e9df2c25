// ISA detection and selection: runnableIsas() is ordered and starts with Scalar, activeIsa() is the best runnable
// ISA capped by HEARTH_ISA (ctest runs this test under several values of it), kernelsFor(type) follows it.
#include <cstdlib>
#include <string>

#include "kernels/cpu_features.h"
#include "tests/kernels/harness.h"

namespace hearth::kernels::test {
namespace {

bool sameFamily(Isa a, Isa b) {
    auto family = [](Isa isa) {
        if (isa == Isa::Scalar) return 0;
        return isa == Isa::Neon || isa == Isa::NeonDot ? 2 : 1;
    };
    return family(a) == family(b);
}

}  // namespace

HEARTH_TEST(isaSelection) {
    const std::vector<Isa> isas = runnableIsas();
    if (!CHECK(!isas.empty() && isas.front() == Isa::Scalar)) return;
    for (size_t i = 1; i < isas.size(); ++i) {
        CHECK(static_cast<int>(isas[i - 1]) < static_cast<int>(isas[i]));
        CHECK(cpuSupports(isas[i]));
        CHECK(sameFamily(isas[i], isas[1]));  // one architecture family per build
    }
    std::printf("runnable:");
    for (const Isa isa : isas) std::printf(" %s", std::string(isaName(isa)).c_str());
    std::printf("\n");

    // The expected choice, from the documented rule.
    const Isa best = isas.back();
    Isa expected = best;
    const char* env = std::getenv("HEARTH_ISA");
    const std::string cap = env ? env : "";
    for (size_t i = 0; i < static_cast<size_t>(Isa::Count); ++i) {
        const auto isa = static_cast<Isa>(i);
        if (isaName(isa) != cap) continue;
        if (isa == Isa::Scalar) {
            expected = Isa::Scalar;
        } else if (best == Isa::Scalar || sameFamily(isa, best)) {
            expected = Isa::Scalar;
            for (const Isa r : isas) {
                if (static_cast<int>(r) <= static_cast<int>(isa)) expected = r;
            }
        }
    }
    std::printf("HEARTH_ISA=\"%s\": active %s, expected %s\n", cap.c_str(), std::string(isaName(activeIsa())).c_str(),
                std::string(isaName(expected)).c_str());
    CHECK(activeIsa() == expected);
    CHECK(activeIsa() == activeIsa());
    CHECK(kernelsFor(GgmlType::Q4_0) == kernelsFor(GgmlType::Q4_0, activeIsa()));
    CHECK(kernelsFor(GgmlType::F16) == kernelsFor(GgmlType::F16, activeIsa()));
    CHECK(isaName(Isa::Avx512Vnni) == "avx512vnni");
    CHECK(isaName(Isa::NeonDot) == "neondot");
}

// Registered with HEARTH_ISA=scalar: forcing the scalar path must really select it.
HEARTH_TEST(isaCapScalar) {
    const char* env = std::getenv("HEARTH_ISA");
    if (env == nullptr || std::string(env) != "scalar") {
        skip("run with HEARTH_ISA=scalar");
        return;
    }
    CHECK(activeIsa() == Isa::Scalar);
    CHECK(kernelsFor(GgmlType::F32) == kernelsFor(GgmlType::F32, Isa::Scalar));
    CHECK(kernelsFor(GgmlType::Q8_0) == kernelsFor(GgmlType::Q8_0, Isa::Scalar));
}

}  // namespace hearth::kernels::test
