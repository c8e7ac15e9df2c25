// AArch64 NEON + dotprod kernels: as kernels_neon.cpp, with the integer block dot on sdot. Only this file is
// compiled with +dotprod; dispatch.cpp calls neonDotTable() only after cpuSupports(Isa::NeonDot).
#ifndef __ARM_FEATURE_DOTPROD
#error "kernels_neondot.cpp must be compiled with -march=armv8.2-a+dotprod"
#endif

#include "kernels/simd_neon.h"

namespace hearth::kernels {
namespace {

constexpr auto kTable = makeTable<NeonPrimitives>();
static_assert(inKernelTypeOrder(kTable));

}  // namespace

std::span<const TypeKernels> neonDotTable() { return kTable; }

}  // namespace hearth::kernels
