// AVX-512 tile kernels (kernels/gemm.h) for Q4_K and Q5_K weights x Q8_K activations. Placeholder: no tiles yet, the
// engine uses the per-row kernels of kernelsFor() for these types.
#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> gemmQ4kAvx512VnniTable() { return {}; }

}  // namespace hearth::kernels
