// AVX-512 VNNI repacked kernels (kernels/gemm.h, GemmKernels::repack) for Q4_K and Q5_K weights x Q8_K
// activations. Only this file (and its siblings *_avx512vnni.cpp) is compiled with -mavx512vnni; gemm.cpp calls
// repackQ4kAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Weights are re-laid out once at load in groups of kRows = 16 consecutive rows, one row per 32-bit lane of a zmm,
// so that vpdpbusd(acc, weights, broadcast of 4 activation bytes) accumulates 16 rows at once with no horizontal
// sum, and every activation broadcast serves 16 rows. A group is nb = n / 256 super-blocks in order; super-block b
// of the group (file super-block b of each of the 16 rows) is, for Q4_K (2304 bytes = 16 x 144, the file's size):
//
//   bytes    0..31    d    of rows 0..15 (F16)                        -> one vcvtph2ps
//   bytes   32..63    dmin of rows 0..15 (F16)
//   bytes   64..255   the 12 packed 6-bit scale/min bytes of each row as three dword vectors U0, U1, U2 (row r in
//                     lane r, bytes 4..7, 8..11, 12..15 of its block): unpacked for 16 rows at once, ~9 ops
//   bytes  256..2303  32 units u = 8p + k (p = 0..3 sub-block pair, k = 0..7) of 64 bytes: lane r holds the file's
//                     qs[32p + 4k .. 32p + 4k + 3] of row r, i.e. elements 4k..4k+3 of sub-block 2p (low nibbles)
//                     and of sub-block 2p + 1 (high nibbles)
//
// Q5_K (2816 bytes = 16 x 176) has the same header and 32 units of 5-bit values re-encoded, then 8 more units:
//   unit u = 8p + k (bytes 256 + 64u): per byte, (v_lo & 7) | v_hi << 3, where v_lo / v_hi are the 5-bit values of
//                     the element of sub-block 2p / 2p + 1 that the Q4_K layout's low / high nibble would hold
//   bytes 2304 + 64k: per byte, bits 2p..2p+1 = v_lo >> 3 of unit 8p + k's byte (the 2 top bits of the low value)
//
// The scales stay packed (the file's 12 bytes per row, no extra bytes to stream at token generation): decoding them
// for 16 rows at once costs ~9 vector ops per super-block.
//
// Compute, per super-block, 16 rows and each token: every unit decodes into lo (Q4: q & 0x0f; Q5: (q & 7) | top
// bits) = the weights of sub-block 2p, and hi (Q4: q & 0xf0 = 16 * nibble; Q5: q & 0xf8 = 8 * value) = those of
// sub-block 2p + 1; 8 vpdpbusd per sub-block accumulate its int32 dot product (|sum| <= 32 * 16 * 31 * 127 < 2^24,
// so the conversion to F32 is exact; the factor 16 (8) of hi is folded into its scale, exactly). Then
//   S = sum_i cvt(dot_i) * (d * sc_i)  -  sum_i (dmin * m_i) * xsum_i       (F32, 16 rows per vector)
//   y += S * d_x
// where d * sc_i and dmin * m_i (exact: 11-bit x 6-bit mantissas) are computed once per super-block for the 16 rows
// and shared by the tile's tokens, and xsum_i (sum of the 32 activations of sub-block i) comes from the Q8_K bsums.
// At one token nothing is shared, so the same sum is taken with fewer operations (fewer in flight per line of weights
// streamed from memory): S = d * sum_even cvt(dot_i) * sc_i + d * (1 / factor) * sum_odd ... - dmin * cvt(M), with
// M = sum_i m_i xsum_i in int32 from 4 vpdpbusd over the minimums as bytes (minTermOne).
//
// Packed activation super-block (320 bytes, kActBytes): bytes 0..255 the Q8_K qs as they are (a unit reads 4
// consecutive bytes of one sub-block, so no reordering), 256..287 xsum_0..7 as F32, 288..291 d_x, 292..299 and
// 300..307 xsum_i >> 7 and xsum_i & 127 as int8 (token generation takes the minimum term in integers), then zeros.
//
// Loops. Token generation (nTok <= kTile: one token tile) streams the groups in order with software prefetch a short
// way ahead, a quarter of a super-block's lines before each sub-block pair: issuing all 36 (Q4_K) at once 6 KiB
// ahead, as this file first did, left one thread at 68 % of a plain read stream from DRAM (83 % on 2 MiB pages);
// spread out 3 KiB ahead, ~95 % on 2 MiB pages (Model puts the repacked weights there). At one token each sub-block
// pair runs four short vpdpbusd chains and two F32 chains, as nothing else hides latencies.
// Prompt batches run tiles of kTile = 8 tokens, one sub-block at a time (8 int32 accumulators live), each decoded
// weight register serving 8 tokens, over chunks of tokens whose activations stay in L2 against blocks of groups
// whose weights stay in L2. That runs at about one vpdpbusd per cycle (port 0 on this Cascade Lake), the ceiling of
// this instruction mix: preparing each block's weights as plain bytes and F32 scales, or replacing the int->F32
// conversions, measured no faster.
#ifndef __AVX512VNNI__
#error "repack_q4k_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <utility>

