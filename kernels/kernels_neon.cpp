// AArch64 NEON kernels (ARMv8.0 Advanced SIMD, no dotprod): the baseline every AArch64 CPU runs.
#include "kernels/simd_neon.h"

namespace hearth::kernels {
namespace {

constexpr auto kTable = makeTable<NeonPrimitives>();
static_assert(inKernelTypeOrder(kTable));

}  // namespace

std::span<const TypeKernels> neonTable() { return kTable; }

}  // namespace hearth::kernels
