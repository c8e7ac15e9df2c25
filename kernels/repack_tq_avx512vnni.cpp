// AVX-512 VNNI repacked kernels for TQ2_0, TQ1_0 (ternary, BitNet b1.58) weights x Q8_K activations
// (kernels/gemm.h, GemmKernels::repack). Only this file is compiled with -mavx512vnni; gemm.cpp calls
// repackTqAvx512VnniTable() only after cpuSupports(Isa::Avx512Vnni).
//
// Both layouts put kRows (16) consecutive rows in a group, one row per int32 lane, and keep the file's bytes per
// weight: token generation streams every weight once, so a repack that grew the bytes would cap it below the
// memory-bandwidth roofline.
//
// TQ2_0 group: 2-bit codes t in 0..2 (value t - 1, times the block's scale). Super-blocks (256 elements) go in
// pairs, each pair a whole number of cache lines:
//
//   pair of super-blocks b, b + 1 (kPairBytes = 2112):
//     bytes    0..31    16 F16 scales d of block b, lane r = row r (one vcvtph2ps)
//     bytes   32..63    the same for block b + 1
//     bytes   64..1087  codes of block b: 16 vectors v = 0..15 of 64 bytes; in vector v, lane r (bytes 4r..4r+3)
//                       byte j holds in bits 2s..2s+1 (s = 0..3) the code of element 16v + 4s + j of row r
//     bytes 1088..2111  codes of block b + 1, the same way
//   an odd last block: its 32 bytes of scales, 32 zero bytes, its codes (1088 bytes).
//   Rows past nRows in the last group: zero scales and codes.
//   Size: 2112 / (16 x 2 x 66) = exactly the TQ2_0 file's bytes.
//
// Decoding without shifts: u_s = v & (3 << 2s) = 4^s t, at most 128, a valid unsigned byte for vpdpbusd. Vector v
// AND mask s pairs with activation bytes 16v + 4s .. 16v + 4s + 3 (one 4-byte broadcast, an embedded {1to16}
// memory operand), accumulated in its own int32 sum a_s = 4^s sum t x; per block sum t x = a_0 + a_1 / 4 +
// a_2 / 16 + a_3 / 64, exact divisions done as arithmetic shifts (|a_s| < 2^21). Why: 512-bit shifts share port 0
// with vpdpbusd (the one 512-bit multiply port here) while the ANDs go to port 5, so a block costs 64 vpdpbusd on
// port 0 plus a few per-token ops, and each decoded vector serves up to kTok tokens. That is also the ceiling of
// prompt processing: 64 vpdpbusd per 16 rows x 256 elements x token is the full VNNI multiply rate.
//
// TQ1_0 group: the file's base-3 bytes as they are (1.69 bits per weight), only re-laid out:
//
//   pair of super-blocks b, b + 1 (kTq1PairBytes = 1728):
//     bytes    0..63    F16 scales of blocks b and b + 1, as for TQ2_0
//     bytes   64..895   block b: 13 vectors v = 0..12; in vector v, lane r byte j is byte 4v + j of row r's block
//                       (qs[0..47] in vectors 0..11, qh[0..3] in vector 12)
//     bytes  896..1727  block b + 1, the same way
//   an odd last block: 64 bytes of scales (32 of them zero), its 832 bytes. Size: exactly the file's bytes.
//
// Decoding base 3 without trits: trit k of byte b is t_k = floor(3 m_k / 256) with m_k = b * 3^k mod 256
// (format_tq1_0.h), and m_{k+1} = 3 m_k mod 256, so 256 t_k = 3 m_k - m_{k+1} exactly. Hence
//     256 sum_k t_k x_k = 3 sum_k m_k x_k - sum_k m_{k+1} x_k,
// two vpdpbusd per 64 trits on the bytes m_k themselves (unsigned, as vpdpbusd wants them), and m_{k+1} from m_k
// by two byte adds (wrapping is the mod 256). Per 64 bytes of weights (320 trits): 10 vpdpbusd on port 0 and 10
// adds, ~10 cycles, under the ~15 cycles one core waits for 64 bytes from DRAM at token generation. The previous
// layout expanded the trits to TQ2_0's 2-bit codes at load: cheaper to decode, but 22 % more bytes to stream, which
// held TQ1_0 at ~80 % of the roofline. Trit k of byte 4v + j pairs with activation position 4 (5v + k) + j (qs) or
// 240 + 4k + j (qh, whose 5th trit is unused); the packed activations of TQ1_0 hold the block's quants in that order
// (kTq1Order). Prompts decode each group once per token chunk into the TQ2_0 layout (16 code vectors per block,
// vector v' AND mask s = positions 16v' + 4s + j = 4q + j for the q-th trit vector) and run TQ2_0's tiles: prompts
// are compute bound, and TQ2_0's decode is one AND per 64 trits against two vpdpbusd plus two adds here.
//
// Packed activation row (packedRowBytes: kActBlockBytes per super-block, padded to 64 bytes), per block:
//     bytes   0..255  the 256 int8 quants of the Q8_K block, in order (TQ1_0: in kTq1Order)
//     bytes 256..259  F32 d_x
//     bytes 260..263  int32 -sum of the quants (the -1 offset of the codes: sum (t - 1) x = sum t x - sum x), the
//                     starting value of a_0
//
// Token generation (nTok <= kTok): one pass over the groups, prefetching kPrefetchBytes ahead. Prompt processing:
// chunks of tokens whose packed activations stay in L2 (kActChunkBudget) while every group meets all of the chunk's
// token tiles (a group's weights stay in L1/L2 meanwhile).
//
// Measured (bin/gemm_bench, one thread, 5632 x 2048 and 2048 x 5632), TQ2_0: batch 1 ~23.6 GB/s of weights from L3
// (~31 from L2; ~10 GB/s from DRAM, the single-thread stream) against the tile's 12-13 GB/s; batch 64 ~14500 tok/s
// against the tile's 5800-7000.
// TQ1_0 against its former expansion to 2-bit codes (TinyLlama shape, `hearth-cli bench -t 2`, alternated runs,
// medians): tg64 75.8 -> 77.0 tok/s (the matmuls stream ~20.6 GB/s against the machine's ~25: compute bound now, so
// fewer bytes did not turn into speed), pp512 308 -> 300, weights in memory 304 -> 258 MB, load 0.64 -> 0.13 s.
// Not kept: trits by table lookup (AVX-512 VBMI vpermi2b, 5 vpdpbusd per 64 bytes instead of 10: tg 68.7), two
// groups in lockstep (65.6), prefetching 1, 4 or 8 KiB ahead (no gain; 8 KiB slower).
#ifndef __AVX512VNNI__
#error "repack_tq_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "kernels/format_q8_k.h"
#include "kernels/format_tq1_0.h"
#include "kernels/format_tq2_0.h"
#include "kernels/gemm_tables.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kRows = 16;                         // rows per group: one per int32 lane of a zmm
constexpr int64_t kScaleBytes = 2 * kRows;        // F16 scales of one block of a group
constexpr int64_t kCodeBytes = kRows * kQkK / 4;  // 2-bit codes of one block of a group (1024)
constexpr int64_t kPairBytes = 2 * kScaleBytes + 2 * kCodeBytes;
constexpr int64_t kOddBytes = 2 * kScaleBytes + kCodeBytes;
static_assert(kPairBytes % 64 == 0 && kOddBytes % 64 == 0);
constexpr int64_t kActBlockBytes = 264;           // packed activation block (layout above)
constexpr int64_t kActDAt = 256;
constexpr int64_t kActStartAt = 260;
constexpr int kTok = 4;                           // tokens per tile: 4 int32 sums each, 16 of the 32 zmm
constexpr int64_t kPrefetchBytes = 2048;          // token generation: prefetch distance ahead of the weight stream
constexpr size_t kActChunkBudget = 256 * 1024;    // packed activations of a token chunk (stay in L2, 1 MiB/core)

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

