// AVX-512 VNNI repacked kernels for Q4_0, IQ4_NL, Q4_1, Q5_0, Q5_1, Q8_0 weights x Q8_0 activations
// (kernels/gemm.h, GemmKernels::repack).
// Only this file is compiled with -mavx512vnni; gemm.cpp calls repackQ4Avx512VnniTable() only after
// cpuSupports(Isa::Avx512Vnni).
//
// Repacked weight group: kRows (16) consecutive rows, one row per int32 lane, so vpdpbusd(acc, weights, broadcast
// of 4 activation bytes) accumulates 16 rows x 4 elements with no horizontal sum, and each 4-byte activation
// broadcast serves the 16 rows. Blocks (32 elements) go in pairs, each pair a whole number of cache lines and, for
// every type, exactly the file's bytes of those 2 x 16 blocks (kPairBytes: Q4_0 and IQ4_NL 576 = 2 x 16 x 18, Q4_1
// 640 = 2 x 16 x 20, Q5_0 704 = 2 x 16 x 22, Q5_1 768 = 2 x 16 x 24, Q8_0 1088 = 2 x 16 x 34):
//
//   pair of blocks b, b + 1, sections in this order (kHeadBytes of head, then the quants):
//     32 + 32 bytes    the 16 F16 scales d of block b, then of block b + 1; lane r = row r (one vcvtph2ps)
//     32 + 32 bytes    Q4_1, Q5_1 only: the 16 F16 minimums m of block b, then of block b + 1, the same way
//     64 + 64 bytes    Q5_0, Q5_1 only: the 5th bits of block b, then of block b + 1, in the order the kernel reads
//                      them: for quant vector k = 0..3, the 64-bit mask of its low-nibble elements then that of
//                      its high-nibble ones; bit i of a mask = byte i of the vector (lane r = i / 4, element
//                      4k + i % 4, resp. 16 + 4k + i % 4, of row r), so a masked byte add applies them (below)
//     kQuantBytes per block (256 for the 4-bit types, 512 for Q8_0), block b then block b + 1, as 64-byte
//     vectors k:
//       4-bit types: vector k = 0..3, lane r = qs[4k..4k+3] of row r, as stored (low nibble of qs[j] = element j,
//             high nibble = element j + 16): elements 4k..4k+3 and 16+4k..16+4k+3
//       Q8_0: vector k = 0..7, lane r = qs[4k..4k+3] of row r, each byte ^ 0x80 (= q + 128, unsigned)
//   an odd last block: a whole pair's head (the second block's sections zero) and its quants: the only bytes the
//   file does not have (32 per group for Q4_0, IQ4_NL and Q8_0, 64 for Q4_1, 96 for Q5_0, 128 for Q5_1).
//   Rows past nRows in the last group: zero scales, minimums, bits and quants.
//
// Decoding 64 bytes of nibbles v into the unsigned bytes u that enter vpdpbusd, lo (elements 4k..4k+3 of each lane)
// and hi (16+4k..16+4k+3):
//   Q4_0: u = 16 x nibble, both halves: hi = v & 0xf0, lo = vpshufb(table 16 x i, v & 0x0f): two logic ops and a
//         shuffle, no shift; the 1/16 goes to the activation scale.
//   IQ4_NL: the nibbles index its 16 non-linear levels (format_iq4_nl.h): one vpshufb per half maps them to
//         level + 128 (1..241; the table is 16 bytes, one per 128-bit lane), the high half after a shift: as for
//         Q8_0, u = q + 128 for a value q, so the same correction and the scale d as it is apply.
//   Q4_1: u = the nibble q (v & 0x0f, (v >> 4) & 0x0f).
//   Q5_0, Q5_1: as Q4_1, then + 16 under each half's 64-bit mask (vpaddb with a mask register, loaded straight from
//         the group): u = q5 in 0..31, no bit shuffling at run time.
//
// Packed activation row (packedRowBytes: kActBlockBytes per block, padded to 64 bytes), per block:
//     bytes  0..31   the 32 int8 quants as quantizeAct stored them (broadcast 4 at a time)
//     bytes 32..35   F32 scale: d, and d / 16 for Q4_0 weights (exact: a power of two)
//     bytes 36..39   Q4_0, IQ4_NL, Q8_0, Q5_0: int32 -offset * sum(q), the starting value of the block's int32
//                    accumulator, which cancels the offset of u exactly (offset 128: Q8_0 u = q + 128, Q4_0
//                    u = 16 * nibble = 16 * (q + 8), IQ4_NL u = level + 128; offset 16: Q5_0 u = q5 = value + 16)
//                    Q4_1, Q5_1: F32 d * sum(q): u = q has no offset (the accumulator starts at 0), and the
//                    block's m term m * d_x * sum(x_q) is one FMA of the 16 rows' m with it
//
// Per (16-row group, token, block): 8 vpdpbusd, one int->float conversion, one scale product (16 weight scales x
// the broadcast activation scale) and one FMA into the token's F32 accumulator (16 rows); Q4_1 and Q5_1 one more
// FMA (the m term).
//
// Two paths (the switch, kWideMinTokens, measured per type):
//   - token generation and small batches: one group x up to kTok tokens per tile (each decoded weight vector serves
//     them all, each activation broadcast is an embedded {1to16} operand); a group meets its token tiles while it
//     is in L1/L2, and with up to kTok tokens the matrix is one pass over the weights, prefetched kPrefetchPairs
//     pairs ahead. One token: kMultiGroups consecutive groups at once, in lockstep (tileQMulti).
//   - prompt processing: chunks of tokens whose packed activations stay in L2 (kActChunkBudget); per chunk, blocks
//     of kWideGroups groups stream past (the 4-bit types first decoded into the Q8_0 layout, plus the m section for
//     Q4_1 and Q5_1, see prepareQ4Group), in chunks of kWideKBlocks blocks that stay in L1 while they meet the
//     chunk's tiles of kWideTok tokens (each activation broadcast feeds kWideGroups vpdpbusd); the next groups'
//     weights are prefetched to L2 meanwhile.
#ifndef __AVX512VNNI__
#error "repack_q4_avx512vnni.cpp must be compiled with -mavx512vnni"
#endif

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "kernels/format_iq4_nl.h"
#include "kernels/format_q4_0.h"
#include "kernels/format_q4_1.h"
#include "kernels/format_q5_0.h"
#include "kernels/format_q5_1.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int64_t kQk = 32;              // elements per block
constexpr int kRows = 16;                // rows per group: one per int32 lane of a zmm
constexpr int64_t kScaleBytes = 2 * kRows;  // F16 scales of one block of a group
constexpr int64_t kActBlockBytes = 40;   // packed activation block: 32 quants, F32 scale, int32 correction
constexpr int kTok = 8;                  // tokens per tile of the token-generation path
// From this many tokens on, the prompt-processing path (measured: Q4_0's in-tile nibble decoding stays ahead of the
// decoded copy up to about 48 tokens, Q8_0 has nothing to decode).
// (IQ4_NL: as Q4_0, not measured separately. One thread's CPU time on TinyLlama's FFN shapes, 8..47 tokens: Q4_1 as
// Q4_0, even at about 44; Q5_0 and Q5_1, whose 5th bits cost the tiles more decoding, even at about 32 and the
// prompt path 3-5 % ahead from 40 tokens on.)
template <GgmlType T>
constexpr int64_t kWideMinTokens = T == GgmlType::Q8_0                          ? 16
                                    : T == GgmlType::Q5_0 || T == GgmlType::Q5_1 ? 32
                                                                                 : 48;
