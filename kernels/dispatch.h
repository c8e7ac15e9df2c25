// Runtime ISA selection and the per-type kernel table. The engine asks for a type's kernels once per matrix
// (never per block) and calls through the function pointers.
//
// The active ISA is the best one the CPU supports among those compiled in, capped by the environment variable
// HEARTH_ISA (scalar | avx2 | avx512 | avx512vnni | neon | neondot) so tests and users can force lower paths.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/ggml_type.h"

namespace hearth::kernels {

// Ordered from least to most capable within an architecture family.
enum class Isa : uint8_t {
    Scalar = 0,
    Avx2,        // AVX2 + FMA + F16C
    Avx512,      // AVX-512 F/BW/VL/DQ
    Avx512Vnni,  // + VNNI (vpdpbusd)
    Neon,        // AArch64 Advanced SIMD
    NeonDot,     // + dotprod (sdot)
    Count,
};
std::string_view isaName(Isa isa);

// ISAs this build has code for and this CPU can run, Scalar first.
std::vector<Isa> runnableIsas();
// The ISA in use: the best runnable one, capped by HEARTH_ISA. Computed once.
Isa activeIsa();

// Activations are quantized once per matrix into the format a weight type's fast dot product pairs with.
struct TypeKernels {
    GgmlType type;
    // Dequantize n values (n a multiple of the block size) to F32.
    void (*dequantize)(const void* src, float* dst, int64_t n);
    // Exact path: dot product of a weight row with F32 activations (weights dequantized on the fly).
    float (*dotF32)(const void* row, const float* x, int64_t n);
    // Fast path: activation type this weight type pairs with (F32 means no quantization: use dotF32).
    GgmlType actType;
    // Quantize n F32 activations to actType (unused when actType is F32).
    void (*quantizeAct)(const float* x, void* dst, int64_t n);
    // Dot product of a weight row with activations in actType.
    float (*dotAct)(const void* row, const void* xq, int64_t n);
};

// Kernels for a weight type on the active ISA (or a given one, for tests); nullptr if the type has none.
const TypeKernels* kernelsFor(GgmlType type);
const TypeKernels* kernelsFor(GgmlType type, Isa isa);

// Reference quantizers (scalar; used for tests, activations and the model writer). n a multiple of the block.
void quantizeRow(GgmlType type, const float* x, void* dst, int64_t n);

}  // namespace hearth::kernels
