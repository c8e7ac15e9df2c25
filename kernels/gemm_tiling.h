// Internal to the per-ISA gemm_<isa>.cpp files: the parts of a tiled GEMM that do not depend on the ISA — the
// table of edge tiles and the cache-blocked loop over row blocks and token tiles.
//
// Everything here has internal linkage (unnamed namespace) on purpose: each per-ISA translation unit is compiled
// with its own -m flags, and an inline function shared between them could be merged by the linker into the copy
// built for the wider ISA.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace hearth::kernels {
namespace {

// Rows per cache block: as many whole row tiles (mr rows) as keep their weights within budget bytes. The loop below
// runs each block of rows against every token tile, so the block's weights come from L2 and a token tile's
// activations from L1.
inline int64_t rowBlockFor(size_t wStride, int mr, size_t budget) {
    const int64_t fit = int64_t(budget / std::max<size_t>(1, wStride));
    return std::max<int64_t>(mr, fit / mr * mr);
}

// kTileTable<Fn, Mr, Nt, Maker>[mr - 1][nt - 1] = Maker::template tile<mr, nt>: the full tile and every partial one
// needed at the matrix's edges. Maker holds `template <int MR, int NT> static constexpr Fn tile = ...;`.
template <class Fn, int Nt, class Maker, int MR, int... NTs>
constexpr std::array<Fn, Nt> tileTableRow(std::integer_sequence<int, NTs...>) {
    return {Maker::template tile<MR, NTs + 1>...};
}

template <class Fn, int Mr, int Nt, class Maker, int... MRs>
constexpr std::array<std::array<Fn, Nt>, Mr> tileTableRows(std::integer_sequence<int, MRs...>) {
    return {tileTableRow<Fn, Nt, Maker, MRs + 1>(std::make_integer_sequence<int, Nt>())...};
}

template <class Fn, int Mr, int Nt, class Maker>
constexpr auto kTileTable = tileTableRows<Fn, Mr, Nt, Maker>(std::make_integer_sequence<int, Mr>());

// Calls onBlock(r0, r1) for each block of rowBlock rows, then tile(r, t, mr, nt) for every tile of that block:
// mr <= Mr rows from r, nt <= Nt tokens from t. A block of rows stays in L2 while it meets every token tile, and a
// token tile stays in L1 while it meets every row tile of the block.
template <int Mr, int Nt, class OnBlock, class Tile>
void forEachTile(int64_t nRows, int64_t nTok, int64_t rowBlock, OnBlock&& onBlock, Tile&& tile) {
    for (int64_t r0 = 0; r0 < nRows; r0 += rowBlock) {
        const int64_t r1 = std::min(nRows, r0 + rowBlock);
        onBlock(r0, r1);
        for (int64_t t = 0; t < nTok; t += Nt) {
            const int nt = int(std::min<int64_t>(Nt, nTok - t));
            for (int64_t r = r0; r < r1; r += Mr) tile(r, t, int(std::min<int64_t>(Mr, r1 - r)), nt);
        }
    }
}

// A whole GEMM from one table of tiles whose signature is (w, wStride, x, xStride, n, y, ldy): the shape of the
// plain-type (F32/F16/BF16) kernels, where a tile needs nothing but its rows and tokens.
using PlainTileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t);

template <int Mr, int Nt>
void gemmWithTiles(const std::array<std::array<PlainTileFn, Nt>, Mr>& tiles, size_t l2Budget, const void* wv,
                   size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n, float* y,
                   size_t ldy) {
    const auto* w = static_cast<const uint8_t*>(wv);
    const auto* x = static_cast<const uint8_t*>(xv);
    forEachTile<Mr, Nt>(nRows, nTok, rowBlockFor(wStride, Mr, l2Budget), [](int64_t, int64_t) {},
                        [&](int64_t r, int64_t t, int mr, int nt) {
                            tiles[size_t(mr - 1)][size_t(nt - 1)](w + size_t(r) * wStride, wStride,
                                                                  x + size_t(t) * xStride, xStride, n,
                                                                  y + size_t(t) * ldy + size_t(r), ldy);
                        });
}

// The driver of the repacked super-block kernels whose tiles have the signature of GroupTileFn (Q4_K/Q5_K, IQ4_XS):
// w holds groups of Rows rows, wStride bytes apart; tiles[nt - 1] runs one group against nt <= Tile tokens over
// nBlocks super-blocks, writing that group's rows (the last group's `rows` may be fewer than Rows), and prefetches
// ahead of its weight stream when asked.
using GroupTileFn = void (*)(const uint8_t* w, int64_t nBlocks, const uint8_t* x, size_t xStride, float* y,
                             size_t ldy, int rows, bool prefetch);

template <int Rows, int Tile>
void gemmGroupTiles(const std::array<GroupTileFn, Tile>& tiles, size_t actBudget, size_t weightBudget,
                    const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok,
                    int64_t nBlocks, float* y, size_t ldy) {
    const auto* w = static_cast<const uint8_t*>(wv);
    const auto* x = static_cast<const uint8_t*>(xv);
    const int64_t nGroups = (nRows + Rows - 1) / Rows;
    if (nTok <= 0 || nRows <= 0) return;
    auto group = [&](int64_t g, int64_t t, int nt, bool prefetch) {
        const int rows = int(std::min<int64_t>(Rows, nRows - g * Rows));
        tiles[size_t(nt - 1)](w + size_t(g) * wStride, nBlocks, x + size_t(t) * xStride, xStride,
                              y + size_t(t) * ldy + size_t(g * Rows), ldy, rows, prefetch);
    };
    if (nTok <= Tile) {
        // Token generation (and tiny batches): one pass streaming the weights from memory.
        for (int64_t g = 0; g < nGroups; ++g) group(g, 0, int(nTok), true);
        return;
    }
    // Prompt batches: a chunk of tokens (activations in L2) against blocks of groups (weights in L2); within, each
    // token tile (activations in L1) meets every group of the block.
    const int64_t chunk = std::max<int64_t>(Tile, int64_t(actBudget / std::max<size_t>(1, xStride)) / Tile * Tile);
    const int64_t block = std::max<int64_t>(1, int64_t(weightBudget / std::max<size_t>(1, wStride)));
    for (int64_t t0 = 0; t0 < nTok; t0 += chunk) {
        const int64_t t1 = std::min(nTok, t0 + chunk);
        for (int64_t g0 = 0; g0 < nGroups; g0 += block) {
            const int64_t g1 = std::min(nGroups, g0 + block);
            for (int64_t t = t0; t < t1; t += Tile) {
                const int nt = int(std::min<int64_t>(Tile, t1 - t));
                for (int64_t g = g0; g < g1; ++g) group(g, t, nt, false);
            }
        }
    }
}

}  // namespace
}  // namespace hearth::kernels
