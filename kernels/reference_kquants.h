// Scalar reference kernels for the weight types that pair with Q8_K activations (256-element super-blocks):
// Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS, TQ1_0, TQ2_0, and the Q8_K activation quantizer. The oracle the SIMD
// kernels are tested against; see each format header for the layout.
//
// Every one of these types is decoded the same way (decodeSuperBlock): 256 small signed integers q_j plus, per
// sub-block i of 16 or 32 elements, an integer scale s_i and minimum m_i, with two F32 factors:
//   w_j = (d * s_i) * q_j - dmin * m_i
// which is exactly how ggml's dequantizers round. The dot product with a Q8_K block is then, exactly in integers
// per super-block and rounded once:  sum += (d_x * d) * sum_i s_i * sum_{j in i} q_j xq_j
//                                         - (d_x * dmin) * sum_i m_i * (sum_{j in i} xq_j).
// n counts elements and must be a multiple of 256 (asserted).
#pragma once

#include <cstdint>

#include "kernels/format_iq4_xs.h"
#include "kernels/format_q2_k.h"
#include "kernels/format_q3_k.h"
#include "kernels/format_q4_k.h"
#include "kernels/format_q5_k.h"
#include "kernels/format_q6_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/format_tq1_0.h"
#include "kernels/format_tq2_0.h"
#include "kernels/ggml_type.h"

namespace hearth::kernels::ref {

// One super-block in integer form (see above). subLen is 16 (Q2_K, Q3_K, Q6_K) or 32 (Q4_K, Q5_K, IQ4_XS);
// the ternary types use one scale of 1 over 32-element groups, q in -1..1, no minimum.
struct SuperBlock {
    int8_t q[kQkK];
    int32_t scale[16];
    int32_t min[16];
    int subLen;
    float d;
    float dmin;
};
// Decodes one super-block of `type` (one of the eight above) at `block`.
void decodeSuperBlock(GgmlType type, const uint8_t* block, SuperBlock& out);

// Q8_K activations (bit-identical to ggml's quantize_row_q8_K_ref) and back.
void quantizeQ8_K(const float* x, void* dst, int64_t n);
void dequantizeQ8_K(const void* src, float* dst, int64_t n);

void dequantizeQ2_K(const void* src, float* dst, int64_t n);
void dequantizeQ3_K(const void* src, float* dst, int64_t n);
void dequantizeQ4_K(const void* src, float* dst, int64_t n);
void dequantizeQ5_K(const void* src, float* dst, int64_t n);
void dequantizeQ6_K(const void* src, float* dst, int64_t n);
void dequantizeIq4Xs(const void* src, float* dst, int64_t n);
void dequantizeTq1_0(const void* src, float* dst, int64_t n);
void dequantizeTq2_0(const void* src, float* dst, int64_t n);

// sum_j w_j * x_j with w_j as dequantize*() gives them, accumulated in F32 in element order.
float dotQ2_K(const void* row, const float* x, int64_t n);
float dotQ3_K(const void* row, const float* x, int64_t n);
float dotQ4_K(const void* row, const float* x, int64_t n);
float dotQ5_K(const void* row, const float* x, int64_t n);
float dotQ6_K(const void* row, const float* x, int64_t n);
float dotIq4Xs(const void* row, const float* x, int64_t n);
float dotTq1_0(const void* row, const float* x, int64_t n);
float dotTq2_0(const void* row, const float* x, int64_t n);

// Quantizers (see each format header: TQ1_0/TQ2_0 are bit-identical to ggml's, the others are our own).
void quantizeQ2_K(const float* x, void* dst, int64_t n);
void quantizeQ3_K(const float* x, void* dst, int64_t n);
void quantizeQ4_K(const float* x, void* dst, int64_t n);
void quantizeQ5_K(const float* x, void* dst, int64_t n);
void quantizeQ6_K(const float* x, void* dst, int64_t n);
void quantizeIq4Xs(const float* x, void* dst, int64_t n);
void quantizeTq1_0(const float* x, void* dst, int64_t n);
void quantizeTq2_0(const float* x, void* dst, int64_t n);

// Fast-path dot products with Q8_K activations (formula above, super-blocks in order).
float dotQ2_KQ8_K(const void* row, const void* xq, int64_t n);
float dotQ3_KQ8_K(const void* row, const void* xq, int64_t n);
float dotQ4_KQ8_K(const void* row, const void* xq, int64_t n);
float dotQ5_KQ8_K(const void* row, const void* xq, int64_t n);
float dotQ6_KQ8_K(const void* row, const void* xq, int64_t n);
float dotIq4XsQ8_K(const void* row, const void* xq, int64_t n);
float dotTq1_0Q8_K(const void* row, const void* xq, int64_t n);
float dotTq2_0Q8_K(const void* row, const void* xq, int64_t n);

}  // namespace hearth::kernels::ref
