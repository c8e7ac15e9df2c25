// Run-time CPU feature detection for the ISAs in kernels/dispatch.h. xsimd 8.1 knows nothing about AVX-512 VNNI
// or AArch64 dotprod, so this asks the hardware directly: cpuid + xgetbv on x86-64 (the OS must also save the
// AVX / AVX-512 register state), getauxval(AT_HWCAP) on Linux/AArch64.
#pragma once

#include "kernels/dispatch.h"

namespace hearth::kernels {

// True if this CPU (and OS) can execute code compiled for isa. Scalar is always true; ISAs of the other
// architecture family are false. Says nothing about whether this build contains code for isa.
bool cpuSupports(Isa isa);

}  // namespace hearth::kernels
