// AVX-512 VNNI tile kernels (kernels/gemm.h) for the low-bit types TQ2_0, Q2_K and TQ1_0 x Q8_K activations.
// Only this file is compiled with -mavx512f/bw/vl/dq -mavx512vnni; gemm.cpp calls gemmLowbitAvx512VnniTable()
// only after cpuSupports(Isa::Avx512Vnni).
//
// Every weight super-block (256 elements) is decoded into 256 *unsigned* bytes u_j in the order of the packed
// activations, four zmm of 64, and multiplied with vpdpbusd (unsigned x signed bytes, four products per int32
// lane), so one super-block costs four vpdpbusd per (row, token):
//   TQ2_0, TQ1_0  u = t in 0..2 (the level is t - 1): sum (t - 1) x = sum t x - sum x, and the packed activations
//                 carry -sum x (the sum of the Q8_K bsums) as the accumulator's starting value.
//   Q2_K          u = q * sc_i (q in 0..3, the 4-bit sub-block scale sc_i in 0..15, so u <= 45): the scale is
//                 folded into the weight byte by a vpshufb over the table {0, sc, 2 sc, 3 sc} of each 16-byte
//                 lane (one lane = one 16-element sub-block). The minimum term dmin * sum_i m_i * bsums_i is one
//                 vpmaddwd of the 16 int16 minimums with the 16 int16 activation block sums.
// All integer sums are exact (|lane| < 2^17); each super-block's are converted to F32 once and scaled by
// d_w * d_x, as the scalar reference does, so only the F32 summation order differs.
//
// Packed activation super-block (kActBytes = 384 bytes, from one BlockQ8_K):
//   bytes   0..255  qs, in the decoding order of the weight type (zmm s = bytes 64 s .. 64 s + 63):
//                   TQ2_0, Q2_K: zmm s = elements 32 s .. 32 s + 31, then 128 + 32 s .. 128 + 32 s + 31 (the
//                                elements held by bits 2s..2s+1 of qs[0..31] and qs[32..63])
//                   TQ1_0:       elements in order (zmm s = 64 s .. 64 s + 63)
//   bytes 256..319  16 int32 starting values: lane 0 = -sum of the 256 quants (TQ types), all 0 for Q2_K
//   bytes 320..323  d_x (F32)
//   bytes 352..383  the 16 int16 bsums of the Q8_K block (Q2_K's minimum term)
//
// Batch 1 (token generation) decodes each weight block in registers right before use: the kernel streams the
// weights once and is bound by memory bandwidth. Prompt processing decodes a block of rows once into "prepared"
// super-blocks (kPrepBytes: the 256 bytes u, d, -dmin and the minimums) that every token tile then reads from L2.
//
// Q2_K's raw-row path keeps u = q and applies the scales after vpdpbusd with vpdpwssd instead (decodeQ2_KRaw):
// cheaper when every decoded row is used only once or twice.
//
// The lookup-table (T-MAC style) kernel for TQ2_0 at batch 1 lives in kernels/lut_tq2_0_avx512.h: measured
// against this direct tile it is slower (0.7x) on this CPU (see that header), so gemm does not dispatch to it.
#ifndef __AVX512VNNI__
#error "gemm_lowbit_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/format_q2_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/format_tq1_0.h"
#include "kernels/format_tq2_0.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kActBytes = 384;          // packed activation bytes per super-block (layout above)
constexpr int64_t kActStartAt = 256;
constexpr int64_t kActDAt = 320;
constexpr int64_t kActBsumsAt = 352;
constexpr int64_t kPrepBytes = 320;         // prepared weight bytes per super-block: u[256], d, -dmin, mins
constexpr int64_t kPrepDAt = 256;
constexpr int64_t kPrepNegDminAt = 260;
constexpr int64_t kPrepMinsAt = 288;
constexpr int64_t kPrefetchBytes = 4096;    // prefetch distance along a weight row at batch 1
constexpr int kMr = 4;                      // weight rows per tile
constexpr int kNt = 4;                      // tokens per tile
constexpr int64_t kPrepareMinTokens = kNt + 1;  // with one token tile every row is decoded once anyway
constexpr size_t kL2Budget = 192 * 1024;    // raw weight bytes per row block
constexpr size_t kPreparedBudget = 256 * 1024;  // prepared bytes per row block

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