#include "kernels/format_q4_k.h"
#include "kernels/format_q5_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kRows = 16;                     // rows per group, one per 32-bit lane
constexpr int64_t kHeaderBytes = 256;         // d, dmin, U0, U1, U2 of a group's super-block
constexpr int64_t kUnitBytes = 64;            // one zmm of weights: 4 bytes of each of 16 rows
constexpr int64_t kUnits = 32;                // units of quants per super-block (4 pairs x 8)
constexpr int64_t kActBytes = 320;            // bytes per packed activation super-block
constexpr int64_t kXsumAt = 256;              // offset of the 8 F32 sub-block sums in it
constexpr int64_t kDxAt = 288;                // offset of d_x
constexpr int64_t kXsumHiAt = 292;            // xsum_0..7 >> 7 as int8 (-32..31)
constexpr int64_t kXsumLoAt = 300;            // xsum_0..7 & 127 as int8 (0..127)
constexpr int kTile = 8;                      // tokens per tile in prompt batches
// Token generation: how far ahead of the weight stream to prefetch. Measured on one thread from DRAM, weights on
// 2 MiB pages (kernel GB/s / plain read GB/s of the same buffers): 1.5-3 KiB ~95 %, 4 KiB 89 %, 4.5 KiB 86 %, 9 KiB
// 83 %, none 87 %. (On 4 KiB pages everything was lower and farther measured better: 9 KiB ~85 %, 3 KiB ~80 %.)
constexpr int64_t kPrefetchBytes = 3 * 1024;
constexpr size_t kWeightBudget = 320 * 1024;  // weight bytes per block of groups (stays in L2 across token tiles)
constexpr size_t kActBudget = 320 * 1024;     // activation bytes per chunk of tokens (stays in L2 across blocks)

template <bool Q5>
constexpr int64_t kSbBytes = kHeaderBytes + kUnits * kUnitBytes + (Q5 ? 8 * kUnitBytes : 0);
template <bool Q5>
constexpr int64_t kFileBlockBytes = Q5 ? int64_t(sizeof(BlockQ5_K)) : int64_t(sizeof(BlockQ4_K));
static_assert(kSbBytes<false> == kRows * int64_t(sizeof(BlockQ4_K)));
static_assert(kSbBytes<true> == kRows * int64_t(sizeof(BlockQ5_K)));
static_assert(kSbBytes<false> % 64 == 0 && kSbBytes<true> % 64 == 0);

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

// --- layout -----------------------------------------------------------------------------------------------------

template <bool Q5>
size_t groupBytesK(int64_t n) {
    return size_t(n / kQkK * kSbBytes<Q5>);
}

