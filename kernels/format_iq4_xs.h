// IQ4_XS: IQ4_NL's levels in 256-element super-blocks with a 6-bit scale per 32 elements (type id 23).
//
// Block layout (136 bytes, 256 weights, 4.25 bits per weight):
//   bytes 0..1     d            super-block scale, F16
//   bytes 2..3     scales_h     uint16 LE: bits 2i..2i+1 are the high 2 bits of sub-block i's scale (i = 0..7)
//   bytes 4..7     scales_l[4]  low 4 bits of the scales: sub-block i in nibble (i % 2) of byte i / 2 (low first)
//   bytes 8..135   qs[128]      sub-block i (elements 32i..32i+31) in qs[16i .. 16i+15]: LOW nibble of byte j
//                               is element 32i + j, HIGH nibble element 32i + j + 16
//   ls_i = scales_l bits | scales_h bits << 4 in 0..63; element value = d * (ls_i - 32) * kIq4NlLevels[nibble].
//
// Our quantizer (not llama.cpp's): per sub-block s_i = the largest-magnitude value / -127 (sign kept, so it maps to
// level -127), d = the largest-magnitude s_i / -32, ls_i = clamp(round(s_i / d), -32, 31) + 32, then each element
// to its nearest level for the scale d * (ls_i - 32).
//
// Pairs with Q8_K: dot = d_x * d * sum_i (ls_i - 32) * sum_{j in i} kIq4NlLevels[q_j] * xq_j.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockIq4Xs {
    uint8_t d[2];
    uint8_t scalesH[2];
    uint8_t scalesL[4];
    uint8_t qs[kQkK / 2];
};
static_assert(sizeof(BlockIq4Xs) == 136 && alignof(BlockIq4Xs) == 1);

}  // namespace hearth::kernels
