// Q4_K: ggml's 4-bit K-quant (type id 12): 256-weight super-blocks of 8 sub-blocks of 32 weights, each with a
// 6-bit scale and a 6-bit minimum relative to two F16 super-block factors.
//
// Block layout (144 bytes, 256 weights, 4.5 bits per weight):
//   bytes 0..1    d           F16 factor of the scales
//   bytes 2..3    dmin        F16 factor of the minimums
//   bytes 4..15   scales[12]  eight 6-bit (scale, min) pairs, "get_scale_min_k4" packing: for i < 4,
//                             sc_i = scales[i] & 63, m_i = scales[i + 4] & 63; for i >= 4,
//                             sc_i = (scales[i + 4] & 15) | (scales[i - 4] >> 6) << 4,
//                             m_i = (scales[i + 4] >> 4) | (scales[i] >> 6) << 4
//   bytes 16..143 qs[128]     4-bit quants: sub-blocks 2p and 2p + 1 share qs[32p .. 32p + 31], sub-block 2p in
//                             the LOW nibbles and 2p + 1 in the HIGH nibbles (element 64p + l low, 64p + 32 + l high)
//   element value = d * sc_i * q - dmin * m_i, q in 0..15.
//
// Our quantizer (not bit-identical to llama.cpp's iterative search): per sub-block min = min(0, min x),
// scale = (max x - min) / 15; d = max(scale_i) / 63, dmin = max(-min_i) / 63; sc_i, m_i rounded to 6 bits;
// q = clamp(round((x + dmin * m_i) / (d * sc_i)), 0, 15).
//
// Pairs with Q8_K: dot = d_x * (d * sum_i sc_i * sum_{j in i} q_j xq_j - dmin * sum_i m_i * (bsums_2i + bsums_2i+1)).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/format_q8_k.h"

namespace hearth::kernels {

struct BlockQ4_K {
    uint8_t d[2];
    uint8_t dmin[2];
    uint8_t scales[12];
    uint8_t qs[kQkK / 2];
};
static_assert(sizeof(BlockQ4_K) == 144 && alignof(BlockQ4_K) == 1);

// Sub-block i's 6-bit scale and minimum from the 12 packed bytes (shared by Q4_K and Q5_K).
inline void kQuantScaleMin(const uint8_t* scales, int i, int& sc, int& m) {
    if (i < 4) {
        sc = scales[i] & 63;
        m = scales[i + 4] & 63;
    } else {
        sc = (scales[i + 4] & 15) | ((scales[i - 4] >> 6) << 4);
        m = (scales[i + 4] >> 4) | ((scales[i] >> 6) << 4);
    }
}

}  // namespace hearth::kernels
