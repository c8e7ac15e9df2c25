// Q5_K: ggml's 5-bit K-quant (type id 13): Q4_K plus one high bit per weight.
//
// Block layout (176 bytes, 256 weights, 5.5 bits per weight):
//   bytes 0..1    d           F16 factor of the scales
//   bytes 2..3    dmin        F16 factor of the minimums
//   bytes 4..15   scales[12]  eight 6-bit (scale, min) pairs, packed as Q4_K's (kQuantScaleMin)
//   bytes 16..47  qh[32]      5th bits: element 32i + l (sub-block i, l = 0..31) is bit i of qh[l]
//   bytes 48..175 qs[128]     low 4 bits, arranged as Q4_K's qs
//   element value = d * sc_i * q - dmin * m_i, q = nibble | hbit << 4 in 0..31.
//
// Our quantizer: as Q4_K's with 31 levels (not bit-identical to llama.cpp's).
//
// Pairs with Q8_K (see format_q4_k.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q4_k.h"

namespace hearth::kernels {

struct BlockQ5_K {
    uint8_t d[2];
    uint8_t dmin[2];
    uint8_t scales[12];
    uint8_t qh[kQkK / 8];
    uint8_t qs[kQkK / 2];
};
static_assert(sizeof(BlockQ5_K) == 176 && alignof(BlockQ5_K) == 1);

}  // namespace hearth::kernels
