// AVX-512 VNNI repacked kernels for Q2_K and Q3_K weights x Q8_K activations (kernels/gemm.h,
// GemmKernels::repack). Only this file is compiled with -mavx512vnni; gemm.cpp calls repackQ2kAvx512VnniTable()
// only after cpuSupports(Isa::Avx512Vnni).
//
// Repacked weights: groups of 16 rows (kRows), one row per 32-bit lane of a zmm, so vpdpbusd(acc, weights,
// broadcast of 4 activation bytes) accumulates 16 rows x 4 elements with no horizontal sum. The bits are re-laid
// out so that one 64-byte load and a few logic ops give the vectors "16 rows x 4 consecutive levels" of consecutive
// activation positions. A group keeps the file's size (16 x the row bytes).
//
// Q2_K group, per super-block (kQ2Sb = 1344 bytes = 16 x 84, 21 cache lines):
//   bytes    0..1023  4 quads j of 4 vectors k (vector 4j + k): byte 4r + e, bits 2c..2c+1 = the 2-bit q of element
//                     16 (4j + c) + 4k + e of row r. So v & (3 << 2c) = 4^c q is a weight vector for sub-block
//                     4j + c, elements 4k .. 4k + 3, with no shift: decoding is one vpand per vector.
//   bytes 1024..1279  4 vectors, vector j: byte 4r + b = the file's scale byte of sub-block 4j + b of row r
//                     (sc | m << 4): & 0x0f gives the scales, & 0xf0 the minimums times 16, both without a shift
//   bytes 1280..1311  the 16 rows' F16 d;  bytes 1312..1343  the 16 rows' F16 dmin
// Q3_K group (kQ3Sb = 1728 bytes per super-block, then nSb x 32 bytes of the rows' F16 d, padded to 64; the file's
// size up to that padding):
//   bytes    0..1535  8 triples A, B, C (64 bytes each) per pair of sub-blocks 2p, 2p + 1: the unsigned levels
//                     u = q + 4 hbit (0..7, the file's level + 4) of elements 32p + 4k + e (k = 0..7) of row r are
//                     byte 4r + e of: A bits 0-2 (k = 0), 3-5 (k = 1); B bits 2-4 (k = 2), 5-7 (k = 3); C bits 0-2
//                     (k = 4), 5-7 (k = 5); k = 6 at B bits 0, 1 and C bit 3; k = 7 at C bit 4 and A bits 6, 7.
//                     Eight vectors from three loads: 5 shifts, 8 ands, 2 bit-selects and 2 pshufb tables.
//   bytes 1536..1727  3 vectors Z0, Z1, Z2: byte 4r + b of Zm = the 6-bit raw scale (sc + 32) of sub-block 4m + b
//                     of row r in bits 0-5, and bits 2m, 2m + 1 of the raw scale of sub-block 12 + b in bits 6-7.
// Rows past nRows in a last group are all zeros.
//
// Packed activations (pack), per super-block:
//   Q2_K (320 bytes): the 256 Q8_K quants, 16 int8 bsum >> 7, 16 int8 bsum & 127, F32 d, zeros. The minimum term
//     sum_i m_i bsum_i = 128 sum m_i (bsum_i >> 7) + sum m_i (bsum_i & 127): 8 vpdpbusd over the minimums as bytes.
//   Q3_K (384 bytes): the 256 quants, 16 int32 -4 * bsum_i (a sub-block's starting value: removes the level offset
//     4 exactly), F32 d, int32 -127 * (sum of the 256 quants) (the prompt path's starting value), zeros.
//
// Token generation and small batches (nTok <= kDirectMaxTokens): the groups are a pure stream, prefetched a short
// way ahead at one token; each decoded vector serves the tokens of the call. Per sub-block and token, 4 vpdpbusd (the
// activation broadcast as an embedded {1to16} operand) give the exact int32 sum D, and one vpdpwssd with int32 lanes
// {sc, 0} (the scale byte zero-extended by a pshufb) adds sc * D to the super-block's int32 sum: D's low int16 half
// holds it exactly (|D| <= 4 * 16 * 3 * 127 < 2^15) and its high half meets the zero.
//   Q2_K: sub-block 4j + c's D is 4^c times the true sum (the unshifted levels); the super-block sum is kept at 4x
//     the true one: c = 0 uses the scale 4 sc, c = 1 is as it is, c = 2, 3 take D >> 2, D >> 4 (exact).
//   Q3_K: the scales enter as 256 (sc - 32), int16 words picked from signed bytes (see tileQ3Direct).
// Per super-block the int32 sums are scaled in F32 by d_w * d_x (and Q2_K's minimum term by dmin_w * d_x).
// Measured on one thread (bin/gemm_bench and a copy of it with other sizes): ~26 GB/s of weights for both types
// from L2, 20-22 from L3 (a plain read stream gets ~25 there). From DRAM (2 MiB pages, a stream of matmuls), ~83 %
// (Q2_K) and ~81 % (Q3_K) of a plain read stream: at ~7 bytes of weights per vector operation the core's compute
// and its memory stream only partly overlap.
// Prompt processing (more tokens): tokens in chunks whose packed activations stay in L2; per chunk each group is
// decoded once into a per-thread scratch where each byte already carries its sub-block scale, so a super-block is
// 64 vpdpbusd per token (embedded broadcasts) and no per-sub-block work, kNtWide tokens per tile:
//   Q2_K  u = q * sc (0..45, unsigned); the minimums (times 16) as bytes for the 8 vpdpbusd above.
//   Q3_K  w = level * (sc - 32) + 127, in 3..255 (the product is in -124..128); the dot product starts from
//         -127 * sum x (packed), so it is the exact sum of level * (sc - 32) * x.
// That path runs at about one vpdpbusd per cycle, the limit of this machine's single 512-bit FMA port.
// All integer sums are exact; results equal the reference's up to F32 summation order.
#ifndef __AVX512VNNI__
#error "repack_q2k_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <vector>

