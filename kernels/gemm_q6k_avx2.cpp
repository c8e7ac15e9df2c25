// AVX2 tile kernels (kernels/gemm.h) for Q6_K and Q3_K weights x Q8_K activations. Only this file is compiled with
// -mavx2 -mfma -mf16c; gemm.cpp uses gemmQ6kAvx2Table() on AVX2 and AVX-512-without-VNNI machines.
//
// The activations are the Q8_K rows as quantizeAct writes them (pack is nullptr). Levels are kept unsigned,
// u = level + off (Q6_K: 0..63, off 32; Q3_K: 0..7, off 4), for vpmaddubsw; per 32-element chunk (two sub-blocks
// of 16), vpmaddubsw gives int16 pair sums (at most 2 * 63 * 127, no saturation) and vpmaddwd multiplies them by
// the two sub-blocks' scales into int32; the offset is removed once per super-block with the Q8_K sums:
// sum_i sc_i * (-off) * bsum_i, one more vpmaddwd. The super-block's int32 sum is converted once and scaled by
// d_w * d_x into F32 lanes, summed horizontally at the end of the row.
//
// Unpacking a super-block costs about as much as its dot products with two tokens, so: at batch 1 (and up to
// kPrepareMinTokens) the tiles unpack it in registers, four rows per tile with prefetch along the rows; larger
// batches unpack a cache block of rows once into a prepared buffer and run one row x up to four tokens per tile
// over it (16 ymm registers: four F32 and four int32 accumulators plus the operands). Measured on this machine's
// AVX2 path: ~1.5x the in-register tiles at 128 tokens, ~2-3x the per-row kernels. Results equal the reference's
// exact integer sums scaled in F32, up to F32 summation order.
#ifndef __AVX2__
#error "gemm_q6k_avx2.cpp must be compiled with -mavx2"
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

constexpr int kXQs = offsetof(BlockQ8_K, qs);
constexpr int kXBsums = offsetof(BlockQ8_K, bsums);
constexpr int64_t kXBytes = sizeof(BlockQ8_K);
constexpr int64_t kPrefetchBytes = 12288;  // prefetch distance along a weight row at batch 1
constexpr int kMr = 4;                    // rows per tile (batch 1)
constexpr int kNt = 4;                    // tokens per tile (batches: one row at a time)
constexpr size_t kL2Budget = 192 * 1024;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

template <GgmlType T>
struct KQuant;

template <>
struct KQuant<GgmlType::Q6_K> {
    static constexpr int64_t kBytes = sizeof(BlockQ6_K);
    static constexpr int kDAt = offsetof(BlockQ6_K, d);
    static constexpr int16_t kOff = 32;

    // Chunk j = 4h + s (elements 128h + 32s .. +31): low nibbles (s < 2) or high nibbles of ql[64h + 32 (s % 2)
    // ..], with bits 2s..2s+1 of qh[32h + l] moved to bits 4-5 (16-bit shifts keep each byte's own bits there).
    template <int J>
    static __m256i chunk(const uint8_t* wb) {
        constexpr int h = J / 4, s = J % 4;
        const __m256i m0f = _mm256_set1_epi8(0x0f);
        const __m256i ql = load256(wb + 64 * h + 32 * (s % 2));
        const __m256i qh = load256(wb + 128 + 32 * h);
        const __m256i low = _mm256_and_si256(s < 2 ? ql : _mm256_srli_epi16(ql, 4), m0f);
        __m256i high;
        if constexpr (s == 0) high = _mm256_slli_epi16(qh, 4);
        if constexpr (s == 1) high = _mm256_slli_epi16(qh, 2);
        if constexpr (s == 2) high = qh;
        if constexpr (s == 3) high = _mm256_srli_epi16(qh, 2);
        return _mm256_or_si256(low, _mm256_and_si256(high, _mm256_set1_epi8(0x30)));
    }
    static __m128i scales(const uint8_t* wb) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb + offsetof(BlockQ6_K, scales)));
    }
};

template <>
struct KQuant<GgmlType::Q3_K> {
    static constexpr int64_t kBytes = sizeof(BlockQ3_K);
    static constexpr int kDAt = offsetof(BlockQ3_K, d);
    static constexpr int16_t kOff = 4;

