// AVX-512 VNNI repacked kernels for F16 weights (kernels/gemm.h, GemmKernels::repack). Only this file is
// compiled with the AVX-512 VNNI flags; gemm.cpp calls repackF16Avx512VnniTable() only after
// cpuSupports(Isa::Avx512Vnni). (Placeholder: no kernels yet.)
#include <span>

#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> repackF16Avx512VnniTable() { return {}; }

}  // namespace hearth::kernels