// --- repacking the weights ---------------------------------------------------------------------------------------

// The 256 codes (0..2) of one super-block in element order, and its F16 scale bits.
void codesTq2_0(const uint8_t* block, uint8_t* t, uint16_t& d) {
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            for (int l = 0; l < 32; ++l) t[128 * h + 32 * s + l] = uint8_t((block[32 * h + l] >> (2 * s)) & 3);
        }
    }
    d = loadU16(block + 64);
}

size_t groupBytesTq(int64_t n) {
    const int64_t nb = n / kQkK;
    return size_t(nb / 2 * kPairBytes + nb % 2 * kOddBytes);
}

// The repack loop of both types: zeroes each group (rows past nRows stay zero) and calls fill(pair, half, r, block)
// for row r of the group and each block of the row (block: its bytes in the file), pair being the group's pair of
// blocks b / 2 and half = b % 2.
template <typename Fill>
void repackGroups(const void* wv, size_t wStride, int64_t nRows, int64_t n, size_t blockBytes, int64_t pairBytes,
                  size_t groupBytes, void* dst, Fill fill) {
    const uint8_t* w = bytes(wv);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQkK;
    for (int64_t g = 0; g * kRows < nRows; ++g) {
        uint8_t* group = out + size_t(g) * groupBytes;
        std::memset(group, 0, groupBytes);
        const int64_t rows = std::min<int64_t>(kRows, nRows - g * kRows);
        for (int64_t b = 0; b < nb; ++b) {
            for (int64_t r = 0; r < rows; ++r) {
                fill(group + b / 2 * pairBytes, int(b % 2), int(r),
                     w + size_t(g * kRows + r) * wStride + size_t(b) * blockBytes);
            }
        }
    }
}