    // Chunk j = 4h + s: bits 2s..2s+1 of qs[32h + l], plus bit 4h + s of hmask[l] moved to bit 2.
    template <int J>
    static __m256i chunk(const uint8_t* wb) {
        constexpr int h = J / 4, s = J % 4, b = 4 * h + s;
        const __m256i qs = load256(wb + offsetof(BlockQ3_K, qs) + 32 * h);
        const __m256i hm = load256(wb + offsetof(BlockQ3_K, hmask));
        const __m256i low = _mm256_and_si256(_mm256_srli_epi16(qs, 2 * s), _mm256_set1_epi8(0x03));
        __m256i high;
        if constexpr (b >= 2) {
            high = _mm256_srli_epi16(hm, b - 2);
        } else {
            high = _mm256_slli_epi16(hm, 2 - b);
        }
        return _mm256_or_si256(low, _mm256_and_si256(high, _mm256_set1_epi8(0x04)));
    }
    // The 16 six-bit scales minus 32 (format_q3_k.h): bytes 0..7 hold the low nibbles (scales 0..7 low, 8..15
    // high), scale i's high 2 bits are at bits 2 (i / 4) of byte 8 + i % 4.
    static __m128i scales(const uint8_t* wb) {
        const uint8_t* p = wb + offsetof(BlockQ3_K, scales);
        int32_t highWord;
        std::memcpy(&highWord, p + 8, sizeof highWord);
        const __m128i lowBytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
        const __m128i low = _mm_and_si128(_mm_unpacklo_epi64(lowBytes, _mm_srli_epi16(lowBytes, 4)),
                                          _mm_set1_epi8(0x0f));
        const __m128i highs = _mm_srlv_epi32(_mm_set1_epi32(highWord), _mm_set_epi32(6, 4, 2, 0));
        const __m128i high = _mm_slli_epi16(_mm_and_si128(highs, _mm_set1_epi8(0x03)), 4);
        return _mm_sub_epi8(_mm_or_si128(low, high), _mm_set1_epi8(32));
    }
};

// The vpmaddwd operand of chunk j: sub-block 2j's scale in the low 128-bit lane, 2j + 1's in the high one, from the
// eight int16 scales of the chunk's half (j / 4) held in both lanes.
template <int J>
inline __m256i chunkScales(__m256i halfScales) {
    constexpr int a = 2 * (J % 4), b = a + 1;
    const auto ctl = [](int k) { return static_cast<int16_t>((2 * k) | ((2 * k + 1) << 8)); };
    return _mm256_shuffle_epi8(halfScales, _mm256_set_m128i(_mm_set1_epi16(ctl(b)), _mm_set1_epi16(ctl(a))));
}

// The dot products of one weight super-block with NT tokens' Q8_K blocks, added in F32 to acc[t].
template <GgmlType T, int NT>
inline void superBlock(const uint8_t* wb, const uint8_t* const xb[NT], __m256 acc[NT]) {
    using K = KQuant<T>;
    const __m256i sc16 = _mm256_cvtepi8_epi16(K::scales(wb));
    const __m256i lowHalf = _mm256_permute4x64_epi64(sc16, 0x44);
    const __m256i highHalf = _mm256_permute4x64_epi64(sc16, 0xee);
    const __m256i bias = _mm256_mullo_epi16(sc16, _mm256_set1_epi16(int16_t(-K::kOff)));
    __m256i sum[NT];
    for (int t = 0; t < NT; ++t) sum[t] = _mm256_madd_epi16(bias, load256(xb[t] + kXBsums));
    const auto step = [&](auto j) {
        constexpr int J = decltype(j)::value;
        const __m256i q = K::template chunk<J>(wb);
        const __m256i sc = chunkScales<J>(J < 4 ? lowHalf : highHalf);
        for (int t = 0; t < NT; ++t) {
            const __m256i p = _mm256_maddubs_epi16(q, load256(xb[t] + kXQs + 32 * J));
            sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(p, sc));
        }
    };
    [&]<int... Js>(std::integer_sequence<int, Js...>) {
        (step(std::integral_constant<int, Js>()), ...);
    }(std::make_integer_sequence<int, 8>());
    const float dw = halfAt(wb + K::kDAt);
    for (int t = 0; t < NT; ++t) {
        acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[t]), _mm256_set1_ps(dw * loadF32(xb[t])), acc[t]);
    }
}

