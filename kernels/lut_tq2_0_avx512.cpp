// The TQ2_0 lookup-table kernel (kernels/lut_tq2_0_avx512.h). The only file built with these flags that holds it.
#ifndef __AVX512BW__
#error "lut_tq2_0_avx512.cpp must be compiled with -mavx512bw"
#endif

#include "kernels/lut_tq2_0_avx512.h"

#include <immintrin.h>

#include <cstring>

#include "kernels/format_q8_k.h"
#include "kernels/format_tq2_0.h"
#include "kernels/fp16.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kLutBlockBytes = 4160;  // 16 m x 2 nibbles x 2 planes x 64 bytes, then a 64-byte header
constexpr int64_t kLutHeaderAt = 4096;
constexpr int kRows = 16;                 // rows per tile: one per byte of a 16-byte shuffle lane
constexpr int64_t kWBlock = sizeof(BlockTq2_0);
constexpr int64_t kPrefetchBytes = 2048;  // prefetch distance along each of the 16 rows

inline const uint8_t* tableAt(const uint8_t* block, int m, int p, int plane) {
    return block + ((m * 2 + p) * 2 + plane) * 64;
}

// 16 registers of 16 x 16 bytes per lane, transposed in place lane by lane: afterwards v[m] lane c byte i is the
// former v[i] lane c byte m. Four rounds of interleaves (8, 16, 32, 64 bits); the index bookkeeping is in the
// comments of each round.
[[gnu::always_inline]] inline void transpose16(__m512i v[16]) {
    __m512i a[16], b[16], c[16];
    for (int k = 0; k < 8; ++k) {  // a[k]: rows 2k, 2k+1 as 16-bit pairs, cols 0..7; a[k + 8]: cols 8..15
        a[k] = _mm512_unpacklo_epi8(v[2 * k], v[2 * k + 1]);
        a[k + 8] = _mm512_unpackhi_epi8(v[2 * k], v[2 * k + 1]);
    }
    for (int k = 0; k < 4; ++k) {  // b[4g + k]: rows 4k..4k+3 as 32-bit groups, cols 4g..4g+3
        b[k] = _mm512_unpacklo_epi16(a[2 * k], a[2 * k + 1]);
        b[k + 4] = _mm512_unpackhi_epi16(a[2 * k], a[2 * k + 1]);
        b[k + 8] = _mm512_unpacklo_epi16(a[8 + 2 * k], a[9 + 2 * k]);
        b[k + 12] = _mm512_unpackhi_epi16(a[8 + 2 * k], a[9 + 2 * k]);
    }
    for (int g = 0; g < 4; ++g) {  // c[4g + 0/1]: rows 0..7, cols 4g, 4g+1 / 4g+2, 4g+3; c[4g + 2/3]: rows 8..15
        c[4 * g] = _mm512_unpacklo_epi32(b[4 * g], b[4 * g + 1]);
        c[4 * g + 1] = _mm512_unpackhi_epi32(b[4 * g], b[4 * g + 1]);
        c[4 * g + 2] = _mm512_unpacklo_epi32(b[4 * g + 2], b[4 * g + 3]);
        c[4 * g + 3] = _mm512_unpackhi_epi32(b[4 * g + 2], b[4 * g + 3]);
    }
    for (int g = 0; g < 4; ++g) {  // v[col]: rows 0..15
        v[4 * g] = _mm512_unpacklo_epi64(c[4 * g], c[4 * g + 2]);
        v[4 * g + 1] = _mm512_unpackhi_epi64(c[4 * g], c[4 * g + 2]);
        v[4 * g + 2] = _mm512_unpacklo_epi64(c[4 * g + 1], c[4 * g + 3]);
        v[4 * g + 3] = _mm512_unpackhi_epi64(c[4 * g + 1], c[4 * g + 3]);
    }
}

// 16 int16 per lane of 4: lane c holds 8 row sums (rows 0..7 or 8..15). Returns the 8 sums over the 4 lanes
// as int32 in both 256-bit halves' positions: [rows of lanes 0 + 2 | rows of lanes 1 + 3] widened and added.
inline __m512i widenLanes(__m512i acc) {
    const __m512i x0 = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(acc));       // lanes 0, 1
    const __m512i x1 = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(acc, 1));  // lanes 2, 3
    return _mm512_add_epi32(x0, x1);
}

