// TQ1_0: ternary (BitNet b1.58) weights packed five per byte in base 3 (type id 34).
//
// Block layout (54 bytes, 256 weights, 1.6875 bits per weight):
//   bytes 0..47   qs[48]  bytes 0..31 hold elements 0..159: element 32k + l (k = 0..4) is trit k of qs[l];
//                         bytes 32..47 hold elements 160..239: element 160 + 16k + l is trit k of qs[32 + l]
//   bytes 48..51  qh[4]   elements 240..255: element 240 + 4k + l is trit k of qh[l] (k = 0..3; trit 4 unused)
//   bytes 52..53  d       F16 scale
//   A byte b packs trits t_0..t_4 (each 0..2) as b = ceil(v * 256 / 243) with v = sum_k t_k * 3^(4-k), so
//   trit k = ((uint8)(b * 3^k) * 3) >> 8 (a fixed-point base-3 digit extraction, no division).
//   element value = (t - 1) * d.
//
// Quantization (ggml's reference, bit for bit): d = max|x|, t = lroundf(x * (1/d)) + 1, packed as above.
//
// Pairs with Q8_K: dot = d_x * d * (sum t_j xq_j - sum bsums).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockTq1_0 {
    uint8_t qs[48];
    uint8_t qh[4];
    uint8_t d[2];
};
static_assert(sizeof(BlockTq1_0) == 54 && alignof(BlockTq1_0) == 1);

}  // namespace hearth::kernels