// MR rows x NT tokens: at NT == 1 the MR rows side by side (prefetching along them); otherwise one row at a time.
template <GgmlType T, int MR, int NT>
void tile(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy) {
    using K = KQuant<T>;
    if constexpr (NT == 1) {
        __m256 acc[MR];
        for (__m256& a : acc) a = _mm256_setzero_ps();
        for (int64_t b = 0; b < nSb; ++b) {
            const uint8_t* xb[1] = {x + b * kXBytes};
            for (int r = 0; r < MR; ++r) {
                const uint8_t* wb = w + size_t(r) * wStride + b * K::kBytes;
                for (int64_t o = 0; o < K::kBytes; o += 64) {
                    _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + o), _MM_HINT_T0);
                }
                superBlock<T, 1>(wb, xb, &acc[r]);
            }
        }
        for (int r = 0; r < MR; ++r) y[r] = hsum(acc[r]);
    } else {
        for (int r = 0; r < MR; ++r) {
            __m256 acc[NT];
            for (__m256& a : acc) a = _mm256_setzero_ps();
            for (int64_t b = 0; b < nSb; ++b) {
                const uint8_t* xb[NT];
                for (int t = 0; t < NT; ++t) xb[t] = x + size_t(t) * xStride + b * kXBytes;
                superBlock<T, NT>(w + size_t(r) * wStride + b * K::kBytes, xb, acc);
            }
            for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[t]);
        }
    }
}

using TileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t);

template <GgmlType T>
struct Tiles {
    template <int MR, int NT>
    static constexpr TileFn tile = kernels::tile<T, MR, NT>;
};

// Batches re-read a row's super-blocks for every token tile, so there the rows of a cache block are first unpacked
// once ("prepared", kPrepBytes per super-block: the 8 chunks of unsigned levels, their 8 vpmaddwd scale operands,
// the offset operand and d as F32) and the tiles read them from L2 with plain loads.
constexpr int64_t kPrepBytes = 8 * 32 + 8 * 32 + 32 + 32;
constexpr int kPrepScales = 256, kPrepBias = 512, kPrepD = 544;
constexpr int64_t kPrepareMinTokens = 4;
constexpr size_t kPreparedBudget = 256 * 1024;

template <GgmlType T>
void prepareRows(const uint8_t* w, size_t wStride, int64_t nRows, int64_t nSb, uint8_t* out) {
    using K = KQuant<T>;
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t b = 0; b < nSb; ++b) {
            const uint8_t* wb = w + size_t(r) * wStride + b * K::kBytes;
            uint8_t* o = out + (r * nSb + b) * kPrepBytes;
            const __m256i sc16 = _mm256_cvtepi8_epi16(K::scales(wb));
            const __m256i lowHalf = _mm256_permute4x64_epi64(sc16, 0x44);
            const __m256i highHalf = _mm256_permute4x64_epi64(sc16, 0xee);
            const auto step = [&](auto j) {
                constexpr int J = decltype(j)::value;
                _mm256_store_si256(reinterpret_cast<__m256i*>(o + 32 * J), K::template chunk<J>(wb));
                _mm256_store_si256(reinterpret_cast<__m256i*>(o + kPrepScales + 32 * J),
                                   chunkScales<J>(J < 4 ? lowHalf : highHalf));
            };
            [&]<int... Js>(std::integer_sequence<int, Js...>) {
                (step(std::integral_constant<int, Js>()), ...);
            }(std::make_integer_sequence<int, 8>());
            _mm256_store_si256(reinterpret_cast<__m256i*>(o + kPrepBias),
                               _mm256_mullo_epi16(sc16, _mm256_set1_epi16(int16_t(-K::kOff))));
            const float dw = halfAt(wb + K::kDAt);
            std::memcpy(o + kPrepD, &dw, sizeof dw);
        }
    }
}

