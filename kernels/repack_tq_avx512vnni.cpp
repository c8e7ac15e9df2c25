// AVX-512 VNNI repacked kernels for TQ2_0, TQ1_0 weights (kernels/gemm.h, GemmKernels::repack). Only this file is
// compiled with the AVX-512 VNNI flags; gemm.cpp calls repackTqAvx512VnniTable() only after
// cpuSupports(Isa::Avx512Vnni). (Placeholder: no kernels yet.)
#include <span>

#include "kernels/gemm_tables.h"

namespace hearth::kernels {

std::span<const GemmKernels> repackTqAvx512VnniTable() { return {}; }

}  // namespace hearth::kernels
