// AVX-512 + VNNI tile kernels (kernels/gemm.h) for Q6_K and Q3_K weights x Q8_K activations. Only compiled with
// -mavx512f/bw/vl/dq -mavx512vnni; gemm.cpp calls gemmQ6kAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Both types have 256-element super-blocks of 16 sub-blocks of 16 elements with a signed integer scale sc_i each
// and an F16 super-block scale d. Their levels are kept unsigned, u = level + off (Q6_K: u in 0..63, off 32;
// Q3_K: u in 0..7, off 4), so that vpdpbusd (unsigned x signed bytes) can use them; the offset is removed exactly
// in int32 by starting each dot product from -off * (sum of the activations it covers), precomputed by pack().
//
// Packed activations, per super-block (kActSbBytes = 640, a multiple of 64):
//   bytes   0..255  qs: the Q8_K quants, in element order
//   bytes 256..511  64 int32: -off * (sum of quants 4k .. 4k + 3) (vpdpbusd starting values, direct path)
//   bytes 512..575  16 int32: -off * bsum_i (the starting value of sub-block i's dot product, prepared path)
//   bytes 576..579  F32 d of the Q8_K block; then zeros
//
// Two paths:
// - Direct (token generation and small batches): the weights are read as they are stored. Per super-block and row,
//   the levels are unpacked into four 64-byte chunks (element order) and the scales expanded to int16, once for the
//   tile's tokens; per token, vpdpbusd gives exact int32 sums of 4 products with the offset already removed,
//   vpackssdw narrows two chunks to int16 and vpdpwssd applies the sub-block scales; the super-block's int32 sum
//   is converted once and scaled by d_w * d_x into F32 lanes that are summed horizontally only at the end of the
//   row. Rows are prefetched kPrefetchBytes ahead at batch 1 (measured: 8 KiB beat 2 and 4 KiB here).
// - Prepared (prompt processing, >= kPrepareMinTokens tokens): a block of rows is first unpacked into a
//   row-interleaved layout that stays in L2 while every token tile meets it: for 16 rows ("group") and one
//   super-block, 64 vectors of 16 rows x 4 consecutive unsigned levels (one int32 lane per row), then 16 vectors of
//   the F32 sub-block scales d * sc_i of the 16 rows (kPrepSbBytes = 5120). One vpdpbusd then multiplies 16 rows by
//   4 activation bytes broadcast from a token; a sub-block takes 4 of them, starting from -off * bsum_i, and is
//   scaled in F32 per row lane. Rows are lanes, so there are no horizontal sums at all. The unpacking (and the
//   16 x 16 transposes into lanes) costs about one token's dot products, repaid from kPrepareMinTokens tokens on.
//   Measured on one Emerald Rapids core: ~90-110 GMAC/s at 64-256 tokens against ~12-20 for the per-row kernels;
//   1 group x 8 tokens and 2 groups x 4 tokens per tile measured alike.
// Results equal the reference's exact integer sums scaled in F32, up to F32 summation order.
#ifndef __AVX512VNNI__
#error "gemm_q6k_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/format_q3_k.h"
#include "kernels/format_q6_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kActSbBytes = 640;   // packed activation bytes per super-block
constexpr int kActStart4 = 256;        // int32 -off * (sum of each 4 consecutive quants)
constexpr int kActStart = 512;         // int32 -off * bsum_i
constexpr int kActD = 576;             // F32 d
constexpr int64_t kPrefetchBytes = 8192;  // prefetch distance along a weight row at batch 1

constexpr int kMrDirect = 4;           // rows per direct tile
constexpr int kNtDirect = 2;           // tokens per direct tile
constexpr size_t kL2Budget = 192 * 1024;

