// AVX-512 + VNNI tile kernels (kernels/gemm.h). Only this file is compiled with -mavx512f/bw/vl/dq -mavx512vnni;
// gemm.cpp calls gemmAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Block types (Q8_0, Q4_0 weights x Q8_0 activations). vpdpbusd multiplies unsigned by signed bytes, so the
// weights are made unsigned by an offset, u = q + off (off = 8 for Q4_0's nibbles as stored, 128 for Q8_0 via
// q ^ 0x80), and the offset's contribution, off * sum(x), is subtracted exactly in int32: the packed activations
// carry -off * sum(x of the block) as the accumulator's starting value. Blocks are processed in groups of four
// (128 elements) with four int32 lanes per block:
//
//   packed activation group (256 bytes, kGroupBytes):
//     bytes   0..63   lo: elements 0..15 of the group's blocks 0..3 (16 bytes each, in block order)
//     bytes  64..127  hi: elements 16..31 of the same blocks
//     bytes 128..191  16 F32 activation scales, lane 4j + i = d of block j
//     bytes 192..255  16 int32 starting values, lane 4j = -off * sum(q of block j), the other lanes 0
//   then the row's last nb % 4 blocks as plain Q8_0 blocks (handled in scalar), padded to 64 bytes;
//   then the same row again in the superblock layout that prompt processing reads (see tileSuper).
//
// This layout matches a Q4_0 group without any shuffle: 16 bytes of qs per block hold elements j (low nibble) and
// j + 16 (high nibble), so "and 0x0f" gives lo and "shift right 4, and 0x0f" gives hi. Per (row, token, group):
// two vpdpbusd, one int->float conversion, one multiply of the row and token scales and one FMA; the weight
// unpacking and scale expansion are shared by the NT tokens of a tile, the activation loads by its MR rows.
//
// Plain types (F32, F16, BF16 weights x F32 activations): 16 elements per step, converted to F32 once per row and
// shared by the tile's tokens; the row tail (n % 16) uses masked loads.
#ifndef __AVX512VNNI__
#error "gemm_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>
#include <cstring>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/reference.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kQk = 32;             // elements per block
constexpr int64_t kGroupBlocks = 4;     // blocks per packed group
constexpr int64_t kGroupBytes = 256;    // bytes per packed activation group
constexpr int kMr = 4;                  // weight rows per tile
constexpr int kNt = 4;                  // tokens per tile
constexpr size_t kL2Budget = 192 * 1024;  // weight bytes per row block (stay in L2 across token tiles)
// Prompt processing (see tileSuper): superblocks of 16 blocks (512 elements), one block per int32 lane.
constexpr int64_t kSuperBlocks = 16;
constexpr int64_t kActSuperBytes = 640;   // packed activations: 8 x 64 quant bytes, 16 F32 d, 16 int32 starts
constexpr int64_t kPrepSuperBytes = 576;  // prepared weights: 8 x 64 unsigned quant bytes, 16 F32 d
constexpr int kMrSuper = 4;               // weight rows per prompt-processing tile
constexpr int kNtSuper = 6;               // tokens per prompt-processing tile
constexpr int64_t kSuperChunk = 4;        // superblocks per L1 chunk of a token tile (15 KiB of activations)

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

template <GgmlType T>
constexpr int64_t kBlockBytes = T == GgmlType::Q8_0 ? int64_t(sizeof(BlockQ8_0)) : int64_t(sizeof(BlockQ4_0));
template <GgmlType T>
constexpr int32_t kOffset = T == GgmlType::Q8_0 ? 128 : 8;

// --- block types ----------------------------------------------------------------------------------------------

// Bytes of the group layout (the 4-block groups, then the tail blocks, padded to 64 bytes).
size_t groupAreaBytes(int64_t n) {
    const int64_t nb = n / kQk;
    const int64_t used = nb / kGroupBlocks * kGroupBytes + nb % kGroupBlocks * int64_t(sizeof(BlockQ8_0));
    return size_t((used + 63) / 64 * 64);
}

// Superblocks of the row (16 blocks each, the last one padded with empty blocks).
int64_t superCount(int64_t n) { return (n / kQk + kSuperBlocks - 1) / kSuperBlocks; }

size_t packedRowBytesQ(int64_t n) { return groupAreaBytes(n) + size_t(superCount(n) * kActSuperBytes); }

