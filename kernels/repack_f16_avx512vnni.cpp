// AVX-512 repacked kernel for F16 weights x F32 activations (kernels/gemm.h, GemmKernels::repack). Only this file
// is compiled with the AVX-512 VNNI flags; gemm.cpp calls repackF16Avx512VnniTable() only after
// cpuSupports(Isa::Avx512Vnni). It needs AVX-512 F and F16C (vcvtph2ps), both implied by that ISA.
//
// Weight layout (one group = 16 consecutive rows of n elements, groupBytes(n) = 32 n rounded up to 64 bytes):
//   bytes 32k .. 32k+31 = element k of rows 0..15 of the group (16 x F16, row i at bytes 32k + 2i); zero rows
//   past the matrix's last row, zero padding after element n - 1.
// So one vcvtph2ps turns element k of 16 rows into a zmm (one row per lane), and the product is an outer product
// (the BLIS micro-kernel): acc[g][t] += W[g][k][16 rows] * broadcast(x[t][k]) for G = 2 groups x T <= 14 tokens
// (28 accumulators). Every accumulator is 16 rows of one token, stored to y[t][16 rows] without a horizontal sum,
// and a row of any length n needs no tail code (k advances one element at a time).
//
// Activations are not packed (pack is nullptr: the F32 rows are read as they are). Three paths:
//  - batch 1 (token generation): each tile of 4 groups streams its whole rows once, broadcasting straight from the
//    activation row, with a software prefetch kStreamPrefetch bytes ahead;
//  - up to kTokMax tokens (one token tile): per block of kKc elements of k, the activations are copied into a
//    panel [k][T] (a per-thread buffer, so a k step's T broadcasts share a cache line), then every group pair's
//    slice of the block is multiplied straight from its F16 weights, prefetching the next pair's slice;
//  - more tokens (prompt processing): vcvtph2ps costs about a sixth of the FMA throughput, so the weights of a
//    block of kConvertPairs group pairs are converted once to F32 (a per-thread L2 buffer, [pair][k][32 rows]) by
//    the first token tile, which computes from the F16 weights and stores what it converted; the other token tiles
//    read the F32 copy (a tile's panel is reused by the block's pairs; the converted weights stream from L2). The
//    next block's F16 weights are prefetched into L2 meanwhile, a share per tile call so they arrive at an even
//    rate. Partial sums over the k blocks accumulate in y.
#ifndef __AVX512F__
#error "repack_f16_avx512vnni.cpp must be compiled with -mavx512f"
#endif

#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <array>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kRowGroup = 16;              // rows per group: one F32 lane each
constexpr int64_t kStepBytes = 32;             // bytes of one k step of a group: 16 x F16
constexpr int kGroupsBatch = 2;                // groups per register tile (batch > 1)
constexpr int kTokMax = 14;                    // tokens per register tile: 2 x 14 accumulators + 2 weight vectors
constexpr int kGroupsStream = 4;               // groups per register tile at batch 1
constexpr int64_t kKc = 512;                   // k block (batch > 1): a pair's F16 slice is 32 KiB, F32 64 KiB
constexpr int64_t kConvertPairs = 4;           // group pairs per converted block: 4 x 64 KiB of F32 (L2)
constexpr size_t kPanelBudget = 256 * 1024;    // bytes of activation panels per token block (L2)
// Bytes ahead in each group's stream at batch 1 (4 streams): TinyLlama F16 tg32, 2 threads, alternated, medians of
// 3 and 4: 512 -> 10.5 tok/s, 1024 -> 11.8 and 11.5, 2048 -> 12.2 and 12.2, 3072 -> 12.1, 4096 -> 11.3.
constexpr int64_t kStreamPrefetch = 2048;
constexpr int64_t kF32StepBytes = 128;         // converted layout: one k step of a pair, 2 x 16 F32
constexpr size_t kF32GroupOffset = 64;         // converted layout: the pair's second group within a k step

size_t groupBytesF16(int64_t n) { return size_t((n * kStepBytes + 63) / 64 * 64); }

