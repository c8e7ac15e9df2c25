// Internal: the per-ISA tile-kernel tables gemm.cpp chooses from. Each is defined in its own translation unit
// (gemm_<isa>.cpp), the only one compiled with that ISA's flags; HEARTH_GEMM_HAVE_<ISA> (set by
// kernels/CMakeLists.txt) says which ones this build has. A table lists only the weight types it speeds up.
#pragma once

#include <span>

#include "kernels/gemm.h"

namespace hearth::kernels {

std::span<const GemmKernels> gemmScalarTable();
#ifdef HEARTH_GEMM_HAVE_AVX2
std::span<const GemmKernels> gemmAvx2Table();         // gemm_avx2.cpp: plain types
std::span<const GemmKernels> gemmQ8Avx2Table();       // gemm_q8_avx2.cpp: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL
std::span<const GemmKernels> gemmQ4kAvx2Table();      // gemm_q4k_avx2.cpp: Q4_K, Q5_K
std::span<const GemmKernels> gemmQ6kAvx2Table();      // gemm_q6k_avx2.cpp: Q6_K, Q3_K
std::span<const GemmKernels> gemmLowbitAvx2Table();   // gemm_lowbit_avx2.cpp: Q2_K, TQ1_0, TQ2_0
std::span<const GemmKernels> gemmIq4XsAvx2Table();    // gemm_iq4xs_avx2.cpp: IQ4_XS
#endif
#ifdef HEARTH_GEMM_HAVE_AVX512VNNI
std::span<const GemmKernels> gemmAvx512VnniTable();         // gemm_avx512vnni.cpp: Q8_0, Q4_0, plain types
std::span<const GemmKernels> gemmQ4kAvx512VnniTable();      // gemm_q4k_avx512vnni.cpp: Q4_K, Q5_K
std::span<const GemmKernels> gemmQ6kAvx512VnniTable();      // gemm_q6k_avx512vnni.cpp: Q6_K, Q3_K
std::span<const GemmKernels> gemmLowbitAvx512VnniTable();   // gemm_lowbit_avx512vnni.cpp: Q2_K, TQ1_0, TQ2_0
// Repacked kernels (GemmKernels::repack set; repackedGemmFor).
std::span<const GemmKernels> repackQ4Avx512VnniTable();    // repack_q4_avx512vnni.cpp: Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q8_0
std::span<const GemmKernels> repackQ4kAvx512VnniTable();   // repack_q4k_avx512vnni.cpp: Q4_K, Q5_K
std::span<const GemmKernels> repackQ6kAvx512VnniTable();   // repack_q6k_avx512vnni.cpp: Q6_K
std::span<const GemmKernels> repackQ2kAvx512VnniTable();   // repack_q2k_avx512vnni.cpp: Q2_K, Q3_K
std::span<const GemmKernels> repackTqAvx512VnniTable();    // repack_tq_avx512vnni.cpp: TQ2_0, TQ1_0
std::span<const GemmKernels> repackF16Avx512VnniTable();   // repack_f16_avx512vnni.cpp: F16 (AVX-512 F + F16C)
std::span<const GemmKernels> repackIq4XsAvx512VnniTable(); // repack_iq4xs_avx512vnni.cpp: IQ4_XS
#endif
#ifdef HEARTH_GEMM_HAVE_AMX
// AMX-INT8 variants of some Avx512Vnni repacked kernels (same layouts, prompt batches on the tile unit); call only
// after cpuSupportsAmxInt8().
std::span<const GemmKernels> repackAmxTable();             // repack_q4_amx.cpp: Q8_0, Q4_0
#endif

}  // namespace hearth::kernels