#include "kernels/format_q2_k.h"
#include "kernels/format_q3_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kRows = 16;                   // rows per group: one per int32 lane
constexpr int64_t kDirectMaxTokens = 4;     // up to this many tokens: decode in registers, stream the weights
// Token generation: prefetch one super-block of the group ahead (and, spread over the sub-blocks, each line once more
// two super-blocks ahead: see tileQ2Direct). Measured from DRAM, weights on 2 MiB pages (kernel
// GB/s / plain read GB/s of the same buffers; a shared machine, so +-3 points): Q2_K on one thread 1-1.3 KiB 83-85 %,
// 2 KiB 75 %, 4 KiB (the first choice) 66 %, on two threads flat from 0.75 to 2 KiB (~82 %); Q3_K on one thread
// 1.7 KiB 77 %, 2.5 KiB 81 %, 3.4 KiB 69 %, on two threads 1.7 KiB 83 %, 2.5 KiB 76 %.
constexpr int64_t kQ2PrefetchBytes = 1344;  // kQ2Sb
constexpr int64_t kQ3PrefetchBytes = 1728;  // kQ3Sb
constexpr int kNtWide = 8;                  // tokens per prompt tile
constexpr size_t kChunkBudget = 768 * 1024;  // packed activation bytes of a token chunk (L2 is 1 MiB; 768 KiB
                                             // measured 5-7 % faster than 384 KiB at 512 tokens)

// Q2_K group layout (per super-block).
constexpr int64_t kQ2Sb = 1344;
constexpr int kQ2Scales = 1024;
constexpr int kQ2D = 1280;
constexpr int kQ2Dmin = 1312;
static_assert(kQ2Sb == kRows * int64_t(sizeof(BlockQ2_K)) && kQ2Sb % 64 == 0 && kQ2PrefetchBytes == kQ2Sb);
// Q2_K packed activations.
constexpr int64_t kQ2Act = 320;
constexpr int kQ2ActHi = 256;
constexpr int kQ2ActLo = 272;
constexpr int kQ2ActD = 288;
// Q2_K prompt scratch: u = q * sc (64 vectors), minimums (4 vectors), F32 d, F32 dmin.
constexpr int64_t kQ2Prep = 4096 + 256 + 64 + 64;
constexpr int kQ2PrepMins = 4096;
constexpr int kQ2PrepD = 4352;
constexpr int kQ2PrepDmin = 4416;

// Q3_K group layout.
constexpr int64_t kQ3Sb = 1728;
constexpr int kQ3Scales = 1536;
constexpr int64_t kQ3SbD = 32;  // F16 d of the 16 rows, after the nSb super-blocks
static_assert(kQ3Sb + kQ3SbD == kRows * int64_t(sizeof(BlockQ3_K)) && kQ3Sb % 64 == 0);
static_assert(kQ3PrefetchBytes == kQ3Sb);
// Q3_K packed activations.
constexpr int64_t kQ3Act = 384;
constexpr int kQ3ActStart = 256;
constexpr int kQ3ActD = 320;
constexpr int kQ3ActSumStart = 324;
// Q3_K prompt scratch: w = level * (sc - 32) + 127 (64 vectors), F32 d.
constexpr int64_t kQ3Prep = 4096 + 64;
constexpr int kQ3PrepD = 4096;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
__m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }

template <class F>
constexpr int ternImm(F f) {
    int imm = 0;
    for (int i = 0; i < 8; ++i) imm |= (f((i >> 2) & 1, (i >> 1) & 1, i & 1) & 1) << i;
    return imm;
}
constexpr int kSelect = ternImm([](int a, int b, int c) { return c ? a : b; });  // bits of a where c, else b

// pshufb control: in each int32 lane, byte b of that lane to byte 0 and zeros elsewhere (zero-extension).
inline __m512i pickByte(int b) {
    const auto lane = [b](int k) { return int(0x80808000u | unsigned(4 * k + b)); };
    return _mm512_broadcast_i32x4(_mm_setr_epi32(lane(0), lane(1), lane(2), lane(3)));
}
// pshufb control: byte b of each int32 lane to bytes 0 and 2 (two int16 words of value byte b).
inline __m512i pickByteWords(int b) {
    const auto lane = [b](int k) { return int(0x80008000u | unsigned(4 * k + b) | (unsigned(4 * k + b) << 16)); };
    return _mm512_broadcast_i32x4(_mm_setr_epi32(lane(0), lane(1), lane(2), lane(3)));
}
inline __m512i table16(const uint8_t (&t)[16]) {
    return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t)));
}

// --- Q2_K --------------------------------------------------------------------------------------------------------