template <bool Q5>
void repackK(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const int64_t nb = n / kQkK;
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t g = 0; g < nGroups; ++g) {
        for (int64_t b = 0; b < nb; ++b) {
            uint8_t* o = out + size_t(g * nb + b) * size_t(kSbBytes<Q5>);
            std::memset(o, 0, size_t(kSbBytes<Q5>));  // missing rows of a partial group: zeros (d = dmin = 0)
            for (int r = 0; r < kRows && g * kRows + r < nRows; ++r) {
                const uint8_t* src = bytes(w) + size_t(g * kRows + r) * wStride + size_t(b * kFileBlockBytes<Q5>);
                std::memcpy(o + 2 * r, src, 2);                // d
                std::memcpy(o + 32 + 2 * r, src + 2, 2);       // dmin
                for (int j = 0; j < 3; ++j) std::memcpy(o + 64 + 64 * j + 4 * r, src + 4 + 4 * j, 4);  // U0..U2
                for (int p = 0; p < 4; ++p) {
                    for (int k = 0; k < 8; ++k) {
                        uint8_t* unit = o + kHeaderBytes + (8 * p + k) * kUnitBytes + 4 * r;
                        if constexpr (!Q5) {
                            std::memcpy(unit, src + offsetof(BlockQ4_K, qs) + 32 * p + 4 * k, 4);
                        } else {
                            // Element l of sub-blocks 2p (low nibble) and 2p + 1 (high nibble), 5th bits in qh[l].
                            uint8_t* top = o + kHeaderBytes + kUnits * kUnitBytes + k * kUnitBytes + 4 * r;
                            for (int e = 0; e < 4; ++e) {
                                const int l = 4 * k + e;
                                const int q = src[offsetof(BlockQ5_K, qs) + 32 * p + l];
                                const int h = src[offsetof(BlockQ5_K, qh) + l] >> (2 * p);
                                const int lo = (q & 15) | (h & 1) << 4;
                                const int hi = (q >> 4) | (h & 2) << 3;
                                unit[e] = static_cast<uint8_t>((lo & 7) | hi << 3);
                                top[e] = static_cast<uint8_t>(top[e] | (lo >> 3) << (2 * p));
                            }
                        }
                    }
                }
            }
        }
    }
}

size_t packedRowBytesK(int64_t n) { return size_t(n / kQkK * kActBytes); }

void packK(const void* act, void* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQkK; ++b) {
        const uint8_t* xb = bytes(act) + b * int64_t(sizeof(BlockQ8_K));
        uint8_t* o = static_cast<uint8_t*>(dst) + b * kActBytes;
        std::memcpy(o, xb + offsetof(BlockQ8_K, qs), kQkK);
        int32_t sums[8];
        q8kSubBlockSums(xb, sums);
        float xsum[8];
        for (int i = 0; i < 8; ++i) xsum[i] = float(sums[i]);
        std::memcpy(o + kXsumAt, xsum, sizeof xsum);
        std::memcpy(o + kDxAt, xb + offsetof(BlockQ8_K, d), sizeof(float));
        std::memset(o + kDxAt + 4, 0, size_t(kActBytes - kDxAt - 4));
        for (int i = 0; i < 8; ++i) {
            const int v = sums[i];  // |v| <= 32 * 128
            o[kXsumHiAt + i] = static_cast<uint8_t>(static_cast<int8_t>(v >> 7));  // arithmetic shift: floor
            o[kXsumLoAt + i] = static_cast<uint8_t>(v & 127);
        }
    }
}

// --- kernel -----------------------------------------------------------------------------------------------------

inline __m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }
// (a & mask) | b, one vpternlogd (b must be zero where mask is set).
inline __m512i andOr(__m512i a, __m512i mask, __m512i b) { return _mm512_ternarylogic_epi32(a, mask, b, 0xEA); }
inline __m512 bcastF(const uint8_t* p) { return _mm512_set1_ps(loadF32(p)); }

// A super-block's per-row factors for the 16 rows, shared by the tile's tokens.
struct Header {
    __m512i sc03, sc47, m03, m47;  // 6-bit scales / mins of sub-blocks 0..3 and 4..7, byte j of lane r = row r's
    __m512 d, dHi, dmin;           // d, d * (hi factor), dmin per row
};

