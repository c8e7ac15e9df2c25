// The scalar activation kernels (the oracle of tests/kernels/activation_test.cpp and the path of CPUs and builds
// without SIMD code for them) and the dispatch to the per-ISA tables (activation_<isa>.cpp).
#include "kernels/activation.h"

#include <cmath>

#include "kernels/cpu_features.h"
#include "kernels/fp16.h"

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

// The sum of squares over eight partial sums (one chain of dependent double adds is slow), in this order; the SIMD
// versions sum in their own order.
void rmsnormScalar(float* out, const float* x, const float* w, int64_t n, float eps) {
    double part[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; ++j) part[j] += double(x[i + j]) * double(x[i + j]);
    }
    for (; i < n; ++i) part[0] += double(x[i]) * double(x[i]);
    const double ss = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    const float scale = float(1.0 / std::sqrt(ss / double(n) + double(eps)));
    for (i = 0; i < n; ++i) out[i] = x[i] * scale * w[i];
}

void toF16Scalar(const float* x, uint16_t* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = f32ToFp16(x[i]);
}

constexpr ActivationKernels kScalar{&swigluScalar, &rmsnormScalar, &toF16Scalar};

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
