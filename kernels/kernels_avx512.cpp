// AVX-512 (F/BW/VL/DQ) kernels. Only this file is compiled with those flags (kernels/CMakeLists.txt);
// dispatch.cpp calls avx512Table() only after cpuSupports(Isa::Avx512).
#include "kernels/simd_avx512.h"

namespace hearth::kernels {
namespace {

constexpr auto kTable = makeTable<Avx512Primitives>();
static_assert(inKernelTypeOrder(kTable));

}  // namespace

std::span<const TypeKernels> avx512Table() { return kTable; }

}  // namespace hearth::kernels