constexpr size_t kActChunkBudget = 512 * 1024;  // packed activations of a token chunk (stay in L2, 1 MiB/core)
// Tokens per chunk at most: larger chunks measured slower at 512 tokens (their y rows span more pages), and the
// weights streamed again per chunk are prefetched (48..72 measured best for n = 2048 and 5632).
constexpr int64_t kChunkMaxTokens = 72;

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

// Every type but Q8_0 stores 4-bit quants (16 bytes of qs per block), decoded in the kernel; Q5_0 and Q5_1 add a 5th
// bit per element (kHigh), Q4_1 and Q5_1 a per-block minimum m (kMin: value = d * q + m).
template <GgmlType T>
constexpr bool kNibbles = T != GgmlType::Q8_0;
template <GgmlType T>
constexpr bool kMin = T == GgmlType::Q4_1 || T == GgmlType::Q5_1;
template <GgmlType T>
constexpr bool kHigh = T == GgmlType::Q5_0 || T == GgmlType::Q5_1;
template <GgmlType T>
constexpr int64_t kBlockBytes = T == GgmlType::Q8_0   ? int64_t(sizeof(BlockQ8_0))
                                : T == GgmlType::Q4_1 ? int64_t(sizeof(BlockQ4_1))
                                : T == GgmlType::Q5_0 ? int64_t(sizeof(BlockQ5_0))
                                : T == GgmlType::Q5_1 ? int64_t(sizeof(BlockQ5_1))
                                                      : int64_t(sizeof(BlockQ4_0));
static_assert(sizeof(BlockIq4Nl) == sizeof(BlockQ4_0));
template <GgmlType T>
constexpr int64_t kQsBytes = kNibbles<T> ? 16 : 32;  // quant bytes of one block and row
// Where a file block keeps its fields: d at 0, then m (kMin), then qh (kHigh), then qs (the block's last bytes).
template <GgmlType T>
constexpr int64_t kQsOffset = kBlockBytes<T> - kQsBytes<T>;
static_assert(kQsOffset<GgmlType::Q4_1> == offsetof(BlockQ4_1, qs) && offsetof(BlockQ4_1, m) == 2);
static_assert(kQsOffset<GgmlType::Q5_0> == offsetof(BlockQ5_0, qs) && offsetof(BlockQ5_0, qh) == 2);
static_assert(kQsOffset<GgmlType::Q5_1> == offsetof(BlockQ5_1, qs) && offsetof(BlockQ5_1, m) == 2 &&
              offsetof(BlockQ5_1, qh) == 4);
template <GgmlType T>
constexpr int64_t kQhOffset = kMin<T> ? 4 : 2;
template <GgmlType T>
constexpr int64_t kQuantBytes = kRows * kQsBytes<T>;  // one block's quants of a group
constexpr int64_t kHighBytes = 4 * 2 * 8;  // one block's 5th bits of a group: 4 vectors x (low, high) x 64 bits
// A pair's sections: d of both blocks, m of both (kMin), 5th bits of both (kHigh), then the quants of both.
template <GgmlType T>
constexpr int64_t kMinOffset = 2 * kScaleBytes;
template <GgmlType T>
constexpr int64_t kHighOffset = 2 * kScaleBytes * (kMin<T> ? 2 : 1);
template <GgmlType T>
constexpr int64_t kHeadBytes = kHighOffset<T> + (kHigh<T> ? 2 * kHighBytes : 0);
template <GgmlType T>
constexpr int64_t kPairBytes = kHeadBytes<T> + 2 * kQuantBytes<T>;
// Token generation: the prefetch distance ahead of the weight stream, in pairs of blocks: about 3 KiB of each type
// (Q4_0: 5 x 576 bytes, Q8_0: 3 x 1088). Measured on one thread from DRAM with the weights on 2 MiB pages (kernel
// GB/s / plain read GB/s of the same buffers): Q4_0 flat at 97-98 % for 2 to 5 pairs; Q8_0 98 % for 2 or 3 pairs,
// 91 % for 5 (6 KiB, chosen earlier on 4 KiB pages, where it measured flat from 3 to 9 KiB). IQ4_NL: as Q4_0.
// Q4_1, Q5_0, Q5_1: the same ~3 KiB (5 x 640, 4 x 704, 4 x 768 bytes).
template <GgmlType T>
constexpr int64_t kPrefetchPairs = T == GgmlType::Q8_0 ? 3 : kPairBytes<T> > 640 ? 4 : 5;
// Pairs and half pairs (an odd last block: a pair's head, one block of quants) are whole cache lines.
template <GgmlType T>
constexpr bool kLines = kPairBytes<T> % 64 == 0 && (kHeadBytes<T> + kQuantBytes<T>) % 64 == 0;
static_assert(kLines<GgmlType::Q4_0> && kLines<GgmlType::Q8_0> && kLines<GgmlType::IQ4_NL> &&
              kLines<GgmlType::Q4_1> && kLines<GgmlType::Q5_0> && kLines<GgmlType::Q5_1>);