int64_t superBlocks(int64_t n) { return n / kQkK; }

size_t groupBytesQ2k(int64_t n) { return size_t(superBlocks(n) * kQ2Sb); }

void repackQ2k(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const int64_t nSb = superBlocks(n);
    const size_t gBytes = groupBytesQ2k(n);
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    auto* out = static_cast<uint8_t*>(dst);
    std::memset(out, 0, size_t(nGroups) * gBytes);
    for (int64_t g = 0; g < nGroups; ++g) {
        uint8_t* grp = out + size_t(g) * gBytes;
        const int rows = int(std::min<int64_t>(kRows, nRows - g * kRows));
        for (int r = 0; r < rows; ++r) {
            const uint8_t* row = bytes(w) + size_t(g * kRows + r) * wStride;
            for (int64_t b = 0; b < nSb; ++b) {
                BlockQ2_K blk;
                std::memcpy(&blk, row + b * int64_t(sizeof blk), sizeof blk);
                uint8_t* sb = grp + b * kQ2Sb;
                uint8_t q[kQkK];
                for (int half = 0; half < 2; ++half) {
                    for (int s = 0; s < 4; ++s) {
                        for (int l = 0; l < 32; ++l) q[128 * half + 32 * s + l] = (blk.qs[32 * half + l] >> (2 * s)) & 3;
                    }
                }
                // Output byte (quad j, vector k, row r, byte e): bits 2c..2c+1 = q of element 16 (4j + c) + 4k + e.
                for (int j = 0; j < 4; ++j) {
                    for (int k = 0; k < 4; ++k) {
                        for (int e = 0; e < 4; ++e) {
                            const int el = 64 * j + 4 * k + e;
                            sb[64 * (4 * j + k) + 4 * r + e] =
                                uint8_t(q[el] | q[el + 16] << 2 | q[el + 32] << 4 | q[el + 48] << 6);
                        }
                    }
                }
                for (int i = 0; i < 16; ++i) sb[kQ2Scales + 64 * (i / 4) + 4 * r + i % 4] = blk.scales[i];
                std::memcpy(sb + kQ2D + 2 * r, blk.d, 2);
                std::memcpy(sb + kQ2Dmin + 2 * r, blk.dmin, 2);
            }
        }
    }
}

size_t packedRowBytesQ2k(int64_t n) { return size_t(superBlocks(n) * kQ2Act); }

void packQ2k(const void* act, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < superBlocks(n); ++b) {
        BlockQ8_K x;
        std::memcpy(&x, bytes(act) + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kQ2Act;
        std::memset(o, 0, size_t(kQ2Act));
        std::memcpy(o, x.qs, sizeof x.qs);
        for (int i = 0; i < 16; ++i) {
            o[kQ2ActHi + i] = uint8_t(int8_t(x.bsums[i] >> 7));  // arithmetic: floor(bsum / 128), -16..15
            o[kQ2ActLo + i] = uint8_t(x.bsums[i] & 127);
        }
        storeF32(o + kQ2ActD, x.d);
    }
}

// Q2_K's minimum term of a super-block for one token, times 16: mins16[j] bytes = 16 m_{4j .. 4j + 3} (the high
// nibbles of the scale bytes, unshifted), so sum_i 16 m_i bsum_i = 128 sum 16 m_i (bsum_i >> 7) + sum 16 m_i
// (bsum_i & 127), |.| < 2^24.
[[gnu::always_inline]] inline __m512i minTerm16(const __m512i mins16[4], const uint8_t* xb) {
    __m512i m = _mm512_setzero_si512();
    for (int j = 0; j < 4; ++j) m = dpbusdBcast(m, mins16[j], xb + kQ2ActHi + 4 * j);
    m = _mm512_slli_epi32(m, 7);
    for (int j = 0; j < 4; ++j) m = dpbusdBcast(m, mins16[j], xb + kQ2ActLo + 4 * j);
    return m;
}

inline void prefetchLines(const uint8_t* p, int64_t nBytes) {
#pragma GCC unroll 32
    for (int64_t o = 0; o < nBytes; o += 64) _mm_prefetch(reinterpret_cast<const char*>(p + o), _MM_HINT_T0);
}

// Part `part` of `parts` of the lines of a super-block of SbBytes at sb, Distance bytes ahead: a part before each
// step of the super-block's loop, rather than all its lines at once (measured slower in the Q4_K and Q6_K kernels).
template <int64_t SbBytes, int Parts, int64_t Distance>
[[gnu::always_inline]] inline void prefetchPart(const uint8_t* sb, int part) {
    constexpr int64_t kLines = SbBytes / 64;
    for (int64_t l = part * kLines / Parts; l < (part + 1) * kLines / Parts; ++l) {
        _mm_prefetch(reinterpret_cast<const char*>(sb + Distance + 64 * l), _MM_HINT_T0);
    }
}

// A zeroed register by the zeroing idiom (no execution port), not a copy of a shared zero register.
inline __m512i zeroIdiom() {
    __m512i z;
    asm volatile("vpxord %0, %0, %0" : "=v"(z));
    return z;
}

