// AVX-512 VNNI repacked kernels for Q6_K weights x Q8_K activations (kernels/gemm.h, GemmKernels::repack). Only
// this file is compiled with -mavx512vnni; gemm.cpp calls repackQ6kAvx512VnniTable() only after
// cpuSupports(Isa::Avx512Vnni).
//
// Repacked weights: groups of 16 rows (kRowGroup), one row per 32-bit lane. A group of nSb super-blocks is
// 16 x 210 bytes per super-block, the file's size, in three streams (each 64-byte aligned when the group is):
//   bits    nSb x 3072 bytes: per super-block 16 quads (sub-block i = elements 16i .. 16i + 15) of 3 vectors
//           P1, P2, P3; byte 4r + e of Pk (k = 1..3) is the unsigned level u = q (0..63, the file's q before its
//           -32) of element 16i + 4(k - 1) + e of row r in bits 0-5, and in bits 6-7 one 2-bit piece of the
//           level v of element 16i + 12 + e: P1 holds v bits 4-5, P2 v bits 2-3, P3 v bits 0-1.
//   scales  nSb x 256 bytes: per super-block, byte 16i + r = the int8 scale of sub-block i of row r.
//   d       nSb x 32 bytes: per super-block, the 16 rows' F16 d.
//   then zeros up to a multiple of 64 (groupBytes). Rows past nRows in a last group are all zeros.
// Decoding a quad gives the four vectors of 16 rows x 4 consecutive levels of a sub-block in 9 operations: three
// are Pk & 0x3f, the fourth gathers the pieces with two shifts and two bit-selects (vpternlog), a shift and an and.
//
// Packed activations (pack), per super-block 320 bytes: the 256 Q8_K quants, then 16 int32 -32 * bsum_i (sub-block
// i's vpdpbusd starting value: it removes the level offset exactly, sum (u - 32) x = sum u x - 32 bsum); after the
// nSb super-blocks, 8 bytes per super-block: the F32 d and a "narrow" flag (below), padded to 64 bytes.
//
// Per sub-block, token and 16 rows, four vpdpbusd (weights unsigned, one broadcast of 4 activation bytes each, no
// horizontal sums) give the exact int32 sum D_i = sum (u - 32) x, |D_i| <= 16 * 32 * 127. It is then multiplied by
// the 16 rows' int8 scales sc_i in one of two exact ways, per super-block and tile:
// - narrow: when every sub-block of the super-block has sum |x| <= kNarrowAbsSum (pack sets the flag; nearly
//   always true for real activations, whose Q8_K scale is set by a few outliers), |D_i| <= 32 * 1023 fits in int16,
//   so one vpdpwssd against the dword (sc_i, 0) accumulates sc_i * D_i in int32 (converted once per super-block);
// - otherwise: vcvtdq2ps and vfmadd with the F32 scales (two operations instead of one).
// Per super-block the sum is scaled by d_w * d_x.
//
// Paths:
// - Up to kDirectMaxTokens tokens (token generation): each quad is decoded in registers and serves the tile's
//   tokens; the weights are a pure stream, prefetched kPrefetchSb super-blocks ahead. One token: kMultiGroups
//   groups at once, quad by quad in lockstep (tileDirectMulti).
// - More tokens (prompt processing): tokens are taken in chunks whose packed activations fit in L2 (kChunkBudget);
//   per chunk, each pair of groups is decoded once into a per-thread scratch (levels as bytes, scales as F32
//   d_w * sc_i and as int32 (sc_i, 0), d_w: kPrepSb bytes per group and super-block, L2-resident) and meets the
//   chunk's tokens kNtPrepared at a time, 32 rows x kNtPrepared tokens per tile. While a pair's tiles run, the next
//   pair's repacked weights are prefetched into L2 a few lines per super-block.
// Results equal the reference's exact integer sub-block sums scaled in F32, up to F32 summation order.
#ifndef __AVX512VNNI__
#error "repack_q6k_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "kernels/format_q6_k.h"
#include "kernels/format_q8_k.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kRowGroup = 16;
constexpr int64_t kSbBits = 3072;   // bit-stream bytes per group and super-block
constexpr int64_t kSbScales = 256;  // scale bytes per group and super-block
constexpr int64_t kSbD = 32;        // F16 d bytes per group and super-block
static_assert(kSbBits + kSbScales + kSbD == kRowGroup * int64_t(sizeof(BlockQ6_K)));

constexpr int64_t kActSb = 320;     // packed activation bytes per super-block (d excluded)
constexpr int kActStart = 256;      // int32 -32 * bsum_i within a super-block
constexpr int64_t kActTail = 8;     // per super-block after the blocks: F32 d, uint32 "narrow" flag
// A sub-block's sum of |x| up to this keeps every |sum (u - 32) x| <= 32 * kNarrowAbsSum within int16.
constexpr int kNarrowAbsSum = 1023;

