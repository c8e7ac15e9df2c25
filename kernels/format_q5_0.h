// Q5_0: ggml's symmetric 5-bit block format (type id 6).
//
// Block layout (22 bytes, 32 weights, 5.5 bits per weight):
//   bytes 0..1   d      scale, F16
//   bytes 2..5   qh[4]  the 5th bits, read as one little-endian uint32 h: bit j is element j's (j = 0..31)
//   bytes 6..21  qs[16] low 4 bits: LOW nibble of qs[j] is element j, HIGH nibble is element j + 16
//   element value = (q - 16) * d with q = nibble | (bit << 4) in 0..31.
//
// Quantization (ggml's reference, bit for bit): m = the value with the largest |x| (sign kept, first on
// ties), d = m / -16, q = min(31, (int8)(x / d + 16.5f)).
//
// Pairs with Q8_0 activations: dot = d_w * d_x * sum((q - 16) * xq).
//
// Repacked at load for AVX-512 VNNI (kernels/repack_q4_avx512vnni.cpp, same size as the file): 16-row groups,
// per pair of blocks 704 bytes = the 16 rows' d of both blocks (2 x 32), their 5th bits (2 x 64), then each block's
// qs as 4 vectors of 64 bytes (lane r = qs[4k..4k+3] of row r, as Q4_0). The 5th bits are stored per quant vector
// as two 64-bit masks (bit i = byte i of the vector, for its low nibbles, then for its high ones), so the kernel
// adds 16 to the nibbles under a mask register: q in 0..31 enters vpdpbusd unsigned, and the packed activation's
// -16 * sum(xq) starts the block's accumulator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

struct BlockQ5_0 {
    uint8_t d[2];
    uint8_t qh[4];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_0) == 22 && alignof(BlockQ5_0) == 1);

}  // namespace hearth::kernels