template <GgmlType T>
void packQ(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQk;
    const int64_t nG = nb / kGroupBlocks;
    constexpr int64_t xb = sizeof(BlockQ8_0);
    for (int64_t g = 0; g < nG; ++g) {
        uint8_t* group = out + g * kGroupBytes;
        float scales[16];
        int32_t start[16] = {};
        for (int64_t j = 0; j < kGroupBlocks; ++j) {
            const uint8_t* block = src + (g * kGroupBlocks + j) * xb;
            std::memcpy(group + 16 * j, block + 2, 16);
            std::memcpy(group + 64 + 16 * j, block + 18, 16);
            const float d = fp16ToF32(loadU16(block));
            int32_t sum = 0;
            for (int64_t k = 0; k < kQk; ++k) sum += static_cast<int8_t>(block[2 + k]);
            for (int64_t i = 0; i < 4; ++i) scales[4 * j + i] = d;
            start[4 * j] = -kOffset<T> * sum;
        }
        std::memcpy(group + 128, scales, sizeof scales);
        std::memcpy(group + 192, start, sizeof start);
    }
    const int64_t tailBytes = (nb - nG * kGroupBlocks) * xb;
    std::memcpy(out + nG * kGroupBytes, src + nG * kGroupBlocks * xb, size_t(tailBytes));
    const size_t used = size_t(nG * kGroupBytes + tailBytes);
    std::memset(out + used, 0, groupAreaBytes(n) - used);

    // The superblock layout (see tileSuper): lane i of vector k = bytes 4k..4k+3 of block 16s + i.
    uint8_t* super = out + groupAreaBytes(n);
    const int64_t nS = superCount(n);
    std::memset(super, 0, size_t(nS * kActSuperBytes));
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* block = src + b * xb;
        uint8_t* sb = super + (b / kSuperBlocks) * kActSuperBytes;
        const int64_t lane = b % kSuperBlocks;
        int32_t sum = 0;
        for (int64_t k = 0; k < kQk; ++k) sum += static_cast<int8_t>(block[2 + k]);
        for (int64_t k = 0; k < 8; ++k) std::memcpy(sb + 64 * k + 4 * lane, block + 2 + 4 * k, 4);
        const float d = fp16ToF32(loadU16(block));
        const int32_t start = -kOffset<T> * sum;
        std::memcpy(sb + 512 + 4 * lane, &d, 4);
        std::memcpy(sb + 576 + 4 * lane, &start, 4);
    }
}

// A weight group (4 consecutive blocks starting at g) as unsigned bytes in the packed lo/hi layout.
template <GgmlType T>
inline void loadWeights(const uint8_t* g, __m512i& lo, __m512i& hi) {
    if constexpr (T == GgmlType::Q4_0) {
        __m512i v = _mm512_castsi128_si512(load128(g + 2));
        v = _mm512_inserti32x4(v, load128(g + 20), 1);
        v = _mm512_inserti32x4(v, load128(g + 38), 2);
        v = _mm512_inserti32x4(v, load128(g + 56), 3);
        const __m512i mask = _mm512_set1_epi8(0x0f);
        lo = _mm512_and_si512(v, mask);
        hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), mask);
    } else {
        // [b0 | b1] and [b2 | b3] (32 bytes each), then the 16-byte halves regrouped: lo = [b0a b1a b2a b3a].
        const __m512i a = join(load256(g + 2), load256(g + 36));
        const __m512i b = join(load256(g + 70), load256(g + 104));
        const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
        lo = _mm512_xor_si512(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(2, 0, 2, 0)), flip);
        hi = _mm512_xor_si512(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 1, 3, 1)), flip);
    }
}

// The four F16 block scales of a weight group, each in four lanes, as F32. The scales sit at the blocks' first
// two bytes: words 0, 9, 18, 27 of a Q4_0 group (within its first 64 bytes), 0, 17, 34, 51 of a Q8_0 group
// (within its first 128 bytes; the group is 136 bytes long, so both loads stay inside the row).
template <GgmlType T>
inline __m512 loadWeightScales(const uint8_t* g) {
    if constexpr (T == GgmlType::Q4_0) {
        const __m512i idx = _mm512_set_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                             27, 27, 27, 27, 18, 18, 18, 18, 9, 9, 9, 9, 0, 0, 0, 0);
        const __m512i words = _mm512_permutexvar_epi16(idx, _mm512_loadu_si512(g));
        return _mm512_cvtph_ps(_mm512_castsi512_si256(words));
    } else {
        const __m512i idx = _mm512_set_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                             51, 51, 51, 51, 34, 34, 34, 34, 17, 17, 17, 17, 0, 0, 0, 0);
        const __m512i words = _mm512_permutex2var_epi16(_mm512_loadu_si512(g), idx, _mm512_loadu_si512(g + 64));
        return _mm512_cvtph_ps(_mm512_castsi512_si256(words));
    }
}