template <GgmlType T>
constexpr int64_t kBlockBytes = T == GgmlType::TQ2_0 ? int64_t(sizeof(BlockTq2_0))
                                : T == GgmlType::Q2_K ? int64_t(sizeof(BlockQ2_K))
                                                      : int64_t(sizeof(BlockTq1_0));
template <GgmlType T>
constexpr bool kHasMin = T == GgmlType::Q2_K;

// --- packing the activations ------------------------------------------------------------------------------------

size_t packedRowBytes(int64_t n) { return size_t(n / kQkK * kActBytes); }

template <GgmlType T>
void pack(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ8_K x;
        std::memcpy(&x, src + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kActBytes;
        if constexpr (T == GgmlType::TQ1_0) {
            std::memcpy(o, x.qs, kQkK);
        } else {
            for (int s = 0; s < 4; ++s) {
                std::memcpy(o + 64 * s, x.qs + 32 * s, 32);
                std::memcpy(o + 64 * s + 32, x.qs + 128 + 32 * s, 32);
            }
        }
        int32_t start[16] = {};
        if constexpr (!kHasMin<T>) {
            for (const int16_t s : x.bsums) start[0] -= s;
        }
        std::memcpy(o + kActStartAt, start, sizeof start);
        std::memset(o + kActDAt, 0, size_t(kActBytes - kActDAt));
        std::memcpy(o + kActDAt, &x.d, sizeof x.d);
        std::memcpy(o + kActBsumsAt, x.bsums, sizeof x.bsums);
    }
}

// --- decoding a weight super-block -----------------------------------------------------------------------------

// One super-block ready for vpdpbusd: u[s] pairs with packed activation zmm s; d and -dmin broadcast; the 16
// minimums as int16 (Q2_K only).
struct Decoded {
    __m512i u[4];
    __m512 d;
    __m512 negDmin;
    __m256i mins;
    __m512i scales[4];  // Q2_K's raw path: the sub-block scale of each int32 lane of u[s] (see decodeQ2_KRaw)
};

// TQ2_0: bits 2s..2s+1 of the 64 qs bytes are the codes of packed zmm s (see the layout above).
[[gnu::always_inline]] inline void decodeTq2_0(const uint8_t* wb, Decoded& o) {
    const __m512i v = _mm512_loadu_si512(wb);
    const __m512i m3 = _mm512_set1_epi8(3);
    for (int s = 0; s < 4; ++s) o.u[s] = _mm512_and_si512(_mm512_srli_epi16(v, 2 * s), m3);
    o.d = _mm512_set1_ps(halfAt(wb + 64));
}

// Q2_K: as TQ2_0, then u = q * sc by a per-lane table. 16-byte lane k of zmm s holds sub-block
// 2s + (k & 1) + 8 (k >> 1); its table {0, sc, 2 sc, 3 sc} is (sc & [q bit 0]) + (2 sc & [q bit 1]).
[[gnu::always_inline]] inline void decodeQ2_K(const uint8_t* wb, Decoded& o) {
    const __m128i packed = load128(wb);  // scale | min << 4 per sub-block
    const __m128i m4 = _mm_set1_epi8(0x0f);
    const __m512i scales = _mm512_broadcast_i32x4(_mm_and_si128(packed, m4));
    o.mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
    const __m512i bit0 = _mm512_set4_epi32(0, 0, 0, int(0xff00ff00u));  // bytes 1, 3 of each lane
    const __m512i bit1 = _mm512_set4_epi32(0, 0, 0, int(0xffff0000u));  // bytes 2, 3
    const __m512i v = _mm512_loadu_si512(wb + 16);
    const __m512i m3 = _mm512_set1_epi8(3);
    for (int s = 0; s < 4; ++s) {
        const char a = char(2 * s), b = char(2 * s + 1), c = char(2 * s + 8), e = char(2 * s + 9);
        const __m512i pick = _mm512_set_epi8(e, e, e, e, e, e, e, e, e, e, e, e, e, e, e, e,  //
                                             c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c,  //
                                             b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b,  //
                                             a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a);
        const __m512i sc = _mm512_shuffle_epi8(scales, pick);
        const __m512i table = _mm512_add_epi8(_mm512_and_si512(sc, bit0), _mm512_and_si512(_mm512_add_epi8(sc, sc), bit1));
        o.u[s] = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(v, 2 * s), m3));
    }
    o.d = _mm512_set1_ps(halfAt(wb + 80));
    o.negDmin = _mm512_set1_ps(-halfAt(wb + 82));
}