constexpr int64_t kDirectMaxTokens = 8;    // up to this many tokens: decode in registers (measured: the prepared
constexpr int kNtDirect = 8;               // path overtakes from ~12 tokens), kNtDirect tokens per tile
// Prefetch distance in super-blocks (direct path): 1 (3 KiB of the bits stream) measured 95 % of a plain read
// stream on one thread from DRAM (2 MiB pages), 2 (as first chosen) 87 %, none 90 %.
constexpr int64_t kPrefetchSb = 1;

constexpr int kGroupsPrepared = 2;         // groups per prepared tile
constexpr int kNtPrepared = 6;             // tokens per prepared tile
// Scratch per group and super-block: levels, F32 d_w * sc_i, int32 sc_i & 0xffff (vpdpwssd operand), F32 d_w.
constexpr int64_t kPrepLevels = 4096;
constexpr int64_t kPrepScF = kPrepLevels;
constexpr int64_t kPrepScI = kPrepScF + 1024;
constexpr int64_t kPrepDw = kPrepScI + 1024;
constexpr int64_t kPrepSb = kPrepDw + 64;
// Packed activation bytes of a token chunk. Each chunk decodes every pair of groups again, so larger is better
// until the chunk no longer stays in L2 (1 MiB here): measured 768 KiB > 512 KiB > 256 KiB, and > 1.5 MiB.
constexpr size_t kChunkBudget = 768 * 1024;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
__m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }
// acc += the int16 products of a and b, in place. GCC 12 allocates the intrinsic's accumulator into a fresh register
// in loops and copies it back every iteration (a vmovdqa per call on the same ports); the asm ties it.
inline __m512i dpwssd(__m512i acc, __m512i a, __m512i b) {
    __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
    return acc;
}
// A 32-bit broadcast from memory into a register of its own: the tag keeps GCC from merging equal loads into one
// register plus vmovdqa copies (a load port is free, a copy takes an ALU slot).
template <int Tag>
inline __m512i broadcastLoad(const uint8_t* p) {
    __m512i r;
    __asm__("vpbroadcastd %1, %0 # %c2" : "=v"(r) : "m"(*reinterpret_cast<const int32_t*>(p)), "i"(Tag));
    return r;
}
uint32_t loadU32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class F>
constexpr int ternImm(F f) {
    int imm = 0;
    for (int i = 0; i < 8; ++i) imm |= (f((i >> 2) & 1, (i >> 1) & 1, i & 1) & 1) << i;
    return imm;
}
constexpr int kSelect = ternImm([](int a, int b, int c) { return c ? a : b; });  // bits of a where c, else b

int64_t superBlocks(int64_t n) { return n / kQkK; }
int64_t scalesAt(int64_t nSb) { return nSb * kSbBits; }
int64_t dAt(int64_t nSb) { return nSb * (kSbBits + kSbScales); }

// --- layout -----------------------------------------------------------------------------------------------------

size_t groupBytesQ6k(int64_t n) {
    const int64_t raw = superBlocks(n) * (kSbBits + kSbScales + kSbD);
    return size_t((raw + 63) / 64 * 64);
}

// The 256 unsigned levels (0..63) of one file super-block, in element order.
void levelsOf(const BlockQ6_K& blk, uint8_t u[kQkK]) {
    for (int h = 0; h < 2; ++h) {
        for (int l = 0; l < 32; ++l) {
            const uint8_t ql0 = blk.ql[64 * h + l];
            const uint8_t ql1 = blk.ql[64 * h + 32 + l];
            const uint8_t qh = blk.qh[32 * h + l];
            u[128 * h + l] = uint8_t((ql0 & 0x0f) | ((qh & 3) << 4));
            u[128 * h + 32 + l] = uint8_t((ql1 & 0x0f) | (((qh >> 2) & 3) << 4));
            u[128 * h + 64 + l] = uint8_t((ql0 >> 4) | (((qh >> 4) & 3) << 4));
            u[128 * h + 96 + l] = uint8_t((ql1 >> 4) | (((qh >> 6) & 3) << 4));
        }
    }
}