// MR rows x NT tokens over the nG whole groups of a row: y[t * ldy + r] = sum over the groups.
template <GgmlType T, int MR, int NT>
void tileQ(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t nG, float* y, size_t ldy) {
    constexpr int64_t gb = kGroupBlocks * kBlockBytes<T>;
    __m512 acc[MR][NT];
    for (auto& row : acc) {
        for (__m512& a : row) a = _mm512_setzero_ps();
    }
    for (int64_t g = 0; g < nG; ++g) {
        __m512i lo[MR], hi[MR];
        __m512 dw[MR];
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wg = w + size_t(r) * wStride + g * gb;
            // Token generation streams the weights from memory. A tile's rows are consecutive and so are the tiles,
            // so each row asks for the same bytes of the next row tile (MR rows further on): a distance that grows
            // with the row size (measured: as good as or better than any fixed distance for Q4_0, Q8_0 and F16).
            if constexpr (NT == 1) {
                for (int64_t o = 0; o < gb; o += 64) {  // every cache line of the group (Q8_0's span three)
                    _mm_prefetch(reinterpret_cast<const char*>(wg + MR * wStride + o), _MM_HINT_T0);
                }
            }
            loadWeights<T>(wg, lo[r], hi[r]);
            dw[r] = loadWeightScales<T>(wg);
        }
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xg = x + size_t(t) * xStride + g * kGroupBytes;
            const __m512i xlo = _mm512_loadu_si512(xg);
            const __m512i xhi = _mm512_loadu_si512(xg + 64);
            const __m512 dx = _mm512_loadu_ps(xg + 128);
            const __m512i start = _mm512_loadu_si512(xg + 192);
            for (int r = 0; r < MR; ++r) {
                __m512i dot = _mm512_dpbusd_epi32(start, lo[r], xlo);
                dot = _mm512_dpbusd_epi32(dot, hi[r], xhi);
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw[r], dx), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

// Prompt processing re-reads a row tile's weights for every token tile, so there the weights of a block of rows
// are first "prepared" into a layout made for many tokens: superblocks of 16 blocks where int32 lane i holds block
// i, so one vpdpbusd advances 16 blocks by 4 elements and the per-block scaling (int->float conversion, scale
// product, FMA) runs once per 16 blocks x 32 elements instead of once per 4 blocks x 32 elements.
//
//   prepared weight superblock (kPrepSuperBytes): vectors k = 0..7 (64 bytes each): lane i = unsigned bytes
//     (q + off) of elements 4k..4k+3 of block i; then 16 F32 block scales d.
//   packed activation superblock (kActSuperBytes, in the packed row after the group area): vectors k = 0..7: lane i
//     = signed bytes of elements 4k..4k+3 of block i; 16 F32 scales d; 16 int32 starting values -off * sum(q).
// The row's last superblock is padded with empty blocks (zero bytes, zero scales) on both sides, so a row of any
// whole number of blocks needs no tail code here.
constexpr int64_t kPrepareMinTokens = 8;        // below this the preparing is not repaid
constexpr size_t kPreparedBudget = 384 * 1024;  // prepared bytes per row block (L2 is 1 MiB per core here)

template <GgmlType T>
void prepareRowsSuper(const uint8_t* w, size_t wStride, int64_t nRows, int64_t nb, uint8_t* out) {
    constexpr int64_t bb = kBlockBytes<T>;
    const int64_t nS = (nb + kSuperBlocks - 1) / kSuperBlocks;
    // Byte offsets of the 16 blocks of a superblock from its first one.
    const __m512i blockOffsets = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                                                                     1, 0),
                                                    _mm512_set1_epi32(int32_t(bb)));
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t s = 0; s < nS; ++s) {
            const uint8_t* ws = w + size_t(r) * wStride + s * kSuperBlocks * bb;
            uint8_t* p = out + (r * nS + s) * kPrepSuperBytes;
            const int64_t count = std::min<int64_t>(kSuperBlocks, nb - s * kSuperBlocks);
            const auto m = static_cast<__mmask16>((1u << count) - 1u);
            // Masked gathers: the blocks past the row's end are neither read nor kept (zero lanes).
            auto gather = [&](int64_t offset) {
                return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, blockOffsets, ws + offset, 1);
            };
            if constexpr (T == GgmlType::Q4_0) {
                for (int k = 0; k < 4; ++k) {
                    const __m512i v = gather(2 + 4 * k);
                    _mm512_store_si512(p + 64 * k, _mm512_and_si512(v, nibble));
                    _mm512_store_si512(p + 64 * (k + 4), _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble));
                }
            } else {
                for (int k = 0; k < 8; ++k) {
                    _mm512_store_si512(p + 64 * k, _mm512_maskz_mov_epi32(m, _mm512_xor_si512(gather(2 + 4 * k), flip)));
                }
            }
            const __m512i words = gather(0);  // d in the low 16 bits of each lane
            _mm512_store_ps(p + 512, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(words)));
        }
    }
}