// The group is the file's size: 16 rows x 2 blocks.
static_assert(kPairBytes<GgmlType::Q4_1> == 2 * kRows * kBlockBytes<GgmlType::Q4_1> &&
              kPairBytes<GgmlType::Q5_0> == 2 * kRows * kBlockBytes<GgmlType::Q5_0> &&
              kPairBytes<GgmlType::Q5_1> == 2 * kRows * kBlockBytes<GgmlType::Q5_1>);

template <GgmlType T>
size_t groupBytesQ(int64_t n) {
    const int64_t nb = n / kQk;
    return size_t(nb / 2 * kPairBytes<T> + nb % 2 * (kHeadBytes<T> + kQuantBytes<T>));
}

// The 64-bit masks of one 64-byte quant vector's 5th bits from qh (one row per int32 lane, shifted so that bit 0
// is the element of byte 0 of the lane): bit 4r + j of the mask = bit j of lane r, j = 0..3.
inline uint64_t highMask(__m512i qh) {
    const __m512i byte0 = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12));
    return _cvtmask64_u64(_mm512_test_epi8_mask(_mm512_shuffle_epi8(qh, byte0), _mm512_set1_epi32(0x08040201)));
}

// The rows of a group are gathered 4 bytes at a time (one gather per 64-byte vector of the layout); rows past nRows
// are masked off and so zero. Rows too far apart for 32-bit gather offsets take the scalar copy.
template <GgmlType T>
void repackQ(const void* wv, size_t wStride, int64_t nRows, int64_t n, void* dst) {
    const uint8_t* w = bytes(wv);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQk;
    const size_t gb = groupBytesQ<T>(n);
    constexpr int64_t bb = kBlockBytes<T>;
    constexpr int64_t qs = kQsOffset<T>;
    constexpr int words = int(kQsBytes<T>) / 4;  // 4-byte words of quants per block and row
    const uint32_t flip = T == GgmlType::Q8_0 ? 0x80808080u : 0u;  // Q8_0: q + 128 as an unsigned byte
    const bool gather = wStride <= size_t(INT32_MAX / kRows);
    const __m512i rowOffsets =
        _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                           _mm512_set1_epi32(gather ? int32_t(wStride) : 0));
    for (int64_t g = 0; g * kRows < nRows; ++g) {
        uint8_t* group = out + size_t(g) * gb;
        const int64_t rows = std::min<int64_t>(kRows, nRows - g * kRows);
        const auto m = static_cast<__mmask16>((1u << rows) - 1u);
        const uint8_t* rows0 = w + size_t(g * kRows) * wStride;
        if (nb % 2 != 0) {  // odd last block: the head's sections of the missing block are zeros
            uint8_t* half = group + nb / 2 * kPairBytes<T>;
            std::memset(half + kScaleBytes, 0, kScaleBytes);
            if constexpr (kMin<T>) std::memset(half + kMinOffset<T> + kScaleBytes, 0, kScaleBytes);
            if constexpr (kHigh<T>) std::memset(half + kHighOffset<T> + kHighBytes, 0, kHighBytes);
        }
        for (int64_t b = 0; b < nb; ++b) {
            uint8_t* pair = group + b / 2 * kPairBytes<T>;
            uint8_t* scales = pair + (b % 2) * kScaleBytes;
            uint8_t* mins = pair + kMinOffset<T> + (b % 2) * kScaleBytes;
            uint8_t* high = pair + kHighOffset<T> + (b % 2) * kHighBytes;
            uint8_t* quants = pair + kHeadBytes<T> + (b % 2) * kQuantBytes<T>;
            const uint8_t* block = rows0 + size_t(b * bb);
            if (gather) {
                auto load = [&](int64_t offset) {
                    return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, rowOffsets, block + offset, 1);
                };
                store256(scales, _mm512_cvtepi32_epi16(load(0)));  // d in the low 16 bits of each lane
                if constexpr (kMin<T>) store256(mins, _mm512_cvtepi32_epi16(load(2)));
                if constexpr (kHigh<T>) {
                    const __m512i qh = load(kQhOffset<T>);
                    for (int k = 0; k < 4; ++k) {
                        const uint64_t hm[2] = {highMask(_mm512_srli_epi32(qh, 4 * k)),
                                                highMask(_mm512_srli_epi32(qh, 16 + 4 * k))};
                        std::memcpy(high + 16 * k, hm, sizeof hm);
                    }
                }
                for (int k = 0; k < words; ++k) {
                    const __m512i v = _mm512_maskz_xor_epi32(m, load(qs + 4 * k), _mm512_set1_epi32(int32_t(flip)));
                    _mm512_storeu_si512(quants + 64 * k, v);
                }
                continue;
            }
            std::memset(scales, 0, kScaleBytes);
            if constexpr (kMin<T>) std::memset(mins, 0, kScaleBytes);
            if constexpr (kHigh<T>) std::memset(high, 0, kHighBytes);
            std::memset(quants, 0, kQuantBytes<T>);
            for (int64_t r = 0; r < rows; ++r) {
                const uint8_t* rb = block + size_t(r) * wStride;
                std::memcpy(scales + 2 * r, rb, 2);
                if constexpr (kMin<T>) std::memcpy(mins + 2 * r, rb + 2, 2);
                if constexpr (kHigh<T>) {
                    uint32_t qh;
                    std::memcpy(&qh, rb + kQhOffset<T>, 4);
                    for (int k = 0; k < 4; ++k) {
                        for (int half = 0; half < 2; ++half) {
                            uint64_t hm;
                            std::memcpy(&hm, high + 16 * k + 8 * half, 8);
                            hm |= uint64_t((qh >> (16 * half + 4 * k)) & 0xfu) << (4 * r);
                            std::memcpy(high + 16 * k + 8 * half, &hm, 8);
                        }
                    }
                }
                for (int k = 0; k < words; ++k) {
                    uint32_t v;
                    std::memcpy(&v, rb + qs + 4 * k, 4);
                    v ^= flip;
                    std::memcpy(quants + 64 * k + 4 * r, &v, 4);
                }
            }
        }
    }
}

size_t packedRowBytesQ(int64_t n) { return size_t((n / kQk * kActBlockBytes + 63) / 64 * 64); }