void repackQ6k(const void* w, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const int64_t nSb = superBlocks(n);
    const size_t gBytes = groupBytesQ6k(n);
    const int64_t nGroups = (nRows + kRowGroup - 1) / kRowGroup;
    auto* out = static_cast<uint8_t*>(dst);
    std::memset(out, 0, size_t(nGroups) * gBytes);
    uint8_t u[kQkK];
    for (int64_t g = 0; g < nGroups; ++g) {
        uint8_t* grp = out + size_t(g) * gBytes;
        const int rows = int(std::min<int64_t>(kRowGroup, nRows - g * kRowGroup));
        for (int r = 0; r < rows; ++r) {
            const uint8_t* row = bytes(w) + size_t(g * kRowGroup + r) * wStride;
            for (int64_t b = 0; b < nSb; ++b) {
                BlockQ6_K blk;
                std::memcpy(&blk, row + b * int64_t(sizeof blk), sizeof blk);
                levelsOf(blk, u);
                uint8_t* bits = grp + b * kSbBits;
                for (int i = 0; i < 16; ++i) {
                    uint8_t* quad = bits + 192 * i;
                    for (int e = 0; e < 4; ++e) {
                        const uint8_t v = u[16 * i + 12 + e];
                        const uint8_t pieces[3] = {uint8_t((v >> 4) & 3), uint8_t((v >> 2) & 3), uint8_t(v & 3)};
                        for (int k = 0; k < 3; ++k) {
                            quad[64 * k + 4 * r + e] = uint8_t(u[16 * i + 4 * k + e] | (pieces[k] << 6));
                        }
                    }
                    grp[scalesAt(nSb) + b * kSbScales + 16 * i + r] = uint8_t(blk.scales[i]);
                }
                std::memcpy(grp + dAt(nSb) + b * kSbD + 2 * r, blk.d, 2);
            }
        }
    }
}

// The four vectors of a quad: wq[k] lane r = levels of elements 16i + 4k .. + 3 of row r.
inline void decodeQuad(const uint8_t* p, __m512i wq[4]) {
    const __m512i m3f = _mm512_set1_epi8(0x3f);
    const __m512i p1 = load512(p);
    const __m512i p2 = load512(p + 64);
    const __m512i p3 = load512(p + 128);
    wq[0] = _mm512_and_si512(p1, m3f);
    wq[1] = _mm512_and_si512(p2, m3f);
    wq[2] = _mm512_and_si512(p3, m3f);
    // t1 bits 6-7: P1's piece, bits 4-5: P2's; t2 bits 2-3: P3's. Shifts are per 16 bits: the bits a byte takes
    // from its neighbour land where the selects or the final mask drop them.
    const __m512i t1 = _mm512_ternarylogic_epi32(p1, _mm512_srli_epi16(p2, 2), _mm512_set1_epi8(char(0xc0)), kSelect);
    const __m512i t2 = _mm512_ternarylogic_epi32(t1, _mm512_srli_epi16(p3, 4), _mm512_set1_epi8(char(0xf0)), kSelect);
    wq[3] = _mm512_and_si512(_mm512_srli_epi16(t2, 2), m3f);
}

// The 3 lines of one quad, ahead of the stream (direct path).
inline void prefetchQuad(const uint8_t* p) {
    _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(p + 64), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(p + 128), _MM_HINT_T0);
}

// The 16 rows' int8 scales of one sub-block as F32.
inline __m512 scalesF32(const uint8_t* p) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(load128(p))); }

// --- activations ----------------------------------------------------------------------------------------------

size_t packedRowBytesQ6k(int64_t n) {
    const int64_t nSb = superBlocks(n);
    return size_t(nSb * kActSb + (nSb * kActTail + 63) / 64 * 64);
}

void packQ6k(const void* act, void* dst, int64_t n) {
    const int64_t nSb = superBlocks(n);
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t* tail = out + nSb * kActSb;
    std::memset(tail, 0, size_t((nSb * kActTail + 63) / 64 * 64));
    for (int64_t b = 0; b < nSb; ++b) {
        BlockQ8_K x;
        std::memcpy(&x, bytes(act) + b * int64_t(sizeof x), sizeof x);
        uint8_t* o = out + b * kActSb;
        std::memcpy(o, x.qs, sizeof x.qs);
        int32_t start[16];
        for (int i = 0; i < 16; ++i) start[i] = -32 * int32_t(x.bsums[i]);
        // Sub-block sums of |x| (<= 16 * 128): vpsadbw sums 8 bytes, a 64-bit swap adds the other half of each 16.
        // In registers: the scalar loop took as long as quantizing the row (2048 elements: 0.78 us).
        __mmask8 over = 0;
        for (int v = 0; v < 4; ++v) {
            const __m512i a = _mm512_abs_epi8(_mm512_loadu_si512(x.qs + 64 * v));
            const __m512i sad = _mm512_sad_epu8(a, _mm512_setzero_si512());
            const __m512i sums = _mm512_add_epi64(sad, _mm512_shuffle_epi32(sad, _MM_PERM_BADC));
            over |= _mm512_cmpgt_epu64_mask(sums, _mm512_set1_epi64(kNarrowAbsSum));
        }
        const uint32_t narrow = over == 0 ? 1 : 0;
        std::memcpy(o + kActStart, start, sizeof start);
        storeF32(tail + kActTail * b, x.d);
        std::memcpy(tail + kActTail * b + 4, &narrow, sizeof narrow);
    }
}

