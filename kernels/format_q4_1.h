// Q4_1: ggml's asymmetric 4-bit block format (type id 3).
//
// Block layout (20 bytes, 32 weights, 5.0 bits per weight):
//   bytes 0..1   d      scale, F16
//   bytes 2..3   m      minimum (offset), F16
//   bytes 4..19  qs[16] nibbles: LOW nibble of qs[j] is element j, HIGH nibble is element j + 16 (as Q4_0)
//   element value = q * d + m, q in 0..15.
//
// Quantization (ggml's reference, bit for bit): min/max of the block, d = (max - min) / 15, id = 1/d (0 if
// d == 0), q = min(15, (int8)((x - min) * id + 0.5f)); d and m = min stored as F16.
//
// Pairs with Q8_0 activations (not ggml's Q8_1: the activation block sum the offset needs is computed from
// the Q8_0 quants): dot = d_w * d_x * sum(q * xq) + m * d_x * sum(xq).
//
// Repacked at load for AVX-512 VNNI (kernels/repack_q4_avx512vnni.cpp, same size as the file): 16-row groups,
// per pair of blocks 640 bytes = the 16 rows' d of both blocks (2 x 32), their m (2 x 32), then each block's qs as
// 4 vectors of 64 bytes (lane r = qs[4k..4k+3] of row r). The nibble q enters vpdpbusd as it is; the packed
// activation block carries d_x * sum(xq), so the m term is one FMA per block for 16 rows.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

struct BlockQ4_1 {
    uint8_t d[2];
    uint8_t m[2];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_1) == 20 && alignof(BlockQ4_1) == 1);

}  // namespace hearth::kernels
