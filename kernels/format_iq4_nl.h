// IQ4_NL: 4-bit non-linear block format (type id 20): like Q4_0 but each nibble indexes a fixed 16-entry table
// of levels that are denser near zero (where trained weights concentrate).
//
// Block layout (18 bytes, 32 weights, 4.5 bits per weight):
//   bytes 0..1   d      scale, F16
//   bytes 2..17  qs[16] LOW nibble of qs[j] is element j, HIGH nibble is element j + 16 (as Q4_0)
//   element value = d * kIq4NlLevels[nibble].
//
// Our quantizer (not bit-identical to llama.cpp's, which searches scales with an importance weighting): a few
// candidate scales around max|x| / 127 (sign kept so the extreme value can use level -127), each element to its
// nearest level, the candidate with the least squared error kept.
//
// Pairs with Q8_0 activations: dot = d_w * d_x * sum(kIq4NlLevels[q] * xq).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

inline constexpr int8_t kIq4NlLevels[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

// The levels + 128 as unsigned bytes (1..241), 16-byte aligned: the table the repacked VNNI kernels look 4-bit
// indices up in with vpshufb (vpdpbusd takes unsigned bytes; the +128 is cancelled by -128 x the activations' sum).
struct alignas(16) Iq4NlLevelsU8 {
    uint8_t v[16];
};
inline constexpr Iq4NlLevelsU8 kIq4NlLevelsU8 = [] {
    Iq4NlLevelsU8 t{};
    for (int i = 0; i < 16; ++i) t.v[i] = static_cast<uint8_t>(kIq4NlLevels[i] + 128);
    return t;
}();

struct BlockIq4Nl {
    uint8_t d[2];
    uint8_t qs[16];
};
static_assert(sizeof(BlockIq4Nl) == 18 && alignof(BlockIq4Nl) == 1);

}  // namespace hearth::kernels