// One group (the first `rows` lanes stored) x NT tokens over nSb super-blocks, decoding in registers.
// Quad j (sub-blocks 4j + c) is vectors 4j + k: v & (3 << 2c) = 4^c q of elements 16(4j + c) + 4k .. + 3, used
// as they are, so sub-block 4j + c's int32 sum D_c is 4^c times the true one. Everything is kept at 4 x the true
// sum: sub-block 4j with the scale 4 sc, 4j + 1 as it is, 4j + 2 and 4j + 3 after D >> 2 and D >> 4 (exact);
// each |4 S| <= 4 * 16 * 3 * 127 fits the int16 half that vpdpwssd reads.
template <int NT>
void tileQ2Direct(const uint8_t* grp, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy, int rows) {
    const __m512i m0f = _mm512_set1_epi8(0x0f);
    const __m512i mf0 = _mm512_set1_epi8(char(0xf0));
    const __m512i pick[4] = {pickByte(0), pickByte(1), pickByte(2), pickByte(3)};
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* sb = grp + b * kQ2Sb;
        const uint8_t* xb = x + b * kQ2Act;
        // Two int32 sums per token at batch 1, to halve the vpdpwssd dependency chain.
        constexpr int kChains = NT == 1 ? 2 : 1;
        __m512i sum[NT][kChains];
        for (auto& s : sum) {
            for (__m512i& v : s) v = _mm512_setzero_si512();
        }
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) {
            const __m512i sc = _mm512_and_si512(load512(sb + kQ2Scales + 64 * j), m0f);
            const __m512i sc4 = _mm512_slli_epi32(sc, 2);  // bytes <= 60: no carry between bytes
#pragma GCC unroll 4
            for (int c = 0; c < 4; ++c) {
                // One line or two per sub-block (16 parts of the 21 lines), each line asked for twice: two
                // super-blocks ahead, then again one ahead. Evenly spread, the prefetches keep the fill buffers busy
                // without bursts: four parts (one per quad, 5-6 lines at once) streamed 7-13 % slower from DRAM on two
                // threads (TinyLlama's Q2_K matrices, interleaved A/B, medians of 31), and the second request added
                // ~2-4 % (probably a first request dropped while the fill buffers are full); once, two ahead: +1-2 %.
                if constexpr (NT == 1) {
                    prefetchPart<kQ2Sb, 16, 2 * kQ2PrefetchBytes>(sb, 4 * j + c);
                    prefetchPart<kQ2Sb, 16, kQ2PrefetchBytes>(sb, 4 * j + c);
                }
                // With 2-4 tokens, an opaque copy of the pointer per sub-block: the 4 vectors are read again (vpand
                // with a memory operand, as cheap as from a register) instead of being kept live across the quad,
                // which spills. At one token they stay in registers: a quarter of the loads, and streaming from
                // DRAM went from 66 % to 72 % of a plain read stream on one thread (4 KiB pages; fewer loads in
                // flight per line of weights let the core run further ahead).
                const uint8_t* q = sb + 256 * j;
                if constexpr (NT > 1) asm("" : "+r"(q));
                const __m512i m = _mm512_set1_epi8(char(3 << (2 * c)));
                __m512i w[4];
                for (int k = 0; k < 4; ++k) w[k] = _mm512_and_si512(load512(q + 64 * k), m);
                const __m512i scl = _mm512_shuffle_epi8(c == 0 ? sc4 : sc, pick[c]);
#pragma GCC unroll 4
                for (int t = 0; t < NT; ++t) {
                    const uint8_t* xt = xb + size_t(t) * xStride;
                    asm("" : "+r"(xt));  // keeps the compiler from holding a pointer per (token, sub-block)
                    xt += 16 * (4 * j + c);
                    __m512i d = zeroIdiom();
#pragma GCC unroll 4
                    for (int k = 0; k < 4; ++k) d = dpbusdBcast(d, w[k], xt + 4 * k);
                    if (c == 2) d = _mm512_srai_epi32(d, 2);
                    if (c == 3) d = _mm512_srai_epi32(d, 4);
                    __m512i& s = sum[t][(j * 4 + c) % kChains];
                    s = _mm512_dpwssd_epi32(s, d, scl);
                }
            }
        }
        __m512i mins16[4];
        for (int j = 0; j < 4; ++j) mins16[j] = _mm512_and_si512(load512(sb + kQ2Scales + 64 * j), mf0);
        const __m512 dw = _mm512_mul_ps(_mm512_cvtph_ps(load256(sb + kQ2D)), _mm512_set1_ps(0.25f));
        const __m512 dmin = _mm512_mul_ps(_mm512_cvtph_ps(load256(sb + kQ2Dmin)), _mm512_set1_ps(0.0625f));
#pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xt = xb + size_t(t) * xStride;
            const __m512 dx = _mm512_set1_ps(loadF32(xt + kQ2ActD));
            __m512i s = sum[t][0];
            if constexpr (kChains == 2) s = _mm512_add_epi32(s, sum[t][1]);
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dw, dx), acc[t]);
            acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(minTerm16(mins16, xt)), _mm512_mul_ps(dmin, dx), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