// TQ1_0 (format_tq1_0.h): trit k of byte b is the high byte of 3 * (uint8)(b * 3^k), i.e. [m >= 86] + [m >= 171]
// for m = b * 3^k mod 256, built by byte additions (m + m + m).
inline __m256i times3(__m256i m) { return _mm256_add_epi8(m, _mm256_add_epi8(m, m)); }
inline __m128i times3(__m128i m) { return _mm_add_epi8(m, _mm_add_epi8(m, m)); }
inline __m512i trits(__m512i m) {
    const __mmask64 ge86 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(86));
    const __mmask64 ge171 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(char(171)));
    const __m512i t = _mm512_maskz_mov_epi8(ge86, _mm512_set1_epi8(1));
    return _mm512_mask_mov_epi8(t, ge171, _mm512_set1_epi8(2));
}

// Elements in order: qs[0..31] hold 32k + l (k = 0..4), qs[32..47] hold 160 + 16k + l, qh[0..3] 240 + 4k + l.
[[gnu::always_inline]] inline void decodeTq1_0(const uint8_t* wb, Decoded& o) {
    const __m256i a1 = load256(wb);
    const __m256i a3 = times3(a1);
    const __m256i a9 = times3(a3);
    const __m256i a27 = times3(a9);
    const __m256i a81 = times3(a27);
    const __m128i c1 = load128(wb + 32);
    const __m128i c3 = times3(c1);
    const __m128i c9 = times3(c3);
    const __m128i c27 = times3(c9);
    const __m128i c81 = times3(c27);
    uint32_t qhBits;
    std::memcpy(&qhBits, wb + 48, sizeof qhBits);
    const __m128i q1 = _mm_set1_epi32(int(qhBits));
    const __m128i q3 = times3(q1);
    const __m128i q9 = times3(q3);
    const __m128i q27 = times3(q9);
    const __m128i qh = _mm_blend_epi32(_mm_blend_epi32(_mm_blend_epi32(q1, q3, 0x2), q9, 0x4), q27, 0x8);
    o.u[0] = trits(join(a1, a3));
    o.u[1] = trits(join(a9, a27));
    o.u[2] = trits(join(a81, _mm256_set_m128i(c3, c1)));
    o.u[3] = trits(join(_mm256_set_m128i(c27, c9), _mm256_set_m128i(qh, c81)));
    o.d = _mm512_set1_ps(halfAt(wb + 52));
}

// Q2_K for the tiles that read raw rows (batch 1 and small batches): folding the scales into the bytes costs
// six shuffle-port instructions per zmm and row, more than the data moves at batch 1. Instead u = q (0..3), and
// the scale multiplies the int32 lanes of each vpdpbusd result: a lane is a sum of four q x, |.| <= 4 * 3 * 127,
// so it is exact as int16, and vpdpwssd with int32 lanes {sc, 0} (int16 pairs) adds sc * lane to the sum.
[[gnu::always_inline]] inline void decodeQ2_KRaw(const uint8_t* wb, Decoded& o) {
    const __m128i packed = load128(wb);  // scale | min << 4 per sub-block
    const __m128i m4 = _mm_set1_epi8(0x0f);
    const __m512i scales = _mm512_broadcast_i32x4(_mm_and_si128(packed, m4));
    o.mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
    const __m512i v = _mm512_loadu_si512(wb + 16);
    const __m512i m3 = _mm512_set1_epi8(3);
    for (int s = 0; s < 4; ++s) {
        // Lane k of zmm s is sub-block 2s + (k & 1) + 8 (k >> 1): its scale byte, zero-extended to each int32.
        const auto lane = [s](int k) { return int(0x80808000u | unsigned(2 * s + (k & 1) + 8 * (k >> 1))); };
        const __m512i pick = _mm512_set_epi32(lane(3), lane(3), lane(3), lane(3), lane(2), lane(2), lane(2), lane(2),
                                              lane(1), lane(1), lane(1), lane(1), lane(0), lane(0), lane(0), lane(0));
        o.scales[s] = _mm512_shuffle_epi8(scales, pick);
        o.u[s] = _mm512_and_si512(_mm512_srli_epi16(v, 2 * s), m3);
    }
    o.d = _mm512_set1_ps(halfAt(wb + 80));
    o.negDmin = _mm512_set1_ps(-halfAt(wb + 82));
}

