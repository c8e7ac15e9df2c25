// Scalar reference kernels for the 32-element block types that pair with Q8_0 activations besides Q8_0/Q4_0:
// Q4_1, Q5_0, Q5_1 and IQ4_NL (layouts in their format headers).
//
// Each block decodes to 32 small integers q_j and two F32 factors (decodeBlock32): w_j = d * q_j + m, which is
// exactly how ggml's dequantizers round (m = 0 for the symmetric types; Q5_0's q_j is already centred, IQ4_NL's
// is the table level). The dot product with a Q8_0 block is, per block:
//   sum += (d * d_x) * sum_j q_j xq_j + (m * d_x) * sum_j xq_j
// (ggml pairs Q4_1/Q5_1 with Q8_1, whose stored block sum only saves the second integer sum). n must be a
// multiple of 32 (asserted).
#pragma once

#include <cstdint>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_q4_1.h"
#include "kernels/format_q5_0.h"
#include "kernels/format_q5_1.h"
#include "kernels/ggml_type.h"

namespace hearth::kernels::ref {

struct Block32 {
    int8_t q[32];
    float d;
    float m;
};
// Decodes one block of `type` (Q4_1, Q5_0, Q5_1 or IQ4_NL) at `block`.
void decodeBlock32(GgmlType type, const uint8_t* block, Block32& out);

void dequantizeQ4_1(const void* src, float* dst, int64_t n);
void dequantizeQ5_0(const void* src, float* dst, int64_t n);
void dequantizeQ5_1(const void* src, float* dst, int64_t n);
void dequantizeIq4Nl(const void* src, float* dst, int64_t n);

float dotQ4_1(const void* row, const float* x, int64_t n);
float dotQ5_0(const void* row, const float* x, int64_t n);
float dotQ5_1(const void* row, const float* x, int64_t n);
float dotIq4Nl(const void* row, const float* x, int64_t n);

// Q4_1, Q5_0, Q5_1: bit-identical to ggml's reference quantizers. IQ4_NL: our own (see format_iq4_nl.h).
void quantizeQ4_1(const float* x, void* dst, int64_t n);
void quantizeQ5_0(const float* x, void* dst, int64_t n);
void quantizeQ5_1(const float* x, void* dst, int64_t n);
void quantizeIq4Nl(const float* x, void* dst, int64_t n);

float dotQ4_1Q8_0(const void* row, const void* xq, int64_t n);
float dotQ5_0Q8_0(const void* row, const void* xq, int64_t n);
float dotQ5_1Q8_0(const void* row, const void* xq, int64_t n);
float dotIq4NlQ8_0(const void* row, const void* xq, int64_t n);

}  // namespace hearth::kernels::ref
