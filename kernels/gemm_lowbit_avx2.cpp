// AVX2 tile kernels (kernels/gemm.h) for the low-bit types TQ2_0, Q2_K and TQ1_0 x Q8_K activations. Only this file
// is compiled with -mavx2 -mfma -mf16c; gemm.cpp calls gemmLowbitAvx2Table() only after cpuSupports(Isa::Avx2).
//
// The same scheme as the VNNI tiles (kernels/gemm_lowbit_avx512vnni.cpp), on 256-bit registers and without
// vpdpbusd: every weight super-block is first decoded ("prepared") into 256 unsigned bytes u_j in element order,
// u = t (0..2, TQ types; the offset -sum x comes with the activations) or u = q * sc_i (Q2_K, <= 45), plus its
// F32 factors and, for Q2_K, the 16 minimums. The tile then takes vpmaddubsw (u x signed activation, pairs summed
// to int16: at most 2 * 45 * 127 = 11430, no saturation) and vpmaddwd with ones (int32) per 32 elements, so the
// integer sum of a super-block is exact, converted to F32 once and scaled by d_w * d_x as in the reference.
//
// Decoding costs about as much as the products of one token, so rows are prepared once per row block and then
// meet every token tile from cache. At batch 1 that does not pay: the per-row kernels of kernelsFor() (which decode
// in registers) measure faster there (tests/bench/lowbit_bench.cpp), so gemm hands single tokens to them.
//
// The activations are the Q8_K rows as they are (no pack): qs in element order, which is the order the weights are
// prepared in; the TQ types' offset -sum x starts the accumulator as vpmaddwd(bsums, -1) (8 int32 lanes whose sum
// is -sum x).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
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

constexpr int64_t kActBytes = sizeof(BlockQ8_K);  // activation rows: Q8_K blocks (format_q8_k.h)
constexpr int64_t kActQsAt = offsetof(BlockQ8_K, qs);
constexpr int64_t kActBsumsAt = offsetof(BlockQ8_K, bsums);
constexpr int64_t kPrepBytes = 320;  // prepared weight bytes per super-block: u[256], d, -dmin, mins
constexpr int64_t kPrepDAt = 256;
constexpr int64_t kPrepNegDminAt = 260;
constexpr int64_t kPrepMinsAt = 288;
constexpr int kMr = 4;  // weight rows per tile
constexpr int kNt = 2;  // tokens per tile (8 accumulators of the 16 ymm registers)
constexpr size_t kPreparedBudget = 192 * 1024;  // prepared bytes per row block at batch > kNt

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

template <GgmlType T>
constexpr int64_t kBlockBytes = T == GgmlType::TQ2_0 ? int64_t(sizeof(BlockTq2_0))
                                : T == GgmlType::Q2_K ? int64_t(sizeof(BlockQ2_K))
                                                      : int64_t(sizeof(BlockTq1_0));
template <GgmlType T>
constexpr bool kHasMin = T == GgmlType::Q2_K;

// --- preparing the weights ----------------------------------------------------------------------------------------

// TQ2_0 / Q2_K codes: bits 2s..2s+1 of qs[32h + l] are element 128h + 32s + l, so the 32 codes of (h, s) are the
// 32 consecutive elements from 32 (4h + s).
void prepareTq2_0(const uint8_t* wb, uint8_t* pb) {
    const __m256i m3 = _mm256_set1_epi8(3);
    for (int h = 0; h < 2; ++h) {
        const __m256i q = load256(wb + 32 * h);
        for (int s = 0; s < 4; ++s) store256(pb + 32 * (4 * h + s), _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m3));
    }
    storeF32(pb + kPrepDAt, halfAt(wb + 64));
}