void repackTq2(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const auto fill = [](uint8_t* pair, int half, int r, const uint8_t* block) {
        uint8_t t[kQkK];
        uint16_t d;
        codesTq2_0(block, t, d);
        std::memcpy(pair + half * kScaleBytes + 2 * r, &d, 2);
        uint8_t* codes = pair + 2 * kScaleBytes + half * kCodeBytes;
        // Bytes j = 0..3 of a word at once: codes are <= 2, so the shifted codes stay inside their bytes.
        for (int v = 0; v < 16; ++v) {
            uint32_t word = 0;
            for (int s = 0; s < 4; ++s) {
                uint32_t w4;
                std::memcpy(&w4, t + 16 * v + 4 * s, 4);
                word |= w4 << (2 * s);
            }
            std::memcpy(codes + 64 * v + 4 * r, &word, 4);
        }
    };
    repackGroups(w, wStride, nRows, n, sizeof(BlockTq2_0), kPairBytes, groupBytesTq(n), dst, fill);
}

// TQ1_0: the blocks' 52 trit bytes, 4 per lane and vector, and their scales (layout above).
constexpr int kTq1Vecs = 13;
constexpr int64_t kTq1CodeBytes = 64 * kTq1Vecs;
constexpr int64_t kTq1PairBytes = 2 * kScaleBytes + 2 * kTq1CodeBytes;
constexpr int64_t kTq1OddBytes = 2 * kScaleBytes + kTq1CodeBytes;
static_assert(kTq1PairBytes % 64 == 0 && kTq1OddBytes % 64 == 0 && kTq1PairBytes == 2 * kRows * 54);

size_t groupBytesTq1(int64_t n) {
    const int64_t nb = n / kQkK;
    return size_t(nb / 2 * kTq1PairBytes + nb % 2 * kTq1OddBytes);
}

void repackTq1(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const auto fill = [](uint8_t* pair, int half, int r, const uint8_t* block) {
        std::memcpy(pair + half * kScaleBytes + 2 * r, block + offsetof(BlockTq1_0, d), 2);
        uint8_t* codes = pair + 2 * kScaleBytes + half * kTq1CodeBytes;
        for (int v = 0; v < kTq1Vecs; ++v) std::memcpy(codes + 64 * v + 4 * r, block + 4 * v, 4);
    };
    repackGroups(w, wStride, nRows, n, sizeof(BlockTq1_0), kTq1PairBytes, groupBytesTq1(n), dst, fill);
}

