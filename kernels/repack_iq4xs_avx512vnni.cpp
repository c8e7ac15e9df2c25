// AVX-512 VNNI repacked kernel (kernels/gemm.h, GemmKernels::repack) for IQ4_XS weights x Q8_K activations. Only
// this file (and its siblings *_avx512vnni.cpp) is compiled with -mavx512vnni; gemm.cpp calls
// repackIq4XsAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Same scheme as repack_q4k_avx512vnni.cpp: groups of kRows = 16 consecutive rows, one row per 32-bit lane, so that
// vpdpbusd(acc, weights, broadcast of 4 activation bytes) accumulates 16 rows at once with no horizontal sum. A group
// is nb = n / 256 super-blocks in order; super-block b of the group (file super-block b of each of the 16 rows, 2176
// bytes = 16 x 136, the file's size: token generation streams exactly the file's bytes) is
//
//   bytes    0..31    d        of rows 0..15 (F16)                      -> one vcvtph2ps
//   bytes   32..63    scales_h of rows 0..15 (uint16, as in the file)
//   bytes   64..127   scales_l of rows 0..15 (4 bytes, as in the file)   -> the 6-bit scales of 16 rows, ~12 ops
//   bytes  128..2175  32 units u = 4i + k (i = 0..7 sub-block, k = 0..3) of 64 bytes: lane r holds the file's
//                     qs[4u .. 4u + 3] of row r, i.e. elements 4k..4k+3 (low nibbles) and 16+4k..16+4k+3 (high
//                     nibbles) of sub-block i
//
// The quants stay 4-bit indices into the 16 non-linear levels (format_iq4_nl.h); the kernel maps them to bytes with
// one vpshufb each (the table is 16 bytes, one per 128-bit lane). vpdpbusd multiplies unsigned by signed bytes, so
// the table holds level + 128 (1..241, unsigned) against the signed Q8_K activations, and each sub-block's int32
// accumulator starts at -128 * xsum_i (xsum_i = the sum of its 32 activations, from the Q8_K bsums; packed once per
// matrix input), which makes it exactly sum_j level_j * xq_j: |.| <= 32 * 127 * 127 < 2^24, so its conversion to F32
// is exact. Then, per super-block and 16 rows,
//   y += d_x * d * sum_i cvt(dot_i) * (ls_i - 32)
// with (ls_i - 32) a signed byte put in the top byte of its lane and converted (exact, times 2^24; the 2^-24 goes to d,
// exactly), and d * (ls_i - 32) computed once per super-block for the tile's tokens.
//
// Packed activation super-block (320 bytes, kActBytes): bytes 0..255 the Q8_K qs as they are (a unit's low and high
// nibbles read 4 consecutive bytes each), 256..287 the int32 starts -128 * xsum_0..7, 288..291 d_x, then zeros.
//
// Loops: as the Q4_K kernel's. Token generation (nTok <= kTile) streams the groups in order with software prefetch
// kPrefetchBytes ahead, a quarter of a super-block's lines before each pair of sub-blocks; each sub-block runs two
// vpdpbusd chains (low and high nibbles) and the scaled sums two F32 chains (even and odd sub-blocks). Prompt batches
// run tiles of kTile tokens, one sub-block at a time (kTile int32 accumulators live, each decoded weight register
// serving every token of the tile), over chunks of tokens whose activations stay in L2 against blocks of groups whose
// weights stay in L2.
#ifndef __AVX512VNNI__
#error "repack_iq4xs_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <utility>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_iq4_xs.h"
#include "kernels/format_q8_k.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kRows = 16;                // rows per group, one per 32-bit lane
constexpr int64_t kHeaderBytes = 128;    // d, scales_h, scales_l of a group's super-block
constexpr int64_t kUnitBytes = 64;       // one zmm of quants: 4 bytes (8 indices) of each of 16 rows
constexpr int64_t kUnits = 32;           // units per super-block (8 sub-blocks x 4)
constexpr int64_t kSbBytes = kHeaderBytes + kUnits * kUnitBytes;
constexpr int64_t kActBytes = 320;       // bytes per packed activation super-block
constexpr int64_t kStartAt = 256;        // offset of the 8 int32 starts -128 * xsum_i
constexpr int64_t kDxAt = 288;           // offset of d_x
constexpr int kTile = 8;                 // tokens per tile in prompt batches
constexpr size_t kWeightBudget = 320 * 1024;  // weight bytes per block of groups (stays in L2 across token tiles)
constexpr size_t kActBudget = 320 * 1024;     // activation bytes per chunk of tokens (stays in L2 across blocks)
static_assert(kSbBytes == kRows * int64_t(sizeof(BlockIq4Xs)) && kSbBytes % 64 == 0);
// Token generation: how far ahead of the weight stream to prefetch, one super-block of the group. Measured with the
// TinyLlama IQ4_XS file at 2 threads (tg64, three runs of three, interleaved): 1088 bytes 42.0 t/s, 2176 42.1, 2560
// 41.8, 3072 (the Q4_K kernel's) 41.1; a first sweep also had 4096 38.3 and 6144 37.2.
constexpr int64_t kPrefetchBytes = kSbBytes;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

