// The element-wise and attention operations of a decoder layer, as plain loops over F32 rows. Matrix products are
// in matmul.h; these are the cheap steps between them. Attention has a reference form (attentionKvHead, one query
// token, used in exact mode) and a fast form over tiles of query tokens (attentionKvHeadTile).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model_config.h"

namespace hearth::engine {

class KvCache;

// out (n) = x / sqrt(mean(x^2) + eps) * w. out may alias x.
void rmsnorm(float* out, const float* x, const float* w, int64_t n, float eps);

// out (n) = (x - mean(x)) / sqrt(var(x) + eps) * w + b (LayerNorm, as BERT uses it). out may alias x.
void layerNorm(float* out, const float* x, const float* w, const float* b, int64_t n, float eps);

// x (n) += y (n)
void addInPlace(float* x, const float* y, int64_t n);

// x (n) = gelu(x) in the tanh form ggml uses: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
void geluTanh(float* x, int64_t n);

// gate (n) = silu(gate) * up, silu(g) = g / (1 + exp(-g)): SwiGLU.
void swiglu(float* gate, const float* up, int64_t n);

// Softmax of x (n) in place, subtracting the maximum first.
void softmax(float* x, int64_t n);

// Rotary position embedding. Angles theta_i = pos * invFreq[i] for the nRot/2 rotated pairs of a head; the
// inverse frequencies already include the file's rope scaling (see RopeTable).
class RopeTable {
public:
    // invFreq[i] = base^(-2i/nRot), divided by freqFactors[i] (Llama 3.1 rope_freqs) when given, and scaled as
    // config.ropeScaling says (Linear: / factor; Llama3: per-band factors; Yarn: ramp between interpolation
    // and extrapolation with magnitude correction).
    RopeTable(const ModelConfig& config, const float* freqFactors /* (nRot/2) or nullptr */);

    // cos (nRot/2), sin (nRot/2) of position pos.
    void angles(int64_t pos, float* cosOut, float* sinOut) const;
    int64_t nRot() const { return nRot_; }

private:
    int64_t nRot_ = 0;
    std::vector<double> invFreq_;  // (nRot/2) inverse frequencies, scaling included
    double mscale_ = 1.0;          // YaRN magnitude correction of cos/sin (1 otherwise)
};

// Rotates nHead heads of headDim values in x (nHead, headDim): the first nRot dims of each head, in pairs
// (2i, 2i+1) for Norm (llama) or (i, i + nRot/2) for Neox (qwen2); cos/sin from RopeTable::angles.
void rope(float* x, int64_t nHead, int64_t headDim, int64_t nRot, RopeStyle style, const float* cos,
          const float* sin);

// Causal attention of one query token for one KV head and the query heads that share it (GQA: query head h reads
// KV head h / (nHead / nHeadKv), so KV head g serves the contiguous query heads [g * group, (g + 1) * group)).
//   q   (group, headDim)    the token's rotated queries of those heads
//   out (group, headDimV)   softmax(q k^T * scale) v over the keys at positions [0, nKeys)
// Keys and values are read block by block, once for the whole group, and the scores go through an online softmax
// (running maximum and sum per head), so no (nKeys) score row is materialised beyond one block. Keys and values
// of any cache type are converted to F32 per block. scratch holds attentionScratchFloats(shape) floats.
struct AttentionShape {
    int64_t nHead = 0;
    int64_t nHeadKv = 0;
    int64_t headDim = 0;   // query/key width per head
    int64_t headDimV = 0;  // value width per head
    float scale = 0.f;     // usually 1/sqrt(headDim)
    int64_t group() const { return nHead / nHeadKv; }
};
int64_t attentionScratchFloats(const AttentionShape& shape);
void attentionKvHead(const KvCache& cache, int64_t layer, int64_t nKeys, const AttentionShape& shape, int64_t kvHead,
                     const float* q, float* out, float* scratch);

// The same attention for a tile of nTok consecutive query tokens and one KV head (the fast path): token i sees the
// keys at positions [0, nKeys0 + i). Each key/value block is converted to F32 once (kernels/attention.h loadRows,
// straight from the cache's F32/F16/Q8_0 rows) for all the tile's rows (its tokens times the group's heads); the
// scores, the online softmax (a polynomial exp) and the weighted values go through the per-ISA attention kernels,
// which stream keys and values row by row (no transposed copy). The result equals attentionKvHead's up to F32
// summation order and the exp's rounding (~1e-6 relative). (Quantizing the queries to Q8_0 and taking the scores
// with the Q8_0 integer kernels measured slower at head_dim 64 and 128 on AVX-512 VNNI and AVX2 -
// tests/bench/kv_bench.cpp - since those kernels are built for rows of many blocks while a head is 2-4, and it
// adds the query's rounding error.)
//   q   token i's (group, headDim) rotated queries at q + i * qStride
//   out token i's (group, headDimV) output at out + i * outStride
// nTok <= kAttentionTileTokens; scratch holds attentionTileScratchFloats(shape) floats.
inline constexpr int64_t kAttentionTileTokens = 8;
int64_t attentionTileScratchFloats(const AttentionShape& shape);
void attentionKvHeadTile(const KvCache& cache, int64_t layer, int64_t nKeys0, int64_t nTok, const AttentionShape& shape,
                         int64_t kvHead, const float* q, int64_t qStride, float* out, int64_t outStride,
                         float* scratch);

// attentionKvHeadTile split over the keys (flash-decoding), for few KV heads at long contexts, where one item per
// KV head would leave threads idle: a part covers the keys at positions [kBegin, kEnd) (those its tokens may see)
// and writes, per query row (row i * group + h: token i, head h), the unnormalised weighted values, the maximum
// score m and the sum of exp(score - m): headDimV + 2 floats at part + row * (headDimV + 2). A row that sees none
// of the part's keys gets m = -inf and a sum of 0. attentionMergeParts combines the parts [0, nParts), partStride
// floats apart, into the tile's outputs: the same result as attentionKvHeadTile up to F32 rounding.
void attentionKvHeadTilePart(const KvCache& cache, int64_t layer, int64_t nKeys0, int64_t nTok,
                             const AttentionShape& shape, int64_t kvHead, const float* q, int64_t qStride,
                             int64_t kBegin, int64_t kEnd, float* part, float* scratch);
void attentionMergeParts(const float* parts, int64_t nParts, size_t partStride, int64_t nTok,
                         const AttentionShape& shape, float* out, int64_t outStride);

}  // namespace hearth::engine