template <GgmlType T>
[[gnu::always_inline]] inline void decodeRaw(const uint8_t* wb, Decoded& o) {
    if constexpr (T == GgmlType::TQ2_0) decodeTq2_0(wb, o);
    if constexpr (T == GgmlType::Q2_K) decodeQ2_K(wb, o);
    if constexpr (T == GgmlType::TQ1_0) decodeTq1_0(wb, o);
}

// Weight rows as stored (batch 1 and small batches): decoded in registers.
template <GgmlType T>
struct RawRows {
    static constexpr bool kSeparateScales = T == GgmlType::Q2_K;  // decodeQ2_KRaw
    const uint8_t* w;
    size_t stride;
    template <bool kPrefetch>
    [[gnu::always_inline]] void decode(int r, int64_t b, Decoded& o) const {
        const uint8_t* wb = w + size_t(r) * stride + b * kBlockBytes<T>;
        if constexpr (kPrefetch) {
            // Token generation streams the weights from memory: ask for them a little ahead of use (both cache
            // lines a block may touch).
            _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + kBlockBytes<T> - 1), _MM_HINT_T0);
        }
        if constexpr (kSeparateScales) {
            decodeQ2_KRaw(wb, o);
        } else {
            decodeRaw<T>(wb, o);
        }
    }
};

// Rows decoded beforehand into prepared super-blocks (kPrepBytes each, 64-byte aligned).
template <GgmlType T>
struct PreparedRows {
    static constexpr bool kSeparateScales = false;
    const uint8_t* p;
    size_t stride;
    template <bool>
    [[gnu::always_inline]] void decode(int r, int64_t b, Decoded& o) const {
        const uint8_t* pb = p + size_t(r) * stride + b * kPrepBytes;
        for (int s = 0; s < 4; ++s) o.u[s] = _mm512_load_si512(pb + 64 * s);
        o.d = _mm512_set1_ps(loadF32(pb + kPrepDAt));
        if constexpr (kHasMin<T>) {
            o.negDmin = _mm512_set1_ps(loadF32(pb + kPrepNegDminAt));
            o.mins = _mm256_load_si256(reinterpret_cast<const __m256i*>(pb + kPrepMinsAt));
        }
    }
};

template <GgmlType T>
void prepareRows(const uint8_t* w, size_t wStride, int64_t nRows, int64_t nb, uint8_t* out) {
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t b = 0; b < nb; ++b) {
            Decoded o;
            decodeRaw<T>(w + size_t(r) * wStride + b * kBlockBytes<T>, o);
            uint8_t* pb = out + (r * nb + b) * kPrepBytes;
            for (int s = 0; s < 4; ++s) _mm512_store_si512(pb + 64 * s, o.u[s]);
            std::memset(pb + kPrepDAt, 0, size_t(kPrepBytes - kPrepDAt));
            _mm_store_ss(reinterpret_cast<float*>(pb + kPrepDAt), _mm512_castps512_ps128(o.d));
            if constexpr (kHasMin<T>) {
                _mm_store_ss(reinterpret_cast<float*>(pb + kPrepNegDminAt), _mm512_castps512_ps128(o.negDmin));
                _mm256_store_si256(reinterpret_cast<__m256i*>(pb + kPrepMinsAt), o.mins);
            }
        }
    }
}

// --- the tile ----------------------------------------------------------------------------------------------------