template <bool Q5>
inline Header decodeHeader(const uint8_t* sb) {
    const __m512i u0 = load512(sb + 64), u1 = load512(sb + 128), u2 = load512(sb + 192);
    const __m512i m6 = _mm512_set1_epi8(63), m4 = _mm512_set1_epi8(15), top = _mm512_set1_epi8(0x30);
    Header h;
    h.sc03 = _mm512_and_si512(u0, m6);
    h.m03 = _mm512_and_si512(u1, m6);
    // sc_4..7 = (u2 & 15) | (u0 >> 6) << 4,  m_4..7 = (u2 >> 4 & 15) | (u1 >> 6) << 4  (bytewise, kQuantScaleMin)
    const __m512i hs = _mm512_and_si512(_mm512_srli_epi32(u0, 2), top);
    const __m512i hm = _mm512_and_si512(_mm512_srli_epi32(u1, 2), top);
    h.sc47 = andOr(u2, m4, hs);
    h.m47 = andOr(_mm512_srli_epi32(u2, 4), m4, hm);
    h.d = _mm512_cvtph_ps(load256(sb));
    h.dmin = _mm512_cvtph_ps(load256(sb + 32));
    h.dHi = _mm512_mul_ps(h.d, _mm512_set1_ps(Q5 ? 0.125f : 0.0625f));
    return h;
}

// Byte J of each dword of v, as F32 (one vpshufb: the byte to the dword's bottom, zeros above).
template <int J>
inline __m512 byteAsF32(__m512i v) {
    const __m128i ctl = _mm_set_epi32(int(0x80808000u | (12 + J)), int(0x80808000u | (8 + J)),
                                      int(0x80808000u | (4 + J)), int(0x80808000u | J));
    return _mm512_cvtepi32_ps(_mm512_shuffle_epi8(v, _mm512_broadcast_i32x4(ctl)));
}

// Decodes unit (p, k) of a super-block into the weights of sub-block 2p (lo, values as they are) and of
// sub-block 2p + 1 (hi, values times 16 for Q4_K, 8 for Q5_K).
template <bool Q5, int P>
inline void decodeUnit(const uint8_t* sb, int k, __m512i& lo, __m512i& hi) {
    const __m512i q = load512(sb + kHeaderBytes + (8 * P + k) * kUnitBytes);
    if constexpr (!Q5) {
        lo = _mm512_and_si512(q, _mm512_set1_epi8(0x0f));
        hi = _mm512_and_si512(q, _mm512_set1_epi8(static_cast<char>(0xf0)));
    } else {
        const __m512i c = load512(sb + kHeaderBytes + kUnits * kUnitBytes + k * kUnitBytes);
        // Bits 2P..2P+1 of each byte to bits 3..4 (16-bit shifts: the kept bits never cross a byte).
        __m512i t;
        if constexpr (P == 0) t = _mm512_slli_epi16(c, 3);
        if constexpr (P == 1) t = _mm512_slli_epi16(c, 1);
        if constexpr (P == 2) t = _mm512_srli_epi16(c, 1);
        if constexpr (P == 3) t = _mm512_srli_epi16(c, 3);
        t = _mm512_and_si512(t, _mm512_set1_epi8(0x18));
        lo = andOr(q, _mm512_set1_epi8(7), t);
        hi = _mm512_and_si512(q, _mm512_set1_epi8(static_cast<char>(0xf8)));
    }
}

// Prefetches quarter P of the super-block's lines, kPrefetchBytes ahead of sb (across the group's end into the next
// group: the groups of a call are consecutive; past the last one the prefetches are wasted, not faults).
template <bool Q5, int P>
inline void prefetchQuarter(const uint8_t* sb) {
    constexpr int64_t kLines = kSbBytes<Q5> / 64;
    const uint8_t* ahead = sb + kPrefetchBytes;
#pragma GCC unroll 16
    for (int64_t l = P * kLines / 4; l < (P + 1) * kLines / 4; ++l) {
        _mm_prefetch(reinterpret_cast<const char*>(ahead + 64 * l), _MM_HINT_T0);
    }
}

