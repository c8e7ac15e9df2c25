// Scalar reference kernels for every supported weight type: the fallback on CPUs without a SIMD path and the
// oracle the SIMD kernels are tested against. Plain loops, F32 accumulation in element order.
//
// Rows are untyped byte pointers with no alignment requirement. n counts elements and must be a multiple of the
// type's block size (32 for Q8_0/Q4_0): a programmer error otherwise (asserted).
#pragma once

#include <cstdint>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"

namespace hearth::kernels::ref {

// Weights -> F32, n elements.
void dequantizeF32(const void* src, float* dst, int64_t n);
void dequantizeF16(const void* src, float* dst, int64_t n);
void dequantizeBf16(const void* src, float* dst, int64_t n);
void dequantizeQ8_0(const void* src, float* dst, int64_t n);
void dequantizeQ4_0(const void* src, float* dst, int64_t n);

// sum_j w_j * x_j with w_j dequantized exactly as dequantize*() does, accumulated in F32.
float dotF32(const void* row, const float* x, int64_t n);
float dotF16(const void* row, const float* x, int64_t n);
float dotBf16(const void* row, const float* x, int64_t n);
float dotQ8_0(const void* row, const float* x, int64_t n);
float dotQ4_0(const void* row, const float* x, int64_t n);

// F32 -> storage type, bit-identical to ggml's reference quantizers (see the format headers).
void quantizeF32(const float* x, void* dst, int64_t n);
void quantizeF16(const float* x, void* dst, int64_t n);
void quantizeBf16(const float* x, void* dst, int64_t n);
void quantizeQ8_0(const float* x, void* dst, int64_t n);
void quantizeQ4_0(const float* x, void* dst, int64_t n);

// Integer dot of one weight block with one Q8_0 activation block (exact, |result| < 2^21).
int32_t blockDotQ8_0Q8_0(const BlockQ8_0& w, const BlockQ8_0& x);
int32_t blockDotQ4_0Q8_0(const BlockQ4_0& w, const BlockQ8_0& x);

// Fast-path dot products with Q8_0 activations, as ggml does them: per block the exact integer dot, then
// sum += float(idot) * (d_w * d_x) in block order.
float dotQ8_0Q8_0(const void* row, const void* xq, int64_t n);
float dotQ4_0Q8_0(const void* row, const void* xq, int64_t n);

// Adapter for the plain types' dotAct slot (their activations stay F32).
float dotActF32(const void* row, const void* x, int64_t n);
float dotActF16(const void* row, const void* x, int64_t n);
float dotActBf16(const void* row, const void* x, int64_t n);

}  // namespace hearth::kernels::ref