// One group into the prompt scratch: per super-block, u = q * sc in element order (vector 4i + k = elements
// 16i + 4k .. + 3), the minimums times 16, F32 d and dmin / 16.
void prepareQ2(const uint8_t* grp, int64_t nSb, uint8_t* out) {
    const __m512i m0f = _mm512_set1_epi8(0x0f);
    const __m512i m3 = _mm512_set1_epi8(3);
    const __m512i pickW[4] = {pickByteWords(0), pickByteWords(1), pickByteWords(2), pickByteWords(3)};
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* sb = grp + b * kQ2Sb;
        uint8_t* o = out + b * kQ2Prep;
        for (int j = 0; j < 4; ++j) {
            const __m512i s = load512(sb + kQ2Scales + 64 * j);
            const __m512i sc = _mm512_and_si512(s, m0f);
            _mm512_store_si512(o + kQ2PrepMins + 64 * j, _mm512_andnot_si512(m0f, s));
            for (int c = 0; c < 4; ++c) {
                const int i = 4 * j + c;
                // int16 words of value sc: q * sc <= 45 stays within each byte of a word product.
                const __m512i scw = _mm512_shuffle_epi8(sc, pickW[c]);
                for (int k = 0; k < 4; ++k) {
                    const __m512i q = _mm512_and_si512(_mm512_srli_epi16(load512(sb + 64 * (4 * j + k)), 2 * c), m3);
                    _mm512_store_si512(o + 64 * (4 * i + k), _mm512_mullo_epi16(q, scw));
                }
            }
        }
        _mm512_store_ps(o + kQ2PrepD, _mm512_cvtph_ps(load256(sb + kQ2D)));
        _mm512_store_ps(o + kQ2PrepDmin, _mm512_mul_ps(_mm512_cvtph_ps(load256(sb + kQ2Dmin)), _mm512_set1_ps(0.0625f)));
    }
}

template <int NT>
void tileQ2Wide(const uint8_t* prep, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy, int rows) {
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* p = prep + b * kQ2Prep;
        const uint8_t* xb = x + b * kQ2Act;
        __m512i dot[NT];
        for (__m512i& d : dot) d = _mm512_setzero_si512();
#pragma GCC unroll 8
        for (int q = 0; q < 64; ++q) {
            const __m512i w = _mm512_load_si512(p + 64 * q);
#pragma GCC unroll 8
            for (int t = 0; t < NT; ++t) dot[t] = dpbusdBcast(dot[t], w, xb + size_t(t) * xStride + 4 * q);
        }
        const __m512 dw = _mm512_load_ps(p + kQ2PrepD);
        const __m512 dmin = _mm512_load_ps(p + kQ2PrepDmin);
        __m512i mins[4];
        for (int j = 0; j < 4; ++j) mins[j] = _mm512_load_si512(p + kQ2PrepMins + 64 * j);
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
            const uint8_t* xt = xb + size_t(t) * xStride;
            const __m512 dx = _mm512_set1_ps(loadF32(xt + kQ2ActD));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[t]), _mm512_mul_ps(dw, dx), acc[t]);
            acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(minTerm16(mins, xt)), _mm512_mul_ps(dmin, dx), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

// --- Q3_K --------------------------------------------------------------------------------------------------------

size_t groupBytesQ3k(int64_t n) {
    const int64_t nSb = superBlocks(n);
    return size_t((nSb * (kQ3Sb + kQ3SbD) + 63) / 64 * 64);
}

// The unsigned levels u = q + 4 hbit (0..7) and raw 6-bit scales of one file super-block.
void unpackQ3(const BlockQ3_K& blk, uint8_t u[kQkK], uint8_t sc[16]) {
    for (int half = 0; half < 2; ++half) {
        for (int s = 0; s < 4; ++s) {
            for (int l = 0; l < 32; ++l) {  // element 128 half + 32 s + l
                const int q = (blk.qs[32 * half + l] >> (2 * s)) & 3;
                const int h = (blk.hmask[l] >> (4 * half + s)) & 1;
                u[128 * half + 32 * s + l] = uint8_t(q + 4 * h);
            }
        }
    }
    for (int i = 0; i < 16; ++i) {
        const int low = i < 8 ? blk.scales[i] & 0x0f : blk.scales[i - 8] >> 4;
        const int high = (blk.scales[8 + i % 4] >> (2 * (i / 4))) & 3;
        sc[i] = uint8_t(low | (high << 4));
    }
}

void repackQ3k(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const int64_t nSb = superBlocks(n);
    const size_t gBytes = groupBytesQ3k(n);
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    auto* out = static_cast<uint8_t*>(dst);
    std::memset(out, 0, size_t(nGroups) * gBytes);
    uint8_t u[kQkK], sc[16];
    for (int64_t g = 0; g < nGroups; ++g) {
        uint8_t* grp = out + size_t(g) * gBytes;
        const int rows = int(std::min<int64_t>(kRows, nRows - g * kRows));
        for (int r = 0; r < rows; ++r) {
            const uint8_t* row = bytes(w) + size_t(g * kRows + r) * wStride;
            for (int64_t b = 0; b < nSb; ++b) {
                BlockQ3_K blk;
                std::memcpy(&blk, row + b * int64_t(sizeof blk), sizeof blk);
                unpackQ3(blk, u, sc);
                uint8_t* sb = grp + b * kQ3Sb;
                for (int p = 0; p < 8; ++p) {
                    uint8_t* a = sb + 192 * p;
                    for (int e = 0; e < 4; ++e) {
                        const auto lv = [&](int k) { return unsigned(u[32 * p + 4 * k + e]); };
                        const unsigned l6 = lv(6), l7 = lv(7);
                        a[4 * r + e] = uint8_t(lv(0) | lv(1) << 3 | ((l7 >> 1) & 3) << 6);
                        a[64 + 4 * r + e] = uint8_t((l6 & 3) | lv(2) << 2 | lv(3) << 5);
                        a[128 + 4 * r + e] = uint8_t(lv(4) | ((l6 >> 2) & 1) << 3 | (l7 & 1) << 4 | lv(5) << 5);
                    }
                }
                for (int m = 0; m < 3; ++m) {
                    for (int e = 0; e < 4; ++e) {
                        sb[kQ3Scales + 64 * m + 4 * r + e] =
                            uint8_t(sc[4 * m + e] | ((sc[12 + e] >> (2 * m)) & 3) << 6);
                    }
                }
                std::memcpy(grp + nSb * kQ3Sb + b * kQ3SbD + 2 * r, blk.d, 2);
            }
        }
    }
}

