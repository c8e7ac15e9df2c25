// Tile kernels for the forward pass's matrix products: many weight rows times one or more activation rows per
// call, dispatched separately from the per-row kernel table (kernels/dispatch.h) by the same active ISA.
//
// Why a separate API: a per-(row, token) dot product reloads the activations and pays a function call for every
// output element. A tile kernel computes MR weight rows x NT tokens at once, so each weight byte loaded from
// memory serves NT tokens and each activation load serves MR rows: batch 1 (token generation) becomes a
// bandwidth-bound stream over the weights, batch 512 (prompt processing) a compute-bound, cache-blocked GEMM.
//
// Activations: for the block-quantized weights (Q8_0, Q4_0) the activation rows are first quantized to Q8_0 by the
// per-row table's quantizeAct (so the numbers are the same as on the per-row path), then repacked once per
// matrix input by pack() into the layout this ISA's tile reads. For F32/F16/BF16 weights the activations stay F32
// and pack is nullptr. Results equal the per-row dot products up to F32 summation order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/dispatch.h"
#include "kernels/ggml_type.h"

namespace hearth::kernels {

struct GemmKernels {
    GgmlType type;     // weight type
    GgmlType actType;  // activation rows before packing: Q8_0 (quantizeAct output) or F32
    // Bytes of one packed activation row of n elements (a multiple of 64). nullptr when pack is nullptr: the rows
    // are then read as they are, rowBytes(actType, n) apart.
    size_t (*packedRowBytes)(int64_t n);
    // Repacks one activation row of n elements (n elements of actType, e.g. one quantizeAct output row) into dst
    // (packedRowBytes(n) bytes, 64-byte aligned for speed, any alignment allowed).
    void (*pack)(const void* act, void* dst, int64_t n);
    // y[t * ldy + r] = dot(weight row r, activation row t) for r < nRows, t < nTok. Weight rows are wStride bytes
    // apart (any alignment), activation rows (packed, or actType rows) xStride bytes apart; n elements per row,
    // a multiple of the weight type's block size.
    void (*gemm)(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok,
                 int64_t n, float* y, size_t ldy);

    // Load-time weight layout (repacked kernels only, see repackedGemmFor; the tile kernels above read the rows as
    // the file stores them and leave these at their defaults). rowGroup consecutive rows are re-laid out together
    // so that one vector register holds the same elements of all of them (one row per 32-bit lane): the per-block
    // scales of a group load as one vector, the integer dot products accumulate one row per lane without horizontal
    // sums, and each activation load (a 4-byte broadcast) serves rowGroup rows.
    // With a repacked weight, gemm's w points at the group that holds row 0 of the range, wStride is
    // groupBytes(n), and the range starts at a multiple of rowGroup (it may end inside a group: only nRows rows
    // of y are written).
    int64_t rowGroup = 1;
    // Bytes of one repacked group of rowGroup rows of n elements (a multiple of 64).
    size_t (*groupBytes)(int64_t n) = nullptr;
    // Repacks nRows rows of n elements (in the file's layout, wStride bytes apart, any alignment) into
    // ceil(nRows / rowGroup) groups at dst (64-byte aligned); the missing rows of a last partial group are zeros.
    void (*repack)(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) = nullptr;
};

// Tile kernels for a weight type on the active ISA (or a given one, for tests); nullptr if that ISA has none for
// the type (the caller then uses the per-row kernels of kernelsFor()).
const GemmKernels* gemmKernelsFor(GgmlType type);
const GemmKernels* gemmKernelsFor(GgmlType type, Isa isa);

// Repacked kernels for a weight type on the active ISA (or a given one): GemmKernels whose repack is set, for
// weights the engine re-lays out once at load; nullptr if that ISA has none for the type.
const GemmKernels* repackedGemmFor(GgmlType type);
const GemmKernels* repackedGemmFor(GgmlType type, Isa isa);

// AMX-INT8 repacked kernels for a weight type: the Avx512Vnni ones (same repack, pack and layouts) with a gemm that
// runs prompt batches on the tile unit and smaller ones on VNNI. nullptr unless this build has them, the CPU and OS
// support AMX-INT8 (cpuSupportsAmxInt8) and HEARTH_AMX is not 0. repackedGemmFor(type) returns them when the active
// ISA is Avx512Vnni; repackedGemmFor(type, Isa::Avx512Vnni) never does (the tests cover both).
const GemmKernels* repackedAmxGemmFor(GgmlType type);

// Per-row kernels at batch 1 (the types without tiles on an ISA, or whose tiles hand single tokens to them): one
// call per row, so the hardware prefetchers see short streams that restart at every row, and a thread streamed
// Q4_1 at ~2 GB/s from memory (AVX2). rowsAhead(rowBytes) is how far ahead of the row being computed to ask for a
// whole row (prefetchRow), about kRowPrefetchBytes: HEARTH_ISA=avx2 TinyLlama tg (Q4_1, IQ4_NL, TQ2_0) measured
// best there. Internal linkage (static): the per-ISA files include this header with their own -m flags.
constexpr size_t kRowPrefetchBytes = 12288;
static inline int64_t rowsAhead(size_t rowBytes) {
    return int64_t((kRowPrefetchBytes + rowBytes - 1) / (rowBytes > 0 ? rowBytes : 1));
}
static inline void prefetchRow(const uint8_t* row, size_t rowBytes) {
    for (size_t o = 0; o < rowBytes; o += 64) __builtin_prefetch(row + o, 0, 3);
}

// The scalar oracle of gemm for tests: the same products through the scalar reference's fast-path dot products
// (kernels/reference.h) over unpacked actType rows (Q8_0 rows for Q8_0/Q4_0 weights, F32 rows otherwise).
void gemmReference(GgmlType type, const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride,
                   int64_t nTok, int64_t n, float* y, size_t ldy);

}  // namespace hearth::kernels