// Q2_K: u = q * sc through the per-lane table {0, sc, 2 sc, 3 sc} = (sc & [bit 0]) + (2 sc & [bit 1]); the 128-bit
// lanes of chunk c = 4h + s are sub-blocks 2c and 2c + 1.
void prepareQ2_K(const uint8_t* wb, uint8_t* pb) {
    const __m128i packed = load128(wb);
    const __m128i m4 = _mm_set1_epi8(0x0f);
    const __m256i scales = _mm256_broadcastsi128_si256(_mm_and_si128(packed, m4));
    const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
    const __m256i bit0 = _mm256_set1_epi32(int(0xff00ff00u));
    const __m256i bit1 = _mm256_set1_epi32(int(0xffff0000u));
    const __m256i m3 = _mm256_set1_epi8(3);
    for (int h = 0; h < 2; ++h) {
        const __m256i q = load256(wb + 16 + 32 * h);
        for (int s = 0; s < 4; ++s) {
            const int c = 4 * h + s;
            const __m256i pick = _mm256_setr_m128i(_mm_set1_epi8(char(2 * c)), _mm_set1_epi8(char(2 * c + 1)));
            const __m256i sc = _mm256_shuffle_epi8(scales, pick);
            const __m256i table =
                _mm256_add_epi8(_mm256_and_si256(sc, bit0), _mm256_and_si256(_mm256_add_epi8(sc, sc), bit1));
            store256(pb + 32 * c, _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m3)));
        }
    }
    storeF32(pb + kPrepDAt, halfAt(wb + 80));
    storeF32(pb + kPrepNegDminAt, -halfAt(wb + 82));
    _mm256_store_si256(reinterpret_cast<__m256i*>(pb + kPrepMinsAt), mins);
}

// TQ1_0 (format_tq1_0.h): trit k of byte b is [m >= 86] + [m >= 171] for m = b * 3^k mod 256 (m + m + m).
__m256i times3(__m256i m) { return _mm256_add_epi8(m, _mm256_add_epi8(m, m)); }
__m128i times3(__m128i m) { return _mm_add_epi8(m, _mm_add_epi8(m, m)); }
__m256i trits(__m256i m) {
    const __m256i ge86 = _mm256_cmpeq_epi8(_mm256_max_epu8(m, _mm256_set1_epi8(86)), m);
    const __m256i ge171 = _mm256_cmpeq_epi8(_mm256_max_epu8(m, _mm256_set1_epi8(char(171))), m);
    return _mm256_sub_epi8(_mm256_setzero_si256(), _mm256_add_epi8(ge86, ge171));
}

void prepareTq1_0(const uint8_t* wb, uint8_t* pb) {
    // qs[0..31]: elements 32k + l.
    __m256i a = load256(wb);
    for (int k = 0; k < 5; ++k) {
        store256(pb + 32 * k, trits(a));
        a = times3(a);
    }
    // qs[32..47]: elements 160 + 16k + l; qh[0..3]: 240 + 4k + l.
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
    store256(pb + 160, trits(_mm256_setr_m128i(c1, c3)));
    store256(pb + 192, trits(_mm256_setr_m128i(c9, c27)));
    store256(pb + 224, trits(_mm256_setr_m128i(c81, qh)));
    storeF32(pb + kPrepDAt, halfAt(wb + 52));
}

template <GgmlType T>
void prepareRows(const uint8_t* w, size_t wStride, int64_t nRows, int64_t nb, uint8_t* out) {
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t b = 0; b < nb; ++b) {
            const uint8_t* wb = w + size_t(r) * wStride + b * kBlockBytes<T>;
            uint8_t* pb = out + (r * nb + b) * kPrepBytes;
            if constexpr (T == GgmlType::TQ2_0) prepareTq2_0(wb, pb);
            if constexpr (T == GgmlType::Q2_K) prepareQ2_K(wb, pb);
            if constexpr (T == GgmlType::TQ1_0) prepareTq1_0(wb, pb);
        }
    }
}

// --- the tile ----------------------------------------------------------------------------------------------------

// MR prepared rows (pStride bytes apart) x NT tokens over nb super-blocks: y[t * ldy + r] = dot(row r, token t).
template <GgmlType T, int MR, int NT>
void tileLowbit(const uint8_t* prep, size_t pStride, const uint8_t* x, size_t xStride, int64_t nb, float* y,
                size_t ldy) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[MR][NT];