constexpr int kGroupRows = 16;         // rows interleaved in a prepared group (one per int32 lane)
constexpr int kMaxGroups = 1;          // groups per prepared tile
constexpr int kNtPrepared = 8;         // tokens per prepared tile
constexpr int64_t kPrepWeightBytes = kQkK * kGroupRows;                        // 4096
constexpr int64_t kPrepSbBytes = kPrepWeightBytes + 16 * kGroupRows * 4;       // + F32 scales = 5120
constexpr int64_t kPrepareMinTokens = 8;
constexpr size_t kPreparedBudget = 768 * 1024;  // prepared bytes per row block (L2 is 2 MiB here)

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
__m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }
__m512i bcast256(const uint8_t* p) { return _mm512_broadcast_i64x4(load256(p)); }

// vpternlog immediate of a bitwise function f(a, b, c) of the three operands.
template <class F>
constexpr int ternImm(F f) {
    int imm = 0;
    for (int i = 0; i < 8; ++i) imm |= (f((i >> 2) & 1, (i >> 1) & 1, i & 1) & 1) << i;
    return imm;
}
constexpr int kAOrBAndC = ternImm([](int a, int b, int c) { return a | (b & c); });

// --- weight formats: unsigned levels in element order, signed scales ------------------------------------------

template <GgmlType T>
struct KQuant;

template <>
struct KQuant<GgmlType::Q6_K> {
    static constexpr int64_t kBytes = sizeof(BlockQ6_K);
    static constexpr int kDAt = offsetof(BlockQ6_K, d);
    static constexpr int16_t kOff = 32;

    // Chunk 2h (elements 128h .. +63) is the low nibbles of ql[64h .. +63] with qh[32h + l] bits 0-1 (first 32
    // bytes) or 2-3 (last 32) as bits 4-5; chunk 2h + 1 the high nibbles with qh bits 4-5 or 6-7. qh is broadcast
    // to both 256-bit halves and shifted per half so the wanted pair lands on bits 4-5 of its own byte.
    static void levels(const uint8_t* wb, __m512i q[4]) {
        const __m512i m0f = _mm512_set1_epi8(0x0f);
        const __m512i m30 = _mm512_set1_epi8(0x30);
        const __m512i shLow = _mm512_set_epi64(2, 2, 2, 2, 4, 4, 4, 4);   // left: bits 0-1 / 2-3 -> 4-5
        const __m512i shHigh = _mm512_set_epi64(2, 2, 2, 2, 0, 0, 0, 0);  // right: bits 4-5 / 6-7 -> 4-5
        for (int h = 0; h < 2; ++h) {
            const __m512i ql = load512(wb + 64 * h);
            const __m512i qh = bcast256(wb + 128 + 32 * h);
            q[2 * h] = _mm512_ternarylogic_epi32(_mm512_and_si512(ql, m0f), _mm512_sllv_epi64(qh, shLow), m30,
                                                 kAOrBAndC);
            q[2 * h + 1] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m0f),
                                                     _mm512_srlv_epi64(qh, shHigh), m30, kAOrBAndC);
        }
    }
    static __m128i scales(const uint8_t* wb) { return load128(wb + offsetof(BlockQ6_K, scales)); }
};

template <>
struct KQuant<GgmlType::Q3_K> {
    static constexpr int64_t kBytes = sizeof(BlockQ3_K);
    static constexpr int kDAt = offsetof(BlockQ3_K, d);
    static constexpr int16_t kOff = 4;

