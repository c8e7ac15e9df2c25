// The attention kernels for AVX-512 F (16 floats per vector): the only file built with those flags for them.
#include "kernels/attention_simd.h"

namespace hearth::kernels {

const AttentionKernels* attentionAvx512Table() {
    static constexpr AttentionKernels kTable = AttentionSimd<xsimd::avx512bw, 4, 4>::table();
    return &kTable;
}

}  // namespace hearth::kernels
