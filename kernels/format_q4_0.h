// Q4_0: GGUF/ggml's symmetric 4-bit block format (type id 2).
//
// Block layout (18 bytes, 32 weights, 4.5 bits per weight):
//   bytes 0..1   d      scale, F16 bits, little-endian
//   bytes 2..17  qs[16] packed nibbles: the LOW nibble of qs[j] is element j, the HIGH nibble is element j + 16
//                (not j*2 / j*2+1: the halves of the block are interleaved by byte)
//   element value = (nibble - 8) * d, so the representable levels are -8d .. 7d.
//
// Quantization (ggml's reference, reproduced bit for bit): take m = the x_j with the largest |x_j| (the first
// one on ties), keeping its sign; d = m / -8 so that m itself maps to level -8 exactly; with id = 1/d (F32),
// nibble_j = min(15, (int8)(x_j * id + 8.5f)) (truncation, i.e. round half up). The stored d is rounded to F16.
// Error per element <= |d|/2 except at the clipped top level (x_j = -m maps to 7d: error |d|).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

inline constexpr int kQ4_0BlockElems = 32;

// Byte arrays only (alignment 1): see BlockQ8_0.
struct BlockQ4_0 {
    uint8_t d[2];
    uint8_t qs[kQ4_0BlockElems / 2];
};
static_assert(sizeof(BlockQ4_0) == 18 && alignof(BlockQ4_0) == 1);
static_assert(offsetof(BlockQ4_0, qs) == 2);

}  // namespace hearth::kernels