// One prepared row x NT tokens.
template <int NT>
void tilePrepared(const uint8_t* prep, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy) {
    __m256 acc[NT];
    for (__m256& a : acc) a = _mm256_setzero_ps();
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* o = prep + b * kPrepBytes;
        const uint8_t* xb[NT];
        for (int t = 0; t < NT; ++t) xb[t] = x + size_t(t) * xStride + b * kXBytes;
        const __m256i bias = _mm256_load_si256(reinterpret_cast<const __m256i*>(o + kPrepBias));
        __m256i sum[NT];
        for (int t = 0; t < NT; ++t) sum[t] = _mm256_madd_epi16(bias, load256(xb[t] + kXBsums));
        for (int j = 0; j < 8; ++j) {
            const __m256i q = _mm256_load_si256(reinterpret_cast<const __m256i*>(o + 32 * j));
            const __m256i sc = _mm256_load_si256(reinterpret_cast<const __m256i*>(o + kPrepScales + 32 * j));
            for (int t = 0; t < NT; ++t) {
                const __m256i p = _mm256_maddubs_epi16(q, load256(xb[t] + kXQs + 32 * j));
                sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(p, sc));
            }
        }
        const float dw = loadF32(o + kPrepD);
        for (int t = 0; t < NT; ++t) {
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[t]), _mm256_set1_ps(dw * loadF32(xb[t])), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t) y[size_t(t) * ldy] = hsum(acc[t]);
}

using PreparedTileFn = void (*)(const uint8_t*, const uint8_t*, size_t, int64_t, float*, size_t);
constexpr PreparedTileFn kTilesPrepared[kNt] = {tilePrepared<1>, tilePrepared<2>, tilePrepared<3>, tilePrepared<4>};

template <GgmlType T>
void gemmK(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nSb = n / kQkK;
    if (nTok < kPrepareMinTokens) {
        constexpr auto& tiles = kTileTable<TileFn, kMr, kNt, Tiles<T>>;
        forEachTile<kMr, kNt>(nRows, nTok, rowBlockFor(wStride, kMr, kL2Budget), [](int64_t, int64_t) {},
                              [&](int64_t r, int64_t t, int mr, int nt) {
                                  tiles[size_t(mr - 1)][size_t(nt - 1)](w + size_t(r) * wStride, wStride,
                                                                        x + size_t(t) * xStride, xStride, nSb,
                                                                        y + size_t(t) * ldy + size_t(r), ldy);
                              });
        return;
    }
    const int64_t rowBlock = std::max<int64_t>(kMr, int64_t(kPreparedBudget) / (nSb * kPrepBytes) / kMr * kMr);
    // The prepared rows of the current block, per thread (callers run gemm on several threads at once).
    struct alignas(32) Line {
        uint8_t b[32];
    };
    thread_local std::vector<Line> prepared;
    prepared.resize(size_t(rowBlock * nSb * kPrepBytes) / sizeof(Line));
    uint8_t* prep = prepared.data()->b;
    int64_t blockStart = 0;
    forEachTile<kMr, kNt>(
        nRows, nTok, rowBlock,
        [&](int64_t r0, int64_t r1) {
            blockStart = r0;
            prepareRows<T>(w + size_t(r0) * wStride, wStride, r1 - r0, nSb, prep);
        },
        [&](int64_t r, int64_t t, int mr, int nt) {
            for (int i = 0; i < mr; ++i) {
                kTilesPrepared[nt - 1](prep + (r + i - blockStart) * nSb * kPrepBytes, x + size_t(t) * xStride,
                                       xStride, nSb, y + size_t(t) * ldy + size_t(r + i), ldy);
            }
        });
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q6_K, GgmlType::Q8_K, nullptr, nullptr, gemmK<GgmlType::Q6_K>},
    {GgmlType::Q3_K, GgmlType::Q8_K, nullptr, nullptr, gemmK<GgmlType::Q3_K>},
};

}  // namespace

std::span<const GemmKernels> gemmQ6kAvx2Table() { return kTable; }

}  // namespace hearth::kernels