// --- layout -----------------------------------------------------------------------------------------------------

size_t groupBytesIq4Xs(int64_t n) { return size_t(n / kQkK * kSbBytes); }

void repackIq4Xs(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const int64_t nb = n / kQkK;
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t g = 0; g < nGroups; ++g) {
        for (int64_t b = 0; b < nb; ++b) {
            uint8_t* o = out + size_t(g * nb + b) * size_t(kSbBytes);
            std::memset(o, 0, size_t(kSbBytes));  // missing rows of a partial group: zeros (d = 0)
            for (int r = 0; r < kRows && g * kRows + r < nRows; ++r) {
                const uint8_t* src = bytes(w) + size_t(g * kRows + r) * wStride + size_t(b) * sizeof(BlockIq4Xs);
                std::memcpy(o + 2 * r, src + offsetof(BlockIq4Xs, d), 2);
                std::memcpy(o + 32 + 2 * r, src + offsetof(BlockIq4Xs, scalesH), 2);
                std::memcpy(o + 64 + 4 * r, src + offsetof(BlockIq4Xs, scalesL), 4);
                for (int u = 0; u < kUnits; ++u) {
                    std::memcpy(o + kHeaderBytes + u * kUnitBytes + 4 * r, src + offsetof(BlockIq4Xs, qs) + 4 * u, 4);
                }
            }
        }
    }
}

size_t packedRowBytesIq4Xs(int64_t n) { return size_t(n / kQkK * kActBytes); }

void packIq4Xs(const void* act, void* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQkK; ++b) {
        const uint8_t* xb = bytes(act) + b * int64_t(sizeof(BlockQ8_K));
        uint8_t* o = static_cast<uint8_t*>(dst) + b * kActBytes;
        std::memcpy(o, xb + offsetof(BlockQ8_K, qs), kQkK);
        int32_t start[8];
        q8kSubBlockSums(xb, start);
        for (int32_t& v : start) v *= -128;
        std::memcpy(o + kStartAt, start, sizeof start);
        std::memcpy(o + kDxAt, xb + offsetof(BlockQ8_K, d), sizeof(float));
        std::memset(o + kDxAt + 4, 0, size_t(kActBytes - kDxAt - 4));
    }
}

// --- kernel -----------------------------------------------------------------------------------------------------

inline __m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }
// (a & mask) | b, one vpternlogd (b must be zero where mask is set).
inline __m512i andOr(__m512i a, __m512i mask, __m512i b) { return _mm512_ternarylogic_epi32(a, mask, b, 0xEA); }
inline __m512 bcastF(const uint8_t* p) { return _mm512_set1_ps(loadF32(p)); }
inline __m512i levels() {
    return _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(kIq4NlLevelsU8.v)));
}

// A super-block's per-row factors for the 16 rows.
struct Header {
    __m512i even, odd;  // ls_i - 32 as signed bytes: byte j of lane r = row r's sub-block 2j (even) / 2j + 1 (odd)
    __m512 d;           // d * 2^-24 per row (the scales come as (ls_i - 32) * 2^24, see scaleOf)
};

