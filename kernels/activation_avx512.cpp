// The activation kernels for AVX-512 F (16 floats per vector): the only file built with those flags for them.
#include "kernels/activation_simd.h"

namespace hearth::kernels {

const ActivationKernels* activationAvx512Table() {
    static constexpr ActivationKernels kTable = ActivationSimd<xsimd::avx512bw>::table();
    return &kTable;
}

}  // namespace hearth::kernels