// Rows [0, mr) of a 16-row tile (mr <= 16; missing rows read as zero codes and are not stored).
void tile16(const uint8_t* w, size_t wStride, int mr, const uint8_t* tables, int64_t nb, float* y) {
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    const __mmask16 rowMask = static_cast<__mmask16>((1u << mr) - 1u);
    // Offsets of the 16 rows' F16 scales, read as the 32-bit word ending with them (bytes 62..65 of a block).
    const __m512i dOffsets = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                                                                   11, 12, 13, 14, 15),
                                                                 _mm512_set1_epi32(int(wStride))),
                                              _mm512_set1_epi32(62));
    __m512 acc = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* tb = tables + b * kLutBlockBytes;
        __m512i v[16];
        for (int i = 0; i < kRows; ++i) {
            const uint8_t* wb = w + size_t(i) * wStride + b * kWBlock;
            if (i < mr) {
                _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes), _MM_HINT_T0);
                v[i] = _mm512_loadu_si512(wb);
            } else {
                v[i] = _mm512_setzero_si512();
            }
        }
        transpose16(v);
        __m512i accLo = _mm512_setzero_si512();  // int16: lane c, rows 0..7 (at most 32 sums of <= 762)
        __m512i accHi = _mm512_setzero_si512();  // rows 8..15
        for (int m = 0; m < 16; ++m) {
            const __m512i idx[2] = {_mm512_and_si512(v[m], m4), _mm512_and_si512(_mm512_srli_epi16(v[m], 4), m4)};
            for (int p = 0; p < 2; ++p) {
                const __m512i lo = _mm512_shuffle_epi8(_mm512_load_si512(tableAt(tb, m, p, 0)), idx[p]);
                const __m512i hi = _mm512_shuffle_epi8(_mm512_load_si512(tableAt(tb, m, p, 1)), idx[p]);
                accLo = _mm512_add_epi16(accLo, _mm512_unpacklo_epi8(lo, hi));
                accHi = _mm512_add_epi16(accHi, _mm512_unpackhi_epi8(lo, hi));
            }
        }
        // Per row: the sum over the 4 lanes, minus the activation sum (codes t mean t - 1).
        const __m512i sLo = widenLanes(accLo);  // [rows 0..7 | rows 0..7]
        const __m512i sHi = widenLanes(accHi);  // [rows 8..15 | rows 8..15]
        __m512i rows = _mm512_add_epi32(_mm512_shuffle_i64x2(sLo, sHi, _MM_SHUFFLE(1, 0, 1, 0)),
                                        _mm512_shuffle_i64x2(sLo, sHi, _MM_SHUFFLE(3, 2, 3, 2)));
        int32_t total;
        float dx;
        std::memcpy(&dx, tb + kLutHeaderAt, sizeof dx);
        std::memcpy(&total, tb + kLutHeaderAt + 4, sizeof total);
        rows = _mm512_sub_epi32(rows, _mm512_set1_epi32(total));
        const __m512i dWords = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), rowMask, dOffsets,
                                                           w + b * kWBlock, 1);
        const __m512 dw = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dWords, 16)));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(rows), _mm512_mul_ps(dw, _mm512_set1_ps(dx)), acc);
    }
    _mm512_mask_storeu_ps(y, rowMask, acc);
}

}  // namespace

size_t lutTq2_0TableBytes(int64_t n) { return size_t(n / kQkK * kLutBlockBytes); }

void lutTq2_0BuildTables(const void* q8kRow, void* tables, int64_t n) {
    const auto* src = static_cast<const uint8_t*>(q8kRow);
    auto* out = static_cast<uint8_t*>(tables);
    // Entry i of a table: (i & 3) * x0 + (i >> 2) * x1.
    const __m256i c0 = _mm256_setr_epi16(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
    const __m256i c1 = _mm256_setr_epi16(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ8_K x;
        std::memcpy(&x, src + b * int64_t(sizeof x), sizeof x);
        uint8_t* tb = out + b * kLutBlockBytes;
        for (int m = 0; m < 16; ++m) {
            for (int p = 0; p < 2; ++p) {
                for (int c = 0; c < 4; ++c) {
                    const int e0 = 128 * (c / 2) + 64 * p + 16 * (c % 2) + m;
                    const __m256i e = _mm256_add_epi16(_mm256_mullo_epi16(c0, _mm256_set1_epi16(x.qs[e0])),
                                                       _mm256_mullo_epi16(c1, _mm256_set1_epi16(x.qs[e0 + 32])));
                    _mm_store_si128(reinterpret_cast<__m128i*>(tb + ((m * 2 + p) * 2 + 0) * 64 + 16 * c),
                                    _mm256_cvtepi16_epi8(e));
                    _mm_store_si128(reinterpret_cast<__m128i*>(tb + ((m * 2 + p) * 2 + 1) * 64 + 16 * c),
                                    _mm256_cvtepi16_epi8(_mm256_srai_epi16(e, 8)));
                }
            }
        }
        int32_t total = 0;
        for (const int16_t s : x.bsums) total += s;
        std::memset(tb + kLutHeaderAt, 0, size_t(kLutBlockBytes - kLutHeaderAt));
        std::memcpy(tb + kLutHeaderAt, &x.d, sizeof x.d);
        std::memcpy(tb + kLutHeaderAt + 4, &total, sizeof total);
    }
}

void lutTq2_0Gemv(const void* w, size_t wStride, int64_t nRows, const void* tables, int64_t n, float* y) {
    const auto* wr = static_cast<const uint8_t*>(w);
    const auto* tb = static_cast<const uint8_t*>(tables);
    for (int64_t r = 0; r < nRows; r += kRows) {
        const int mr = int(nRows - r < kRows ? nRows - r : kRows);
        tile16(wr + size_t(r) * wStride, wStride, mr, tb, n / kQkK, y + r);
    }
}

}  // namespace hearth::kernels