// --- direct path: decode in registers -------------------------------------------------------------------------

// The exact int32 sums D_i of sub-block i for the 16 rows of wq and one token (xb: its packed super-block).
inline __m512i quadDot(const __m512i wq[4], const uint8_t* xb, int i) {
    __m512i dot = _mm512_set1_epi32(loadI32(xb + kActStart + 4 * i));
    for (int k = 0; k < 4; ++k) dot = dpbusdBcast(dot, wq[k], xb + 16 * i + 4 * k);  // {1to16}: no separate broadcast
    return dot;
}

// One group (rows <= 16 of it stored to y) x NT tokens over nSb super-blocks.
template <int NT>
void tileDirect(const uint8_t* grp, size_t groupBytes, const uint8_t* x, size_t xStride, int64_t nSb, float* y,
                size_t ldy, int rows) {
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    const uint8_t* scales = grp + scalesAt(nSb);
    const uint8_t* ds = grp + dAt(nSb);
    const uint8_t* xd = x + nSb * kActSb;
    for (int64_t b = 0; b < nSb; ++b) {
        const uint8_t* bits = grp + b * kSbBits;
        // The three streams kPrefetchSb super-blocks ahead; near the group's end, in the next group (the groups of
        // a range are consecutive; past the last one the prefetches are wasted, not faults). The bits (48 lines) go
        // a quad's 3 lines at a time inside the quad loop (all at once measured slower), the scales and d (5 lines)
        // here.
        const int64_t ahead = b + kPrefetchSb;
        const uint8_t* pg = ahead < nSb ? grp : grp + groupBytes;
        const int64_t pb = ahead < nSb ? ahead : ahead - nSb;
        const uint8_t* pfBits = pg + pb * kSbBits;
        for (int64_t o = 0; o < kSbScales; o += 64) {
            _mm_prefetch(reinterpret_cast<const char*>(pg + scalesAt(nSb) + pb * kSbScales + o), _MM_HINT_T0);
        }
        _mm_prefetch(reinterpret_cast<const char*>(pg + dAt(nSb) + pb * kSbD), _MM_HINT_T0);
        const uint8_t* xb = x + b * kActSb;
        const uint8_t* sb = scales + b * kSbScales;
        const __m512 dw = _mm512_cvtph_ps(load256(ds + b * kSbD));
        uint32_t narrow = 1;
        for (int t = 0; t < NT; ++t) narrow &= loadU32(xd + size_t(t) * xStride + kActTail * b + 4);
        if (narrow != 0) {
            __m512i sum[NT];
            for (__m512i& s : sum) s = _mm512_setzero_si512();
            for (int i = 0; i < 16; ++i) {
                prefetchQuad(pfBits + 192 * i);
                __m512i wq[4];
                decodeQuad(bits + 192 * i, wq);
                const __m512i sc =
                    _mm512_and_si512(_mm512_cvtepi8_epi32(load128(sb + 16 * i)), _mm512_set1_epi32(0xffff));
                for (int t = 0; t < NT; ++t) sum[t] = dpwssd(sum[t], quadDot(wq, xb + size_t(t) * xStride, i), sc);
            }
            for (int t = 0; t < NT; ++t) {
                const __m512 dx = _mm512_set1_ps(loadF32(xd + size_t(t) * xStride + kActTail * b));
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[t]), _mm512_mul_ps(dw, dx), acc[t]);
            }
        } else {
            __m512 sum[NT];
            for (__m512& s : sum) s = _mm512_setzero_ps();
            for (int i = 0; i < 16; ++i) {
                prefetchQuad(pfBits + 192 * i);
                __m512i wq[4];
                decodeQuad(bits + 192 * i, wq);
                const __m512 sc = scalesF32(sb + 16 * i);
                for (int t = 0; t < NT; ++t) {
                    sum[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(quadDot(wq, xb + size_t(t) * xStride, i)), sc, sum[t]);
                }
            }
            for (int t = 0; t < NT; ++t) {
                const __m512 dx = _mm512_set1_ps(loadF32(xd + size_t(t) * xStride + kActTail * b));
                acc[t] = _mm512_fmadd_ps(sum[t], _mm512_mul_ps(dw, dx), acc[t]);
            }
        }
    }
    const auto mask = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, mask, acc[t]);
}

