// Q5_1: ggml's asymmetric 5-bit block format (type id 7).
//
// Block layout (24 bytes, 32 weights, 6.0 bits per weight):
//   bytes 0..1   d      scale, F16
//   bytes 2..3   m      minimum (offset), F16
//   bytes 4..7   qh[4]  the 5th bits, little-endian uint32: bit j belongs to element j
//   bytes 8..23  qs[16] low 4 bits: LOW nibble of qs[j] is element j, HIGH nibble is element j + 16
//   element value = q * d + m, q = nibble | (bit << 4) in 0..31.
//
// Quantization (ggml's reference, bit for bit): min/max, d = (max - min) / 31, q = (uint8)((x - min) * id +
// 0.5f), of which the 5-bit packing keeps the low 5 bits (as ggml does; q never exceeds 31 but by rounding).
//
// Pairs with Q8_0 activations (see format_q4_1.h): dot = d_w * d_x * sum(q * xq) + m * d_x * sum(xq).
//
// Repacked at load for AVX-512 VNNI (kernels/repack_q4_avx512vnni.cpp, same size as the file): 16-row groups,
// per pair of blocks 768 bytes = the 16 rows' d of both blocks (2 x 32), their m (2 x 32), their 5th bits as 64-bit
// masks (2 x 64, see format_q5_0.h), then each block's qs as 4 vectors of 64 bytes. q in 0..31 enters vpdpbusd
// unsigned; the m term as for Q4_1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

struct BlockQ5_1 {
    uint8_t d[2];
    uint8_t m[2];
    uint8_t qh[4];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_1) == 24 && alignof(BlockQ5_1) == 1);

}  // namespace hearth::kernels