size_t packedRowBytesQ3k(int64_t n) { return size_t(superBlocks(n) * kQ3Act); }

void packQ3k(const void* act, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < superBlocks(n); ++b) {
        BlockQ8_K x;
        std::memcpy(&x, bytes(act) + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kQ3Act;
        std::memset(o, 0, size_t(kQ3Act));
        std::memcpy(o, x.qs, sizeof x.qs);
        int32_t start[16];
        int32_t sum = 0;
        for (int i = 0; i < 16; ++i) {
            start[i] = -4 * int32_t(x.bsums[i]);
            sum += x.bsums[i];
        }
        std::memcpy(o + kQ3ActStart, start, sizeof start);
        storeF32(o + kQ3ActD, x.d);
        const int32_t sumStart = -127 * sum;
        std::memcpy(o + kQ3ActSumStart, &sumStart, sizeof sumStart);
    }
}

struct Q3Consts {
    __m512i m7 = _mm512_set1_epi8(7);
    __m512i m0f = _mm512_set1_epi8(0x0f);
    __m512i m03 = _mm512_set1_epi8(0x03);
    __m512i mc0 = _mm512_set1_epi8(char(0xc0));
    // Level 6 from the low nibble of the gathered byte (bits 0, 1, 3), level 7 from the high one (bits 0, 2, 3).
    __m512i lut6 = table16({0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7});
    __m512i lut7 = table16({0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7});
};

// Triple p of a Q3_K super-block into w[k] = 16 rows x the levels of elements 32p + 4k .. + 3.
[[gnu::always_inline]] inline void decodeQ3(const Q3Consts& k, const uint8_t* p, __m512i w[8]) {
    const __m512i a = load512(p);
    const __m512i b = load512(p + 64);
    const __m512i c = load512(p + 128);
    w[0] = _mm512_and_si512(a, k.m7);
    w[1] = _mm512_and_si512(_mm512_srli_epi16(a, 3), k.m7);
    w[2] = _mm512_and_si512(_mm512_srli_epi16(b, 2), k.m7);
    w[3] = _mm512_and_si512(_mm512_srli_epi16(b, 5), k.m7);
    w[4] = _mm512_and_si512(c, k.m7);
    w[5] = _mm512_and_si512(_mm512_srli_epi16(c, 5), k.m7);
    // Bits 0-1 from B, 2-5 from C, 6-7 from A.
    const __m512i x = _mm512_ternarylogic_epi32(a, _mm512_ternarylogic_epi32(b, c, k.m03, kSelect), k.mc0, kSelect);
    w[6] = _mm512_shuffle_epi8(k.lut6, _mm512_and_si512(x, k.m0f));
    w[7] = _mm512_shuffle_epi8(k.lut7, _mm512_and_si512(_mm512_srli_epi16(x, 4), k.m0f));
}

// The raw scales of a super-block: sc[m] byte 4r + b = raw scale of sub-block 4m + b of row r.
[[gnu::always_inline]] inline void decodeQ3Scales(const uint8_t* p, __m512i sc[4]) {
    const __m512i m3f = _mm512_set1_epi8(0x3f);
    const __m512i z0 = load512(p), z1 = load512(p + 64), z2 = load512(p + 128);
    sc[0] = _mm512_and_si512(z0, m3f);
    sc[1] = _mm512_and_si512(z1, m3f);
    sc[2] = _mm512_and_si512(z2, m3f);
    // Bits 0-1 from z0 >> 6, 2-3 from z1 >> 4, 4-5 from z2 >> 2 (16-bit shifts: the neighbour's bits are masked).
    const __m512i t = _mm512_ternarylogic_epi32(_mm512_srli_epi16(z0, 6), _mm512_srli_epi16(z1, 4),
                                                _mm512_set1_epi8(0x03), kSelect);
    sc[3] = _mm512_and_si512(
        _mm512_ternarylogic_epi32(t, _mm512_srli_epi16(z2, 2), _mm512_set1_epi8(0x0f), kSelect), m3f);
}

// pshufb control: byte b of each int32 lane to byte 1, zeros elsewhere: a signed byte s becomes the int16 256 s in
// the lane's low word and 0 in its high word.
inline __m512i pickByteHigh(int b) {
    const auto lane = [b](int k) { return int(0x80800080u | unsigned(4 * k + b) << 8); };
    return _mm512_broadcast_i32x4(_mm_setr_epi32(lane(0), lane(1), lane(2), lane(3)));
}