// MR prepared rows (pStride bytes apart) x NT packed activation rows (their superblock areas, xStride apart) over
// nS superblocks: y[t * ldy + r] = the dot products (accumulate: y += them, for the next chunk of a long row). Per superblock and (row, token): eight vpdpbusd into an int32
// accumulator started at the activation's offset correction, then one conversion, scale product and FMA.
template <int MR, int NT>
void tileSuper(const uint8_t* prep, size_t pStride, const uint8_t* x, size_t xStride, int64_t nS, float* y,
               size_t ldy, bool accumulate) {
    // The float accumulators live in memory (L1): a superblock touches each once, after eight vpdpbusd per (row,
    // token), so the registers go to the int32 accumulators and the weights.
    // The first superblock stores them, so they need no zeroing.
    alignas(64) float acc[MR][NT][16];
    if (nS <= 0) {
        for (int r = 0; r < MR; ++r) {
            for (int t = 0; t < NT; ++t) {
                if (!accumulate) y[size_t(t) * ldy + size_t(r)] = 0.0f;
            }
        }
        return;
    }
    for (int64_t s = 0; s < nS; ++s) {
        const uint8_t* ps = prep + s * kPrepSuperBytes;
        const uint8_t* xs = x + s * kActSuperBytes;
        __m512i dot[MR][NT];
#pragma GCC unroll 16
        for (int t = 0; t < NT; ++t) {
            const __m512i start = _mm512_loadu_si512(xs + size_t(t) * xStride + 576);
#pragma GCC unroll 16
            for (int r = 0; r < MR; ++r) dot[r][t] = start;
        }
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) {
            __m512i wv[MR];
#pragma GCC unroll 16
            for (int r = 0; r < MR; ++r) wv[r] = _mm512_load_si512(ps + size_t(r) * pStride + 64 * k);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) {
                const __m512i xv = _mm512_loadu_si512(xs + size_t(t) * xStride + 64 * k);
#pragma GCC unroll 16
                for (int r = 0; r < MR; ++r) dot[r][t] = _mm512_dpbusd_epi32(dot[r][t], wv[r], xv);
            }
        }
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
            const __m512 dw = _mm512_load_ps(ps + size_t(r) * pStride + 512);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) {
                const __m512 dx = _mm512_loadu_ps(xs + size_t(t) * xStride + 512);
                const __m512 v = _mm512_cvtepi32_ps(dot[r][t]);
                const __m512 scale = _mm512_mul_ps(dw, dx);
                _mm512_store_ps(acc[r][t], s == 0 ? _mm512_mul_ps(v, scale)
                                                  : _mm512_fmadd_ps(v, scale, _mm512_load_ps(acc[r][t])));
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) {
            float& out = y[size_t(t) * ldy + size_t(r)];
            out = accumulate ? out + hsum(_mm512_load_ps(acc[r][t])) : hsum(_mm512_load_ps(acc[r][t]));
        }
    }
}

using SuperTileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t, bool);