// Token generation: sub-block pair P of a super-block for one token (activations at xb). Adds the pair's dot products
// times their 6-bit scales to sLo (sub-block 2P) and sHi (2P + 1, still times the hi factor): the tile scales them by
// d and d * (1 / factor) once per super-block. Two vpdpbusd chains per sub-block (even and odd k), since at one token
// nothing else hides the latencies.
template <bool Q5, int P>
inline void pairOne(const uint8_t* sb, const Header& h, const uint8_t* xb, __m512& sLo, __m512& sHi) {
    __m512i lo0 = _mm512_setzero_si512(), lo1 = lo0, hi0 = lo0, hi1 = lo0;
    for (int k = 0; k < 8; k += 2) {
        __m512i lo, hi;
        decodeUnit<Q5, P>(sb, k, lo, hi);
        lo0 = dpbusdBcast(lo0, lo, xb + 64 * P + 4 * k);
        hi0 = dpbusdBcast(hi0, hi, xb + 64 * P + 32 + 4 * k);
        decodeUnit<Q5, P>(sb, k + 1, lo, hi);
        lo1 = dpbusdBcast(lo1, lo, xb + 64 * P + 4 * k + 4);
        hi1 = dpbusdBcast(hi1, hi, xb + 64 * P + 32 + 4 * k + 4);
    }
    // Sub-blocks 2P, 2P + 1 are bytes (2P) % 4, (2P + 1) % 4 of the 0..3 or 4..7 vectors.
    constexpr int jLo = (2 * P) % 4, jHi = (2 * P + 1) % 4;
    const __m512i sc = P < 2 ? h.sc03 : h.sc47;
    sLo = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(lo0, lo1)), byteAsF32<jLo>(sc), sLo);
    sHi = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(hi0, hi1)), byteAsF32<jHi>(sc), sHi);
}

// Token generation: a super-block's minimum term sum_i m_i xsum_i for the 16 rows, in int32 (exact: |.| <= 8 * 63 *
// 4096 < 2^24, so its conversion to F32 is exact too). xsum_i = 128 hi_i + lo_i (the packed int8 halves), and the
// minimums are bytes 0..3 of m03 / m47, so 4 vpdpbusd replace 8 scalar-broadcast F32 products.
inline __m512i minTermOne(const Header& h, const uint8_t* xb) {
    __m512i m = dpbusdBcast(_mm512_setzero_si512(), h.m03, xb + kXsumHiAt);
    m = dpbusdBcast(m, h.m47, xb + kXsumHiAt + 4);
    m = _mm512_slli_epi32(m, 7);
    m = dpbusdBcast(m, h.m03, xb + kXsumLoAt);
    return dpbusdBcast(m, h.m47, xb + kXsumLoAt + 4);
}

// Batches: sub-block I of a super-block for T tokens, adding its scaled dot products minus its minimum terms to s[t].
// One sub-block at a time so that only T int32 accumulators are live (each unit is loaded twice, for its low and
// its high half, and decoded each time: a load is cheap, registers are not).
template <bool Q5, int T, int I>
inline void subK(const uint8_t* sb, const Header& h, const uint8_t* const* xb, __m512* s) {
    constexpr int P = I / 2;
    __m512i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_si512();
    for (int k = 0; k < 8; ++k) {
        __m512i lo, hi;
        decodeUnit<Q5, P>(sb, k, lo, hi);
        const __m512i wq = I % 2 == 0 ? lo : hi;
        for (int t = 0; t < T; ++t) acc[t] = dpbusdBcast(acc[t], wq, xb[t] + 32 * I + 4 * k);
    }
    constexpr int j = I % 4;
    const __m512 dI = _mm512_mul_ps(byteAsF32<j>(I < 4 ? h.sc03 : h.sc47), I % 2 == 0 ? h.d : h.dHi);
    const __m512 mI = _mm512_mul_ps(byteAsF32<j>(I < 4 ? h.m03 : h.m47), h.dmin);
    for (int t = 0; t < T; ++t) {
        const __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[t]), dI, s[t]);
        s[t] = _mm512_fnmadd_ps(mI, bcastF(xb[t] + kXsumAt + 4 * I), v);
    }
}

