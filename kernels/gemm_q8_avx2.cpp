// AVX2 tile kernels (kernels/gemm.h) for Q4_0 and Q8_0 weights x Q8_0 activations (also the tiles of the AVX-512
// ISA without VNNI). Only the gemm_*avx2.cpp files are compiled with -mavx2 -mfma -mf16c.
//
// Per 32-element block the dot product is exact in integers (format_q4_0.h, format_q8_0.h):
//   Q4_0: d_w d_x sum_j (q_j - 8) x_j = d_w d_x (sum_j q_j x_j - 8 sum_j x_j),  q_j the unsigned nibbles
//   Q8_0: d_w d_x sum_j w_j x_j
// Q4_0's nibbles are unsigned, as vpmaddubsw wants its first operand (pairs <= 2 * 15 * 127, no saturation); the
// -8 offset is one add of the packed -sum x in each of the 8 int32 lanes (8 lanes x -sum x = -8 sum x). Q8_0
// weights are signed: |w| against x with w's sign (pairs <= 2 * 128 * 127: Q8_0 activations never hold -128).
//
//   packed activation block (40 bytes, kPackedBytes), one per Q8_0 block:
//     bytes  0..31  the 32 int8 quants
//     bytes 32..35  d_x as F32 (converted once, not once per weight row)
//     bytes 36..39  int32 -sum of the quants (Q4_0's offset)
//
// A tile is MR rows x NT tokens: each weight block is unpacked once for the NT tokens, each activation block loaded
// once for the MR rows, one F32 accumulator of 8 lanes per (row, token), horizontal sums only at the end. The
// per-row kernels of the kernel table (one row, one block at a time, a horizontal sum per row) streamed Q4_0 at
// ~3 GB/s per thread from memory here; this is what token generation and prompts on AVX2 machines run instead.
#include <immintrin.h>

#include <cstring>

#include "kernels/format_q4_0.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kPackedBytes = 40;      // bytes per packed activation block
constexpr int64_t kDxAt = 32;             // offset of d_x
constexpr int64_t kNegSumAt = 36;         // offset of -sum x
constexpr int64_t kPrefetchBytes = 12288;  // batch 1: prefetch distance along a weight row
constexpr int kMr = 4;                    // weight rows per tile
constexpr int kNt = 2;                    // tokens per tile (16 ymm registers: 8 accumulators)
constexpr size_t kL2Budget = 192 * 1024;  // weight bytes per row block (stay in L2 across token tiles)

template <GgmlType T>
constexpr int64_t kBlockBytes = T == GgmlType::Q4_0 ? int64_t(sizeof(BlockQ4_0)) : int64_t(sizeof(BlockQ8_0));

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
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[MR][NT];
    for (auto& row : acc) {
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        __m256i xq[NT], negSum[NT];
        __m256 dx[NT];
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xb = x + size_t(t) * xStride + b * kPackedBytes;
            xq[t] = load256(xb);
            dx[t] = _mm256_set1_ps(loadF32(xb + kDxAt));
            negSum[t] = _mm256_set1_epi32(T == GgmlType::Q4_0 ? loadI32(xb + kNegSumAt) : 0);
        }
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wb = w + size_t(r) * wStride + b * bb;
            // Token generation streams the weights from memory: ask for them a little ahead of use.
            if constexpr (NT == 1) _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes), _MM_HINT_T0);
            const __m256 dw = _mm256_set1_ps(halfAt(wb));
            // Q4_0: the nibbles, elements 0..15 low and 16..31 high: [low | high] in element order. Q8_0: the
            // weights and their magnitudes.
            __m256i q = _mm256_setzero_si256(), u;
            if constexpr (T == GgmlType::Q4_0) {
                const __m128i packed = load128(wb + 2);
                u = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), m4);
            } else {
                q = load256(wb + 2);
                u = _mm256_sign_epi8(q, q);
            }
            for (int t = 0; t < NT; ++t) {
                __m256i isum;
                if constexpr (T == GgmlType::Q4_0) {
                    isum = _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(u, xq[t]), ones), negSum[t]);
                } else {
                    isum = _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_sign_epi8(xq[t], q)), ones);
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
};

}  // namespace

std::span<const GemmKernels> gemmQ8Avx2Table() { return kTable; }

}  // namespace hearth::kernels