struct SuperTiles {
    template <int MR, int NT>
    static constexpr SuperTileFn tile = tileSuper<MR, NT>;
};
constexpr auto& kTilesSuper = kTileTable<SuperTileFn, kMrSuper, kNtSuper, SuperTiles>;

// The tail blocks (the row's last nb % 4, outside the groups) of an mr x nt tile, added to y in scalar.
template <GgmlType T>
void addTailBlocks(const uint8_t* wr, size_t wStride, int mr, const uint8_t* xt, size_t xStride, int nt, int64_t nb,
                   float* yt, size_t ldy) {
    const int64_t nG = nb / kGroupBlocks;
    for (int64_t b = nG * kGroupBlocks; b < nb; ++b) {
        for (int i = 0; i < mr; ++i) {
            const uint8_t* wb = wr + size_t(i) * wStride + b * kBlockBytes<T>;
            for (int j = 0; j < nt; ++j) {
                const uint8_t* xb =
                    xt + size_t(j) * xStride + nG * kGroupBytes + (b - nG * kGroupBlocks) * int64_t(sizeof(BlockQ8_0));
                const auto& xBlock = *reinterpret_cast<const BlockQ8_0*>(xb);
                int32_t idot;
                if constexpr (T == GgmlType::Q8_0) {
                    idot = ref::blockDotQ8_0Q8_0(*reinterpret_cast<const BlockQ8_0*>(wb), xBlock);
                } else {
                    idot = ref::blockDotQ4_0Q8_0(*reinterpret_cast<const BlockQ4_0*>(wb), xBlock);
                }
                const float s = fp16ToF32(loadU16(wb)) * fp16ToF32(loadU16(xb));
                yt[size_t(j) * ldy + size_t(i)] += float(idot) * s;
            }
        }
    }
}

using TileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t);

template <GgmlType T>
struct QTiles {
    template <int MR, int NT>
    static constexpr TileFn tile = tileQ<T, MR, NT>;
};

// kTilesQ<T>[mr - 1][nt - 1]: the tile for a partial block of rows / tokens at the matrix's edges.
template <GgmlType T>
constexpr auto& kTilesQ = kTileTable<TileFn, kMr, kNt, QTiles<T>>;

template <GgmlType T>
void gemmQ(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nb = n / kQk;
    const int64_t nG = nb / kGroupBlocks;
    if (nTok >= kPrepareMinTokens) {
        // Prompt processing: prepare a block of rows, run it against every token tile.
        const int64_t nS = superCount(n);
        const size_t pStride = size_t(nS * kPrepSuperBytes);
        const int64_t rowBlock =
            std::max<int64_t>(kMrSuper, int64_t(kPreparedBudget / pStride) / kMrSuper * kMrSuper);
        // The prepared rows of the current block, per thread (callers run gemm on several threads at once).
        struct alignas(64) CacheLine {
            uint8_t bytes[64];
        };
        thread_local std::vector<CacheLine> prepared;
        prepared.resize(size_t(rowBlock) * pStride / sizeof(CacheLine));
        auto* prep = reinterpret_cast<uint8_t*>(prepared.data());
        const uint8_t* xSuper = x + groupAreaBytes(n);
        // Loops: row blocks (prepared weights in L2) > token tiles > chunks of kSuperChunk superblocks > row tiles,
        // so the token tile's chunk of activations (NT x kSuperChunk x kActSuperBytes) stays in L1 while the row
        // tiles of the block stream past it. Rows up to kSuperChunk superblocks are one chunk: no accumulation.
        for (int64_t r0 = 0; r0 < nRows; r0 += rowBlock) {
            const int64_t r1 = std::min(nRows, r0 + rowBlock);
            prepareRowsSuper<T>(w + size_t(r0) * wStride, wStride, r1 - r0, nb, prep);
            for (int64_t t = 0; t < nTok; t += kNtSuper) {
                const int nt = int(std::min<int64_t>(kNtSuper, nTok - t));
                for (int64_t s0 = 0; s0 < nS; s0 += kSuperChunk) {
                    const int64_t ns = std::min(kSuperChunk, nS - s0);
                    for (int64_t r = r0; r < r1; r += kMrSuper) {
                        const int mr = int(std::min<int64_t>(kMrSuper, r1 - r));
                        kTilesSuper[size_t(mr - 1)][size_t(nt - 1)](
                            prep + size_t(r - r0) * pStride + size_t(s0 * kPrepSuperBytes), pStride,
                            xSuper + size_t(t) * xStride + size_t(s0 * kActSuperBytes), xStride, ns,
                            y + size_t(t) * ldy + size_t(r), ldy, s0 > 0);
                    }
                }
            }
        }
        return;
    }
    forEachTile<kMr, kNt>(nRows, nTok, rowBlockFor(wStride, kMr, kL2Budget), [](int64_t, int64_t) {},
                          [&](int64_t r, int64_t t, int mr, int nt) {
                              const uint8_t* xt = x + size_t(t) * xStride;
                              const uint8_t* wr = w + size_t(r) * wStride;
                              float* yt = y + size_t(t) * ldy + size_t(r);
                              kTilesQ<T>[size_t(mr - 1)][size_t(nt - 1)](wr, wStride, xt, xStride, nG, yt, ldy);
                              addTailBlocks<T>(wr, wStride, mr, xt, xStride, nt, nb, yt, ldy);
                          });
}