// One token against G consecutive groups (groupBytes apart; the last one has `rows` valid rows) in lockstep, quad
// by quad: y[16 g + r]. The narrow and wide branches are spelled out, as in tileDirect: one helper templated on the
// branch measured ~10 % slower (TinyLlama Q6_K tg32, alternated: 30.1 -> 27.2 and 29.1 -> 26.4 tok/s, GCC 12).
template <int G>
void tileDirectMulti(const uint8_t* grp, size_t groupBytes, const uint8_t* x, int64_t nSb, float* y, int rows) {
    __m512 acc[G];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    const uint8_t* xd = x + nSb * kActSb;
    for (int64_t b = 0; b < nSb; ++b) {
        const int64_t ahead = b + kPrefetchSb;  // as in tileDirect: past the end into the next call's groups
        const uint8_t* pfBits[G];
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) {
            const uint8_t* gg = grp + size_t(g) * groupBytes;
            const uint8_t* pg = ahead < nSb ? gg : gg + size_t(G) * groupBytes;
            const int64_t pb = ahead < nSb ? ahead : ahead - nSb;
            pfBits[g] = pg + pb * kSbBits;
            for (int64_t o = 0; o < kSbScales; o += 64) {
                _mm_prefetch(reinterpret_cast<const char*>(pg + scalesAt(nSb) + pb * kSbScales + o), _MM_HINT_T0);
            }
            _mm_prefetch(reinterpret_cast<const char*>(pg + dAt(nSb) + pb * kSbD), _MM_HINT_T0);
        }
        const uint8_t* xb = x + b * kActSb;
        const __m512 dx = _mm512_set1_ps(loadF32(xd + kActTail * b));
        if (loadU32(xd + kActTail * b + 4) != 0) {
            __m512i sum[G];
            for (__m512i& v : sum) v = _mm512_setzero_si512();
            for (int i = 0; i < 16; ++i) {
#pragma GCC unroll 8
                for (int g = 0; g < G; ++g) {
                    const uint8_t* gg = grp + size_t(g) * groupBytes;
                    prefetchQuad(pfBits[g] + 192 * i);
                    __m512i wq[4];
                    decodeQuad(gg + b * kSbBits + 192 * i, wq);
                    const __m512i sc = _mm512_and_si512(
                        _mm512_cvtepi8_epi32(load128(gg + scalesAt(nSb) + b * kSbScales + 16 * i)),
                        _mm512_set1_epi32(0xffff));
                    sum[g] = dpwssd(sum[g], quadDot(wq, xb, i), sc);
                }
            }
#pragma GCC unroll 8
            for (int g = 0; g < G; ++g) {
                const __m512 dw = _mm512_cvtph_ps(load256(grp + size_t(g) * groupBytes + dAt(nSb) + b * kSbD));
                acc[g] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[g]), _mm512_mul_ps(dw, dx), acc[g]);
            }
        } else {
            __m512 sum[G];
            for (__m512& v : sum) v = _mm512_setzero_ps();
            for (int i = 0; i < 16; ++i) {
#pragma GCC unroll 8
                for (int g = 0; g < G; ++g) {
                    const uint8_t* gg = grp + size_t(g) * groupBytes;
                    prefetchQuad(pfBits[g] + 192 * i);
                    __m512i wq[4];
                    decodeQuad(gg + b * kSbBits + 192 * i, wq);
                    const __m512 sc = scalesF32(gg + scalesAt(nSb) + b * kSbScales + 16 * i);
                    sum[g] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(quadDot(wq, xb, i)), sc, sum[g]);
                }
            }
#pragma GCC unroll 8
            for (int g = 0; g < G; ++g) {
                const __m512 dw = _mm512_cvtph_ps(load256(grp + size_t(g) * groupBytes + dAt(nSb) + b * kSbD));
                acc[g] = _mm512_fmadd_ps(sum[g], _mm512_mul_ps(dw, dx), acc[g]);
            }
        }
    }
    for (int g = 0; g + 1 < G; ++g) _mm512_storeu_ps(y + 16 * g, acc[g]);
    _mm512_mask_storeu_ps(y + 16 * (G - 1), static_cast<__mmask16>((1u << rows) - 1u), acc[G - 1]);
}

// Groups per one-token tile. Several weight streams per thread read faster from DRAM than one (as for the Q4_0
// family's tile): TinyLlama Q6_K tg32, 2 threads, alternated medians: one group 28.7 tok/s, 2 groups 29.7, 4 groups
// 30.5 and 30.8, 8 groups 30.3 and 30.5; 4 groups prefetching 2 super-blocks ahead 29.4.
constexpr int kMultiGroups = 4;
using MultiFn = void (*)(const uint8_t*, size_t, const uint8_t*, int64_t, float*, int);
template <int... Gs>
constexpr std::array<MultiFn, sizeof...(Gs)> multiTable(std::integer_sequence<int, Gs...>) {
    return {tileDirectMulti<Gs + 1>...};
}
constexpr auto kMulti = multiTable(std::make_integer_sequence<int, kMultiGroups>());

