// The attention kernels for AVX2 + FMA (8 floats per vector): the only file built with those flags for them.
#include "kernels/attention_simd.h"

namespace hearth::kernels {

const AttentionKernels* attentionAvx2Table() {
    static constexpr AttentionKernels kTable = AttentionSimd<xsimd::fma3<xsimd::avx2>, 4, 2>::table();
    return &kTable;
}

}  // namespace hearth::kernels
