// TQ2_0: ternary (BitNet b1.58) weights at 2 bits each (type id 35).
//
// Block layout (66 bytes, 256 weights, 2.0625 bits per weight):
//   bytes 0..63   qs[64]  2-bit codes t in 0..2 (3 unused). Two halves h = 0, 1 use qs[32h .. 32h + 31]:
//                         element 128h + 32s + l (s = 0..3, l = 0..31) is bits 2s..2s+1 of qs[32h + l]
//   bytes 64..65  d       F16 scale
//   element value = (t - 1) * d, i.e. -d, 0 or +d.
//
// Quantization (ggml's reference, bit for bit): d = max|x|, t = lroundf(x / d) + 1 (computed as x * (1/d)).
//
// Pairs with Q8_K: dot = d_x * d * (sum t_j xq_j - sum bsums).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockTq2_0 {
    uint8_t qs[kQkK / 4];
    uint8_t d[2];
};
static_assert(sizeof(BlockTq2_0) == 66 && alignof(BlockTq2_0) == 1);

}  // namespace hearth::kernels
