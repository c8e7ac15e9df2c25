// AMX-INT8 prompt-processing GEMM for repacked Q8_0 and Q4_0 weights x Q8_0 activations (kernels/gemm.h,
// repackedAmxGemmFor). Only this file is compiled with -mamx-tile -mamx-int8; gemm.cpp calls repackAmxTable() only
// after cpuSupportsAmxInt8() (which also obtained Linux's permission to use the tile state).
//
// No layout of its own: it reads the AVX-512 VNNI repacked weights and packed activations of
// repack_q4_avx512vnni.cpp, so a model keeps one repacked copy for both token generation and prompts. There, one
// Q8_0 block (32 elements) of a 16-row group is 8 vectors of 64 bytes, vector k holding bytes 4k..4k+3 of each
// row's quants (+ 128, unsigned) in lane r = row r. That is exactly an AMX B tile of K = 32, N = 16: K/4 = 8 rows
// of N x 4 bytes. And the packed activation block keeps its 32 signed quants first, so block b of 16 tokens is an
// A tile of 16 rows x 32 bytes with the packed row stride. TDPBSUD (signed A x unsigned B) then gives, per
// (token t, weight row r), S = sum_k x_k (w_k + 128) = dot + 128 sum_k x_k; the packed block's int32 correction
// c = -128 sum_k x_k removes the offset. Q4_0 groups are first decoded into that Q8_0 layout (decodeQ4Group).
//
// Per block the int32 tile is stored (1 KiB) and scaled in F32 by AVX-512, one vector (16 rows) per token:
//     acc[t] += dw * (dx[t] * float(S[t]) + dx[t] * c[t])
// (the second term from a per-token-tile table: a conversion and two FMAs per 16 x 16 x 32 products). The scales
// being per block of 32, every tile product must be stored and converted: measured on one core (n = 2048,
// 512 tokens), the tile side alone (loads, products, stores) takes ~6.3 ms, the scaling alone ~2.5 ms, together
// ~8.8 ms, against 10.4 ms for the VNNI kernel. One C tile's accumulators live in registers for a whole row; four C
// tiles rotate over the blocks so that the tile unit runs ahead of the scaling.
//
// Loop: blocks of groups whose weights fit in L2 (kRowBlockBudget) x tiles of 16 tokens x the groups of the block;
// tokens past the last whole tile of 16, and batches under kAmxMinTokens, take the VNNI kernel.
#if !defined(__AMX_TILE__) || !defined(__AMX_INT8__) || !defined(__AVX512F__)
#error "repack_q4_amx.cpp must be compiled with -mamx-tile -mamx-int8 and AVX-512"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <vector>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/gemm_tables.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

// The VNNI repacked layout (see repack_q4_avx512vnni.cpp): pairs of blocks, 2 x 32 bytes of F16 scales then the two
// blocks' quants.
constexpr int64_t kQk = 32;                                    // elements per block
constexpr int kRows = 16;                                      // rows per group = N of a tile
constexpr int64_t kScaleBytes = 2 * kRows;                     // F16 scales of one block of a group
constexpr int64_t kQuantBytes = kRows * kQk;                   // one block's quants of a group: a B tile
constexpr int64_t kPairBytes = 2 * kScaleBytes + 2 * kQuantBytes;
constexpr int64_t kActBlockBytes = 40;  // packed activation block: 32 quants, F32 scale, int32 correction
static_assert(kQuantBytes == 8 * 64, "a block's quants are one B tile: K/4 = 8 rows of 64 bytes");

