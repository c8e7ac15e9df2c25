// The scalar activation kernels (the oracle of tests/kernels/activation_test.cpp and the path of CPUs and builds
// without SIMD code for them) and the dispatch to the per-ISA tables (activation_<isa>.cpp).
#include "kernels/activation.h"

#include <cmath>

#include "kernels/cpu_features.h"

namespace hearth::kernels {

#ifdef HEARTH_ACT_HAVE_X86
const ActivationKernels* activationAvx2Table();
const ActivationKernels* activationAvx512Table();
#endif

namespace {

void swigluScalar(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.f + std::exp(-g)) * up[i];
    }
}

constexpr ActivationKernels kScalar{&swigluScalar};

}  // namespace

const ActivationKernels* activationKernels(Isa isa) {
    if (static_cast<size_t>(isa) >= static_cast<size_t>(Isa::Count) || !cpuSupports(isa)) return nullptr;
    switch (isa) {
#ifdef HEARTH_ACT_HAVE_X86
    case Isa::Avx2: return activationAvx2Table();
    case Isa::Avx512:
    case Isa::Avx512Vnni: return activationAvx512Table();
#endif
    default: return &kScalar;
    }
}

const ActivationKernels& activationKernels() {
    static const ActivationKernels* const active = activationKernels(activeIsa());
    return active != nullptr ? *active : kScalar;
}

}  // namespace hearth::kernels
