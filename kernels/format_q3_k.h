// Q3_K: ggml's 3-bit K-quant (type id 11): 256-weight super-blocks of 16 sub-blocks of 16 weights with signed
// 6-bit scales, symmetric (no minimum).
//
// Block layout (110 bytes, 256 weights, 3.4375 bits per weight):
//   bytes 0..31    hmask[32]   the high (3rd) bit: element 32s + l (s = 0..7, l = 0..31) is bit s of hmask[l]
//   bytes 32..95   qs[64]      low 2 bits, arranged as Q2_K's qs: element 128h + 32s + l is bits 2s..2s+1 of
//                              qs[32h + l]
//   bytes 96..107  scales[12]  sixteen 6-bit scales: sub-block i's low 4 bits are the low nibble of scales[i]
//                              (i < 8) or the high nibble of scales[i - 8] (i >= 8); its high 2 bits are bits
//                              2(i / 4)..2(i / 4)+1 of scales[8 + i % 4]
//   bytes 108..109 d           F16 super-block scale
//   element value = d * (sc_i - 32) * (q - 4 * (1 - hbit)) with q the low 2 bits: levels -4..3.
//
// Our quantizer (not bit-identical to llama.cpp's): per sub-block s_i = the largest-magnitude value / -4 (sign
// kept, so it maps to level -4), d = max|s_i| / 32 with the sign making the largest |s_i| map to -32,
// sc_i = clamp(round(s_i / d), -32, 31) + 32, q = clamp(round(x / (d * (sc_i - 32))), -4, 3).
//
// Pairs with Q8_K: dot = d_x * d * sum_i (sc_i - 32) * sum_{j in i} q_j xq_j.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockQ3_K {
    uint8_t hmask[kQkK / 8];
    uint8_t qs[kQkK / 4];
    uint8_t scales[12];
    uint8_t d[2];
};
static_assert(sizeof(BlockQ3_K) == 110 && alignof(BlockQ3_K) == 1);

}  // namespace hearth::kernels