    // Chunk c = 2h + p (elements 128h + 64p .. +63): its first 32 bytes are s = 2p, the last 32 s = 2p + 1, with
    // the low bits at 2s of qs[32h + l] and the high bit at bit 4h + s of hmask[l]. Both sources are broadcast to
    // the two 256-bit halves; a shift per half lines up the low bits, a byte test per half picks the high bit.
    static void levels(const uint8_t* wb, __m512i q[4]) {
        const __m512i m03 = _mm512_set1_epi8(0x03);
        const __m512i four = _mm512_set1_epi8(0x04);
        const __m512i hm = bcast256(wb + offsetof(BlockQ3_K, hmask));
        for (int h = 0; h < 2; ++h) {
            const __m512i qs = bcast256(wb + offsetof(BlockQ3_K, qs) + 32 * h);
            for (int p = 0; p < 2; ++p) {
                const int s = 2 * p;
                const __m512i shLow = _mm512_set_epi64(2 * s + 2, 2 * s + 2, 2 * s + 2, 2 * s + 2,  //
                                                       2 * s, 2 * s, 2 * s, 2 * s);
                const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8(char(1 << (4 * h + s))),
                                                       _mm256_set1_epi8(char(1 << (4 * h + s + 1))), 1);
                const __m512i low = _mm512_and_si512(_mm512_srlv_epi64(qs, shLow), m03);
                q[2 * h + p] = _mm512_mask_add_epi8(low, _mm512_test_epi8_mask(hm, bit), low, four);
            }
        }
    }
    // The 16 six-bit scales minus 32 (format_q3_k.h): bytes 0..7 hold the low nibbles (scales 0..7 low, 8..15
    // high), scale i's high 2 bits are at bits 2 (i / 4) of byte 8 + i % 4.
    static __m128i scales(const uint8_t* wb) {
        const uint8_t* p = wb + offsetof(BlockQ3_K, scales);
        const __m128i lowBytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
        const __m128i low = _mm_and_si128(_mm_unpacklo_epi64(lowBytes, _mm_srli_epi16(lowBytes, 4)),
                                          _mm_set1_epi8(0x0f));
        const __m128i highs = _mm_srlv_epi32(_mm_set1_epi32(loadI32(p + 8)), _mm_set_epi32(6, 4, 2, 0));
        const __m128i high = _mm_slli_epi16(_mm_and_si128(highs, _mm_set1_epi8(0x03)), 4);
        return _mm_sub_epi8(_mm_or_si128(low, high), _mm_set1_epi8(32));
    }
};

// --- activations ----------------------------------------------------------------------------------------------

size_t packedRowBytesK(int64_t n) { return size_t(n / kQkK * kActSbBytes); }

template <GgmlType T>
void packK(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ8_K x;
        std::memcpy(&x, src + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kActSbBytes;
        int32_t start4[kQkK / 4];
        for (int k = 0; k < kQkK / 4; ++k) {
            start4[k] = -int32_t(KQuant<T>::kOff) * (x.qs[4 * k] + x.qs[4 * k + 1] + x.qs[4 * k + 2] + x.qs[4 * k + 3]);
        }
        int32_t start[16];
        for (int i = 0; i < 16; ++i) start[i] = -int32_t(KQuant<T>::kOff) * x.bsums[i];
        std::memcpy(o, x.qs, sizeof x.qs);
        std::memcpy(o + kActStart4, start4, sizeof start4);
        std::memcpy(o + kActStart, start, sizeof start);
        std::memset(o + kActD, 0, size_t(kActSbBytes - kActD));
        std::memcpy(o + kActD, &x.d, sizeof x.d);
    }
}

// --- direct path ----------------------------------------------------------------------------------------------

// vpdpwssd operand for the pair of chunks 2P, 2P + 1 after vpackssdw: in 128-bit lane L, words 0..3 get scale
// 8P + L (chunk 2P's sub-block L), words 4..7 scale 8P + 4 + L (chunk 2P + 1's).
template <int P>
inline __m512i pairScales(__m512i scales16) {
    constexpr int a = 8 * P, b = 8 * P + 4;
    const __m512i idx = _mm512_set_epi16(b + 3, b + 3, b + 3, b + 3, a + 3, a + 3, a + 3, a + 3,  //
                                         b + 2, b + 2, b + 2, b + 2, a + 2, a + 2, a + 2, a + 2,  //
                                         b + 1, b + 1, b + 1, b + 1, a + 1, a + 1, a + 1, a + 1,  //
                                         b, b, b, b, a, a, a, a);
    return _mm512_permutexvar_epi16(idx, scales16);
}