template <GgmlType T>
void packQ(const void* act, void* dst, int64_t n) {
    const uint8_t* src = bytes(act);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n / kQk;
    // Q4_0 weights enter the products as 16 x nibble (see the top of the file): the 1/16 goes to the scale.
    const float scaleFactor = T == GgmlType::Q4_0 ? 1.0f / 16.0f : 1.0f;  // (IQ4_NL: level + 128, factor 1)
    // The offset of the unsigned weight byte u: Q5_0 u = q (0..31) for the value q - 16, the others u = value + 128.
    const int32_t offset = T == GgmlType::Q5_0 ? 16 : 128;
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* block = src + b * int64_t(sizeof(BlockQ8_0));
        uint8_t* o = out + b * kActBlockBytes;
        std::memcpy(o, block + 2, 32);
        int32_t sum = 0;
        for (int64_t k = 0; k < kQk; ++k) sum += static_cast<int8_t>(block[2 + k]);
        const float d = fp16ToF32(loadU16(block));
        storeF32(o + 32, d * scaleFactor);
        if constexpr (kMin<T>) {
            storeF32(o + 36, d * float(sum));  // no offset (u = q); the m term's factor instead
        } else {
            const int32_t start = -offset * sum;
            std::memcpy(o + 36, &start, 4);
        }
    }
    const size_t used = size_t(nb * kActBlockBytes);
    std::memset(out + used, 0, packedRowBytesQ(n) - used);
}

inline __m512i bcast32(const uint8_t* p) { return _mm512_set1_epi32(loadI32(p)); }
inline __m512 bcastF32(const uint8_t* p) { return _mm512_set1_ps(loadF32(p)); }

// vpshufb table: byte i (of each 16-byte lane) = 16 * i, for a low nibble as 16 x nibble.
inline __m512i nibbleTimes16() {
    return _mm512_broadcast_i32x4(_mm_setr_epi8(0, 16, 32, 48, 64, 80, 96, 112, char(128), char(144), char(160),
                                                char(176), char(192), char(208), char(224), char(240)));
}

// The decoding table of a 4-bit type, loaded once per tile (the compiler keeps it in a register).
template <GgmlType T>
inline __m512i nibbleTable() {
    if constexpr (T == GgmlType::Q4_0) {
        return nibbleTimes16();
    } else if constexpr (T == GgmlType::IQ4_NL) {
        return _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(kIq4NlLevelsU8.v)));
    } else {
        return _mm512_setzero_si512();  // Q4_1, Q5_0, Q5_1: the nibbles as they are, no table
    }
}

// 64 bytes of 4-bit quants (v) as the unsigned bytes that enter vpdpbusd: lo from the low nibbles (elements 4k..4k+3
// of each lane), hi from the high nibbles (16+4k..16+4k+3). Q4_0: 16 x nibble; IQ4_NL: level + 128.
// Q4_1, Q5_0, Q5_1: the nibble q (0..15), plus 16 where the 5th-bit masks at high (kHigh; 64 bits for lo, then 64
// for hi) are set: q5 in 0..31.
template <GgmlType T>
[[gnu::always_inline]] inline void decodeNibbles(__m512i v, __m512i table, __m512i& lo, __m512i& hi,
                                                 [[maybe_unused]] const uint8_t* high = nullptr) {
    const __m512i low = _mm512_set1_epi8(0x0f);
    if constexpr (T == GgmlType::Q4_0) {
        lo = _mm512_shuffle_epi8(table, _mm512_and_si512(v, low));
        hi = _mm512_andnot_si512(low, v);
    } else if constexpr (T == GgmlType::IQ4_NL) {
        lo = _mm512_shuffle_epi8(table, _mm512_and_si512(v, low));
        hi = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(v, 4), low));
    } else {
        lo = _mm512_and_si512(v, low);
        hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
        if constexpr (kHigh<T>) {
            uint64_t m[2];
            std::memcpy(m, high, sizeof m);
            const __m512i sixteen = _mm512_set1_epi8(16);
            lo = _mm512_mask_add_epi8(lo, _cvtu64_mask64(m[0]), lo, sixteen);
            hi = _mm512_mask_add_epi8(hi, _cvtu64_mask64(m[1]), hi, sixteen);
        }
    }
}

// Block j (0 or 1) of a group's pair against NT tokens' packed blocks (xb, xStride apart). Always inlined: as a call
// (GCC 12 gives up inlining it into the many tile instantiations) the accumulators go through memory every block.
template <GgmlType T, int NT>
[[gnu::always_inline]] inline void blockStep(const uint8_t* pair, int j, const uint8_t* xb, size_t xStride,
                                             __m512* acc) {
    const uint8_t* q = pair + kHeadBytes<T> + j * kQuantBytes<T>;
    [[maybe_unused]] const uint8_t* high = pair + kHighOffset<T> + j * kHighBytes;
    __m512i dot[NT];
    for (int t = 0; t < NT; ++t) {
        dot[t] = kMin<T> ? _mm512_setzero_si512() : bcast32(xb + size_t(t) * xStride + 36);
    }
    if constexpr (kNibbles<T>) {
        const __m512i table = nibbleTable<T>();
#pragma GCC unroll 4
        for (int k = 0; k < 4; ++k) {
            __m512i lo, hi;
            decodeNibbles<T>(_mm512_loadu_si512(q + 64 * k), table, lo, hi, high + 16 * k);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) {
                const uint8_t* x = xb + size_t(t) * xStride;
                dot[t] = dpbusdBcast(dot[t], lo, x + 4 * k);
                dot[t] = dpbusdBcast(dot[t], hi, x + 16 + 4 * k);
            }
        }
    } else {
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) {
            const __m512i v = _mm512_loadu_si512(q + 64 * k);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) dot[t] = dpbusdBcast(dot[t], v, xb + size_t(t) * xStride + 4 * k);
        }
    }
    const __m512 dw = _mm512_cvtph_ps(load256(pair + j * kScaleBytes));
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) {
        const __m512 dx = _mm512_set1_ps(loadF32(xb + size_t(t) * xStride + 32));
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[t]), _mm512_mul_ps(dw, dx), acc[t]);
    }
    if constexpr (kMin<T>) {  // + m * d_x * sum(q_x)
        const __m512 mw = _mm512_cvtph_ps(load256(pair + kMinOffset<T> + j * kScaleBytes));
#pragma GCC unroll 16
        for (int t = 0; t < NT; ++t) acc[t] = _mm512_fmadd_ps(mw, bcastF32(xb + size_t(t) * xStride + 36), acc[t]);
    }
}

