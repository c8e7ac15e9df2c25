// AVX-512 + VNNI kernels: as kernels_avx512.cpp, with the integer block dot on vpdpbusd. Only this file is
// compiled with -mavx512vnni; dispatch.cpp calls avx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
#ifndef __AVX512VNNI__
#error "kernels_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include "kernels/simd_avx512.h"

namespace hearth::kernels {
namespace {

constexpr auto kTable = makeTable<Avx512Primitives>();
static_assert(inKernelTypeOrder(kTable));

}  // namespace

std::span<const TypeKernels> avx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
