// Q8_0: GGUF/ggml's symmetric 8-bit block format (type id 8).
//
// Block layout (34 bytes, 32 weights, 8.5 bits per weight):
//   bytes 0..1   d      scale, F16 bits, little-endian
//   bytes 2..33  qs[32] signed 8-bit quants, element j = qs[j] * d
//
// Quantization (ggml's reference, which we reproduce bit for bit): amax = max |x_j| over the block,
// d = amax / 127 (stored rounded to F16), q_j = roundf(x_j / d) computed as roundf(x_j * (1/d)) with the F32 d
// (ties away from zero), so q_j is in [-127, 127]. Error per element <= d/2 plus the F16 rounding of d (relative
// 2^-11), i.e. about amax/254 + amax * 2^-11.
//
// Q8_0 is also the activation format the Q8_0 and Q4_0 weight dot products pair with.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

inline constexpr int kQ8_0BlockElems = 32;

// Byte arrays only, so the struct has alignment 1: rows may start at any address (34-byte blocks never keep
// any alignment past the first). Read the scale with loadU16 (kernels/fp16.h).
struct BlockQ8_0 {
    uint8_t d[2];
    int8_t qs[kQ8_0BlockElems];
};
static_assert(sizeof(BlockQ8_0) == 34 && alignof(BlockQ8_0) == 1);
static_assert(offsetof(BlockQ8_0, qs) == 2);

}  // namespace hearth::kernels
