// AVX2 tile kernels (kernels/gemm.h) for Q6_K and Q3_K weights x Q8_K activations. Placeholder: no tiles yet, the
// engine uses the per-row kernels of kernelsFor() for these types.
#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> gemmQ6kAvx2Table() { return {}; }

}  // namespace hearth::kernels
