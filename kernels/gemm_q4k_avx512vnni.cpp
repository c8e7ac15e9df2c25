// AVX-512 + VNNI tile kernels (kernels/gemm.h) for Q4_K and Q5_K weights x Q8_K activations. Only this file (and
// its siblings gemm_*avx512vnni.cpp) is compiled with the AVX-512 and VNNI flags; gemm.cpp calls
// gemmQ4kAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Per super-block (256 weights, 8 sub-blocks of 32) the dot product is, exactly in integers (format_q4_k.h):
//   d_x * (d * sum_i sc_i * sum_{j in i} q_j xq_j  -  dmin * sum_i m_i * xsum_i)
// A 64-byte load of qs holds sub-blocks (0, 2) in its low nibbles and (1, 3) in its high ones (the next 64 bytes
// the same for 4..7), so each activation super-block is packed once into the matching order:
//
//   packed activation super-block (320 bytes, kPackedBytes):
//     bytes   0..63   A: sub-blocks 0 | 2   (32 bytes each)      matched by the low nibbles of qs[0..63]
//     bytes  64..127  B: sub-blocks 1 | 3                        high nibbles of qs[0..63]
//     bytes 128..191  C: sub-blocks 4 | 6                        low nibbles of qs[64..127]
//     bytes 192..255  D: sub-blocks 5 | 7                        high nibbles of qs[64..127]
//     bytes 256..271  xsum_i: 8 int16 sums of the 32 activations of sub-block i (from the Q8_K bsums)
//     bytes 272..275  d_x (F32), then zeros
//
// Per (row, token, super-block): four vpdpbusd from zero (unsigned levels x signed activations) give int32 lanes of
// 4-element dots, |v| <= 4 * 31 * 127 < 2^15, so two vpackssdw pack the four results exactly into two vectors of
// int16 (per 128-bit lane: 4 dots of one sub-block, then 4 of another) and one vpmaddwd + one vpdpwssd multiply
// them by their sub-block scales (int16) and sum them into one int32 vector: 6 multiply instructions per
// super-block instead of 8 with a scale multiply per chunk, and 2 scale vectors per row instead of 4. One
// conversion and one FMA with d * d_x add the sum to the row's F32 accumulator (horizontal sums only at the end).
// Everything that depends only on the row (nibbles, scale vectors) is shared by the tile's NT tokens, and the
// 16-byte super-block headers (d, dmin, 12 bytes of 6-bit scales/mins) of the tile's 4 rows are decoded together,
// one row per 128-bit lane. The minimum term of the 4 rows is one vpdpwssd per token: row r's 8 mins (int16, lane
// r) times the token's 8 xsums (in every lane), accumulated in F32 per token with -dmin * d_x per lane.
#ifndef __AVX512VNNI__
#error "gemm_q4k_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/format_q4_k.h"
#include "kernels/format_q5_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kPackedBytes = 320;     // bytes per packed activation super-block
constexpr int64_t kXsumAt = 256;          // offset of the 8 int16 sub-block sums in it
constexpr int64_t kDxAt = 272;            // offset of d_x
constexpr int64_t kPrefetchBytes = 4096;  // prefetch distance along a weight row at batch 1
constexpr int kMr = 4;                    // weight rows per tile (one per 128-bit lane of the header vector)
constexpr int kNt = 4;                    // tokens per tile
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
        for (int i = 0; i < 8; ++i) {
            // Sub-block i goes to chunk (i / 4) * 2 + i % 2 (A..D), half (i / 2) % 2 of it.
            const int chunk = (i / 4) * 2 + i % 2;
            const int half = (i / 2) % 2;
            std::memcpy(o + 64 * chunk + 32 * half, xb + offsetof(BlockQ8_K, qs) + 32 * i, 32);
        }
        int32_t sums[8];
        q8kSubBlockSums(xb, sums);
        int16_t xsum[8];
        for (int i = 0; i < 8; ++i) xsum[i] = static_cast<int16_t>(sums[i]);
        std::memcpy(o + kXsumAt, xsum, sizeof xsum);
        std::memcpy(o + kDxAt, xb, sizeof(float));
        std::memset(o + kDxAt + 4, 0, size_t(kPackedBytes - kDxAt - 4));
    }
}

// The decoded headers of up to 4 rows' super-blocks, row r in 128-bit lane r.
struct Headers {
    __m512i scalesMins;  // per lane: bytes 0..7 sc_0..7, bytes 8..15 m_0..7 (6-bit values)
    __m512 d;            // per lane: d of the lane's row, 4 times
    __m512 negDmin;      // per lane: -dmin, 4 times
};