void repackF16(const void* wv, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const auto* w = static_cast<const uint8_t*>(wv);
    auto* out = static_cast<uint8_t*>(dst);
    const size_t gb = groupBytesF16(n);
    const int64_t nGroups = (nRows + kRowGroup - 1) / kRowGroup;
    // Byte offsets of the 16 rows of a group, for a gather (when they fit its signed 32-bit indices).
    const bool gatherable = wStride <= size_t(INT32_MAX) / size_t(kRowGroup);
    const __m512i rowOffsets = _mm512_mullo_epi32(
        _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi32(int32_t(wStride)));
    for (int64_t g = 0; g < nGroups; ++g) {
        uint8_t* group = out + size_t(g) * gb;
        const uint8_t* rows = w + size_t(g * kRowGroup) * wStride;
        const int64_t count = std::min(kRowGroup, nRows - g * kRowGroup);
        int64_t k = 0;
        if (gatherable) {
            // Elements k and k + 1 of the 16 rows in one gather (lane i = row i; missing rows stay zero), then
            // split into the two 16 x F16 steps.
            const auto m = static_cast<__mmask16>((1u << count) - 1u);
            for (; k + 2 <= n; k += 2) {
                const __m512i pairs =
                    _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, rowOffsets, rows + 2 * k, 1);
                store256(group + k * kStepBytes, _mm512_cvtepi32_epi16(pairs));
                store256(group + (k + 1) * kStepBytes, _mm512_cvtepi32_epi16(_mm512_srli_epi32(pairs, 16)));
            }
        }
        std::memset(group + k * kStepBytes, 0, gb - size_t(k * kStepBytes));
        for (int64_t i = 0; i < count; ++i) {
            for (int64_t kk = k; kk < n; ++kk) {
                std::memcpy(group + kk * kStepBytes + 2 * i, rows + size_t(i) * wStride + 2 * kk, 2);
            }
        }
    }
}

// The lanes of a group whose rows exist, when `rows` rows remain from the group's row 0.
inline __mmask16 rowMask(int64_t rows) {
    if (rows >= 16) return 0xffff;
    if (rows <= 0) return 0;
    return static_cast<__mmask16>((1u << rows) - 1u);
}

// Software prefetch issued by a tile while it computes: for g < G, the lines p + g * gStride + 64 i for
// i = 0 .. lines - 1, spread evenly over the tile's k loop (two k steps per line at most).
struct Prefetch {
    const uint8_t* p;
    size_t gStride;
    int64_t lines;
};

// G groups x T tokens over kc elements of k. Weights: F16 groups gStride bytes apart (w at their element k0), or,
// with F32W, the converted layout (kF32StepBytes per k step, the second group kF32GroupOffset further). Token t's
// activation of element k is x[k * xk + t] (a panel [k][T]: xk = T; the plain row at batch 1: xk = 1).
// y[t * ldy + 16 g + i] receives row i of group g (rows >= `rows` are not written); accumulate adds to y.
// ToL2: the prefetch goes to L2 only (weights needed a block later), else to L1 (needed by the next tile).
// Store (F16 weights only): also writes the converted weights to conv in the F32 layout, for the next tiles.
template <int G, int T, bool F32W, bool ToL2, bool Store>
void tileF16(const uint8_t* w, size_t gStride, const float* x, int64_t xk, int64_t kc, float* y, size_t ldy,
             int64_t rows, bool accumulate, Prefetch pf, uint8_t* conv) {
    __m512 acc[G][T];
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) acc[g][t] = _mm512_setzero_ps();
    }
    if (accumulate) {  // y is read at the end: its lines (from L2 or L3) arrive meanwhile
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) {
#pragma GCC unroll 16
            for (int t = 0; t < T; ++t) {
                const float* yt = y + size_t(t) * ldy + size_t(16 * g);
                _mm_prefetch(reinterpret_cast<const char*>(yt), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(yt + 15), _MM_HINT_T0);
            }
        }
    }
    auto step = [&](int64_t k) {
        __m512 wv[G];
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) {
            if constexpr (F32W) {
                wv[g] = _mm512_load_ps(w + k * kF32StepBytes + size_t(g) * kF32GroupOffset);
            } else {
                wv[g] = _mm512_cvtph_ps(load256(w + size_t(g) * gStride + k * kStepBytes));
                if constexpr (Store) _mm512_store_ps(conv + k * kF32StepBytes + size_t(g) * kF32GroupOffset, wv[g]);
            }
        }
        const float* xs = x + k * xk;
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
            const __m512 xv = _mm512_set1_ps(xs[t]);
#pragma GCC unroll 16
            for (int g = 0; g < G; ++g) acc[g][t] = _mm512_fmadd_ps(wv[g], xv, acc[g][t]);
        }
    };
    // Prefetch line of iteration i (two k steps): (i * pfStep) >> 16, at most lines - 1.
    const int64_t iters = std::max<int64_t>(1, kc / 2);
    const int64_t pfStep = std::min<int64_t>(int64_t(1) << 16, (pf.lines << 16) / iters);
    int64_t k = 0;
    for (int64_t i = 0; k + 2 <= kc; k += 2, ++i) {
        const uint8_t* p = pf.p + 64 * ((i * pfStep) >> 16);
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) {
            const auto* line = reinterpret_cast<const char*>(p + size_t(g) * pf.gStride);
            if constexpr (ToL2) {
                _mm_prefetch(line, _MM_HINT_T1);
            } else {
                _mm_prefetch(line, _MM_HINT_T0);
            }
        }
        step(k);
        step(k + 1);
    }
    if (k < kc) step(k);
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
        const __mmask16 m = rowMask(rows - 16 * g);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
            float* yt = y + size_t(t) * ldy + size_t(16 * g);
            __m512 v = acc[g][t];
            if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, yt));
            if (m == 0xffff) {
                _mm512_storeu_ps(yt, v);
            } else {
                _mm512_mask_storeu_ps(yt, m, v);
            }
        }
    }
}

