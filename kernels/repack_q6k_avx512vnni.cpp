// AVX-512 VNNI repacked kernels for Q6_K weights (kernels/gemm.h, GemmKernels::repack). Only this file is
// compiled with -mavx512vnni; gemm.cpp calls repackQ6kAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
// (Placeholder: no kernels yet.)
#include <span>

#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> repackQ6kAvx512VnniTable() { return {}; }

}  // namespace hearth::kernels