// h: per 128-bit lane the 16 header bytes of one row: [d, dmin (F16)] [u0] [u1] [u2] with u = the 12 scale bytes
// as 3 little-endian words. Unpacks kQuantScaleMin for 4 rows at once:
//   sc_0..3 = u0 & 63, m_0..3 = u1 & 63 (bytewise),
//   sc_4..7 = (u2 & 15) | (u0 >> 6) << 4, m_4..7 = (u2 >> 4) | (u1 >> 6) << 4.
inline Headers decodeHeaders(__m512i h) {
    const __m512i p = _mm512_shuffle_epi32(h, _MM_PERM_CCBB);  // dwords [u0, u0, u1, u1]
    const __m512i low = _mm512_and_si512(p, _mm512_set1_epi8(63));  // dword 0: sc_0..3, dword 2: m_0..3
    const __m512i hiBits = _mm512_and_si512(_mm512_srli_epi32(p, 2), _mm512_set1_epi8(0x30));
    const __m512i u2 = _mm512_shuffle_epi32(h, _MM_PERM_DDDD);
    const __m512i shifts = _mm512_set_epi32(4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0);
    // dword 1: u2 & 15, dword 3: u2 >> 4 & 15
    const __m512i u2Nib = _mm512_and_si512(_mm512_srlv_epi32(u2, shifts), _mm512_set1_epi8(0x0f));
    // dwords 1 and 3 from the high halves: [sc_0..3, sc_4..7, m_0..3, m_4..7]
    const __m512i sm = _mm512_mask_blend_epi32(0xAAAA, low, _mm512_or_si512(u2Nib, hiBits));
    // d and dmin (F16 words 8r and 8r + 1 of lane r), each repeated 4 times, converted to F32.
    const __m512i idx = _mm512_set_epi16(24, 24, 24, 24, 16, 16, 16, 16, 8, 8, 8, 8, 0, 0, 0, 0,  //
                                         25, 25, 25, 25, 17, 17, 17, 17, 9, 9, 9, 9, 1, 1, 1, 1);
    const __m512i words = _mm512_permutexvar_epi16(idx, h);
    const __m512 dmin = _mm512_cvtph_ps(_mm512_castsi512_si256(words));
    const __m512 d = _mm512_cvtph_ps(_mm512_extracti64x4_epi64(words, 1));
    return {sm, d, _mm512_sub_ps(_mm512_setzero_ps(), dmin)};
}

// Lane r of v in every 128-bit lane.
inline __m512i laneOf(__m512i v, int r) {
    const __m512i within = _mm512_set_epi32(3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0);
    return _mm512_permutexvar_epi32(_mm512_add_epi32(_mm512_set1_epi32(4 * r), within), v);
}

// Scale vector for packs_epi32(dot of chunk a0|a1, dot of chunk b0|b1), where the chunks' 128-bit lanes 0, 1 hold
// sub-blocks a0 and b0 and lanes 2, 3 sub-blocks a1 and b1: per 128-bit lane, int16 0..3 the scale of the first
// chunk's sub-block, 4..7 the second's. sm holds the row's scales (bytes 0..7) in every 128-bit lane.
inline __m512i packedScales(__m512i sm, int a0, int b0, int a1, int b1) {
    const auto z = static_cast<char>(0x80);
    const auto c0 = static_cast<char>(a0), d0 = static_cast<char>(b0);
    const auto c1 = static_cast<char>(a1), d1 = static_cast<char>(b1);
    const __m512i ctl = _mm512_set_epi8(z, d1, z, d1, z, d1, z, d1, z, c1, z, c1, z, c1, z, c1,  //
                                        z, d1, z, d1, z, d1, z, d1, z, c1, z, c1, z, c1, z, c1,  //
                                        z, d0, z, d0, z, d0, z, d0, z, c0, z, c0, z, c0, z, c0,  //
                                        z, d0, z, d0, z, d0, z, d0, z, c0, z, c0, z, c0, z, c0);
    return _mm512_shuffle_epi8(sm, ctl);
}

// The 8 mins of each lane's row as int16 (bytes 8..15 zero-extended).
inline __m512i minsOf(__m512i sm) {
    const auto z = static_cast<char>(0x80);
    const __m128i c = _mm_set_epi8(z, 15, z, 14, z, 13, z, 12, z, 11, z, 10, z, 9, z, 8);
    return _mm512_shuffle_epi8(sm, _mm512_broadcast_i32x4(c));
}

// Q5_K: sets bit 4 of the bytes of q whose 5th bit is set, for the chunk of sub-blocks (a, b): bit a of qh[l] in
// the low 32 bytes, bit b in the high 32 (qh32 = qh[0..31] in both halves).
inline __m512i addHighBits(__m512i q, __m512i qh32, int a, int b) {
    const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8(static_cast<char>(1 << a)),
                                           _mm256_set1_epi8(static_cast<char>(1 << b)), 1);
    const __mmask64 k = _mm512_test_epi8_mask(qh32, bit);
    return _mm512_mask_add_epi8(q, k, q, _mm512_set1_epi8(16));
}