using TileFn = void (*)(const uint8_t*, size_t, const float*, int64_t, int64_t, float*, size_t, int64_t, bool,
                        Prefetch, uint8_t*);

template <bool F32W, bool ToL2, bool Store>
struct Tiles {
    template <int G, int T>
    static constexpr TileFn tile = tileF16<G, T, F32W, ToL2, Store>;
};

// [g - 1][t - 1]: G = g groups, T = t tokens.
constexpr auto& kTilesStream = kTileTable<TileFn, kGroupsStream, 1, Tiles<false, false, false>>;
constexpr auto& kTilesDirect = kTileTable<TileFn, kGroupsBatch, kTokMax, Tiles<false, false, false>>;
constexpr auto& kTilesConverting = kTileTable<TileFn, kGroupsBatch, kTokMax, Tiles<false, true, true>>;
constexpr auto& kTilesConverted = kTileTable<TileFn, kGroupsBatch, kTokMax, Tiles<true, true, false>>;

struct alignas(64) CacheLine {
    float v[16];
};

// A per-thread buffer of at least `floats` floats, 64-byte aligned (callers run gemm on several threads at once).
template <int Id>
float* scratch(size_t floats) {
    thread_local std::vector<CacheLine> buf;
    if (buf.size() * 16 < floats) buf.resize((floats + 15) / 16);
    return buf.data()->v;
}

// Token tiles: tb tokens split into nTiles nearly equal tiles of at most kTokMax. Tile j's size and first token.
struct TokenTiles {
    int64_t tb;
    int64_t nTiles;
    int64_t size(int64_t j) const { return tb / nTiles + (j < tb % nTiles ? 1 : 0); }
    int64_t start(int64_t j) const { return j * (tb / nTiles) + std::min(j, tb % nTiles); }
};

// The activations of kc elements from k0 of tokens t0.. as one panel [k][T] per token tile, tile j at
// panel + kc * start(j).
void buildPanels(const uint8_t* x, size_t xStride, int64_t t0, const TokenTiles& tiles, int64_t k0, int64_t kc,
                 float* panel) {
    for (int64_t j = 0; j < tiles.nTiles; ++j) {
        const int64_t T = tiles.size(j);
        float* p = panel + kc * tiles.start(j);
        for (int64_t t = 0; t < T; ++t) {
            const auto* row = reinterpret_cast<const float*>(x + size_t(t0 + tiles.start(j) + t) * xStride) + k0;
            for (int64_t k = 0; k < kc; ++k) p[k * T + t] = row[k];
        }
    }
}