inline Header decodeHeader(const uint8_t* sb) {
    const __m512i m4 = _mm512_set1_epi8(15), top = _mm512_set1_epi8(0x30);
    const __m512i sl = load512(sb + 64);  // byte j: low 4 bits of ls_2j (low nibble) and ls_2j+1 (high nibble)
    __m512i h = _mm512_cvtepu16_epi32(load256(sb + 32));  // bits 2i..2i+1: the high 2 bits of ls_i
    // Nibble j of scales_h (the high bits of ls_2j and ls_2j+1) to byte j, then to bits 4..7 of it.
    h = _mm512_and_si512(_mm512_or_si512(h, _mm512_slli_epi32(h, 8)), _mm512_set1_epi32(0x00ff00ff));
    h = _mm512_and_si512(_mm512_or_si512(h, _mm512_slli_epi32(h, 4)), _mm512_set1_epi32(0x0f0f0f0f));
    h = _mm512_slli_epi32(h, 4);
    const __m512i k32 = _mm512_set1_epi8(32);
    Header r;
    r.even = _mm512_sub_epi8(andOr(sl, m4, _mm512_and_si512(h, top)), k32);
    r.odd = _mm512_sub_epi8(andOr(_mm512_srli_epi32(sl, 4), m4, _mm512_and_si512(_mm512_srli_epi32(h, 2), top)), k32);
    r.d = _mm512_mul_ps(_mm512_cvtph_ps(load256(sb)), _mm512_set1_ps(0x1p-24f));
    return r;
}

// Sub-block I's scale (ls_I - 32) * 2^24 per row as F32: its signed byte to the top of the lane, zeros below (one
// vpshufb; the conversion is exact).
template <int I>
inline __m512 scaleOf(const Header& h) {
    constexpr int j = I / 2;
    const __m128i ctl = _mm_set_epi32(int(unsigned(12 + j) << 24 | 0x808080u), int(unsigned(8 + j) << 24 | 0x808080u),
                                      int(unsigned(4 + j) << 24 | 0x808080u), int(unsigned(j) << 24 | 0x808080u));
    return _mm512_cvtepi32_ps(_mm512_shuffle_epi8(I % 2 == 0 ? h.even : h.odd, _mm512_broadcast_i32x4(ctl)));
}

// Unit k of sub-block I: the levels + 128 of its low nibbles (elements 4k..4k+3) and high nibbles (16+4k..16+4k+3).
template <int I>
inline void decodeUnit(const uint8_t* sb, int k, __m512i table, __m512i& lo, __m512i& hi) {
    const __m512i q = load512(sb + kHeaderBytes + (4 * I + k) * kUnitBytes);
    const __m512i m4 = _mm512_set1_epi8(15);
    lo = _mm512_shuffle_epi8(table, _mm512_and_si512(q, m4));
    hi = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(q, 4), m4));
}

// Prefetches quarter P of the super-block's lines, kPrefetchBytes ahead of sb (across the group's end into the next
// group: the groups of a call are consecutive; past the last one the prefetches are wasted, not faults).
template <int P>
inline void prefetchQuarter(const uint8_t* sb) {
    constexpr int64_t kLines = kSbBytes / 64;
    const uint8_t* ahead = sb + kPrefetchBytes;
#pragma GCC unroll 16
    for (int64_t l = P * kLines / 4; l < (P + 1) * kLines / 4; ++l) {
        _mm_prefetch(reinterpret_cast<const char*>(ahead + 64 * l), _MM_HINT_T0);
    }
}

// Token generation: sub-block I's dot product for one token (activations at xb), in int32: two chains, the low and
// the high nibbles, the first from the offset correction.
template <int I>
inline __m512i dotOne(const uint8_t* sb, const uint8_t* xb, __m512i table) {
    __m512i a = _mm512_set1_epi32(loadI32(xb + kStartAt + 4 * I)), b = _mm512_setzero_si512();
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
        __m512i lo, hi;
        decodeUnit<I>(sb, k, table, lo, hi);
        a = dpbusdBcast(a, lo, xb + 32 * I + 4 * k);
        b = dpbusdBcast(b, hi, xb + 32 * I + 16 + 4 * k);
    }
    return _mm512_add_epi32(a, b);
}

// Token generation: sub-blocks 2P, 2P + 1, their scaled dot products added to sEven and sOdd.
template <int P>
inline void pairOne(const uint8_t* sb, const Header& h, const uint8_t* xb, __m512i table, __m512& sEven,
                    __m512& sOdd) {
    sEven = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dotOne<2 * P>(sb, xb, table)), scaleOf<2 * P>(h), sEven);
    sOdd = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dotOne<2 * P + 1>(sb, xb, table)), scaleOf<2 * P + 1>(h), sOdd);
}