// One group (rows lanes valid) x NT tokens over nb blocks: y[t * ldy + r] for r < rows.
template <GgmlType T, int NT>
void tileQ(const uint8_t* wg, int64_t nb, const uint8_t* x, size_t xStride, float* y, size_t ldy, int rows) {
    __m512 acc[NT];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    constexpr int64_t pb = kPairBytes<T>;
    const int64_t nPairs = nb / 2;
    for (int64_t p = 0; p < nPairs; ++p) {
        const uint8_t* pair = wg + p * pb;
        // The groups are consecutive, so this runs ahead into the next group too.
#pragma GCC unroll 32
        for (int64_t o = 0; o < pb; o += 64) {
            _mm_prefetch(reinterpret_cast<const char*>(pair + kPrefetchPairs<T> * pb + o), _MM_HINT_T0);
        }
        const uint8_t* xp = x + 2 * p * kActBlockBytes;
        blockStep<T, NT>(pair, 0, xp, xStride, acc);
        blockStep<T, NT>(pair, 1, xp + kActBlockBytes, xStride, acc);
    }
    if (nb % 2 != 0) blockStep<T, NT>(wg + nPairs * pb, 0, x + 2 * nPairs * kActBlockBytes, xStride, acc);
    const auto m = static_cast<__mmask16>((1u << rows) - 1u);
    for (int t = 0; t < NT; ++t) _mm512_mask_storeu_ps(y + size_t(t) * ldy, m, acc[t]);
}

using TileFn = void (*)(const uint8_t*, int64_t, const uint8_t*, size_t, float*, size_t, int);

template <GgmlType T, int... NTs>
constexpr std::array<TileFn, sizeof...(NTs)> tileTable(std::integer_sequence<int, NTs...>) {
    return {tileQ<T, NTs + 1>...};
}

// kTiles<T>[nt - 1]: the tile for nt tokens.
template <GgmlType T>
constexpr auto kTiles = tileTable<T>(std::make_integer_sequence<int, kTok>());

// One token: kMultiGroups consecutive groups are read at once, in lockstep, 64 bytes of each in turn. Several weight
// streams per thread go faster from DRAM than one (a plain read on 2 threads, 2 MiB pages: one sequential stream per
// thread 22.7-24 GB/s, 4 adjacent 34 KiB chunks in lockstep 27.8 GB/s: the L2 streamer follows several pages at
// once). Measured tg64 on TinyLlama's shape, 2 threads, medians of 3 alternated runs: one group -> 4 groups, a pair
// of each in turn: Q8_0 22.1 -> 23.2 tok/s, Q4_0 39.3 -> 40.3, IQ4_NL 37.8 -> 40.2, Q4_1 36.0 -> 37.0, Q5_0 32.9 ->
// 34.2, Q5_1 29.8 -> 32.1. Then 4 groups a pair each in turn -> line by line (blockStepLockstep): Q8_0 24.0 -> 24.9;
// 2, 6, 8, 12 groups in lockstep: Q8_0 24.6, 25.1, 26.6, 25.2 (against 23.7 before), Q4_0 45.6 -> 47.5 (8 groups).
// The prefetch distance (each stream) for 8 groups: half a pair 26.1, one pair 27.4, two pairs 26.4.
constexpr int kMultiGroups = 8;
constexpr int64_t kMultiPrefetchPairs = 1;

// Block j of G groups' pairs (pairs[g]) against one token's packed block xb, added to acc[g]: vector k of every
// group in turn, so the G weight streams advance together line by line.
template <GgmlType T, int G>
[[gnu::always_inline]] inline void blockStepLockstep(const uint8_t* const* pairs, int j, const uint8_t* xb,
                                                     __m512* acc, int64_t pfDist) {
    __m512i dot[G];
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) dot[g] = kMin<T> ? _mm512_setzero_si512() : bcast32(xb + 36);
    if constexpr (kNibbles<T>) {
        const __m512i table = nibbleTable<T>();
#pragma GCC unroll 4
        for (int k = 0; k < 4; ++k) {
            const __m512i xlo = bcast32(xb + 4 * k), xhi = bcast32(xb + 16 + 4 * k);
#pragma GCC unroll 8
            for (int g = 0; g < G; ++g) {
                const uint8_t* q = pairs[g] + kHeadBytes<T> + j * kQuantBytes<T>;
                _mm_prefetch(reinterpret_cast<const char*>(q + pfDist + 64 * k), _MM_HINT_T0);
                __m512i lo, hi;
                decodeNibbles<T>(_mm512_loadu_si512(q + 64 * k), table, lo, hi,
                                 pairs[g] + kHighOffset<T> + j * kHighBytes + 16 * k);
                dot[g] = _mm512_dpbusd_epi32(dot[g], lo, xlo);
                dot[g] = _mm512_dpbusd_epi32(dot[g], hi, xhi);
            }
        }
    } else {
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) {
            const __m512i xv = bcast32(xb + 4 * k);
#pragma GCC unroll 8
            for (int g = 0; g < G; ++g) {
                const uint8_t* q = pairs[g] + kHeadBytes<T> + j * kQuantBytes<T>;
                _mm_prefetch(reinterpret_cast<const char*>(q + pfDist + 64 * k), _MM_HINT_T0);
                dot[g] = _mm512_dpbusd_epi32(dot[g], _mm512_loadu_si512(q + 64 * k), xv);
            }
        }
    }
    const __m512 dx = _mm512_set1_ps(loadF32(xb + 32));
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) {
        const __m512 dw = _mm512_cvtph_ps(load256(pairs[g] + j * kScaleBytes));
        acc[g] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[g]), _mm512_mul_ps(dw, dx), acc[g]);
        if constexpr (kMin<T>) {
            const __m512 mw = _mm512_cvtph_ps(load256(pairs[g] + kMinOffset<T> + j * kScaleBytes));
            acc[g] = _mm512_fmadd_ps(mw, bcastF32(xb + 36), acc[g]);
        }
    }
}