// MR rows x NT tokens over the nSb super-blocks of a row: y[t * ldy + r] = the whole dot product.
// Per chunk, vpdpbusd starts from -off * (sum of each 4 quants), so each int32 lane holds sum (u - off) x over 4
// elements, at most 4 * 32 * 127 in magnitude: two chunks are narrowed to int16 together (vpackssdw, exact) and
// one vpdpwssd applies the sub-block scales.
template <GgmlType T, int MR, int NT>
void tileDirect(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t nSb, float* y,
                size_t ldy) {
    using K = KQuant<T>;
    __m512 acc[MR][NT];
    for (auto& row : acc) {
        for (__m512& a : row) a = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nSb; ++b) {
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wb = w + size_t(r) * wStride + b * K::kBytes;
            if constexpr (NT == 1) {
                for (int64_t o = 0; o < K::kBytes; o += 64) {
                    _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + o), _MM_HINT_T0);
                }
            }
            __m512i q[4];
            K::levels(wb, q);
            const __m512i sc512 = _mm512_castsi256_si512(_mm256_cvtepi8_epi16(K::scales(wb)));
            const __m512i sc01 = pairScales<0>(sc512);
            const __m512i sc23 = pairScales<1>(sc512);
            const __m512 dw = _mm512_set1_ps(halfAt(wb + K::kDAt));
            for (int t = 0; t < NT; ++t) {
                const uint8_t* xb = x + size_t(t) * xStride + b * kActSbBytes;
                __m512i d[4];
                for (int c = 0; c < 4; ++c) {
                    d[c] = _mm512_dpbusd_epi32(load512(xb + kActStart4 + 64 * c), q[c], load512(xb + 64 * c));
                }
                const __m512i s = _mm512_dpwssd_epi32(_mm512_madd_epi16(_mm512_packs_epi32(d[0], d[1]), sc01),
                                                      _mm512_packs_epi32(d[2], d[3]), sc23);
                const __m512 scale = _mm512_mul_ps(dw, _mm512_set1_ps(loadF32(xb + kActD)));
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc[r][t]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

using DirectTileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t);

template <GgmlType T>
struct DirectTiles {
    template <int MR, int NT>
    static constexpr DirectTileFn tile = tileDirect<T, MR, NT>;
};

// --- prepared path --------------------------------------------------------------------------------------------