// The element of a TQ1_0 block held by trit k of its byte i (format_tq1_0.h), and the packed-activation position
// the kernels pair it with (layout above).
constexpr int tq1Element(int i, int k) {
    return i < 32 ? 32 * k + i : i < 48 ? 160 + 16 * k + i - 32 : 240 + 4 * k + i - 48;
}
constexpr int tq1Position(int i, int k) { return i < 48 ? 4 * (5 * (i / 4) + k) + i % 4 : 240 + 4 * k + i % 4; }

// kTq1Order[p]: the element at packed position p, for 4 positions at a time: positions 4p..4p+3 hold elements
// 4 kTq1Order[p] .. 4 kTq1Order[p] + 3 (the 4 bytes j of a lane are consecutive elements, see tq1Element).
constexpr std::array<uint8_t, kQkK / 4> kTq1Order = [] {
    std::array<uint8_t, kQkK / 4> order{};
    for (int i = 0; i < 52; i += 4) {
        for (int k = 0; k < (i < 48 ? 5 : 4); ++k) order[size_t(tq1Position(i, k) / 4)] = uint8_t(tq1Element(i, k) / 4);
    }
    return order;
}();
static_assert([] {
    for (int i = 0; i < 52; ++i) {
        for (int k = 0; k < (i < 48 ? 5 : 4); ++k) {
            const int p = tq1Position(i, k);
            if (4 * kTq1Order[size_t(p / 4)] + p % 4 != tq1Element(i, k)) return false;
        }
    }
    return true;
}());

// --- packing the activations -------------------------------------------------------------------------------------

size_t packedRowBytesTq(int64_t n) { return size_t((n / kQkK * kActBlockBytes + 63) / 64 * 64); }

template <GgmlType T>
void packTq(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQkK;
    for (int64_t b = 0; b < nb; ++b) {
        BlockQ8_K x;
        std::memcpy(&x, src + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kActBlockBytes;
        if constexpr (T == GgmlType::TQ1_0) {
            for (int p = 0; p < kQkK / 4; ++p) std::memcpy(o + 4 * p, x.qs + 4 * kTq1Order[size_t(p)], 4);
        } else {
            std::memcpy(o, x.qs, kQkK);
        }
        int32_t sum = 0;
        for (const int16_t s : x.bsums) sum += s;
        storeF32(o + kActDAt, x.d);
        const int32_t start = -sum;
        std::memcpy(o + kActStartAt, &start, 4);
    }
    const size_t used = size_t(nb * kActBlockBytes);
    std::memset(out + used, 0, packedRowBytesTq(n) - used);
}

// --- the kernel --------------------------------------------------------------------------------------------------

// One block of a group (scales at sc, codes at q) against NT tokens' packed blocks (xt[t]), added to acc[t]. With
// one token the vectors alternate between two sets of sums, so 8 dependency chains hide vpdpbusd's latency.
template <int NT, bool Stream>
[[gnu::always_inline]] inline void blockStep(const uint8_t* sc, const uint8_t* q, const uint8_t* const* xt,
                                             __m512* acc) {
    constexpr int kSets = NT == 1 ? 2 : 1;
    __m512i a[NT][kSets][4];
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
#pragma GCC unroll 2
        for (int c = 0; c < kSets; ++c) {
#pragma GCC unroll 4
            for (int s = 0; s < 4; ++s) a[t][c][s] = _mm512_setzero_si512();
        }
        a[t][0][0] = _mm512_set1_epi32(loadI32(xt[t] + kActStartAt));
    }
#pragma GCC unroll 16
    for (int v = 0; v < 16; ++v) {
        if constexpr (Stream) _mm_prefetch(reinterpret_cast<const char*>(q + 64 * v + kPrefetchBytes), _MM_HINT_T0);
        const __m512i wv = _mm512_loadu_si512(q + 64 * v);
#pragma GCC unroll 4
        for (int s = 0; s < 4; ++s) {
            const __m512i u = _mm512_and_si512(wv, _mm512_set1_epi8(char(3 << (2 * s))));
#pragma GCC unroll 8
            for (int t = 0; t < NT; ++t) {
                a[t][v % kSets][s] = dpbusdBcast(a[t][v % kSets][s], u, xt[t] + 16 * v + 4 * s);
            }
        }
    }
    const __m512 dw = _mm512_cvtph_ps(load256(sc));
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
        __m512i s0 = a[t][0][0], s1 = a[t][0][1], s2 = a[t][0][2], s3 = a[t][0][3];
        if constexpr (kSets == 2) {
            s0 = _mm512_add_epi32(s0, a[t][1][0]);
            s1 = _mm512_add_epi32(s1, a[t][1][1]);
            s2 = _mm512_add_epi32(s2, a[t][1][2]);
            s3 = _mm512_add_epi32(s3, a[t][1][3]);
        }
        // a_s = 4^s sum t x exactly, so the arithmetic shifts are exact divisions.
        const __m512i dot = _mm512_add_epi32(_mm512_add_epi32(s0, _mm512_srai_epi32(s1, 2)),
                                             _mm512_add_epi32(_mm512_srai_epi32(s2, 4), _mm512_srai_epi32(s3, 6)));
        const __m512 dx = _mm512_set1_ps(loadF32(xt[t] + kActDAt));
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, dx), acc[t]);
    }
}