using DirectFn = void (*)(const uint8_t*, size_t, const uint8_t*, size_t, int64_t, float*, size_t, int);
template <int... NTs>
constexpr std::array<DirectFn, sizeof...(NTs)> directTable(std::integer_sequence<int, NTs...>) {
    return {tileDirect<NTs + 1>...};
}
constexpr auto kDirect = directTable(std::make_integer_sequence<int, kNtDirect>());

// --- prepared path: decode once per token chunk into a scratch ------------------------------------------------

// Scratch layout: per super-block b, per group g of the tile, kPrepSb bytes: 64 vectors of levels (vector 4i + k
// as decodeQuad gives them), 16 vectors of F32 d_w * sc_i, 16 vectors of int32 sc_i & 0xffff (sub-block i), the
// F32 d_w of the 16 rows.
void prepare(const uint8_t* w, size_t groupBytes, int groups, int64_t nSb, uint8_t* out) {
    const size_t sbStride = size_t(groups) * kPrepSb;
    for (int g = 0; g < groups; ++g) {
        const uint8_t* grp = w + size_t(g) * groupBytes;
        const uint8_t* scales = grp + scalesAt(nSb);
        const uint8_t* ds = grp + dAt(nSb);
        for (int64_t b = 0; b < nSb; ++b) {
            uint8_t* o = out + size_t(b) * sbStride + size_t(g) * kPrepSb;
            const uint8_t* bits = grp + b * kSbBits;
            const __m512 dw = _mm512_cvtph_ps(load256(ds + b * kSbD));
            for (int i = 0; i < 16; ++i) {
                __m512i wq[4];
                decodeQuad(bits + 192 * i, wq);
                for (int k = 0; k < 4; ++k) _mm512_store_si512(o + 64 * (4 * i + k), wq[k]);
                const __m512i sc = _mm512_cvtepi8_epi32(load128(scales + b * kSbScales + 16 * i));
                _mm512_store_ps(o + kPrepScF + 64 * i, _mm512_mul_ps(dw, _mm512_cvtepi32_ps(sc)));
                _mm512_store_si512(o + kPrepScI + 64 * i, _mm512_and_si512(sc, _mm512_set1_epi32(0xffff)));
            }
            _mm512_store_ps(o + kPrepDw, dw);
        }
    }
}

// dot[g][t] = the exact int32 sum over sub-block i of (u - 32) x for group g's 16 rows and token t.
template <int G, int NT>
inline void subBlockDots(const uint8_t* pb, const uint8_t* xb, size_t xStride, int i, __m512i dot[G][NT]) {
    for (int t = 0; t < NT; ++t) {
        const uint8_t* start = xb + size_t(t) * xStride + kActStart + 4 * i;
        dot[0][t] = broadcastLoad<0>(start);
        if constexpr (G > 1) dot[1][t] = broadcastLoad<1>(start);
        if constexpr (G > 2) dot[2][t] = broadcastLoad<2>(start);
        if constexpr (G > 3) dot[3][t] = broadcastLoad<3>(start);
        static_assert(G <= 4);
    }
    for (int k = 0; k < 4; ++k) {
        __m512i wv[G];
        for (int g = 0; g < G; ++g) wv[g] = _mm512_load_si512(pb + size_t(g) * kPrepSb + 64 * (4 * i + k));
        for (int t = 0; t < NT; ++t) {
            const __m512i xv = _mm512_set1_epi32(loadI32(xb + size_t(t) * xStride + 16 * i + 4 * k));
            for (int g = 0; g < G; ++g) dot[g][t] = _mm512_dpbusd_epi32(dot[g][t], wv[g], xv);
        }
    }
}