// One token against G consecutive whole groups (gStride bytes apart; the last one has `rows` valid lanes) over nb
// blocks, in lockstep: y[g * kRows + r].
template <GgmlType T, int G>
void tileQMulti(const uint8_t* wg, size_t gStride, int64_t nb, const uint8_t* x, float* y, int rows) {
    __m512 acc[G];
    for (__m512& a : acc) a = _mm512_setzero_ps();
    constexpr int64_t pb = kPairBytes<T>;
    const int64_t nPairs = nb / 2;
    constexpr int64_t pfDist = kMultiPrefetchPairs * pb;
    for (int64_t p = 0; p < nPairs; ++p) {
        const uint8_t* xp = x + 2 * p * kActBlockBytes;
        const uint8_t* pairs[G];
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) {
            pairs[g] = wg + size_t(g) * gStride + p * pb;
#pragma GCC unroll 4
            for (int64_t o = 0; o < kHeadBytes<T>; o += 64) {
                _mm_prefetch(reinterpret_cast<const char*>(pairs[g] + pfDist + o), _MM_HINT_T0);
            }
        }
        blockStepLockstep<T, G>(pairs, 0, xp, acc, pfDist);
        blockStepLockstep<T, G>(pairs, 1, xp + kActBlockBytes, acc, pfDist);
    }
    if (nb % 2 != 0) {
        for (int g = 0; g < G; ++g) {
            blockStep<T, 1>(wg + size_t(g) * gStride + nPairs * pb, 0, x + 2 * nPairs * kActBlockBytes, 0, &acc[g]);
        }
    }
    for (int g = 0; g + 1 < G; ++g) _mm512_storeu_ps(y + g * kRows, acc[g]);
    const auto m = static_cast<__mmask16>((1u << rows) - 1u);
    _mm512_mask_storeu_ps(y + (G - 1) * kRows, m, acc[G - 1]);
}

using MultiFn = void (*)(const uint8_t*, size_t, int64_t, const uint8_t*, float*, int);

template <GgmlType T, int... Gs>
constexpr std::array<MultiFn, sizeof...(Gs)> multiTable(std::integer_sequence<int, Gs...>) {
    return {tileQMulti<T, Gs + 1>...};
}

// kMultiTiles<T>[g - 1]: the one-token tile for g groups.
template <GgmlType T>
constexpr auto kMultiTiles = multiTable<T>(std::make_integer_sequence<int, kMultiGroups>());

// --- prompt processing -------------------------------------------------------------------------------------------
//
// A group meets many token tiles there, so the nibbles of the 4-bit types (with Q5's 5th bits) are decoded once per
// token chunk (one chunk of blocks at a time, just before its tiles) into the Q8_0 group layout ("prepared":
// vectors k = 0..3 the low nibbles, 4..7 the high nibbles, each as decodeNibbles makes them, which pairs vector k
// with activation bytes 4k..4k+3 exactly as for Q8_0; Q4_1 and Q5_1 keep their m section, as in their own pairs).
// Then one tile serves every type: kWideGroups groups x NT tokens, each 4-byte activation broadcast feeding
// kWideGroups vpdpbusd, each weight vector NT; for Q4_1 and Q5_1 (Min) the accumulators start at 0 and each block
// adds the m term (1/8 as many FMAs as vpdpbusd: measured 5-8 % below Q4_0 at 64 tokens on one thread).
constexpr int kWideGroups = 2;  // groups per prompt tile
constexpr int kWideTok = 6;     // tokens per prompt tile
constexpr int64_t kWideKBlocks = 16;  // blocks per L1 chunk (even: whole pairs)
constexpr int64_t kWideQuantBytes = kQuantBytes<GgmlType::Q8_0>;
// The prepared layout of Q4_1 and Q5_1 (Min) also keeps the m section: the Q4_1 pair head, the Q8_0 quants.
template <bool Min>
constexpr int64_t kWideHeadBytes = Min ? kHeadBytes<GgmlType::Q4_1> : kHeadBytes<GgmlType::Q8_0>;
template <bool Min>
constexpr int64_t kWidePairBytes = kWideHeadBytes<Min> + 2 * kWideQuantBytes;
static_assert(kWidePairBytes<false> == kPairBytes<GgmlType::Q8_0> && kMinOffset<GgmlType::Q4_1> == 2 * kScaleBytes);

template <bool Min>
size_t preparedGroupBytes(int64_t n) {
    const int64_t nb = n / kQk;
    return size_t(nb / 2 * kWidePairBytes<Min> + nb % 2 * (kWideHeadBytes<Min> + kWideQuantBytes));
}

// Decodes blocks b0..b1 of one group of a 4-bit type into the Q8_0 group layout (with the m section for Q4_1 and
// Q5_1) at out (a whole group is preparedGroupBytes(32 nb) bytes; the blocks land where they would in it).
template <GgmlType T>
void prepareQ4Group(const uint8_t* wg, int64_t b0, int64_t b1, uint8_t* out) {
    const __m512i table = nibbleTable<T>();
    for (int64_t b = b0; b < b1; ++b) {
        const uint8_t* pair = wg + b / 2 * kPairBytes<T>;
        const uint8_t* q = pair + kHeadBytes<T> + (b % 2) * kQuantBytes<T>;
        [[maybe_unused]] const uint8_t* high = pair + kHighOffset<T> + (b % 2) * kHighBytes;
        uint8_t* opair = out + b / 2 * kWidePairBytes<kMin<T>>;
        uint8_t* oq = opair + kWideHeadBytes<kMin<T>> + (b % 2) * kWideQuantBytes;
        std::memcpy(opair + (b % 2) * kScaleBytes, pair + (b % 2) * kScaleBytes, kScaleBytes);
        if constexpr (kMin<T>) {
            std::memcpy(opair + kMinOffset<T> + (b % 2) * kScaleBytes, pair + kMinOffset<T> + (b % 2) * kScaleBytes,
                        kScaleBytes);
        }
        for (int k = 0; k < 4; ++k) {
            __m512i lo, hi;
            decodeNibbles<T>(_mm512_loadu_si512(q + 64 * k), table, lo, hi, high + 16 * k);
            _mm512_storeu_si512(oq + 64 * k, lo);
            _mm512_storeu_si512(oq + 64 * (k + 4), hi);
        }
    }
}