// --- TQ1_0 ------------------------------------------------------------------------------------------------------

// One TQ1_0 block of a group (scales at sc, the 13 byte vectors at q) against NT tokens, added to acc[t]: p sums
// m_k x_k, r sums m_{k+1} x_k (layout above), r starting at 256 sum x (the -1 offset, 256 times as the rest). With
// one or two tokens the trits k go to their own sums (10 or 20 dependency chains), with more the tokens are enough.
template <int NT, bool Stream>
[[gnu::always_inline]] inline void blockStepTq1(const uint8_t* sc, const uint8_t* q, const uint8_t* const* xt,
                                                __m512* acc) {
    constexpr int kSets = NT <= 2 ? 5 : 1;
    __m512i p[NT][kSets], r[NT][kSets];
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
#pragma GCC unroll 5
        for (int c = 0; c < kSets; ++c) p[t][c] = r[t][c] = _mm512_setzero_si512();
        r[t][0] = _mm512_set1_epi32(-256 * loadI32(xt[t] + kActStartAt));
    }
#pragma GCC unroll 13
    for (int v = 0; v < kTq1Vecs; ++v) {
        // Each line asked for twice, kPrefetchBytes ahead and again half as far (as the Q2_K tile does): TinyLlama
        // TQ1_0 tg64, 2 threads, alternated, medians of 4 and 3: 76.4 -> 80.5 and 75.0 -> 77.8 tok/s (with 4 KiB and
        // 2 KiB: 78.3; TQ2_0's lighter kernel measured no gain, 74.9 -> 72.5).
        if constexpr (Stream) {
            _mm_prefetch(reinterpret_cast<const char*>(q + 64 * v + kPrefetchBytes), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char*>(q + 64 * v + kPrefetchBytes / 2), _MM_HINT_T0);
        }
        __m512i m = _mm512_loadu_si512(q + 64 * v);
#pragma GCC unroll 5
        for (int k = 0; k < 5; ++k) {
            if (v == kTq1Vecs - 1 && k == 4) break;  // qh: 4 trits
            const __m512i m3 = _mm512_add_epi8(_mm512_add_epi8(m, m), m);  // m_{k+1} = 3 m_k mod 256
            const int at = tq1Position(4 * v, k);
#pragma GCC unroll 8
            for (int t = 0; t < NT; ++t) {
                p[t][k % kSets] = dpbusdBcast(p[t][k % kSets], m, xt[t] + at);
                r[t][k % kSets] = dpbusdBcast(r[t][k % kSets], m3, xt[t] + at);
            }
            m = m3;
        }
    }
    const __m512 dw = _mm512_cvtph_ps(load256(sc));
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) {
        __m512i ps = p[t][0], rs = r[t][0];
        for (int c = 1; c < kSets; ++c) {
            ps = _mm512_add_epi32(ps, p[t][c]);
            rs = _mm512_add_epi32(rs, r[t][c]);
        }
        // 3 p - r = 256 (sum t x - sum x) exactly (|3 p| < 2^25), so the shift is an exact division.
        const __m512i dot = _mm512_srai_epi32(_mm512_sub_epi32(_mm512_add_epi32(_mm512_add_epi32(ps, ps), ps), rs), 8);
        const __m512 dx = _mm512_set1_ps(loadF32(xt[t] + kActDAt));
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, dx), acc[t]);
    }
}