constexpr int kTok = 16;                      // tokens per tile = M of a tile
// Fewer tokens: the VNNI kernel. On one core in isolation AMX is ahead from a tile of 16 tokens (Q8_0) or 48 (Q4_0,
// which decodes its nibbles once per call), but in the model (2 threads, TinyLlama 1.1B) it loses at 64 tokens
// (Q8_0 pp64 305-312 t/s vs 328-330 on VNNI; Q4_0 325 vs 328) and draws level at 128 for Q8_0 (334-339 vs 335-337),
// so prompts take it from 128 tokens on (Q8_0 pp256 +5 %, pp512 +9 %; Q4_0 pp128 +8 %, pp512 +14 %).
constexpr int64_t kAmxMinTokens = 128;
constexpr size_t kRowBlockBudget = 768 * 1024;  // repacked weights of a block of groups (stay in L2, 2 MiB/core)

// Tiles: C (16 tokens x 16 rows of int32) of block b at b % 4, its A (16 tokens x 32 bytes) and B (8 x 64 bytes)
// at 4 + b % 2 and 6 + b % 2. A tile product's latency is several times its throughput and a C tile is free again
// only once stored, so four blocks are in flight on the tile unit while the vector unit scales block b - kLag.
struct alignas(64) TileConfig {
    uint8_t palette = 1;
    uint8_t startRow = 0;
    uint8_t reserved[14] = {};
    uint16_t colsb[16] = {};
    uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64);

TileConfig makeConfig() {
    TileConfig c;
    for (int i : {0, 1, 2, 3}) {
        c.colsb[i] = kRows * 4;
        c.rows[i] = kTok;
    }
    for (int i : {4, 5}) {
        c.colsb[i] = kQk;
        c.rows[i] = kTok;
    }
    for (int i : {6, 7}) {
        c.colsb[i] = kRows * 4;
        c.rows[i] = kQk / 4;
    }
    return c;
}

// The VNNI repacked kernels of type T this one shares its layouts with, and falls back to.
template <GgmlType T>
const GemmKernels* vnniKernels() {
    static const GemmKernels* k = [] {
        for (const GemmKernels& g : repackQ4Avx512VnniTable()) {
            if (g.type == T) return &g;
        }
        return static_cast<const GemmKernels*>(nullptr);
    }();
    return k;
}

// Q4_0: the VNNI repacked group stores a block's quants as 4 vectors of nibbles (vector k, lane r = bytes 4k..4k+3
// of row r's qs: elements 4k..4k+3 in the low nibbles, 16+4k..16+4k+3 in the high ones). Decoded once per block of
// groups into the Q8_0 group layout (vectors k = 0..3 the low nibbles, 4..7 the high ones, each as 16 x nibble =
// 16 (q + 8), unsigned), vector k pairs with activation bytes 4k..4k+3 as for Q8_0; the VNNI Q4_0 packed activations
// carry d / 16 and the same -128 sum(x) correction.
constexpr int64_t kQ4PairBytes = 2 * kScaleBytes + 2 * kRows * 16;

size_t q8GroupBytes(int64_t nb) { return size_t(nb / 2 * kPairBytes + nb % 2 * (2 * kScaleBytes + kQuantBytes)); }

void decodeQ4Group(const uint8_t* wg, int64_t nb, uint8_t* out) {
    const __m512i low = _mm512_set1_epi8(0x0f);
    const __m512i times16 = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 16, 32, 48, 64, 80, 96, 112, char(128),
                                                                 char(144), char(160), char(176), char(192),
                                                                 char(208), char(224), char(240)));
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* pair = wg + b / 2 * kQ4PairBytes;
        const uint8_t* q = pair + 2 * kScaleBytes + b % 2 * (kRows * 16);
        uint8_t* opair = out + b / 2 * kPairBytes;
        uint8_t* oq = opair + 2 * kScaleBytes + b % 2 * kQuantBytes;
        std::memcpy(opair + b % 2 * kScaleBytes, pair + b % 2 * kScaleBytes, kScaleBytes);
        for (int k = 0; k < 4; ++k) {
            const __m512i v = _mm512_loadu_si512(q + 64 * k);
            _mm512_storeu_si512(oq + 64 * k, _mm512_shuffle_epi8(times16, _mm512_and_si512(v, low)));
            _mm512_storeu_si512(oq + 64 * (k + 4), _mm512_andnot_si512(low, v));
        }
    }
}

