// Q6_K: ggml's 6-bit K-quant (type id 14): 256-weight super-blocks of 16 sub-blocks of 16 weights with signed
// 8-bit scales, symmetric.
//
// Block layout (210 bytes, 256 weights, 6.5625 bits per weight):
//   bytes 0..127    ql[128]     low 4 bits. Half h (elements 128h .. 128h + 127) uses ql[64h .. 64h + 63]:
//                               element 128h + l (l < 32) low nibble of ql[64h + l], 128h + 32 + l low nibble
//                               of ql[64h + 32 + l], 128h + 64 + l high nibble of ql[64h + l], 128h + 96 + l
//                               high nibble of ql[64h + 32 + l]
//   bytes 128..191  qh[64]      high 2 bits: element 128h + 32s + l (s = 0..3) is bits 2s..2s+1 of qh[32h + l]
//   bytes 192..207  scales[16]  int8 scale of sub-block i (elements 16i .. 16i + 15)
//   bytes 208..209  d           F16 super-block scale
//   element value = d * scales[i] * (q - 32), q = low | high << 4 in 0..63.
//
// Our quantizer (not bit-identical to llama.cpp's): per sub-block s_i = the largest-magnitude value / -32 (sign
// kept), d = the largest-magnitude s_i / -128, scales[i] = min(127, round(s_i / d)),
// q = clamp(round(x / (d * scales[i])), -32, 31) + 32.
//
// Pairs with Q8_K: dot = d_x * d * sum_i scales[i] * sum_{j in i} (q_j - 32) xq_j.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockQ6_K {
    uint8_t ql[kQkK / 2];
    uint8_t qh[kQkK / 4];
    int8_t scales[kQkK / 16];
    uint8_t d[2];
};
static_assert(sizeof(BlockQ6_K) == 210 && alignof(BlockQ6_K) == 1);

}  // namespace hearth::kernels
