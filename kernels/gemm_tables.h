// Internal: the per-ISA tile-kernel tables gemm.cpp chooses from. Each is defined in its own translation unit
// (gemm_<isa>.cpp), the only one compiled with that ISA's flags; HEARTH_GEMM_HAVE_<ISA> (set by
// kernels/CMakeLists.txt) says which ones this build has. A table lists only the weight types it speeds up.
#pragma once

#include <span>

#include "kernels/gemm.h"

namespace hearth::kernels {

std::span<const GemmKernels> gemmScalarTable();
#ifdef HEARTH_GEMM_HAVE_AVX2
std::span<const GemmKernels> gemmAvx2Table();
#endif
#ifdef HEARTH_GEMM_HAVE_AVX512VNNI
std::span<const GemmKernels> gemmAvx512VnniTable();
#endif

}  // namespace hearth::kernels