// One group (rows lanes valid) x NT tokens over nb blocks: y[t * ldy + r] for r < rows. TQ1_0 only streams (the
// prompt tiles read its groups decoded to TQ2_0's layout).
template <GgmlType T, int NT, bool Stream>
void tileTq(const uint8_t* wg, int64_t nb, const uint8_t* x, size_t xStride, float* y, size_t ldy, int rows) {
    constexpr bool kTq1 = T == GgmlType::TQ1_0;
    static_assert(Stream || !kTq1);
    constexpr int64_t kPair = kTq1 ? kTq1PairBytes : kPairBytes;
    constexpr int64_t kCodes = kTq1 ? kTq1CodeBytes : kCodeBytes;
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    // One pointer register per token, advanced block by block: the activation operands are then base +
    // displacement (an indexed address would unlaminate the fused vpdpbusd + broadcast load into two uops).
    const uint8_t* xt[NT];
    for (int t = 0; t < NT; ++t) xt[t] = x + size_t(t) * xStride;
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* pair = wg + b / 2 * kPair;
        if constexpr (Stream) {
            if (b % 2 == 0) _mm_prefetch(reinterpret_cast<const char*>(pair + kPrefetchBytes), _MM_HINT_T0);
        }
        for (int t = 0; t < NT; ++t) asm("" : "+r"(xt[t]));
        const uint8_t* sc = pair + (b % 2) * kScaleBytes;
        const uint8_t* q = pair + 2 * kScaleBytes + (b % 2) * kCodes;
        if constexpr (kTq1) {
            blockStepTq1<NT, Stream>(sc, q, xt, acc);
        } else {
            blockStep<NT, Stream>(sc, q, xt, acc);
        }
        for (int t = 0; t < NT; ++t) xt[t] += kActBlockBytes;
    }
    const auto m = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, m, acc[t]);
}

using TileFn = void (*)(const uint8_t*, int64_t, const uint8_t*, size_t, float*, size_t, int);

template <GgmlType T, bool Stream, int... NTs>
constexpr std::array<TileFn, sizeof...(NTs)> tileTable(std::integer_sequence<int, NTs...>) {
    return {tileTq<T, NTs + 1, Stream>...};
}

// kTiles<T, Stream>[nt - 1]: the tile for nt tokens.
template <GgmlType T, bool Stream>
constexpr auto kTiles = tileTable<T, Stream>(std::make_integer_sequence<int, kTok>());

// A TQ1_0 group (nb blocks) decoded into the TQ2_0 group layout at out (groupBytesTq(n) bytes), for the prompt
// tiles: the q-th trit vector of a block (trit k of vector v: q = 5v + k, or 60 + k for the qh vector) becomes
// field s = q % 4 of code vector q / 4, t = [m_k >= 86] + [m_k >= 171] (= floor(3 m_k / 256)).
void decodeGroupTq1(const uint8_t* wg, int64_t nb, uint8_t* out) {
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* pair = wg + b / 2 * kTq1PairBytes;
        const uint8_t* q = pair + 2 * kScaleBytes + (b % 2) * kTq1CodeBytes;
        uint8_t* opair = out + b / 2 * kPairBytes;
        std::memcpy(opair + (b % 2) * kScaleBytes, pair + (b % 2) * kScaleBytes, kScaleBytes);
        __m512i codes[16];
        for (__m512i& c : codes) c = _mm512_setzero_si512();
#pragma GCC unroll 13
        for (int v = 0; v < kTq1Vecs; ++v) {
            __m512i m = _mm512_loadu_si512(q + 64 * v);
#pragma GCC unroll 5
            for (int k = 0; k < 5; ++k) {
                if (v == kTq1Vecs - 1 && k == 4) break;  // qh: 4 trits
                const int qi = tq1Position(4 * v, k) / 4;
                const __m512i one = _mm512_set1_epi8(char(1 << (2 * (qi % 4))));
                __m512i& c = codes[qi / 4];
                c = _mm512_mask_add_epi8(c, _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(char(86))), c, one);
                c = _mm512_mask_add_epi8(c, _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(char(171))), c, one);
                m = _mm512_add_epi8(_mm512_add_epi8(m, m), m);
            }
        }
        uint8_t* ocodes = opair + 2 * kScaleBytes + (b % 2) * kCodeBytes;
        for (int v = 0; v < 16; ++v) _mm512_storeu_si512(ocodes + 64 * v, codes[v]);
    }
}

