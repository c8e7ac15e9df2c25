#include "kernels/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#define HEARTH_CPU_X86 1
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#define HEARTH_CPU_AARCH64_LINUX 1
#endif

#include <cstdint>

namespace hearth::kernels {
namespace {

#ifdef HEARTH_CPU_X86
struct X86Features {
    bool avx2 = false;        // AVX2 + FMA + F16C, with the OS saving YMM state
    bool avx512 = false;      // AVX-512 F/BW/VL/DQ, with the OS saving opmask/ZMM state
    bool avx512vnni = false;  // + VNNI
};

uint64_t readXcr0() {
    uint32_t eax = 0, edx = 0;
    // xgetbv by hand: _xgetbv needs -mxsave, and this file is compiled for the baseline ISA.
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<uint64_t>(edx) << 32) | eax;
}

X86Features detectX86() {
    X86Features f;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    const bool osxsave = ecx & (1u << 27);
    const bool fma = ecx & (1u << 12);
    const bool avx = ecx & (1u << 28);
    const bool f16c = ecx & (1u << 29);
    if (!osxsave || !avx) return f;
    const uint64_t xcr0 = readXcr0();
    const bool ymmState = (xcr0 & 0x6) == 0x6;     // SSE + AVX state
    const bool zmmState = (xcr0 & 0xe6) == 0xe6;   // + opmask, ZMM0-15 upper halves, ZMM16-31
    if (!ymmState) return f;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
    const bool avx2 = ebx & (1u << 5);
    const bool avx512f = ebx & (1u << 16);
    const bool avx512dq = ebx & (1u << 17);
    const bool avx512bw = ebx & (1u << 30);
    const bool avx512vl = ebx & (1u << 31);
    const bool vnni = ecx & (1u << 11);
    f.avx2 = avx2 && fma && f16c;
    f.avx512 = f.avx2 && zmmState && avx512f && avx512dq && avx512bw && avx512vl;
    f.avx512vnni = f.avx512 && vnni;
    return f;
}

// AMX-TILE + AMX-INT8 with the tile state enabled in XCR0 (17: XTILECFG, 18: XTILEDATA), then Linux's permission for
// this process: the tile data state is off by default (XFD) and the first tile instruction would fault without it.
bool detectAmxInt8() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & (1u << 27)) == 0) return false;  // OSXSAVE
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    const bool amxTile = edx & (1u << 24);
    const bool amxInt8 = edx & (1u << 25);
    if (!amxTile || !amxInt8) return false;
    constexpr uint64_t kTileState = (1ull << 17) | (1ull << 18);
    if ((readXcr0() & kTileState) != kTileState) return false;
#if defined(__linux__)
    // From the kernel's arch/x86/include/uapi/asm/prctl.h and asm/fpu/types.h (stable ABI).
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
    return false;
#endif
}
#endif

#ifdef HEARTH_CPU_AARCH64_LINUX
// From the kernel's arch/arm64/include/uapi/asm/hwcap.h (stable ABI), spelled out so no kernel header is needed.
constexpr unsigned long kHwcapAsimd = 1ul << 1;
constexpr unsigned long kHwcapAsimdDp = 1ul << 20;
#endif

}  // namespace

bool cpuSupportsAmxInt8() {
#ifdef HEARTH_CPU_X86
    static const bool amx = detectAmxInt8();
    return amx;
#else
    return false;
#endif
}

bool cpuSupports(Isa isa) {
    if (isa == Isa::Scalar) return true;
#ifdef HEARTH_CPU_X86
    static const X86Features features = detectX86();
    switch (isa) {
    case Isa::Avx2: return features.avx2;
    case Isa::Avx512: return features.avx512;
    case Isa::Avx512Vnni: return features.avx512vnni;
    default: return false;
    }
#elif defined(HEARTH_CPU_AARCH64_LINUX)
    static const unsigned long hwcap = getauxval(AT_HWCAP);
    switch (isa) {
    case Isa::Neon: return (hwcap & kHwcapAsimd) != 0;
    case Isa::NeonDot: return (hwcap & kHwcapAsimd) != 0 && (hwcap & kHwcapAsimdDp) != 0;
    default: return false;
    }
#else
    return false;
#endif
}

}  // namespace hearth::kernels