// The scales enter as 256 (sc - 32) (signed bytes picked into the high byte of a word), so one vpdpwssd per sub-block
// adds 256 (sc - 32) D exactly (|.| <= 2^26 per sub-block, 2^30 per super-block) with no separate sum of D for the
// offset 32; the 256 goes to d (exact: a power of two, and the true sum < 2^22 keeps 256 times it exact in F32).
template <int NT>
void tileQ3Direct(const uint8_t* grp, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy, int rows) {
    const Q3Consts k;
    const __m512i pick[4] = {pickByteHigh(0), pickByteHigh(1), pickByteHigh(2), pickByteHigh(3)};
    const uint8_t* ds = grp + nSb * kQ3Sb;
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* sb = grp + b * kQ3Sb;
        if constexpr (NT == 1) {
            // The d of the super-blocks sit after them: this group's and the next group's, early.
            if (b == 0) {
                prefetchLines(ds, nSb * kQ3SbD);
                prefetchLines(grp + groupBytesQ3k(nSb * kQkK) + nSb * kQ3Sb, nSb * kQ3SbD);
            }
        }
        const uint8_t* xb = x + b * kQ3Act;
        __m512i sc4[4];
        decodeQ3Scales(sb + kQ3Scales, sc4);
        for (__m512i& v : sc4) v = _mm512_sub_epi8(v, _mm512_set1_epi8(32));  // sc - 32, -32..31
        __m512i sum[NT];
        for (int t = 0; t < NT; ++t) sum[t] = _mm512_setzero_si512();
#pragma GCC unroll 8
        for (int p = 0; p < 8; ++p) {
            __m512i w[8];
            decodeQ3(k, sb + 192 * p, w);
#pragma GCC unroll 2
            for (int h = 0; h < 2; ++h) {
                const int i = 2 * p + h;
                // As in tileQ2Direct: 1-2 lines per sub-block, each asked for two super-blocks ahead and again one
                // ahead; +3-4 % over 8 parts once (one per pair, 3-4 lines at once) from DRAM on two threads.
                if constexpr (NT == 1) {
                    prefetchPart<kQ3Sb, 16, 2 * kQ3PrefetchBytes>(sb, i);
                    prefetchPart<kQ3Sb, 16, kQ3PrefetchBytes>(sb, i);
                }
                const __m512i sc = _mm512_shuffle_epi8(sc4[i / 4], pick[i % 4]);
#pragma GCC unroll 4
                for (int t = 0; t < NT; ++t) {
                    const uint8_t* xt = xb + size_t(t) * xStride;
                    __m512i d = _mm512_set1_epi32(loadI32(xt + kQ3ActStart + 4 * i));
#pragma GCC unroll 4
                    for (int c = 0; c < 4; ++c) d = dpbusdBcast(d, w[4 * h + c], xt + 16 * i + 4 * c);
                    sum[t] = _mm512_dpwssd_epi32(sum[t], d, sc);
                }
            }
        }
        const __m512 dw = _mm512_mul_ps(_mm512_cvtph_ps(load256(ds + b * kQ3SbD)), _mm512_set1_ps(1.0f / 256));
#pragma GCC unroll 4
        for (int t = 0; t < NT; ++t) {
            const __m512 dx = _mm512_set1_ps(loadF32(xb + size_t(t) * xStride + kQ3ActD));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[t]), _mm512_mul_ps(dw, dx), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

// One group into the prompt scratch: per super-block w = level * (sc - 32) + 127 as unsigned bytes (the product
// is in -124..128, so w is in 3..255), in element order, then the F32 d.
void prepareQ3(const uint8_t* grp, int64_t nSb, uint8_t* out) {
    const Q3Consts k;
    const __m512i pickW[4] = {pickByteWords(0), pickByteWords(1), pickByteWords(2), pickByteWords(3)};
    const __m512i four = _mm512_set1_epi8(4);
    const __m512i bias = _mm512_set1_epi8(127);
    const __m512i highBytes = _mm512_set1_epi16(int16_t(0xff00));
    const uint8_t* ds = grp + nSb * kQ3Sb;
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* sb = grp + b * kQ3Sb;
        uint8_t* o = out + b * kQ3Prep;
        __m512i sc4[4];
        decodeQ3Scales(sb + kQ3Scales, sc4);
        for (int p = 0; p < 8; ++p) {
            __m512i w[8];
            decodeQ3(k, sb + 192 * p, w);
            for (int h = 0; h < 2; ++h) {
                const int i = 2 * p + h;
                const __m512i s = _mm512_sub_epi16(_mm512_shuffle_epi8(sc4[i / 4], pickW[i % 4]),
                                                   _mm512_set1_epi16(32));
                for (int c = 0; c < 4; ++c) {
                    // Byte products within int16 words (mod 256): the low byte of a word product depends only on
                    // the low bytes; the high byte is taken from the product of the high byte alone.
                    const __m512i a = _mm512_sub_epi8(w[4 * h + c], four);
                    const __m512i lo = _mm512_mullo_epi16(a, s);
                    const __m512i hi = _mm512_mullo_epi16(_mm512_and_si512(a, highBytes), s);
                    const __m512i v = _mm512_mask_blend_epi8(__mmask64(0xaaaaaaaaaaaaaaaaull), lo, hi);
                    _mm512_store_si512(o + 64 * (4 * i + c), _mm512_add_epi8(v, bias));
                }
            }
        }
        _mm512_store_ps(o + kQ3PrepD, _mm512_cvtph_ps(load256(ds + b * kQ3SbD)));
    }
}