void gemmF16(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
             float* y, size_t ldy) {
    const auto* w = static_cast<const uint8_t*>(wv);
    const auto* x = static_cast<const uint8_t*>(xv);
    const int64_t nGroups = (nRows + kRowGroup - 1) / kRowGroup;
    const int64_t nPairs = (nGroups + 1) / 2;
    auto groupsOfPair = [&](int64_t p) { return int(std::min<int64_t>(2, nGroups - 2 * p)); };
    if (nTok == 1) {
        const auto* x0 = reinterpret_cast<const float*>(x);
        const int64_t rowLines = (n * kStepBytes + 63) / 64;
        for (int64_t g = 0; g < nGroups; g += kGroupsStream) {
            const int gs = int(std::min<int64_t>(kGroupsStream, nGroups - g));
            const uint8_t* wg = w + size_t(g) * wStride;
            kTilesStream[size_t(gs - 1)][0](wg, wStride, x0, 1, n, y + size_t(g * kRowGroup), ldy,
                                            nRows - g * kRowGroup, false,
                                            Prefetch{wg + kStreamPrefetch, wStride, rowLines}, nullptr);
        }
        return;
    }
    // Token blocks of nearly equal size whose panels fit kPanelBudget (a lone small last block would stream the
    // weights once more at a low arithmetic intensity).
    const int64_t kcMax = std::min(kKc, n);
    const int64_t tokMax = std::max<int64_t>(kTokMax, int64_t(kPanelBudget / (size_t(kcMax) * sizeof(float))));
    const int64_t nBlocks = (nTok + tokMax - 1) / tokMax;
    const int64_t tokBlock = (nTok + nBlocks - 1) / nBlocks;
    for (int64_t t0 = 0; t0 < nTok; t0 += tokBlock) {
        const int64_t tb = std::min(tokBlock, nTok - t0);
        const TokenTiles tiles{tb, (tb + kTokMax - 1) / kTokMax};
        float* panel = scratch<0>(size_t(tb * kcMax));
        for (int64_t k0 = 0; k0 < n; k0 += kKc) {
            const int64_t kc = std::min(kKc, n - k0);
            const int64_t sliceLines = (kc * kStepBytes + 63) / 64;  // one group's F16 slice of the k block
            buildPanels(x, xStride, t0, tiles, k0, kc, panel);
            if (tiles.nTiles == 1) {
                // One token tile: each pair's F16 slice is read once, by the tile, which prefetches the next pair's.
                const int64_t T = tb;
                for (int64_t p = 0; p < nPairs; ++p) {
                    const int64_t g = 2 * p;
                    const int64_t gNext = std::min(g + 2, nGroups - 1);
                    const Prefetch pf{w + size_t(gNext) * wStride + size_t(k0 * kStepBytes),
                                      gNext + 1 < nGroups ? wStride : 0, sliceLines};
                    kTilesDirect[size_t(groupsOfPair(p) - 1)][size_t(T - 1)](
                        w + size_t(g) * wStride + size_t(k0 * kStepBytes), wStride, panel, T, kc,
                        y + size_t(t0) * ldy + size_t(g * kRowGroup), ldy, nRows - g * kRowGroup, k0 > 0, pf,
                        nullptr);
                }
                continue;
            }
            // Several token tiles: blocks of kConvertPairs pairs, converted to F32 by the first tile for the others.
            auto* conv = reinterpret_cast<uint8_t*>(scratch<1>(size_t(kConvertPairs * kc * kF32StepBytes) / 4));
            const size_t pairBytes = size_t(kc * kF32StepBytes);
            for (int64_t p0 = 0; p0 < nPairs; p0 += kConvertPairs) {
                const int64_t p1 = std::min(nPairs, p0 + kConvertPairs);
                // The block converted next: the following pairs of this k block, else the first pairs of the next
                // k block. Tile j of pair p prefetches share j of that block's pair q = qFirst + p - p0.
                int64_t qFirst = p1;
                int64_t kNext = k0;
                if (p1 == nPairs) {
                    qFirst = k0 + kKc < n ? 0 : nPairs;  // nPairs: nothing to prefetch
                    kNext = k0 + kKc;
                }
                const int64_t nextLines = std::max<int64_t>(1, (std::min(kKc, n - kNext) * kStepBytes + 63) / 64);
                const int64_t share = (nextLines + tiles.nTiles - 1) / tiles.nTiles;
                for (int64_t j = 0; j < tiles.nTiles; ++j) {
                    const int64_t T = tiles.size(j);
                    const int64_t first = std::min(nextLines - 1, j * share);
                    for (int64_t p = p0; p < p1; ++p) {
                        const int64_t q = qFirst + (p - p0);
                        const Prefetch pf = q < nPairs
                                                ? Prefetch{w + size_t(2 * q) * wStride +
                                                               size_t(kNext * kStepBytes + 64 * first),
                                                           2 * q + 1 < nGroups ? wStride : 0,
                                                           std::min(share, nextLines - first)}
                                                : Prefetch{conv, 0, 1};  // nothing left: a line in cache
                        const int64_t g = 2 * p;
                        uint8_t* pairConv = conv + size_t(p - p0) * pairBytes;
                        float* yt = y + size_t(t0 + tiles.start(j)) * ldy + size_t(g * kRowGroup);
                        const float* xt = panel + kc * tiles.start(j);
                        const size_t gi = size_t(groupsOfPair(p) - 1);
                        if (j == 0) {  // the first tile converts the pair's slice while it uses it
                            kTilesConverting[gi][size_t(T - 1)](w + size_t(g) * wStride + size_t(k0 * kStepBytes),
                                                                wStride, xt, T, kc, yt, ldy, nRows - g * kRowGroup,
                                                                k0 > 0, pf, pairConv);
                        } else {
                            kTilesConverted[gi][size_t(T - 1)](pairConv, kF32GroupOffset, xt, T, kc, yt, ldy,
                                                               nRows - g * kRowGroup, k0 > 0, pf, nullptr);
                        }
                    }
                }
            }
        }
    }
}

constexpr GemmKernels kTable[] = {
    {GgmlType::F16, GgmlType::F32, nullptr, nullptr, gemmF16, kRowGroup, groupBytesF16, repackF16},
};

}  // namespace

std::span<const GemmKernels> repackF16Avx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