// A broadcast load the compiler may not merge with an identical one: two groups starting their accumulators from
// the same correction then cost two loads instead of a load and a register copy (a vector ALU uop).
inline __m512i bcast32Load(const uint8_t* p) {
    __m512i v;
    asm volatile("vpbroadcastd %1, %0" : "=v"(v) : "m"(*reinterpret_cast<const int32_t*>(p)));
    return v;
}

// One block of G groups (scales sc[g], quants q[g], Q8_0 layout; Min: m at sc[g] + kMinOffset) x NT tokens
// (packed blocks xt[t]).
template <int G, int NT, bool Min>
[[gnu::always_inline]] inline void blockWide(const uint8_t* const* sc, const uint8_t* const* q,
                                             const uint8_t* const* xt, __m512 (*acc)[NT]) {
    __m512i dot[G][NT];
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) {
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) dot[g][t] = Min ? _mm512_setzero_si512() : bcast32Load(xt[t] + 36);
    }
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
        __m512i wv[G];
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) wv[g] = _mm512_loadu_si512(q[g] + 64 * k);
#pragma GCC unroll 16
        for (int t = 0; t < NT; ++t) {
            if constexpr (G == 1) {
                dot[0][t] = dpbusdBcast(dot[0][t], wv[0], xt[t] + 4 * k);
            } else {
                const __m512i xv = bcast32(xt[t] + 4 * k);
#pragma GCC unroll 4
                for (int g = 0; g < G; ++g) dot[g][t] = _mm512_dpbusd_epi32(dot[g][t], wv[g], xv);
            }
        }
    }
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
        const __m512 dw = _mm512_cvtph_ps(load256(sc[g]));
#pragma GCC unroll 16
        for (int t = 0; t < NT; ++t) {
            const __m512 dx = _mm512_set1_ps(loadF32(xt[t] + 32));
            acc[g][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[g][t]), _mm512_mul_ps(dw, dx), acc[g][t]);
        }
        if constexpr (Min) {  // + m * d_x * sum(q_x)
            const __m512 mw = _mm512_cvtph_ps(load256(sc[g] + kMinOffset<GgmlType::Q4_1>));
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) acc[g][t] = _mm512_fmadd_ps(mw, bcastF32(xt[t] + 36), acc[g][t]);
        }
    }
}

// G groups (Q8_0 layout, with the m section when Min; gStride bytes apart; the last one has `rows` valid lanes) x
// NT tokens over blocks b0..b1 (b0 even): y[t * ldy + r] = the dot products, or y += them when accumulate (a later
// chunk of blocks).
template <int G, int NT, bool Min>
void tileWide(const uint8_t* wg, size_t gStride, int64_t b0, int64_t b1, const uint8_t* x, size_t xStride, float* y,
              size_t ldy, int rows, bool accumulate, const uint8_t* pf, const uint8_t* pfEnd) {
    __m512 acc[G][NT];
    for (auto& a : acc) {
        for (__m512& v : a) v = _mm512_setzero_ps();
    }
    const uint8_t* xt[NT];
    for (int t = 0; t < NT; ++t) xt[t] = x + size_t(t) * xStride + b0 * kActBlockBytes;
    const uint8_t* pair[G];
    for (int g = 0; g < G; ++g) pair[g] = wg + size_t(g) * gStride + b0 / 2 * kWidePairBytes<Min>;
    auto step = [&](int j) {  // block j (0 or 1) of the current pairs
        const uint8_t* sc[G];
        const uint8_t* q[G];
        const uint8_t* xj[NT];
        for (int g = 0; g < G; ++g) {
            sc[g] = pair[g] + j * kScaleBytes;
            q[g] = pair[g] + kWideHeadBytes<Min> + j * kWideQuantBytes;
        }
        for (int t = 0; t < NT; ++t) xj[t] = xt[t] + j * kActBlockBytes;
        blockWide<G, NT, Min>(sc, q, xj, acc);
    };
    // The prefetch range (the next groups' weights, to L2) is spread evenly over the pairs of blocks.
    const int64_t pfPerPair = (pfEnd - pf + 64 * ((b1 - b0) / 2) - 1) / std::max<int64_t>(1, 64 * ((b1 - b0) / 2));
    for (int64_t b = b0; b + 1 < b1; b += 2) {
        for (int64_t i = 0; i < pfPerPair && pf < pfEnd; ++i, pf += 64) {
            _mm_prefetch(reinterpret_cast<const char*>(pf), _MM_HINT_T1);
        }
        step(0);
        step(1);
        for (int g = 0; g < G; ++g) pair[g] += kWidePairBytes<Min>;
        for (int t = 0; t < NT; ++t) xt[t] += 2 * kActBlockBytes;
    }
    if ((b1 - b0) % 2 != 0) step(0);
    for (int g = 0; g < G; ++g) {
        const auto m = static_cast<__mmask16>(g + 1 < G ? 0xffffu : (1u << rows) - 1u);
        for (int t = 0; t < NT; ++t) {
            float* yt = y + size_t(t) * ldy + size_t(g * kRows);
            const __m512 sum = accumulate ? _mm512_add_ps(acc[g][t], _mm512_maskz_loadu_ps(m, yt)) : acc[g][t];
            _mm512_mask_storeu_ps(yt, m, sum);
        }
    }
}

using WideTileFn = void (*)(const uint8_t*, size_t, int64_t, int64_t, const uint8_t*, size_t, float*, size_t, int, bool,
                            const uint8_t*, const uint8_t*);

template <int G, bool Min, int... NTs>
constexpr std::array<WideTileFn, sizeof...(NTs)> wideTableRow(std::integer_sequence<int, NTs...>) {
    return {tileWide<G, NTs + 1, Min>...};
}

template <bool Min, int... Gs>
constexpr std::array<std::array<WideTileFn, kWideTok>, sizeof...(Gs)> wideTable(std::integer_sequence<int, Gs...>) {
    return {wideTableRow<Gs + 1, Min>(std::make_integer_sequence<int, kWideTok>())...};
}

// kWideTiles<Min>[g - 1][nt - 1]: the tile for g groups and nt tokens.
template <bool Min>
constexpr auto kWideTiles = wideTable<Min>(std::make_integer_sequence<int, kWideGroups>());