// Block b's int32 products of 16 tokens (A rows xStride apart from xb) x a group's 16 rows (B at q) into out
// (16 x 16 int32), on C tile C. GCC 12's _tile_* macros paste their tile numbers into the assembly, so they must be
// literals: one function per C tile, tileBlock<b % 4>.
#define HEARTH_AMX_TILE_BLOCK(C, A, B)                                                              \
    template <>                                                                                      \
    inline void tileBlock<C>(const uint8_t* xb, size_t xStride, const uint8_t* q, int32_t* out) { \
        _tile_loadd(A, xb, xStride);                                                                 \
        _tile_loadd(B, q, 64);                                                                       \
        _tile_zero(C);                                                                               \
        _tile_dpbsud(C, A, B);                                                                       \
        _tile_stored(C, out, 64);                                                                    \
    }
template <int C>
void tileBlock(const uint8_t* xb, size_t xStride, const uint8_t* q, int32_t* out);
HEARTH_AMX_TILE_BLOCK(0, 4, 6)
HEARTH_AMX_TILE_BLOCK(1, 5, 7)
HEARTH_AMX_TILE_BLOCK(2, 4, 6)
HEARTH_AMX_TILE_BLOCK(3, 5, 7)
#undef HEARTH_AMX_TILE_BLOCK

// Blocks between a block's tile products and its scaling (measured: 2 of 1..3; at most 3, the C tiles in flight).
constexpr int64_t kLag = 2;

// acc[t] += dw * (dx[t] * S[t] + cf[t]) for the 16 tokens of one block.
inline void scaleBlock(const int32_t* s, const uint8_t* scales, const float* dx, const float* cf, __m512* acc) {
    const __m512 dw = _mm512_cvtph_ps(load256(scales));
#pragma GCC unroll 16
    for (int t = 0; t < kTok; ++t) {
        const __m512 v = _mm512_cvtepi32_ps(_mm512_load_si512(s + kRows * t));
        const __m512 d = _mm512_fmadd_ps(v, _mm512_set1_ps(dx[t]), _mm512_set1_ps(cf[t]));
        acc[t] = _mm512_fmadd_ps(d, dw, acc[t]);
    }
}

// One group (rows valid lanes) x 16 tokens over nb blocks; dx, cf: the tokens' scales and scaled corrections,
// 16 per block. The F32 accumulators stay in registers for the whole row.
void tileGroup(const uint8_t* wg, int64_t nb, const uint8_t* x, size_t xStride, const float* dx, const float* cf,
               float* y, size_t ldy, int rows) {
    alignas(64) int32_t s[4][kTok * kRows];  // block b's products at s[b % 4]
    __m512 acc[kTok];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    const auto quants = [&](int64_t b) { return wg + b / 2 * kPairBytes + 2 * kScaleBytes + b % 2 * kQuantBytes; };
    const auto scales = [&](int64_t b) { return wg + b / 2 * kPairBytes + b % 2 * kScaleBytes; };
    const auto scale = [&](int64_t b) { scaleBlock(s[b % 4], scales(b), dx + b * kTok, cf + b * kTok, acc); };
    const auto compute = [&](int64_t b) {
        const uint8_t* xb = x + b * kActBlockBytes;
        switch (b % 4) {
        case 0: tileBlock<0>(xb, xStride, quants(b), s[0]); break;
        case 1: tileBlock<1>(xb, xStride, quants(b), s[1]); break;
        case 2: tileBlock<2>(xb, xStride, quants(b), s[2]); break;
        default: tileBlock<3>(xb, xStride, quants(b), s[3]); break;
        }
    };
    // Block b on the tile unit, then block b - kLag (stored by now) scaled.
    for (int64_t b = 0; b < nb + kLag; ++b) {
        if (b < nb) compute(b);
        if (b >= kLag) scale(b - kLag);
    }
    const auto m = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < kTok; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, m, acc[t]);
}

