// AVX2 tile kernels (kernels/gemm.h) for Q4_K and Q5_K weights x Q8_K activations (also the tiles of the AVX-512
// ISA without VNNI). Only the gemm_*avx2.cpp files are compiled with -mavx2 -mfma -mf16c.
//
// Per super-block (256 weights, 8 sub-blocks of 32) the dot product is, exactly in integers (format_q4_k.h):
//   d_x * (d * sum_i sc_i * sum_{j in i} q_j xq_j  -  dmin * sum_i m_i * xsum_i)
// A 32-byte load p of qs holds sub-block 2p in its low nibbles and 2p + 1 in its high ones, so the activations keep
// Q8_K's element order; pack() only appends what the tile would otherwise recompute per row:
//
//   packed activation super-block (320 bytes, kPackedBytes):
//     bytes   0..255  the 256 int8 quants as in Q8_K
//     bytes 256..271  xsum_i: 8 int16 sums of the 32 activations of sub-block i (from the Q8_K bsums)
//     bytes 272..275  d_x (F32), then zeros
//
// Per (row, token, sub-block): vpmaddubsw (unsigned nibbles x signed activations, pairs to int16; |pair| <= 2 * 31
// * 127, no saturation), vpmaddwd with the sub-block scale broadcast as int16 (pairs to int32), one add; per
// super-block one conversion and one FMA with d * d_x, and the minimum term as one vpmaddwd of the 8 mins with the
// 8 xsums, one conversion and one FMA with -dmin * d_x. The nibble unpacking and scale broadcasts are shared by the
// tile's NT tokens, the activation loads by its MR rows; horizontal sums only at the end.
#include <immintrin.h>

#include <cstring>

#include "kernels/format_q4_k.h"
#include "kernels/format_q5_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kPackedBytes = 320;     // bytes per packed activation super-block
constexpr int64_t kXsumAt = 256;          // offset of the 8 int16 sub-block sums in it
constexpr int64_t kDxAt = 272;            // offset of d_x
constexpr int64_t kPrefetchBytes = 12288;  // prefetch distance along a weight row at batch 1
constexpr int kMr = 4;                    // weight rows per tile
constexpr int kNt = 2;                    // tokens per tile (16 ymm registers: 8 accumulators)
constexpr size_t kL2Budget = 192 * 1024;  // weight bytes per row block (stay in L2 across token tiles)

template <bool Q5>
constexpr int64_t kBlockBytes = Q5 ? int64_t(sizeof(BlockQ5_K)) : int64_t(sizeof(BlockQ4_K));
template <bool Q5>
constexpr int64_t kQsAt = Q5 ? 48 : 16;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

size_t packedRowBytesK(int64_t n) { return size_t(n / kQkK * kPackedBytes); }

void packK(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        const uint8_t* xb = src + b * int64_t(sizeof(BlockQ8_K));
        uint8_t* o = out + b * kPackedBytes;
        std::memcpy(o, xb + offsetof(BlockQ8_K, qs), kQkK);
        int32_t sums[8];
        q8kSubBlockSums(xb, sums);
        int16_t xsum[8];
        for (int i = 0; i < 8; ++i) xsum[i] = static_cast<int16_t>(sums[i]);
        std::memcpy(o + kXsumAt, xsum, sizeof xsum);
        std::memcpy(o + kDxAt, xb, sizeof(float));
        std::memset(o + kDxAt + 4, 0, size_t(kPackedBytes - kDxAt - 4));
    }
}

// Q4_K / Q5_K's eight 6-bit scales and minimums (kQuantScaleMin), unpacked 4 at a time with 32-bit masks, as int16:
// the scales in both 128-bit lanes, the minimums in the low lane (the high lane 0).
inline void scalesMins(const uint8_t* packed, __m256i& scales, __m256i& mins) {
    uint32_t u[3];
    std::memcpy(u, packed, sizeof u);
    const uint32_t sc03 = u[0] & 0x3f3f3f3fu;
    const uint32_t m03 = u[1] & 0x3f3f3f3fu;
    const uint32_t sc47 = (u[2] & 0x0f0f0f0fu) | (((u[0] >> 6) & 0x03030303u) << 4);
    const uint32_t m47 = ((u[2] >> 4) & 0x0f0f0f0fu) | (((u[1] >> 6) & 0x03030303u) << 4);
    scales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, int(sc47), int(sc03))));
    mins = _mm256_zextsi128_si256(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, int(m47), int(m03))));
}

