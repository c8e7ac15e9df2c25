// A lookup-table (T-MAC style) kernel for TQ2_0 weights x one Q8_K activation row (batch 1), on AVX-512 BW.
// Compiled only in lut_tq2_0_avx512.cpp with the AVX-512 flags: call it only after cpuSupports(Isa::Avx512),
// and only on x86-64 builds (the file is not built elsewhere).
//
// Idea: instead of multiplying each 2-bit code with its activation, precompute once per activation row, for every
// pair of elements (e0, e1) that one nibble of a weight byte covers, the 16 sums c0 * x[e0] + c1 * x[e1]
// (c0, c1 in 0..3), and let each nibble index its table with a byte shuffle (vpshufb). vpshufb looks up one table
// per 16-byte lane with 16 indices, so a lane must hold the same nibble position of 16 *rows*: the kernel loads
// 16 rows' 64-byte code blocks and transposes them in registers (16 x 16 bytes per lane), then each of the 16
// transposed registers indexes the tables of 4 element pairs (one per lane) for 16 rows at once. The sums reach
// 6 * 127, more than a byte, so each table is stored as two byte planes (low and high byte of the int16 value)
// and the two lookups are re-interleaved into int16; every sum is exact, like the direct kernel's.
//
// Tables per super-block (kLutBlockBytes = 4160): for m = 0..15, nibble p = 0..1, plane = low, high: 64 bytes,
// lane c = 0..3 is the 16-entry table of the pair held by nibble p of qs[16 c + m] (elements
// 128 (c / 2) + 64 p + 16 (c % 2) + m and that + 32), indexed by c0 | c1 << 2; then a 64-byte header: d_x (F32)
// and the sum of the 256 activation quants (int32, subtracted because the codes t mean t - 1).
//
// Measured against the direct VNNI tile (kernels/gemm_lowbit_avx512vnni.cpp) at batch 1 on the development Xeon
// (AVX-512 VNNI, no VBMI), tests/bench/lowbit_bench.cpp, one thread, matrices in cache: 5632 x 2048 in 0.46 ms
// (6.4 GB/s of weights) against 0.23 ms (13 GB/s) for the direct tile; 2048 x 5632 0.33-0.45 ms against 0.24-0.33.
// The direct tile wins: one vpdpbusd does 64 multiply-adds, while here the 16 x 16 transposition, the two
// lookups per nibble and the re-interleave all compete for the single shuffle port (~12 shuffle-port
// instructions per row and super-block). So gemm does not dispatch to this kernel; it is kept, tested against the
// scalar reference (tests/kernels/lowbit_test.cpp), for CPUs without vpdpbusd where the balance differs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

// Bytes of the tables for one activation row of n elements (a multiple of 256).
size_t lutTq2_0TableBytes(int64_t n);
// Builds the tables (64-byte aligned dst, lutTq2_0TableBytes(n) bytes) from one Q8_K row of n elements.
void lutTq2_0BuildTables(const void* q8kRow, void* tables, int64_t n);
// y[r] = dot(TQ2_0 row r, the activation row the tables were built from), r < nRows; rows wStride bytes apart.
void lutTq2_0Gemv(const void* w, size_t wStride, int64_t nRows, const void* tables, int64_t n, float* y);

}  // namespace hearth::kernels