// G groups (16 G rows, the first `rows` stored) x NT tokens over the prepared super-blocks. The running F32 sums
// live in memory (acc, touched once per super-block) so that the registers hold the G x NT sub-block dot products
// and their int32 / F32 sums.
template <int G, int NT>
void tilePrepared(const uint8_t* prep, const uint8_t* x, size_t xStride, int64_t nSb, float* y, size_t ldy,
                  int rows, const char* pf, int64_t pfLines) {
    // pfLines cache lines from pf are prefetched into L2, a few per super-block (a burst would stall on the fill
    // buffers).
    const int64_t pfStep = (pfLines + nSb - 1) / nSb;
    const char* const pfEnd = pf + 64 * pfLines;
    alignas(64) float accMem[G][NT][16];
    float* acc = &accMem[0][0][0];
    __asm__("" : "+r"(acc));  // keeps GCC from promoting the array to registers
    for (int j = 0; j < G * NT; ++j) _mm512_store_ps(acc + 16 * j, _mm512_setzero_ps());
    const size_t sbStride = size_t(G) * kPrepSb;
    const uint8_t* xd = x + nSb * kActSb;
    for (int64_t b = 0; b < nSb; ++b) {
        for (int64_t l = 0; l < pfStep && pf < pfEnd; ++l, pf += 64) _mm_prefetch(pf, _MM_HINT_T1);
        const uint8_t* pb = prep + size_t(b) * sbStride;
        const uint8_t* xb = x + b * kActSb;
        uint32_t narrow = 1;
        for (int t = 0; t < NT; ++t) narrow &= loadU32(xd + size_t(t) * xStride + kActTail * b + 4);
        if (narrow != 0) {
            // Every sub-block sum fits in int16: vpdpwssd with (sc_i, 0) multiplies and accumulates it in int32.
            __m512i sum[G][NT];
            for (auto& row : sum) {
                for (__m512i& s : row) s = _mm512_setzero_si512();
            }
            for (int i = 0; i < 16; ++i) {
                __m512i dot[G][NT];
                subBlockDots<G, NT>(pb, xb, xStride, i, dot);
                for (int g = 0; g < G; ++g) {
                    const __m512i sc = _mm512_load_si512(pb + size_t(g) * kPrepSb + kPrepScI + 64 * i);
                    for (int t = 0; t < NT; ++t) sum[g][t] = dpwssd(sum[g][t], dot[g][t], sc);
                }
            }
            for (int t = 0; t < NT; ++t) {
                const __m512 dx = _mm512_set1_ps(loadF32(xd + size_t(t) * xStride + kActTail * b));
                for (int g = 0; g < G; ++g) {
                    const __m512 dw = _mm512_load_ps(pb + size_t(g) * kPrepSb + kPrepDw);
                    float* a = acc + 16 * (g * NT + t);
                    _mm512_store_ps(a, _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[g][t]), _mm512_mul_ps(dw, dx),
                                                       _mm512_load_ps(a)));
                }
            }
        } else {
            __m512 sum[G][NT];
            for (auto& row : sum) {
                for (__m512& s : row) s = _mm512_setzero_ps();
            }
            for (int i = 0; i < 16; ++i) {
                __m512i dot[G][NT];
                subBlockDots<G, NT>(pb, xb, xStride, i, dot);
                for (int g = 0; g < G; ++g) {
                    const __m512 sc = _mm512_load_ps(pb + size_t(g) * kPrepSb + kPrepScF + 64 * i);
                    for (int t = 0; t < NT; ++t) {
                        sum[g][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[g][t]), sc, sum[g][t]);
                    }
                }
            }
            for (int t = 0; t < NT; ++t) {
                const __m512 dx = _mm512_set1_ps(loadF32(xd + size_t(t) * xStride + kActTail * b));
                for (int g = 0; g < G; ++g) {
                    float* a = acc + 16 * (g * NT + t);
                    _mm512_store_ps(a, _mm512_fmadd_ps(sum[g][t], dx, _mm512_load_ps(a)));
                }
            }
        }
    }
    for (int g = 0; g < G; ++g) {
        const int left = std::min(kRowGroup, rows - kRowGroup * g);
        if (left <= 0) break;
        const auto mask = static_cast<__mmask16>((1u << left) - 1u);
        for (int t = 0; t < NT; ++t) {
            _mm512_mask_storeu_ps(y + size_t(t) * ldy + size_t(kRowGroup * g), mask,
                                  _mm512_load_ps(acc + 16 * (g * NT + t)));
        }
    }
}

using PreparedFn = void (*)(const uint8_t*, const uint8_t*, size_t, int64_t, float*, size_t, int, const char*,
                           int64_t);

template <int G, int... NTs>
constexpr std::array<PreparedFn, sizeof...(NTs)> preparedRow(std::integer_sequence<int, NTs...>) {
    return {tilePrepared<G, NTs + 1>...};
}
template <int... Gs>
constexpr std::array<std::array<PreparedFn, kNtPrepared>, sizeof...(Gs)> preparedTable(
    std::integer_sequence<int, Gs...>) {
    return {preparedRow<Gs + 1>(std::make_integer_sequence<int, kNtPrepared>())...};
}
// kPrepared[G - 1][nt - 1]
constexpr auto kPrepared = preparedTable(std::make_integer_sequence<int, kGroupsPrepared>());