// One group (16 rows, nb super-blocks at g) x T tokens (packed rows xStride apart from x): y[t * ldy + r] for the
// first `rows` rows. prefetch: ask for the weight stream kPrefetchBytes ahead (token generation, tiny batches).
template <bool Q5, int T>
void tileK(const uint8_t* g, int64_t nb, const uint8_t* x, size_t xStride, float* y, size_t ldy, int rows,
           bool prefetch) {
    __m512 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* sb = g + b * kSbBytes<Q5>;
        const uint8_t* xb[T];
        for (int t = 0; t < T; ++t) xb[t] = x + size_t(t) * xStride + size_t(b * kActBytes);
        const Header h = decodeHeader<Q5>(sb);
        if constexpr (T == 1) {
            // Independent chains (even / odd sub-blocks, the minimum term), scaled and summed at the end.
            __m512 sLo = _mm512_setzero_ps(), sHi = _mm512_setzero_ps();
            if (prefetch) prefetchQuarter<Q5, 0>(sb);
            pairOne<Q5, 0>(sb, h, xb[0], sLo, sHi);
            if (prefetch) prefetchQuarter<Q5, 1>(sb);
            pairOne<Q5, 1>(sb, h, xb[0], sLo, sHi);
            if (prefetch) prefetchQuarter<Q5, 2>(sb);
            pairOne<Q5, 2>(sb, h, xb[0], sLo, sHi);
            if (prefetch) prefetchQuarter<Q5, 3>(sb);
            pairOne<Q5, 3>(sb, h, xb[0], sLo, sHi);
            const __m512 mins = _mm512_cvtepi32_ps(minTermOne(h, xb[0]));
            const __m512 s = _mm512_fmadd_ps(sHi, h.dHi, _mm512_fnmadd_ps(mins, h.dmin, _mm512_mul_ps(sLo, h.d)));
            acc[0] = _mm512_fmadd_ps(s, bcastF(xb[0] + kDxAt), acc[0]);
        } else {
            __m512 s[T];
            for (int t = 0; t < T; ++t) s[t] = _mm512_setzero_ps();
            if (prefetch) prefetchQuarter<Q5, 0>(sb);
            subK<Q5, T, 0>(sb, h, xb, s);
            subK<Q5, T, 1>(sb, h, xb, s);
            if (prefetch) prefetchQuarter<Q5, 1>(sb);
            subK<Q5, T, 2>(sb, h, xb, s);
            subK<Q5, T, 3>(sb, h, xb, s);
            if (prefetch) prefetchQuarter<Q5, 2>(sb);
            subK<Q5, T, 4>(sb, h, xb, s);
            subK<Q5, T, 5>(sb, h, xb, s);
            if (prefetch) prefetchQuarter<Q5, 3>(sb);
            subK<Q5, T, 6>(sb, h, xb, s);
            subK<Q5, T, 7>(sb, h, xb, s);
            for (int t = 0; t < T; ++t) acc[t] = _mm512_fmadd_ps(s[t], bcastF(xb[t] + kDxAt), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>(rows >= kRows ? 0xffff : (1u << rows) - 1);
    for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

using TileFn = GroupTileFn;

template <bool Q5, int... Ts>
constexpr std::array<TileFn, sizeof...(Ts)> tilesFor(std::integer_sequence<int, Ts...>) {
    return {tileK<Q5, Ts + 1>...};
}
// kTiles<Q5>[nt - 1]: the tile for nt tokens, nt = 1..kTile.
template <bool Q5>
constexpr std::array<TileFn, kTile> kTiles = tilesFor<Q5>(std::make_integer_sequence<int, kTile>());

template <bool Q5>
void gemmK(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    gemmGroupTiles<kRows, kTile>(kTiles<Q5>, kActBudget, kWeightBudget, w, wStride, nRows, x, xStride, nTok,
                                 n / kQkK, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q4_K, GgmlType::Q8_K, packedRowBytesK, packK, gemmK<false>, kRows, groupBytesK<false>,
     repackK<false>},
    {GgmlType::Q5_K, GgmlType::Q8_K, packedRowBytesK, packK, gemmK<true>, kRows, groupBytesK<true>, repackK<true>},
};

}  // namespace

std::span<const GemmKernels> repackQ4kAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
