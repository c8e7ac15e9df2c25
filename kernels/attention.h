// Attention kernels over one KV head's block of keys and values (engine/ops.h attentionKvHeadTile), dispatched by
// the same active ISA as the rest of kernels/ (HEARTH_ISA caps it).
//
// Shapes: a tile of nRows query rows (a GQA group's heads times the tile's tokens) against a block of nKeys keys
// already converted to F32 rows. The loop orders stream keys and values row by row (no transposed copy): the
// scores kernel reduces L keys' dot products at once with a horizontal-add tree, the accumulate kernel broadcasts
// one probability per (row, key) against a value row kept in registers for several query rows.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/dispatch.h"
#include "kernels/ggml_type.h"

namespace hearth::kernels {

struct AttentionKernels {
    // dst[r * ldD + i] = element i of the stored row at src + r * srcStride as F32, for r < nRows, i < n: a block
    // of one head's keys or values as a KV cache stores them (engine/kv_cache.h). type is F32, F16 or Q8_0 (n a
    // multiple of 32 and src at a block); the conversion is exact. (The engine asks for the next block's rows
    // ahead while this one computes: engine/ops.cpp attendRange.)
    void (*loadRows)(GgmlType type, const void* src, size_t srcStride, int64_t nRows, int64_t n, float* dst,
                     int64_t ldD);
    // s[r * ldS + j] = scale * dot(q + r * ldQ, k + j * ldK) over n elements, for r < nRows, j < nKeys.
    void (*scores)(const float* q, int64_t ldQ, int64_t nRows, const float* k, int64_t ldK, int64_t nKeys,
                   int64_t n, float scale, float* s, int64_t ldS);
    // One online-softmax step of one query row over a block of nb scores of which the first `valid` count (the
    // rest are masked: causality): newMax = max(*runMax, s[0..valid)); s[j] = exp(s[j] - newMax) for j < valid
    // and 0 for valid <= j < nb; *runSum = *runSum * c + sum of s; *runMax = newMax; returns the correction
    // c = exp(oldMax - newMax) to apply to what was accumulated so far (0 on the first block, 1 if valid == 0,
    // which leaves *runMax and *runSum unchanged).
    float (*softmaxStep)(float* s, int64_t valid, int64_t nb, float* runMax, float* runSum);
    // acc[r * ldA + d] = acc[r * ldA + d] * corr[r] + sum_j p[r * ldP + j * ldPj] * v[j * ldV + d], for
    // r < nRows, d < n, j < nKeys (ldPj = 1: a row of p per query row; ldP = 1: the transposed scores of scoresT).
    void (*accumulate)(const float* p, int64_t ldP, int64_t ldPj, int64_t nRows, const float* v, int64_t ldV,
                       int64_t nKeys, int64_t n, const float* corr, float* acc, int64_t ldA);

    // Transposed forms for tiles of many query rows (a prompt's tiles: tokens times a GQA group's heads),
    // vectorised across the query rows instead of the keys, so no dot product ends in a horizontal sum. Arrays over
    // the rows hold rowsPad entries, rowsPad a multiple of kAttentionRowPad (rows past the tile's: zero queries, no
    // visible key).
    //
    // sT[j * ldS + r] = scale * sum_d k[j * ldK + d] * qT[d * ldQ + r], for j < nKeys, r < rowsPad, d < n: the
    // scores of every row against the block's keys, from the queries transposed (qT: n rows of rowsPad).
    void (*scoresT)(const float* k, int64_t ldK, int64_t nKeys, const float* qT, int64_t ldQ, int64_t rowsPad,
                    int64_t n, float scale, float* sT, int64_t ldS);
    // softmaxStep for every row r < rowsPad at once, over column r of sT (nb keys), of which row r sees the first
    // valid[r] (an integer count held as a float, 0..nb): the same results as softmaxStep row by row (up to the
    // rounding of exp), the correction in corr[r].
    void (*softmaxStepT)(float* sT, int64_t ldS, int64_t nb, int64_t rowsPad, const float* valid, float* runMax,
                         float* runSum, float* corr);
};

// The row padding of the transposed kernels: a multiple of every ISA's vector width (in floats).
inline constexpr int64_t kAttentionRowPad = 16;

// The kernels of the active ISA (never null: the scalar table where an ISA has no attention code, e.g. NEON).
const AttentionKernels& attentionKernels();
// The kernels a given ISA runs (for tests); nullptr if this CPU cannot run that ISA.
const AttentionKernels* attentionKernels(Isa isa);

}  // namespace hearth::kernels