// In-register transpose of 16 vectors of 16 int32: v[j] lane i <- v[i] lane j. Interleaves 32-bit elements, then
// 64-bit pairs (giving, per 128-bit lane, one column of four rows), then regroups the 128-bit lanes.
inline void transpose16x16(__m512i v[16]) {
    __m512i a[16], b[16];
    for (int i = 0; i < 16; i += 2) {
        a[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
        a[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
    }
    // b[4q + m], 128-bit lane L: column 4L + m of rows 4q .. 4q + 3.
    for (int q = 0; q < 4; ++q) {
        b[4 * q] = _mm512_unpacklo_epi64(a[4 * q], a[4 * q + 2]);
        b[4 * q + 1] = _mm512_unpackhi_epi64(a[4 * q], a[4 * q + 2]);
        b[4 * q + 2] = _mm512_unpacklo_epi64(a[4 * q + 1], a[4 * q + 3]);
        b[4 * q + 3] = _mm512_unpackhi_epi64(a[4 * q + 1], a[4 * q + 3]);
    }
    for (int m = 0; m < 4; ++m) {
        const __m512i c0 = _mm512_shuffle_i32x4(b[m], b[4 + m], 0x44);       // lanes 0, 1 of rows 0-3, 4-7
        const __m512i c1 = _mm512_shuffle_i32x4(b[m], b[4 + m], 0xee);       // lanes 2, 3
        const __m512i c2 = _mm512_shuffle_i32x4(b[8 + m], b[12 + m], 0x44);  // rows 8-11, 12-15
        const __m512i c3 = _mm512_shuffle_i32x4(b[8 + m], b[12 + m], 0xee);
        v[m] = _mm512_shuffle_i32x4(c0, c2, 0x88);
        v[4 + m] = _mm512_shuffle_i32x4(c0, c2, 0xdd);
        v[8 + m] = _mm512_shuffle_i32x4(c1, c3, 0x88);
        v[12 + m] = _mm512_shuffle_i32x4(c1, c3, 0xdd);
    }
}

// One group of up to 16 rows (rows < 16: the missing ones get zero levels and scales) into nSb prepared
// super-blocks at out.
template <GgmlType T>
void prepareGroup(const uint8_t* w, size_t wStride, int rows, int64_t nSb, uint8_t* out) {
    using K = KQuant<T>;
    alignas(64) uint8_t levels[kGroupRows][kQkK];  // the group's unpacked super-block, row by row
    alignas(64) float scales[kGroupRows][16];
    std::memset(levels, 0, sizeof levels);
    std::memset(scales, 0, sizeof scales);
    for (int64_t b = 0; b < nSb; ++b) {
        for (int lr = 0; lr < rows; ++lr) {
            const uint8_t* wb = w + size_t(lr) * wStride + b * K::kBytes;
            __m512i q[4];
            K::levels(wb, q);
            for (int c = 0; c < 4; ++c) _mm512_store_si512(levels[lr] + 64 * c, q[c]);
            const __m512 sf = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(K::scales(wb)));
            _mm512_store_ps(scales[lr], _mm512_mul_ps(sf, _mm512_set1_ps(halfAt(wb + K::kDAt))));
        }
        uint8_t* o = out + b * kPrepSbBytes;
        __m512i v[16];
        for (int c = 0; c < 4; ++c) {  // 16 words of 4 levels per row and chunk
            for (int lr = 0; lr < kGroupRows; ++lr) v[lr] = _mm512_load_si512(levels[lr] + 64 * c);
            transpose16x16(v);
            for (int j = 0; j < 16; ++j) _mm512_store_si512(o + 64 * (16 * c + j), v[j]);
        }
        for (int lr = 0; lr < kGroupRows; ++lr) v[lr] = _mm512_load_si512(scales[lr]);
        transpose16x16(v);
        for (int i = 0; i < 16; ++i) _mm512_store_si512(o + kPrepWeightBytes + 64 * i, v[i]);
    }
}

// G groups (16 G rows, the first `rows` of them stored) x NT tokens over prepared super-blocks.
template <int G, int NT>
void tilePrepared(const uint8_t* prep, size_t groupBytes, const uint8_t* x, size_t xStride, int64_t nSb, float* y,
                  size_t ldy, int rows) {
    __m512 total[G][NT];
    for (auto& row : total) {
        for (__m512& a : row) a = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* pb[G];
        for (int g = 0; g < G; ++g) pb[g] = prep + size_t(g) * groupBytes + b * kPrepSbBytes;
        const uint8_t* xb[NT];
        for (int t = 0; t < NT; ++t) xb[t] = x + size_t(t) * xStride + b * kActSbBytes;
        __m512 sb[G][NT];
        for (auto& row : sb) {
            for (__m512& a : row) a = _mm512_setzero_ps();
        }
        for (int i = 0; i < 16; ++i) {
            __m512i dot[G][NT];
            for (int t = 0; t < NT; ++t) {
                const __m512i start = _mm512_set1_epi32(loadI32(xb[t] + kActStart + 4 * i));
                for (int g = 0; g < G; ++g) dot[g][t] = start;
            }
            for (int k = 0; k < 4; ++k) {
                __m512i wv[G];
                for (int g = 0; g < G; ++g) wv[g] = _mm512_load_si512(pb[g] + 64 * (4 * i + k));
                for (int t = 0; t < NT; ++t) {
                    const __m512i xv = _mm512_set1_epi32(loadI32(xb[t] + 16 * i + 4 * k));
                    for (int g = 0; g < G; ++g) dot[g][t] = _mm512_dpbusd_epi32(dot[g][t], wv[g], xv);
                }
            }
            for (int g = 0; g < G; ++g) {
                const __m512 scale = _mm512_load_ps(pb[g] + kPrepWeightBytes + 64 * i);
                for (int t = 0; t < NT; ++t) sb[g][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[g][t]), scale, sb[g][t]);
            }
        }
        for (int t = 0; t < NT; ++t) {
            const __m512 dx = _mm512_set1_ps(loadF32(xb[t] + kActD));
            for (int g = 0; g < G; ++g) total[g][t] = _mm512_fmadd_ps(sb[g][t], dx, total[g][t]);
        }
    }
    for (int g = 0; g < G; ++g) {
        const int left = std::min(kGroupRows, rows - kGroupRows * g);
        const auto mask = static_cast<__mmask16>((1u << left) - 1u);
        for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy + size_t(kGroupRows * g), mask, total[g][t]);
    }
}

using PreparedTileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t, int);

struct PreparedTiles {
    template <int G, int NT>
    static constexpr PreparedTileFn tile = tilePrepared<G, NT>;
};
constexpr auto& kTilesPrepared = kTileTable<PreparedTileFn, kMaxGroups, kNtPrepared, PreparedTiles>;

template <GgmlType T>
void gemmK(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nSb = n / kQkK;
    if (nTok < kPrepareMinTokens) {
        constexpr auto& tiles = kTileTable<DirectTileFn, kMrDirect, kNtDirect, DirectTiles<T>>;
        forEachTile<kMrDirect, kNtDirect>(
            nRows, nTok, rowBlockFor(wStride, kMrDirect, kL2Budget), [](int64_t, int64_t) {},
            [&](int64_t r, int64_t t, int mr, int nt) {
                tiles[size_t(mr - 1)][size_t(nt - 1)](w + size_t(r) * wStride, wStride, x + size_t(t) * xStride,
                                                      xStride, nSb, y + size_t(t) * ldy + size_t(r), ldy);
            });
        return;
    }
    constexpr int kMr = kMaxGroups * kGroupRows;
    const size_t groupBytes = size_t(nSb * kPrepSbBytes);
    const int64_t perRow = nSb * kPrepSbBytes / kGroupRows;
    const int64_t rowBlock = std::max<int64_t>(kMr, int64_t(kPreparedBudget) / perRow / kMr * kMr);
    // The prepared groups of the current row block, per thread (callers run gemm on several threads at once).
    struct alignas(64) Line {
        uint8_t b[64];
    };
    thread_local std::vector<Line> prepared;
    prepared.resize(size_t(rowBlock / kGroupRows) * groupBytes / sizeof(Line));
    auto* prep = prepared.data()->b;
    int64_t blockStart = 0;
    forEachTile<kMr, kNtPrepared>(
        nRows, nTok, rowBlock,
        [&](int64_t r0, int64_t r1) {
            blockStart = r0;
            for (int64_t r = r0; r < r1; r += kGroupRows) {
                prepareGroup<T>(w + size_t(r) * wStride, wStride, int(std::min<int64_t>(kGroupRows, r1 - r)), nSb,
                                prep + size_t((r - r0) / kGroupRows) * groupBytes);
            }
        },
        [&](int64_t r, int64_t t, int mr, int nt) {
            const int groups = (mr + kGroupRows - 1) / kGroupRows;
            kTilesPrepared[size_t(groups - 1)][size_t(nt - 1)](prep + size_t((r - blockStart) / kGroupRows) * groupBytes,
                                                               groupBytes, x + size_t(t) * xStride, xStride, nSb,
                                                               y + size_t(t) * ldy + size_t(r), ldy, mr);
        });
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q6_K, GgmlType::Q8_K, packedRowBytesK, packK<GgmlType::Q6_K>, gemmK<GgmlType::Q6_K>},
    {GgmlType::Q3_K, GgmlType::Q8_K, packedRowBytesK, packK<GgmlType::Q3_K>, gemmK<GgmlType::Q3_K>},
};

}  // namespace

std::span<const GemmKernels> gemmQ6kAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
