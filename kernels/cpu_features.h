// Run-time CPU feature detection for the ISAs in kernels/dispatch.h. xsimd 8.1 knows nothing about AVX-512 VNNI
// or AArch64 dotprod, so this asks the hardware directly: cpuid + xgetbv on x86-64 (the OS must also save the
// AVX / AVX-512 register state), getauxval(AT_HWCAP) on Linux/AArch64.
#pragma once

#include "kernels/dispatch.h"

namespace hearth::kernels {

// True if this CPU (and OS) can execute code compiled for isa. Scalar is always true; ISAs of the other
// architecture family are false. Says nothing about whether this build contains code for isa.
bool cpuSupports(Isa isa);

// True if this CPU has AMX-TILE and AMX-INT8, the OS saves the tile state (XCR0 bits 17, 18), and Linux granted this
// process the tile data state (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), asked once, process-wide). AMX is
// not an Isa of its own: it speeds up some of Avx512Vnni's repacked kernels (kernels/gemm.h, repackedAmxGemmFor).
bool cpuSupportsAmxInt8();

}  // namespace hearth::kernels
