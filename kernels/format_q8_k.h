// Q8_K: ggml's 8-bit activation format for the K-quants, IQ4_XS and the ternary types (type id 15). It is
// never stored in model files; weights of those types are dotted with activations quantized to it.
//
// Block layout (292 bytes, 256 values, 9.125 bits per value):
//   bytes 0..3     d          scale, F32 (not F16: activations need the range)
//   bytes 4..259   qs[256]    signed 8-bit quants, value j = qs[j] * d
//   bytes 260..291 bsums[16]  int16, bsums[g] = sum of qs[16g .. 16g + 15]; lets a weight type with a per-group
//                             minimum (Q2_K, Q4_K, Q5_K) or an offset (TQ*_0) subtract it without touching qs
//
// Quantization (ggml's quantize_row_q8_K_ref, reproduced bit for bit): m = the value with the largest |x_j|,
// sign kept (first on ties); if m == 0 everything is 0; else iscale = -127 / m, q_j = min(127,
// round-half-even(iscale * x_j)) and d = 1 / iscale. So m itself maps to -127 and q is in [-127, 127] (never
// -128: the SIMD kernels rely on it, e.g. for sign tricks and int16 pair sums).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

inline constexpr int kQkK = 256;  // elements per K-quant super-block (QK_K)

struct BlockQ8_K {
    float d;
    int8_t qs[kQkK];
    int16_t bsums[kQkK / 16];
};
static_assert(sizeof(BlockQ8_K) == 292);
static_assert(offsetof(BlockQ8_K, qs) == 4 && offsetof(BlockQ8_K, bsums) == 260);

}  // namespace hearth::kernels