// --- plain types ----------------------------------------------------------------------------------------------

template <GgmlType T>
constexpr int64_t kElemBytes = T == GgmlType::F32 ? 4 : 2;

// 16 weights (or the first `count` under mask m, the rest 0) as F32.
template <GgmlType T>
inline __m512 loadPlain(const uint8_t* p, __mmask16 m) {
    if constexpr (T == GgmlType::F32) return _mm512_maskz_loadu_ps(m, p);
    if constexpr (T == GgmlType::F16) return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
    if constexpr (T == GgmlType::BF16) {
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
    }
}

template <GgmlType T>
inline __m512 loadPlain(const uint8_t* p) {
    if constexpr (T == GgmlType::F32) return _mm512_loadu_ps(p);
    if constexpr (T == GgmlType::F16) return _mm512_cvtph_ps(load256(p));
    if constexpr (T == GgmlType::BF16) return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(load256(p)), 16));
}

template <GgmlType T, int MR, int NT>
void tilePlain(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    constexpr int64_t es = kElemBytes<T>;
    __m512 acc[MR][NT];
    for (auto& row : acc) {
        for (__m512& a : row) a = _mm512_setzero_ps();
    }
    auto step = [&](int64_t i, auto loadW, auto loadX) {
        __m512 wv[MR];
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wr = w + size_t(r) * wStride + i * es;
            // The next row tile's bytes, as in tileQ.
            if constexpr (NT == 1) _mm_prefetch(reinterpret_cast<const char*>(wr + MR * wStride), _MM_HINT_T0);
            wv[r] = loadW(wr);
        }
        for (int t = 0; t < NT; ++t) {
            const __m512 xv = loadX(reinterpret_cast<const float*>(x + size_t(t) * xStride) + i);
            for (int r = 0; r < MR; ++r) acc[r][t] = _mm512_fmadd_ps(wv[r], xv, acc[r][t]);
        }
    };
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        step(i, [](const uint8_t* p) { return loadPlain<T>(p); }, [](const float* p) { return _mm512_loadu_ps(p); });
    }
    if (i < n) {
        const auto m = static_cast<__mmask16>((1u << (n - i)) - 1u);
        step(i, [m](const uint8_t* p) { return loadPlain<T>(p, m); },
             [m](const float* p) { return _mm512_maskz_loadu_ps(m, p); });
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

template <GgmlType T>
struct PlainTiles {
    template <int MR, int NT>
    static constexpr PlainTileFn tile = tilePlain<T, MR, NT>;
};

template <GgmlType T>
void gemmPlain(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
               float* y, size_t ldy) {
    gemmWithTiles<kMr, kNt>(kTileTable<PlainTileFn, kMr, kNt, PlainTiles<T>>, kL2Budget, w, wStride, nRows, x,
                            xStride, nTok, n, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::F32, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::F32>},
    {GgmlType::F16, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::F16>},
    {GgmlType::BF16, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::BF16>},
    {GgmlType::Q8_0, GgmlType::Q8_0, packedRowBytesQ, packQ<GgmlType::Q8_0>, gemmQ<GgmlType::Q8_0>},
    {GgmlType::Q4_0, GgmlType::Q8_0, packedRowBytesQ, packQ<GgmlType::Q4_0>, gemmQ<GgmlType::Q4_0>},
};

}  // namespace

std::span<const GemmKernels> gemmAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