// A per-thread buffer of at least `size` bytes (TQ1_0's groups decoded for the prompt tiles).
uint8_t* decodeBuffer(size_t size) {
    thread_local std::vector<uint8_t> buffer;
    if (buffer.size() < size) buffer.resize(size);
    return buffer.data();
}

template <GgmlType T>
void gemmTq(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
            float* y, size_t ldy) {
    constexpr bool kTq1 = T == GgmlType::TQ1_0;
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nb = n / kQkK;
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    if (nTok <= 0 || nRows <= 0) return;
    const auto rowsOf = [&](int64_t g) { return int(std::min<int64_t>(kRows, nRows - g * kRows)); };
    if (nTok <= kTok) {
        // Every group meets the tokens once: stream the weights.
        const TileFn tile = kTiles<T, true>[size_t(nTok - 1)];
        for (int64_t g = 0; g < nGroups; ++g) {
            tile(w + size_t(g) * wStride, nb, x, xStride, y + size_t(g * kRows), ldy, rowsOf(g));
        }
        return;
    }
    // Prompt processing: a chunk of tokens stays in L2 while every group meets all its token tiles. TQ1_0 decodes
    // each group once per chunk into a per-thread buffer (<= 100 KiB for rows of 25600 elements: stays in L2 with the
    // chunk's activations), so larger chunks decode fewer times: TinyLlama TQ1_0 pp512 (2 threads, alternated,
    // medians) 285 tok/s with 256 KiB, 300 with 1 MiB, 293 with 2 MiB (the activations then leave L2); the same file
    // expanded to TQ2_0's layout at load 308-314.
    constexpr size_t kBudget = kTq1 ? 4 * kActChunkBudget : kActChunkBudget;
    uint8_t* decoded = kTq1 ? decodeBuffer(groupBytesTq(n)) : nullptr;
    const int64_t chunk = std::max<int64_t>(kTok, int64_t(kBudget / std::max<size_t>(1, xStride)) / kTok * kTok);
    for (int64_t t0 = 0; t0 < nTok; t0 += chunk) {
        const int64_t t1 = std::min(nTok, t0 + chunk);
        for (int64_t g = 0; g < nGroups; ++g) {
            const uint8_t* wg = w + size_t(g) * wStride;
            if constexpr (kTq1) {
                decodeGroupTq1(wg, nb, decoded);
                wg = decoded;
            }
            for (int64_t t = t0; t < t1; t += kTok) {
                const int nt = int(std::min<int64_t>(kTok, t1 - t));
                kTiles<GgmlType::TQ2_0, false>[size_t(nt - 1)](wg, nb, x + size_t(t) * xStride, xStride,
                                              y + size_t(t) * ldy + size_t(g * kRows), ldy, rowsOf(g));
            }
        }
    }
}

template <GgmlType T>
constexpr GemmKernels makeKernels(size_t (*groupBytes)(int64_t),
                                  void (*repack)(const void*, size_t, int64_t, int64_t, void*)) {
    GemmKernels k{T, GgmlType::Q8_K, packedRowBytesTq, packTq<T>, gemmTq<T>};
    k.rowGroup = kRows;
    k.groupBytes = groupBytes;
    k.repack = repack;
    return k;
}

constexpr GemmKernels kTable[] = {
    makeKernels<GgmlType::TQ2_0>(groupBytesTq, repackTq2),
    makeKernels<GgmlType::TQ1_0>(groupBytesTq1, repackTq1),
};

}  // namespace

std::span<const GemmKernels> repackTqAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