template <GgmlType T>
void gemmAmx(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
             float* y, size_t ldy) {
    const auto* w = static_cast<const uint8_t*>(wv);
    const auto* x = static_cast<const uint8_t*>(xv);
    const int64_t nb = n / kQk;
    const int64_t amxTok = nTok < kAmxMinTokens || nb == 0 ? 0 : nTok / kTok * kTok;
    if (amxTok < nTok) {
        vnniKernels<T>()->gemm(wv, wStride, nRows, x + size_t(amxTok) * xStride, xStride, nTok - amxTok, n,
                       y + size_t(amxTok) * ldy, ldy);
    }
    if (amxTok == 0 || nRows <= 0) return;
    static const TileConfig config = makeConfig();
    _tile_loadconfig(&config);
    thread_local std::vector<float> dx, cf;  // per token tile: dx[b * 16 + t], cf[b * 16 + t]
    dx.resize(size_t(nb * kTok));
    cf.resize(size_t(nb * kTok));
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    // Q4_0: a block of groups decoded into the Q8_0 layout first (one pass over the weights per call).
    const size_t tileStride = T == GgmlType::Q8_0 ? wStride : q8GroupBytes(nb);
    const int64_t blockGroups = std::max<int64_t>(1, int64_t(kRowBlockBudget / tileStride));
    struct alignas(64) CacheLine {
        uint8_t bytes[64];
    };
    thread_local std::vector<CacheLine> decoded;
    if constexpr (T == GgmlType::Q4_0) decoded.resize(size_t(std::min(blockGroups, nGroups)) * tileStride / 64 + 1);
    for (int64_t g0 = 0; g0 < nGroups; g0 += blockGroups) {
        const int64_t g1 = std::min(nGroups, g0 + blockGroups);
        const uint8_t* wb = w + size_t(g0) * wStride;  // group g at wb + (g - g0) * tileStride
        if constexpr (T == GgmlType::Q4_0) {
            auto* out = reinterpret_cast<uint8_t*>(decoded.data());
            for (int64_t g = g0; g < g1; ++g) decodeQ4Group(w + size_t(g) * wStride, nb, out + size_t(g - g0) * tileStride);
            wb = out;
        }
        for (int64_t t0 = 0; t0 < amxTok; t0 += kTok) {
            const uint8_t* xt = x + size_t(t0) * xStride;
            for (int64_t b = 0; b < nb; ++b) {
                for (int t = 0; t < kTok; ++t) {
                    const uint8_t* blk = xt + size_t(t) * xStride + size_t(b * kActBlockBytes);
                    const float d = loadF32(blk + 32);
                    dx[size_t(b * kTok + t)] = d;
                    cf[size_t(b * kTok + t)] = float(loadI32(blk + 36)) * d;
                }
            }
            for (int64_t g = g0; g < g1; ++g) {
                const int rows = int(std::min<int64_t>(kRows, nRows - g * kRows));
                tileGroup(wb + size_t(g - g0) * tileStride, nb, xt, xStride, dx.data(), cf.data(),
                          y + size_t(t0) * ldy + size_t(g * kRows), ldy, rows);
            }
        }
    }
    _tile_release();
}

}  // namespace

std::span<const GemmKernels> repackAmxTable() {
    // The VNNI entry with its gemm replaced: the same repack, pack and layouts.
    static const std::array<GemmKernels, 2> table = [] {
        GemmKernels q8 = *vnniKernels<GgmlType::Q8_0>();
        q8.gemm = gemmAmx<GgmlType::Q8_0>;
        GemmKernels q4 = *vnniKernels<GgmlType::Q4_0>();
        q4.gemm = gemmAmx<GgmlType::Q4_0>;
        return std::array<GemmKernels, 2>{q8, q4};
    }();
    return table;
}

}  // namespace hearth::kernels