template <GgmlType T>
void gemmQ(const void* wv, size_t wStride, int64_t nRows, const void* xv, size_t xStride, int64_t nTok, int64_t n,
           float* y, size_t ldy) {
    const uint8_t* w = bytes(wv);
    const uint8_t* x = bytes(xv);
    const int64_t nb = n / kQk;
    const int64_t nGroups = (nRows + kRows - 1) / kRows;
    if (nRows <= 0 || nTok <= 0) return;
    if (nb == 0) {  // empty rows: the dot products are 0
        for (int64_t t = 0; t < nTok; ++t) std::fill_n(y + size_t(t) * ldy, size_t(nRows), 0.0f);
        return;
    }
    if (nTok < kWideMinTokens<T>) {
        // Token generation and small batches: each group meets the tokens in tiles of up to kTok while it is in L1/L2
        // (one tile, a pure stream over the weights, for up to kTok tokens).
        if (nTok == 1) {  // generation: up to kMultiGroups groups at once (see tileQMulti)
            for (int64_t g = 0; g < nGroups; g += kMultiGroups) {
                const int gs = int(std::min<int64_t>(kMultiGroups, nGroups - g));
                const int rows = int(std::min<int64_t>(kRows, nRows - (g + gs - 1) * kRows));
                kMultiTiles<T>[size_t(gs - 1)](w + size_t(g) * wStride, wStride, nb, x, y + size_t(g * kRows), rows);
            }
            return;
        }
        for (int64_t g = 0; g < nGroups; ++g) {
            const int rows = int(std::min<int64_t>(kRows, nRows - g * kRows));
            for (int64_t t = 0; t < nTok; t += kTok) {
                const int nt = int(std::min<int64_t>(kTok, nTok - t));
                kTiles<T>[size_t(nt - 1)](w + size_t(g) * wStride, nb, x + size_t(t) * xStride, xStride,
                                          y + size_t(t) * ldy + size_t(g * kRows), ldy, rows);
            }
        }
        return;
    }
    // Prompt processing: chunks of tokens whose packed activations stay in L2 while every group streams past them;
    // a block of kWideGroups groups (prepared, for Q4_0 and IQ4_NL) stays in L1/L2 while it meets the chunk's token
    // tiles.
    struct alignas(64) CacheLine {
        uint8_t bytes[64];
    };
    thread_local std::vector<CacheLine> prepared;
    const size_t preparedStride = preparedGroupBytes<kMin<T>>(n);
    if constexpr (kNibbles<T>) prepared.resize(kWideGroups * preparedStride / sizeof(CacheLine));
    // Equal chunks (no short last one that would stream all the weights again for a few tokens).
    const int64_t fit = std::min<int64_t>(kChunkMaxTokens, int64_t(kActChunkBudget / std::max<size_t>(1, xStride)));
    const int64_t chunkMax = std::max<int64_t>(kWideTok, fit / kWideTok * kWideTok);
    const int64_t nChunks = (nTok + chunkMax - 1) / chunkMax;
    const int64_t chunk = ((nTok + nChunks - 1) / nChunks + kWideTok - 1) / kWideTok * kWideTok;
    for (int64_t t0 = 0; t0 < nTok; t0 += chunk) {
        const int64_t t1 = std::min(nTok, t0 + chunk);
        for (int64_t g = 0; g < nGroups; g += kWideGroups) {
            const int ng = int(std::min<int64_t>(kWideGroups, nGroups - g));
            const uint8_t* wg = w + size_t(g) * wStride;
            size_t gStride = wStride;
            const uint8_t* source = wg;
            if constexpr (kNibbles<T>) {
                wg = reinterpret_cast<const uint8_t*>(prepared.data());
                gStride = preparedStride;
            }
            const int rows = int(std::min<int64_t>(kRows, nRows - (g + ng - 1) * kRows));
            // While these groups meet the chunk's tokens, the next groups' weights (consecutive in the repacked
            // matrix) are prefetched to L2, a slice per tile call.
            const int64_t nextGroups = std::min<int64_t>(kWideGroups, nGroups - g - ng);
            const uint8_t* pf = w + size_t(g + ng) * wStride;
            const int64_t calls = (nb + kWideKBlocks - 1) / kWideKBlocks * ((t1 - t0 + kWideTok - 1) / kWideTok);
            const int64_t pfSlice = (nextGroups * int64_t(wStride) / 64 + calls - 1) / calls * 64;
            const uint8_t* pfEnd = pf + nextGroups * int64_t(wStride);
            for (int64_t b0 = 0; b0 < nb; b0 += kWideKBlocks) {
                const int64_t b1 = std::min(nb, b0 + kWideKBlocks);
                if constexpr (kNibbles<T>) {
                    // Decoded just before its token tiles, so it is still in L1 for them.
                    auto* prep = reinterpret_cast<uint8_t*>(prepared.data());
                    for (int i = 0; i < ng; ++i) {
                        prepareQ4Group<T>(source + size_t(i) * wStride, b0, b1, prep + size_t(i) * preparedStride);
                    }
                }
                for (int64_t t = t0; t < t1; t += kWideTok) {
                    const int nt = int(std::min<int64_t>(kWideTok, t1 - t));
                    const uint8_t* pfNext = std::min(pfEnd, pf + pfSlice);
                    kWideTiles<kMin<T>>[size_t(ng - 1)][size_t(nt - 1)](
                        wg, gStride, b0, b1, x + size_t(t) * xStride, xStride, y + size_t(t) * ldy + size_t(g * kRows),
                        ldy, rows, b0 > 0, pf, pfNext);
                    pf = pfNext;
                }
            }
        }
    }
}

// The kernels of weight type T (Q8_0 activations, packed per block as above).
template <GgmlType T>
constexpr GemmKernels kernelsOf() {
    GemmKernels k{T, GgmlType::Q8_0, packedRowBytesQ, packQ<T>, gemmQ<T>};
    k.rowGroup = kRows;
    k.groupBytes = groupBytesQ<T>;
    k.repack = repackQ<T>;
    return k;
}

constexpr GemmKernels kTable[] = {
    kernelsOf<GgmlType::Q8_0>(), kernelsOf<GgmlType::Q4_0>(), kernelsOf<GgmlType::IQ4_NL>(),
    kernelsOf<GgmlType::Q4_1>(), kernelsOf<GgmlType::Q5_0>(), kernelsOf<GgmlType::Q5_1>(),
};

}  // namespace

std::span<const GemmKernels> repackQ4Avx512VnniTable() { return kTable; }

}  // namespace hearth::kernels
