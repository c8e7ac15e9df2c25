// AVX2 tile kernels (kernels/gemm.h) for the 32-element block types Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL and Q8_0 x Q8_0
// activations (also the tiles of the AVX-512 ISA without VNNI). Only the gemm_*avx2.cpp files are compiled with
// -mavx2 -mfma -mf16c.
//
// Per block the integer dot product is exact, then scaled in F32 as the reference does (reference_legacy.cpp):
//   Q4_0, Q5_0:   d_w d_x (sum_j u_j x_j - o sum_j x_j),  u the unsigned 4-/5-bit codes, o = 8 / 16
//   Q4_1, Q5_1:   d_w d_x sum_j u_j x_j + m_w d_x sum_j x_j
//   IQ4_NL, Q8_0: d_w d_x sum_j v_j x_j,  v signed (IQ4_NL's levels looked up by vpshufb, Q8_0's bytes)
// Unsigned codes go straight into vpmaddubsw (pairs <= 2 * 31 * 127, no saturation); the offset -o sum x is one add
// of the packed -sum x in each of the 8 int32 lanes, o / 8 times (8 lanes x -sum x = -8 sum x). Signed weights take
// |v| against x with v's sign (pairs <= 2 * 128 * 127: Q8_0 activations never hold -128). Q5's fifth bits: the
// 32-bit qh broadcast, byte j / 8 of it moved to byte j (vpshufb), tested against bit j % 8 (vpcmpeqb), 16 where set.
//
//   packed activation block (40 bytes, kPackedBytes), one per Q8_0 block:
//     bytes  0..31  the 32 int8 quants
//     bytes 32..35  d_x as F32 (converted once, not once per weight row)
//     bytes 36..39  int32 -sum of the quants
//
// A tile is MR rows x NT tokens: each weight block is decoded once for the NT tokens, each activation block loaded
// once for the MR rows, one F32 accumulator of 8 lanes per (row, token), horizontal sums only at the end. At batch
// 1 the rows are prefetched kPrefetchBytes ahead. The per-row kernels of the kernel table (one row, one block at a
// time, a horizontal sum per row) streamed Q4_0 at ~3 GB/s per thread from memory here (HEARTH_ISA=avx2 TinyLlama
// tg 9.7 tok/s; the tile with prefetch: 26).
#include <immintrin.h>

#include <cstring>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_q4_0.h"
#include "kernels/format_q4_1.h"
#include "kernels/format_q5_0.h"
#include "kernels/format_q5_1.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kPackedBytes = 40;       // bytes per packed activation block
constexpr int64_t kDxAt = 32;              // offset of d_x
constexpr int64_t kNegSumAt = 36;          // offset of -sum x
constexpr int64_t kPrefetchBytes = 12288;  // batch 1: prefetch distance along a weight row
constexpr int kMr = 4;                     // weight rows per tile
constexpr int kNt = 2;                     // tokens per tile (16 ymm registers: 8 accumulators)
constexpr size_t kL2Budget = 192 * 1024;   // weight bytes per row block (stay in L2 across token tiles)

template <GgmlType T>
constexpr int64_t kBlockBytes = int64_t(T == GgmlType::Q4_0   ? sizeof(BlockQ4_0)
                                        : T == GgmlType::Q4_1 ? sizeof(BlockQ4_1)
                                        : T == GgmlType::Q5_0 ? sizeof(BlockQ5_0)
                                        : T == GgmlType::Q5_1 ? sizeof(BlockQ5_1)
                                        : T == GgmlType::IQ4_NL ? sizeof(BlockIq4Nl)
                                                                : sizeof(BlockQ8_0));
template <GgmlType T>
constexpr bool kHasMin = T == GgmlType::Q4_1 || T == GgmlType::Q5_1;
template <GgmlType T>
constexpr bool kHasHigh = T == GgmlType::Q5_0 || T == GgmlType::Q5_1;
template <GgmlType T>
constexpr bool kSigned = T == GgmlType::Q8_0 || T == GgmlType::IQ4_NL;
// o / 8 of the offset -o sum x (Q4_0: 8, Q5_0: 16).
template <GgmlType T>
constexpr int kOffsetEighths = T == GgmlType::Q4_0 ? 1 : T == GgmlType::Q5_0 ? 2 : 0;
// Offset of the 16 nibble bytes (all but Q8_0).
template <GgmlType T>
constexpr int64_t kQsAt = kBlockBytes<T> - 16;

// The 32 codes of a 4-/5-bit block in element order: elements 0..15 in the low nibbles, 16..31 in the high ones,
// plus (Q5) bit j of qh as 16 in element j.
template <GgmlType T>
inline __m256i codes(const uint8_t* wb) {
    const __m128i packed = load128(wb + kQsAt<T>);
    __m256i u = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), _mm256_set1_epi8(0x0f));
    if constexpr (kHasHigh<T>) {
        const __m256i qh = _mm256_set1_epi32(loadI32(wb + kQsAt<T> - 4));
        const __m256i spread = _mm256_shuffle_epi8(
            qh, _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303));
        const __m256i bit = _mm256_set1_epi64x(int64_t(0x8040201008040201));
        const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
        u = _mm256_or_si256(u, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
    }
    return u;
}

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

