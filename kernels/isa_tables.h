// Internal: the per-ISA kernel tables dispatch.cpp chooses from. Each table is defined in its own translation unit
// (kernels_<isa>.cpp), the only one compiled with that ISA's flags; the HEARTH_KERNELS_HAVE_<ISA> definitions
// (set by kernels/CMakeLists.txt) say which ones this build has.
#pragma once

#include <iterator>
#include <span>

#include "kernels/dispatch.h"

namespace hearth::kernels {

// The weight types with kernels, in table order. Every table has exactly these entries, in this order.
inline constexpr GgmlType kKernelTypes[] = {
    GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0,   GgmlType::Q4_0,   GgmlType::Q4_1,  GgmlType::Q5_0,
    GgmlType::Q5_1, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K,   GgmlType::Q5_K,   GgmlType::Q6_K,  GgmlType::IQ4_NL,
    GgmlType::IQ4_XS, GgmlType::TQ1_0, GgmlType::TQ2_0,
};
inline constexpr size_t kKernelTypeCount = std::size(kKernelTypes);

std::span<const TypeKernels> scalarTable();
#ifdef HEARTH_KERNELS_HAVE_AVX2
std::span<const TypeKernels> avx2Table();
#endif
#ifdef HEARTH_KERNELS_HAVE_AVX512
std::span<const TypeKernels> avx512Table();
#endif
#ifdef HEARTH_KERNELS_HAVE_AVX512VNNI
std::span<const TypeKernels> avx512VnniTable();
#endif
#ifdef HEARTH_KERNELS_HAVE_NEON
std::span<const TypeKernels> neonTable();
#endif
#ifdef HEARTH_KERNELS_HAVE_NEONDOT
std::span<const TypeKernels> neonDotTable();
#endif

}  // namespace hearth::kernels