// --- gemm ---------------------------------------------------------------------------------------------------------

void gemmQ6k(const void* wv, size_t groupBytes, int64_t nRows, const void* xv, size_t xStride, int64_t nTok,
             int64_t n, float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nSb = superBlocks(n);
    const int64_t nGroups = (nRows + kRowGroup - 1) / kRowGroup;
    if (nTok == 1) {  // generation: kMultiGroups groups at once
        for (int64_t g = 0; g < nGroups; g += kMultiGroups) {
            const int gs = int(std::min<int64_t>(kMultiGroups, nGroups - g));
            const int rows = int(std::min<int64_t>(kRowGroup, nRows - (g + gs - 1) * kRowGroup));
            kMulti[size_t(gs - 1)](w + size_t(g) * groupBytes, groupBytes, x, nSb, y + size_t(g * kRowGroup), rows);
        }
        return;
    }
    if (nTok <= kDirectMaxTokens) {
        // Per group, every token tile while the group's weights are in L1/L2.
        for (int64_t g = 0; g < nGroups; ++g) {
            const int rows = int(std::min<int64_t>(kRowGroup, nRows - g * kRowGroup));
            for (int64_t t = 0; t < nTok; t += kNtDirect) {
                const int nt = int(std::min<int64_t>(kNtDirect, nTok - t));
                kDirect[size_t(nt - 1)](w + size_t(g) * groupBytes, groupBytes, x + size_t(t) * xStride, xStride,
                                        nSb, y + size_t(t) * ldy + size_t(g * kRowGroup), ldy, rows);
            }
        }
        return;
    }
    // Per-thread scratch for one tile's groups (callers run gemm on several threads at once).
    struct alignas(64) Line {
        uint8_t b[64];
    };
    thread_local std::vector<Line> scratch;
    scratch.resize(size_t(nSb * kGroupsPrepared * kPrepSb) / sizeof(Line));
    uint8_t* prep = scratch.data()->b;
    // Token chunks of at most kChunkBudget bytes of activations, of equal sizes (a multiple of kNtPrepared).
    const int64_t maxChunk = std::max<int64_t>(kNtPrepared, int64_t(kChunkBudget / std::max<size_t>(1, xStride)));
    const int64_t nChunks = (nTok + maxChunk - 1) / maxChunk;
    const int64_t chunk = ((nTok + nChunks - 1) / nChunks + kNtPrepared - 1) / kNtPrepared * kNtPrepared;
    for (int64_t t0 = 0; t0 < nTok; t0 += chunk) {
        const int64_t t1 = std::min(nTok, t0 + chunk);
        for (int64_t g = 0; g < nGroups; g += kGroupsPrepared) {
            const int groups = int(std::min<int64_t>(kGroupsPrepared, nGroups - g));
            prepare(w + size_t(g) * groupBytes, groupBytes, groups, nSb, prep);
            const int rows = int(std::min<int64_t>(int64_t(groups) * kRowGroup, nRows - g * kRowGroup));
            // While the tiles compute, the next groups' weights (or the first ones again, for the next chunk) are
            // prefetched into L2 a slice per tile, so prepare() does not wait for memory.
            const int64_t gNext = g + kGroupsPrepared < nGroups ? g + kGroupsPrepared : 0;
            const bool fetch = gNext != 0 || t1 < nTok;
            const char* next = reinterpret_cast<const char*>(w + size_t(gNext) * groupBytes);
            const int64_t lines = int64_t(std::min<int64_t>(kGroupsPrepared, nGroups - gNext) * groupBytes / 64);
            const int64_t tiles = (t1 - t0 + kNtPrepared - 1) / kNtPrepared;
            const int64_t perTile = fetch ? (lines + tiles - 1) / tiles : 0;
            int64_t line = 0;
            for (int64_t t = t0; t < t1; t += kNtPrepared) {
                const int nt = int(std::min<int64_t>(kNtPrepared, t1 - t));
                const int64_t pfLines = std::max<int64_t>(0, std::min(perTile, lines - line));
                kPrepared[groups - 1][size_t(nt - 1)](prep, x + size_t(t) * xStride, xStride, nSb,
                                                     y + size_t(t) * ldy + size_t(g * kRowGroup), ldy, rows,
                                                     next + 64 * line, pfLines);
                line += pfLines;
            }
        }
    }
}

constexpr GemmKernels kTable[] = {
    {GgmlType::Q6_K, GgmlType::Q8_K, packedRowBytesQ6k, packQ6k, gemmQ6k, kRowGroup, groupBytesQ6k, repackQ6k},
};

}  // namespace

std::span<const GemmKernels> repackQ6kAvx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
