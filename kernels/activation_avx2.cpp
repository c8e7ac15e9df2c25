// The activation kernels for AVX2 + FMA (8 floats per vector): the only file built with those flags for them.
#include "kernels/activation_simd.h"

namespace hearth::kernels {

const ActivationKernels* activationAvx2Table() {
    static constexpr ActivationKernels kTable = ActivationSimd<xsimd::fma3<xsimd::avx2>>::table();
    return &kTable;
}

}  // namespace hearth::kernels