// Batches: sub-block I for T tokens, its dot products times d * (ls_I - 32) added to s[t]. One sub-block at a time so
// that only T int32 accumulators are live.
template <int T, int I>
inline void subK(const uint8_t* sb, const Header& h, const uint8_t* const* xb, __m512i table, __m512* s) {
    __m512i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_set1_epi32(loadI32(xb[t] + kStartAt + 4 * I));
    for (int k = 0; k < 4; ++k) {
        __m512i lo, hi;
        decodeUnit<I>(sb, k, table, lo, hi);
        for (int t = 0; t < T; ++t) acc[t] = dpbusdBcast(acc[t], lo, xb[t] + 32 * I + 4 * k);
        for (int t = 0; t < T; ++t) acc[t] = dpbusdBcast(acc[t], hi, xb[t] + 32 * I + 16 + 4 * k);
    }
    const __m512 dI = _mm512_mul_ps(scaleOf<I>(h), h.d);
    for (int t = 0; t < T; ++t) s[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[t]), dI, s[t]);
}

// One group (16 rows, nb super-blocks at g) x T tokens (packed rows xStride apart from x): y[t * ldy + r] for the
// first `rows` rows. prefetch: ask for the weight stream kPrefetchBytes ahead (token generation, tiny batches).
template <int T>
void tileIq4Xs(const uint8_t* g, int64_t nb, const uint8_t* x, size_t xStride, float* y, size_t ldy, int rows,
               bool prefetch) {
    const __m512i table = levels();
    __m512 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* sb = g + b * kSbBytes;
        const uint8_t* xb[T];
        for (int t = 0; t < T; ++t) xb[t] = x + size_t(t) * xStride + size_t(b * kActBytes);
        const Header h = decodeHeader(sb);
        if constexpr (T == 1) {
            __m512 sEven = _mm512_setzero_ps(), sOdd = _mm512_setzero_ps();
            if (prefetch) prefetchQuarter<0>(sb);
            pairOne<0>(sb, h, xb[0], table, sEven, sOdd);
            if (prefetch) prefetchQuarter<1>(sb);
            pairOne<1>(sb, h, xb[0], table, sEven, sOdd);
            if (prefetch) prefetchQuarter<2>(sb);
            pairOne<2>(sb, h, xb[0], table, sEven, sOdd);
            if (prefetch) prefetchQuarter<3>(sb);
            pairOne<3>(sb, h, xb[0], table, sEven, sOdd);
            const __m512 s = _mm512_mul_ps(_mm512_add_ps(sEven, sOdd), h.d);
            acc[0] = _mm512_fmadd_ps(s, bcastF(xb[0] + kDxAt), acc[0]);
        } else {
            __m512 s[T];
            for (int t = 0; t < T; ++t) s[t] = _mm512_setzero_ps();
            if (prefetch) prefetchQuarter<0>(sb);
            subK<T, 0>(sb, h, xb, table, s);
            subK<T, 1>(sb, h, xb, table, s);
            if (prefetch) prefetchQuarter<1>(sb);
            subK<T, 2>(sb, h, xb, table, s);
            subK<T, 3>(sb, h, xb, table, s);
            if (prefetch) prefetchQuarter<2>(sb);
            subK<T, 4>(sb, h, xb, table, s);
            subK<T, 5>(sb, h, xb, table, s);
            if (prefetch) prefetchQuarter<3>(sb);
            subK<T, 6>(sb, h, xb, table, s);
            subK<T, 7>(sb, h, xb, table, s);
            for (int t = 0; t < T; ++t) acc[t] = _mm512_fmadd_ps(s[t], bcastF(xb[t] + kDxAt), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>(rows >= kRows ? 0xffff : (1u << rows) - 1);
    for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

using TileFn = GroupTileFn;

template <int... Ts>
constexpr std::array<TileFn, sizeof...(Ts)> tilesFor(std::integer_sequence<int, Ts...>) {
    return {tileIq4Xs<Ts + 1>...};
}
// kTiles[nt - 1]: the tile for nt tokens, nt = 1..kTile.
constexpr std::array<TileFn, kTile> kTiles = tilesFor(std::make_integer_sequence<int, kTile>());

void gemmIq4Xs(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
               float* y, size_t ldy) {
    gemmGroupTiles<kRows, kTile>(kTiles, kActBudget, kWeightBudget, w, wStride, nRows, x, xStride, nTok, n / kQkK, y,
                                 ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::IQ4_XS, GgmlType::Q8_K, packedRowBytesIq4Xs, packIq4Xs, gemmIq4Xs, kRows, groupBytesIq4Xs,
     repackIq4Xs},
};

}  // namespace

std::span<const GemmKernels> repackIq4XsAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