// MR rows x NT tokens over the nb super-blocks of a row: y[t * ldy + r] = dot(row r, token t).
template <bool Q5, int MR, int NT>
void tileK(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    constexpr int64_t bb = kBlockBytes<Q5>;
    const int64_t nb = n / kQkK;
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    const __m512i zero = _mm512_setzero_si512();
    __m512 acc[MR][NT];
    __m512 accMin[NT];
    for (int t = 0; t < NT; ++t) {
        accMin[t] = _mm512_setzero_ps();
        for (int r = 0; r < MR; ++r) acc[r][t] = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* wb[MR];
        for (int r = 0; r < MR; ++r) {
            wb[r] = w + size_t(r) * wStride + b * bb;
            // Token generation streams the weights from memory: ask for them a little ahead of use.
            if constexpr (NT == 1) {
                for (int64_t o = 0; o < bb; o += 64) {
                    _mm_prefetch(reinterpret_cast<const char*>(wb[r] + kPrefetchBytes + o), _MM_HINT_T0);
                }
            }
        }
        // Headers of the MR rows (rows past MR repeat row 0: their lanes are never read).
        __m512i h = _mm512_castsi128_si512(load128(wb[0]));
        h = _mm512_inserti32x4(h, load128(wb[std::min(1, MR - 1)]), 1);
        h = _mm512_inserti32x4(h, load128(wb[std::min(2, MR - 1)]), 2);
        h = _mm512_inserti32x4(h, load128(wb[std::min(3, MR - 1)]), 3);
        const Headers hd = decodeHeaders(h);
        for (int r = 0; r < MR; ++r) {
            const __m512i q0 = _mm512_loadu_si512(wb[r] + kQsAt<Q5>);
            const __m512i q1 = _mm512_loadu_si512(wb[r] + kQsAt<Q5> + 64);
            __m512i wa = _mm512_and_si512(q0, m4);
            __m512i wbb = _mm512_and_si512(_mm512_srli_epi16(q0, 4), m4);
            __m512i wc = _mm512_and_si512(q1, m4);
            __m512i wd = _mm512_and_si512(_mm512_srli_epi16(q1, 4), m4);
            if constexpr (Q5) {
                const __m512i qh = _mm512_broadcast_i64x4(load256(wb[r] + 16));
                wa = addHighBits(wa, qh, 0, 2);
                wbb = addHighBits(wbb, qh, 1, 3);
                wc = addHighBits(wc, qh, 4, 6);
                wd = addHighBits(wd, qh, 5, 7);
            }
            const __m512i sm = laneOf(hd.scalesMins, r);
            const __m512i sab = packedScales(sm, 0, 1, 2, 3);
            const __m512i scd = packedScales(sm, 4, 5, 6, 7);
            const __m512 dr = _mm512_permutexvar_ps(_mm512_set1_epi32(4 * r), hd.d);
            for (int t = 0; t < NT; ++t) {
                const uint8_t* xb = x + size_t(t) * xStride + b * kPackedBytes;
                const __m512i da = _mm512_dpbusd_epi32(zero, wa, _mm512_loadu_si512(xb));
                const __m512i db = _mm512_dpbusd_epi32(zero, wbb, _mm512_loadu_si512(xb + 64));
                const __m512i dc = _mm512_dpbusd_epi32(zero, wc, _mm512_loadu_si512(xb + 128));
                const __m512i dd = _mm512_dpbusd_epi32(zero, wd, _mm512_loadu_si512(xb + 192));
                __m512i isum = _mm512_madd_epi16(_mm512_packs_epi32(da, db), sab);
                isum = _mm512_dpwssd_epi32(isum, _mm512_packs_epi32(dc, dd), scd);
                const __m512 scale = _mm512_mul_ps(dr, _mm512_set1_ps(*reinterpret_cast<const float*>(xb + kDxAt)));
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), scale, acc[r][t]);
            }
        }
        const __m512i mins = minsOf(hd.scalesMins);
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xb = x + size_t(t) * xStride + b * kPackedBytes;
            const __m512i xsum = _mm512_broadcast_i32x4(load128(xb + kXsumAt));
            const __m512i msum = _mm512_dpwssd_epi32(zero, mins, xsum);  // lane r: 4 pair sums of row r
            const __m512 scale = _mm512_mul_ps(hd.negDmin, _mm512_set1_ps(*reinterpret_cast<const float*>(xb + kDxAt)));
            accMin[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(msum), scale, accMin[t]);
        }
    }
    for (int r = 0; r < MR; ++r) {
        const auto laneR = static_cast<__mmask16>(0xFu << (4 * r));
        for (int t = 0; t < NT; ++t) {
            y[size_t(t) * ldy + size_t(r)] = hsum(_mm512_mask_add_ps(acc[r][t], laneR, acc[r][t], accMin[t]));
        }
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

std::span<const GemmKernels> gemmQ4kAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
