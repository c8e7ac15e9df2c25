// AVX2 tile kernels (kernels/gemm.h) for Q2_K, TQ1_0, TQ2_0 weights x Q8_K activations. Placeholder: no tiles yet, the
// engine uses the per-row kernels of kernelsFor() for these types.
#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> gemmLowbitAvx2Table() { return {}; }

}  // namespace hearth::kernels
