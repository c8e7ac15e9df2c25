// AVX2 tile kernels (kernels/gemm.h) for IQ4_XS weights x Q8_K activations (also the tiles of the AVX-512 ISA
// without VNNI). Only the gemm_*avx2.cpp files are compiled with -mavx2 -mfma -mf16c.
//
// Per super-block the dot product is, exactly in integers (format_iq4_xs.h):
//   d_x * d * sum_i (ls_i - 32) * sum_{j in i} kIq4NlLevels[q_j] * xq_j
// Sub-block i's 16 bytes hold its elements 0..15 in the low nibbles and 16..31 in the high ones, so [low | high]
// is element order and the Q8_K activations are read as they are (no pack). The levels come from vpshufb; being
// signed, they go into vpmaddubsw as magnitudes against the activations with the levels' signs (pairs <= 2 * 127 *
// 127), then vpmaddwd with the sub-block's scale as int16 (|scale| <= 32: no overflow), one int32 sum per
// super-block, converted once and scaled by d * d_x as in the per-row kernel. A tile is MR rows x NT tokens: the
// decoding is shared by the NT tokens, each activation load by the MR rows, and the horizontal sums are left to the
// end. At batch 1 the rows are prefetched kPrefetchBytes ahead.
#include <immintrin.h>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_iq4_xs.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kBlockBytes = sizeof(BlockIq4Xs);
constexpr int64_t kActBytes = sizeof(BlockQ8_K);
constexpr int64_t kActQsAt = offsetof(BlockQ8_K, qs);
constexpr int64_t kPrefetchBytes = 12288;  // batch 1: prefetch distance along a weight row
constexpr int kMr = 4;                     // weight rows per tile
constexpr int kNt = 2;                     // tokens per tile (8 accumulators of the 16 ymm registers)
constexpr size_t kL2Budget = 192 * 1024;   // weight bytes per row block (stay in L2 across token tiles)

// MR rows x NT tokens over the super-blocks of a row: y[t * ldy + r] = dot(row r, token t).
template <int MR, int NT>
void tileIq4Xs(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    const int64_t nb = n / kQkK;
    const __m256i levels = _mm256_broadcastsi128_si256(load128(reinterpret_cast<const uint8_t*>(kIq4NlLevels)));
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256 acc[MR][NT];
    for (auto& row : acc) {
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wb = w + size_t(r) * wStride + b * kBlockBytes;
            if constexpr (NT == 1) {
                for (int64_t o = 0; o < kBlockBytes; o += 64) {
                    _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + o), _MM_HINT_T0);
                }
            }
            const unsigned scalesH = loadU16(wb + offsetof(BlockIq4Xs, scalesH));
            __m256i isum[NT];
            for (__m256i& s : isum) s = _mm256_setzero_si256();
            for (int i = 0; i < 8; ++i) {
                const int ls = int(((wb[offsetof(BlockIq4Xs, scalesL) + size_t(i / 2)] >> (4 * (i % 2))) & 15u) |
                                   (((scalesH >> (2 * i)) & 3u) << 4)) - 32;
                const __m128i packed = load128(wb + offsetof(BlockIq4Xs, qs) + 16 * i);
                const __m256i v = _mm256_shuffle_epi8(
                    levels, _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), m4));
                const __m256i u = _mm256_sign_epi8(v, v);
                const __m256i scale = _mm256_set1_epi16(int16_t(ls));
                for (int t = 0; t < NT; ++t) {
                    const __m256i xq = load256(x + size_t(t) * xStride + b * kActBytes + kActQsAt + 32 * i);
                    isum[t] = _mm256_add_epi32(
                        isum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_sign_epi8(xq, v)), scale));
                }
            }
            const float d = halfAt(wb);
            for (int t = 0; t < NT; ++t) {
                const float dx = loadF32(x + size_t(t) * xStride + b * kActBytes);
                acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * d), _mm256_cvtepi32_ps(isum[t]), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

struct Iq4XsTiles {
    template <int MR, int NT>
    static constexpr PlainTileFn tile = tileIq4Xs<MR, NT>;
};

void gemmIq4Xs(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
               float* y, size_t ldy) {
    gemmWithTiles<kMr, kNt>(kTileTable<PlainTileFn, kMr, kNt, Iq4XsTiles>, kL2Budget, w, wStride, nRows, x, xStride,
                            nTok, n, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::IQ4_XS, GgmlType::Q8_K, nullptr, nullptr, gemmIq4Xs},
};

}  // namespace

std::span<const GemmKernels> gemmIq4XsAvx2Table() { return kTable; }

}  // namespace hearth::kernels