// Scale j of `scales` (8 int16 in each lane) in every int16 lane.
inline __m256i pickScale(__m256i scales, int j) {
    return _mm256_shuffle_epi8(scales, _mm256_set1_epi16(static_cast<int16_t>((2 * j) | ((2 * j + 1) << 8))));
}

// MR rows x NT tokens over the super-blocks of a row: y[t * ldy + r] = dot(row r, token t).
template <bool Q5, int MR, int NT>
void tileK(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    constexpr int64_t bb = kBlockBytes<Q5>;
    const int64_t nb = n / kQkK;
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256 acc[MR][NT];
    for (auto& row : acc) {
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        for (int r = 0; r < MR; ++r) {
            const uint8_t* wb = w + size_t(r) * wStride + b * bb;
            // Token generation streams the weights from memory: ask for them a little ahead of use.
            if constexpr (NT == 1) {
                for (int64_t o = 0; o < bb; o += 64) {
                    _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + o), _MM_HINT_T0);
                }
            }
            __m256i scales, mins;
            scalesMins(wb + 4, scales, mins);
            __m256i hbits = _mm256_setzero_si256();
            if constexpr (Q5) hbits = load256(wb + 16);
            __m256i isum[NT];
            for (__m256i& s : isum) s = _mm256_setzero_si256();
            for (int p = 0; p < 4; ++p) {
                const __m256i q = load256(wb + kQsAt<Q5> + 32 * p);
                __m256i lo = _mm256_and_si256(q, m4);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
                if constexpr (Q5) {
                    // Bit 2p of qh[l] is the 5th bit of the low-nibble element, bit 2p + 1 of the high one.
                    const __m256i one = _mm256_set1_epi8(1);
                    lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(hbits, one), 4));
                    hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 1), one), 4));
                    hbits = _mm256_srli_epi16(hbits, 2);
                }
                const __m256i sLo = pickScale(scales, 2 * p);
                const __m256i sHi = pickScale(scales, 2 * p + 1);
                for (int t = 0; t < NT; ++t) {
                    const uint8_t* xq = x + size_t(t) * xStride + b * kPackedBytes + 64 * p;
                    const __m256i dLo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, load256(xq)), sLo);
                    const __m256i dHi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, load256(xq + 32)), sHi);
                    isum[t] = _mm256_add_epi32(isum[t], _mm256_add_epi32(dLo, dHi));
                }
            }
            const __m256 d = _mm256_set1_ps(_cvtsh_ss(loadU16(wb)));
            const __m256 negDmin = _mm256_set1_ps(-_cvtsh_ss(loadU16(wb + 2)));
            for (int t = 0; t < NT; ++t) {
                const uint8_t* xb = x + size_t(t) * xStride + b * kPackedBytes;
                const __m256 dx = _mm256_set1_ps(loadF32(xb + kDxAt));
                acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(d, dx), acc[r][t]);
                const __m256i msum = _mm256_madd_epi16(mins, _mm256_broadcastsi128_si256(load128(xb + kXsumAt)));
                acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(msum), _mm256_mul_ps(negDmin, dx), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

template <bool Q5>
struct KTiles {
    template <int MR, int NT>
    static constexpr PlainTileFn tile = tileK<Q5, MR, NT>;
};

template <bool Q5>
void gemmK(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    gemmWithTiles<kMr, kNt>(kTileTable<PlainTileFn, kMr, kNt, KTiles<Q5>>, kL2Budget, w, wStride, nRows, x, xStride,
                            nTok, n, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q4_K, GgmlType::Q8_K, packedRowBytesK, packK, gemmK<false>},
    {GgmlType::Q5_K, GgmlType::Q8_K, packedRowBytesK, packK, gemmK<true>},
};

}  // namespace

std::span<const GemmKernels> gemmQ4kAvx2Table() { return kTable; }

}  // namespace hearth::kernels
