// AVX-512 VNNI repacked kernels for Q4_0,Q8_0 weights (kernels/gemm.h, GemmKernels::repack). Only this file is
// compiled with -mavx512vnni; gemm.cpp calls repackQ4Avx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
// (Placeholder: no kernels yet.)
#include <span>

#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> repackQ4Avx512VnniTable() { return {}; }

}  // namespace hearth::kernels