// MR rows x NT tokens over nb super-blocks: y[t * ldy + r] = dot(row r, token t).
template <GgmlType T, class Rows, int MR, int NT>
void tileLowbit(const Rows& rows, const uint8_t* x, size_t xStride, int64_t nb, float* y, size_t ldy) {
    __m512 acc[MR][NT];
    // Every loop over rows, tokens and slices is unrolled, so the accumulators stay in registers.
#pragma GCC unroll 4
    for (auto& row : acc) {
#pragma GCC unroll 4
        for (__m512& a : row) a = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
#pragma GCC unroll 4
        for (int r = 0; r < MR; ++r) {
            Decoded w;
            rows.template decode<NT == 1>(r, b, w);
            // An opaque copy of the activation pointer per row: otherwise the compiler keeps every token's four
            // activation registers live across the rows (16 zmm besides the 16 accumulators) and spills; reading
            // them again from L1 as vpdpbusd memory operands is free.
            const uint8_t* xr = x;
            asm("" : "+r"(xr));
#pragma GCC unroll 4
            for (int t = 0; t < NT; ++t) {
                const uint8_t* xb = xr + size_t(t) * xStride + b * kActBytes;
                __m512i dot = kHasMin<T> ? _mm512_setzero_si512() : _mm512_loadu_si512(xb + kActStartAt);
#pragma GCC unroll 4
                for (int s = 0; s < 4; ++s) {
                    const __m512i xs = _mm512_loadu_si512(xb + 64 * s);
                    if constexpr (Rows::kSeparateScales) {
                        const __m512i part = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w.u[s], xs);
                        dot = _mm512_dpwssd_epi32(dot, part, w.scales[s]);
                    } else {
                        dot = _mm512_dpbusd_epi32(dot, w.u[s], xs);
                    }
                }
                const __m512 dx = _mm512_set1_ps(loadF32(xb + kActDAt));
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(w.d, dx), acc[r][t]);
                if constexpr (kHasMin<T>) {
                    const __m256i m = _mm256_madd_epi16(w.mins, load256(xb + kActBsumsAt));
                    acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_zextsi256_si512(m)), _mm512_mul_ps(w.negDmin, dx),
                                                acc[r][t]);
                }
            }
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) y[size_t(t) * ldy + size_t(r)] = hsum(acc[r][t]);
    }
}

template <GgmlType T, class Rows>
using TileFn = void (*)(const Rows&, const uint8_t*, size_t, int64_t, float*, size_t);

template <GgmlType T, class Rows>
struct Tiles {
    template <int MR, int NT>
    static constexpr TileFn<T, Rows> tile = tileLowbit<T, Rows, MR, NT>;
};

template <GgmlType T, class Rows>
constexpr auto& kTiles = kTileTable<TileFn<T, Rows>, kMr, kNt, Tiles<T, Rows>>;

template <GgmlType T>
void gemm(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
          float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nb = n / kQkK;
    const bool prepare = nTok >= kPrepareMinTokens && nb > 0;
    const int64_t rowBlock =
        prepare ? std::max<int64_t>(kMr, int64_t(kPreparedBudget) / (nb * kPrepBytes) / kMr * kMr)
                : rowBlockFor(wStride, kMr, kL2Budget);
    // The prepared rows of the current block, per thread (callers run gemm on several threads at once).
    struct alignas(64) Line {
        uint8_t bytes[64];
    };  // vector storage aligned for the prepared rows' aligned loads
    thread_local std::vector<Line> prepared;
    if (prepare) prepared.resize(size_t(rowBlock * nb * kPrepBytes) / sizeof(Line));
    auto* prep = reinterpret_cast<uint8_t*>(prepared.data());
    int64_t blockStart = 0;
    forEachTile<kMr, kNt>(
        nRows, nTok, rowBlock,
        [&](int64_t r0, int64_t r1) {
            blockStart = r0;
            if (prepare) prepareRows<T>(w + size_t(r0) * wStride, wStride, r1 - r0, nb, prep);
        },
        [&](int64_t r, int64_t t, int mr, int nt) {
            const uint8_t* xt = x + size_t(t) * xStride;
            float* yt = y + size_t(t) * ldy + size_t(r);
            if (prepare) {
                const PreparedRows<T> rows{prep + (r - blockStart) * nb * kPrepBytes, size_t(nb * kPrepBytes)};
                kTiles<T, PreparedRows<T>>[size_t(mr - 1)][size_t(nt - 1)](rows, xt, xStride, nb, yt, ldy);
            } else {
                const RawRows<T> rows{w + size_t(r) * wStride, wStride};
                kTiles<T, RawRows<T>>[size_t(mr - 1)][size_t(nt - 1)](rows, xt, xStride, nb, yt, ldy);
            }
        });
}

constexpr GemmKernels kTable[] = {
    {GgmlType::TQ2_0, GgmlType::Q8_K, packedRowBytes, pack<GgmlType::TQ2_0>, gemm<GgmlType::TQ2_0>},
    {GgmlType::Q2_K, GgmlType::Q8_K, packedRowBytes, pack<GgmlType::Q2_K>, gemm<GgmlType::Q2_K>},
    {GgmlType::TQ1_0, GgmlType::Q8_K, packedRowBytes, pack<GgmlType::TQ1_0>, gemm<GgmlType::TQ1_0>},
};

}  // namespace

std::span<const GemmKernels> gemmLowbitAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