#pragma GCC unroll 4
    for (auto& row : acc) {
#pragma GCC unroll 4
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
#pragma GCC unroll 4
        for (int r = 0; r < MR; ++r) {
            const uint8_t* pb = prep + size_t(r) * pStride + b * kPrepBytes;
#pragma GCC unroll 4
            for (int t = 0; t < NT; ++t) {
                const uint8_t* xb = x + size_t(t) * xStride + b * kActBytes;
                const __m256i bsums = load256(xb + kActBsumsAt);
                __m256i dot = kHasMin<T> ? _mm256_setzero_si256() : _mm256_madd_epi16(bsums, _mm256_set1_epi16(-1));
#pragma GCC unroll 8
                for (int c = 0; c < 8; ++c) {
                    const __m256i p = _mm256_maddubs_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(pb + 32 * c)),
                                                           load256(xb + kActQsAt + 32 * c));
                    dot = _mm256_add_epi32(dot, _mm256_madd_epi16(p, ones));
                }
                const __m256 dx = _mm256_set1_ps(loadF32(xb));  // d at offset 0
                acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_mul_ps(_mm256_set1_ps(loadF32(pb + kPrepDAt)), dx),
                                            acc[r][t]);
                if constexpr (kHasMin<T>) {
                    const __m256i m = _mm256_madd_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(pb + kPrepMinsAt)),
                                                        bsums);
                    acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(m),
                                                _mm256_mul_ps(_mm256_set1_ps(loadF32(pb + kPrepNegDminAt)), dx), acc[r][t]);
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

using TileFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t);

template <GgmlType T>
struct Tiles {
    template <int MR, int NT>
    static constexpr TileFn tile = tileLowbit<T, MR, NT>;
};

template <GgmlType T>
void gemm(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
          float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nb = n / kQkK;
    if (nTok == 1) {
        static const TypeKernels* const perRow = kernelsFor(T, Isa::Avx2);
        const int64_t ahead = rowsAhead(wStride);
        for (int64_t r = 0; r < nRows; ++r) {
            if (r + ahead < nRows) prefetchRow(w + size_t(r + ahead) * wStride, wStride);
            y[r] = perRow->dotAct(w + size_t(r) * wStride, x, n);
        }
        return;
    }
    if (nb == 0) {
        for (int64_t t = 0; t < nTok; ++t) std::fill(y + size_t(t) * ldy, y + size_t(t) * ldy + size_t(nRows), 0.0f);
        return;
    }
    // One token tile: every row is read once, so a block of one row tile keeps its prepared rows in L1.
    const int64_t rowBlock =
        nTok <= kNt ? kMr : std::max<int64_t>(kMr, int64_t(kPreparedBudget) / (nb * kPrepBytes) / kMr * kMr);
    const size_t pStride = size_t(nb * kPrepBytes);
    // The prepared rows of the current block, per thread (callers run gemm on several threads at once).
    struct alignas(32) Line {
        uint8_t bytes[32];
    };  // vector storage aligned for the prepared rows' aligned loads
    thread_local std::vector<Line> prepared;
    prepared.resize(size_t(rowBlock) * pStride / sizeof(Line));
    auto* prep = reinterpret_cast<uint8_t*>(prepared.data());
    int64_t blockStart = 0;
    forEachTile<kMr, kNt>(
        nRows, nTok, rowBlock,
        [&](int64_t r0, int64_t r1) {
            blockStart = r0;
            prepareRows<T>(w + size_t(r0) * wStride, wStride, r1 - r0, nb, prep);
        },
        [&](int64_t r, int64_t t, int mr, int nt) {
            kTileTable<TileFn, kMr, kNt, Tiles<T>>[size_t(mr - 1)][size_t(nt - 1)](
                prep + size_t(r - blockStart) * pStride, pStride, x + size_t(t) * xStride, xStride, nb,
                y + size_t(t) * ldy + size_t(r), ldy);
        });
}

constexpr GemmKernels kTable[] = {
    {GgmlType::TQ2_0, GgmlType::Q8_K, nullptr, nullptr, gemm<GgmlType::TQ2_0>},
    {GgmlType::Q2_K, GgmlType::Q8_K, nullptr, nullptr, gemm<GgmlType::Q2_K>},
    {GgmlType::TQ1_0, GgmlType::Q8_K, nullptr, nullptr, gemm<GgmlType::TQ1_0>},
};

}  // namespace

std::span<const GemmKernels> gemmLowbitAvx2Table() { return kTable; }

}  // namespace hearth::kernels