size_t packedRowBytesQ8(int64_t n) { return size_t((n / kQ8_0BlockElems * kPackedBytes + 63) / 64 * 64); }

void packQ8(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQ8_0BlockElems;
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* xb = src + b * int64_t(sizeof(BlockQ8_0));
        uint8_t* o = out + b * kPackedBytes;
        std::memcpy(o, xb + offsetof(BlockQ8_0, qs), kQ8_0BlockElems);
        int32_t sum = 0;
        for (int j = 0; j < kQ8_0BlockElems; ++j) sum += int8_t(xb[offsetof(BlockQ8_0, qs) + size_t(j)]);
        storeF32(o + kDxAt, halfAt(xb));
        const int32_t neg = -sum;
        std::memcpy(o + kNegSumAt, &neg, 4);
    }
    const size_t used = size_t(nb * kPackedBytes);
    std::memset(out + used, 0, packedRowBytesQ8(n) - used);
}

// MR rows x NT tokens over the blocks of a row: y[t * ldy + r] = dot(row r, token t).
template <GgmlType T, int MR, int NT>
void tileQ8(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    constexpr int64_t bb = kBlockBytes<T>;
    const int64_t nb = n / kQ8_0BlockElems;
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i levels = _mm256_broadcastsi128_si256(load128(reinterpret_cast<const uint8_t*>(kIq4NlLevels)));
    __m256 acc[MR][NT];
    for (auto& row : acc) {
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        __m256i xq[NT], negSum[NT];
        __m256 dx[NT], negSum8[NT];
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xb = x + size_t(t) * xStride + b * kPackedBytes;
            xq[t] = load256(xb);
            dx[t] = _mm256_set1_ps(loadF32(xb + kDxAt));
            negSum[t] = _mm256_set1_epi32(kSigned<T> ? 0 : loadI32(xb + kNegSumAt));
            // Q4_1, Q5_1: -sum x / 8 in each lane (exact: sum x is a small integer), for m_w d_x sum x.
            negSum8[t] = kHasMin<T> ? _mm256_mul_ps(_mm256_cvtepi32_ps(negSum[t]), _mm256_set1_ps(0.125f))
                                    : _mm256_setzero_ps();
        }
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wb = w + size_t(r) * wStride + b * bb;
            // Token generation streams the weights from memory: ask for them a little ahead of use.
            if constexpr (NT == 1) _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes), _MM_HINT_T0);
            const __m256 dw = _mm256_set1_ps(halfAt(wb));
            __m256 negMw = _mm256_setzero_ps();
            if constexpr (kHasMin<T>) negMw = _mm256_set1_ps(-halfAt(wb + 2));
            // The codes (unsigned) or the weights and their magnitudes (signed).
            __m256i q = _mm256_setzero_si256(), u;
            if constexpr (T == GgmlType::Q8_0) {
                q = load256(wb + 2);
                u = _mm256_sign_epi8(q, q);
            } else if constexpr (T == GgmlType::IQ4_NL) {
                q = _mm256_shuffle_epi8(levels, codes<T>(wb));
                u = _mm256_sign_epi8(q, q);
            } else {
                u = codes<T>(wb);
            }
            for (int t = 0; t < NT; ++t) {
                __m256i isum;
                if constexpr (kSigned<T>) {
                    isum = _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_sign_epi8(xq[t], q)), ones);
                } else {
                    isum = _mm256_madd_epi16(_mm256_maddubs_epi16(u, xq[t]), ones);
                    for (int k = 0; k < kOffsetEighths<T>; ++k) isum = _mm256_add_epi32(isum, negSum[t]);
                }
                if constexpr (kHasMin<T>) {
                    acc[r][t] = _mm256_fmadd_ps(negSum8[t], _mm256_mul_ps(negMw, dx[t]), acc[r][t]);
                }
                acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(dw, dx[t]), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

template <GgmlType T>
struct Q8Tiles {
    template <int MR, int NT>
    static constexpr PlainTileFn tile = tileQ8<T, MR, NT>;
};

template <GgmlType T>
void gemmQ8(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
            float* y, size_t ldy) {
    gemmWithTiles<kMr, kNt>(kTileTable<PlainTileFn, kMr, kNt, Q8Tiles<T>>, kL2Budget, w, wStride, nRows, x, xStride,
                            nTok, n, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q8_0, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::Q8_0>},
    {GgmlType::Q4_0, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::Q4_0>},
    {GgmlType::Q4_1, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::Q4_1>},
    {GgmlType::Q5_0, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::Q5_0>},
    {GgmlType::Q5_1, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::Q5_1>},
    {GgmlType::IQ4_NL, GgmlType::Q8_0, packedRowBytesQ8, packQ8, gemmQ8<GgmlType::IQ4_NL>},
};

}  // namespace

std::span<const GemmKernels> gemmQ8Avx2Table() { return kTable; }

}  // namespace hearth::kernels