// sum_j (level_j (sc - 32) + 127) x_j starts from -127 sum x (packed per token), so it is the exact scaled sum.
template <int NT>
void tileQ3Wide(const uint8_t* prep, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy, int rows) {
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* p = prep + b * kQ3Prep;
        const uint8_t* xb = x + b * kQ3Act;
        __m512i dot[NT];
        for (int t = 0; t < NT; ++t) dot[t] = _mm512_set1_epi32(loadI32(xb + size_t(t) * xStride + kQ3ActSumStart));
#pragma GCC unroll 8
        for (int q = 0; q < 64; ++q) {
            const __m512i w = _mm512_load_si512(p + 64 * q);
#pragma GCC unroll 8
            for (int t = 0; t < NT; ++t) dot[t] = dpbusdBcast(dot[t], w, xb + size_t(t) * xStride + 4 * q);
        }
        const __m512 dw = _mm512_load_ps(p + kQ3PrepD);
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
            const __m512 dx = _mm512_set1_ps(loadF32(xb + size_t(t) * xStride + kQ3ActD));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[t]), _mm512_mul_ps(dw, dx), acc[t]);
        }
    }
    const auto mask = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

// --- gemm --------------------------------------------------------------------------------------------------------

using TileFn = void (*)(const uint8_t*, const uint8_t*, size_t, int64_t, float*, size_t, int);
using PrepareFn = void (*)(const uint8_t*, int64_t, uint8_t*);

struct Kind {
    TileFn direct[kDirectMaxTokens];
    TileFn wide[kNtWide];
    PrepareFn prepare;
    int64_t prepSbBytes;
};

constexpr Kind kQ2Kind = {{tileQ2Direct<1>, tileQ2Direct<2>, tileQ2Direct<3>, tileQ2Direct<4>},
                          {tileQ2Wide<1>, tileQ2Wide<2>, tileQ2Wide<3>, tileQ2Wide<4>, tileQ2Wide<5>, tileQ2Wide<6>,
                           tileQ2Wide<7>, tileQ2Wide<8>},
                          prepareQ2,
                          kQ2Prep};
constexpr Kind kQ3Kind = {{tileQ3Direct<1>, tileQ3Direct<2>, tileQ3Direct<3>, tileQ3Direct<4>},
                          {tileQ3Wide<1>, tileQ3Wide<2>, tileQ3Wide<3>, tileQ3Wide<4>, tileQ3Wide<5>, tileQ3Wide<6>,
                           tileQ3Wide<7>, tileQ3Wide<8>},
                          prepareQ3,
                          kQ3Prep};

template <const Kind& K>
void gemmK(const void* wv, size_t groupBytes, int64_t nRows, const void* xv, size_t xStride, int64_t nTok,
           int64_t n, float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nSb = superBlocks(n);
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    const auto rowsOf = [&](int64_t g) { return int(std::min<int64_t>(kRows, nRows - g * kRows)); };
    if (nTok <= 0 || nRows <= 0) return;
    if (nTok <= kDirectMaxTokens) {
        const TileFn tile = K.direct[nTok - 1];
        for (int64_t g = 0; g < nGroups; ++g) {
            tile(w + size_t(g) * groupBytes, x, xStride, nSb, y + size_t(g * kRows), ldy, rowsOf(g));
        }
        return;
    }
    // Per-thread scratch for one decoded group (callers run gemm on several threads at once).
    struct alignas(64) Line {
        uint8_t b[64];
    };
    thread_local std::vector<Line> scratch;
    scratch.resize(size_t(nSb * K.prepSbBytes) / sizeof(Line));
    uint8_t* prep = scratch.data()->b;
    const int64_t chunk =
        std::max<int64_t>(kNtWide, int64_t(kChunkBudget / std::max<size_t>(1, xStride)) / kNtWide * kNtWide);
    for (int64_t t0 = 0; t0 < nTok; t0 += chunk) {
        const int64_t t1 = std::min(nTok, t0 + chunk);
        for (int64_t g = 0; g < nGroups; ++g) {
            K.prepare(w + size_t(g) * groupBytes, nSb, prep);
            for (int64_t t = t0; t < t1; t += kNtWide) {
                const int nt = int(std::min<int64_t>(kNtWide, t1 - t));
                K.wide[nt - 1](prep, x + size_t(t) * xStride, xStride, nSb, y + size_t(t) * ldy + size_t(g * kRows),
                               ldy, rowsOf(g));
            }
        }
    }
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q2_K, GgmlType::Q8_K, packedRowBytesQ2k, packQ2k, gemmK<kQ2Kind>, kRows, groupBytesQ2k, repackQ2k},
    {GgmlType::Q3_K, GgmlType::Q8_K, packedRowBytesQ3k, packQ3k, gemmK<kQ3Kind>, kRows, groupBytesQ3k, repackQ3k},
};

}  // namespace

std::span<const GemmKernels> repackQ2kAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
