// Q2_K: ggml's 2-bit K-quant (type id 10): 256-weight super-blocks of 16 sub-blocks of 16 weights, each with a
// 4-bit scale and a 4-bit minimum relative to two F16 super-block factors.
//
// Block layout (84 bytes, 256 weights, 2.625 bits per weight):
//   bytes 0..15   scales[16]  sub-block i: scale sc_i = low nibble, minimum m_i = high nibble
//   bytes 16..79  qs[64]      2-bit quants. Two halves h = 0, 1 of 128 elements use qs[32h .. 32h + 31]; within a
//                             half, element 128h + 32s + l (s = 0..3, l = 0..31) is bits 2s..2s+1 of qs[32h + l].
//                             Sub-block i covers elements 16i .. 16i + 15.
//   bytes 80..81  d           F16 factor of the scales
//   bytes 82..83  dmin        F16 factor of the minimums
//   element value = d * sc_i * q - dmin * m_i, q in 0..3.
//
// Our quantizer (not bit-identical to llama.cpp's iterative search): per sub-block min = min(0, min x),
// scale = (max x - min) / 3; dmin = max(-min_i) / 15 and d = max(scale_i) / 15; m_i, sc_i rounded to 4 bits;
// q = clamp(round((x + dmin * m_i) / (d * sc_i)), 0, 3).
//
// Pairs with Q8_K: dot = d_x * (d * sum_i sc_i * sum_{j in i} q_j xq_j - dmin * sum_i m_i * bsums_i).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockQ2_K {
    uint8_t scales[16];
    uint8_t qs[kQkK / 4];
    uint8_t d[2];
    uint8_t dmin[2];
};
static_assert(sizeof(BlockQ2_K) == 84 && alignof(BlockQ2_K) == 1);

}  // namespace hearth::kernels
