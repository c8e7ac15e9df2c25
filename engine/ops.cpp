#include "engine/ops.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/kv_cache.h"
#include "kernels/activation.h"
#include "kernels/attention.h"

namespace hearth::engine {
namespace {

// Keys per block of the online softmax: large enough to amortise the rescaling, small enough that the block's
// keys and values stay in L1/L2.
constexpr int64_t kAttnBlock = 64;

// sum f(x[i]) in double over eight partial sums (layerNorm; rmsnorm is a kernel, kernels/activation.h): one
// chain of dependent double adds cost ~0.1-0.2 ms per generated token over a 22-layer model (45 norms of 2048); the
// order changes the double sum by ~1e-16 relative, far below the float it becomes.
template <class F>
double sumDouble(const float* x, int64_t n, F f) {
    double part[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; ++j) part[j] += f(double(x[i + j]));
    }
    for (; i < n; ++i) part[0] += f(double(x[i]));
    return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

}  // namespace

void rmsnorm(float* out, const float* x, const float* w, int64_t n, float eps) {
    kernels::activationKernels().rmsnorm(out, x, w, n, eps);
}

void layerNorm(float* out, const float* x, const float* w, const float* b, int64_t n, float eps) {
    const double mean = sumDouble(x, n, [](double v) { return v; }) / double(n);
    // double, as rmsnorm: centred squares of a wide row
    const double ss = sumDouble(x, n, [mean](double v) { return (v - mean) * (v - mean); });
    const float scale = float(1.0 / std::sqrt(ss / double(n) + double(eps)));
    const float m = float(mean);
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - m) * scale * w[i] + b[i];
}

void geluTanh(float* x, int64_t n) {
    const float c = float(std::sqrt(2.0 / std::numbers::pi));
    for (int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.f + std::tanh(c * v * (1.f + 0.044715f * v * v)));
    }
}

void addInPlace(float* x, const float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void swiglu(float* gate, const float* up, int64_t n) { kernels::activationKernels().swiglu(gate, up, n); }

void softmax(float* x, int64_t n) {
    if (n <= 0) return;
    const float mx = *std::max_element(x, x + n);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - mx);
        sum += x[i];
    }
    const float inv = float(1.0 / sum);
    for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

RopeTable::RopeTable(const ModelConfig& config, const float* freqFactors) : nRot_(config.nRot) {
    const int64_t half = nRot_ / 2;
    invFreq_.resize(size_t(half));
    const double base = config.ropeTheta;
    const double factor = config.ropeScaleFactor > 0.f ? config.ropeScaleFactor : 1.0;
    const double twoPi = 2.0 * std::numbers::pi;

    // YaRN (as llama.cpp's rope_yarn): dims whose wavelength fits many times in the original context keep their
    // frequency (extrapolate), long-wavelength dims are interpolated (/ factor), with a linear ramp between the
    // dims at which beta_fast = 32 and beta_slow = 1 rotations fit into the original context.
    double yarnLow = 0.0, yarnHigh = 0.0;
    if (config.ropeScaling == RopeScaling::Yarn) {
        const double nCtxOrig = double(config.ropeOrigCtx > 0 ? config.ropeOrigCtx : config.nCtxTrain);
        auto corrDim = [&](double nRotations) {
            return double(nRot_) * std::log(nCtxOrig / (nRotations * twoPi)) / (2.0 * std::log(base));
        };
        yarnLow = std::max(0.0, std::floor(corrDim(32.0)));
        yarnHigh = std::min(double(nRot_ - 1), std::ceil(corrDim(1.0)));
        mscale_ = 1.0 + 0.1 * std::log(factor);
    }

    for (int64_t i = 0; i < half; ++i) {
        double f = std::pow(base, -2.0 * double(i) / double(nRot_));
        if (freqFactors != nullptr) {
            f /= double(freqFactors[i]);
        } else {
            switch (config.ropeScaling) {
            case RopeScaling::None:
                break;
            case RopeScaling::Linear:
                f /= factor;
                break;
            case RopeScaling::Llama3: {
                // Llama 3.1: high-frequency dims unchanged, low-frequency dims / factor, smooth in between.
                const double origCtx = double(config.ropeOrigCtx > 0 ? config.ropeOrigCtx : 8192);
                const double lowWavelen = origCtx / config.ropeLowFreqFactor;
                const double highWavelen = origCtx / config.ropeHighFreqFactor;
                const double wavelen = twoPi / f;
                if (wavelen > lowWavelen) {
                    f /= factor;
                } else if (wavelen >= highWavelen) {
                    const double smooth = (origCtx / wavelen - config.ropeLowFreqFactor) /
                                          (config.ropeHighFreqFactor - config.ropeLowFreqFactor);
                    f = (1.0 - smooth) * f / factor + smooth * f;
                }
                break;
            }
            case RopeScaling::Yarn: {
                const double y = (double(i) - yarnLow) / std::max(0.001, yarnHigh - yarnLow);
                const double mix = 1.0 - std::clamp(y, 0.0, 1.0);  // 1 = keep the original frequency
                f = f * ((1.0 - mix) / factor + mix);
                break;
            }
            }
        }
        invFreq_[size_t(i)] = f;
    }
}

void RopeTable::angles(int64_t pos, float* cosOut, float* sinOut) const {
    for (size_t i = 0; i < invFreq_.size(); ++i) {
        const double theta = double(pos) * invFreq_[i];
        cosOut[i] = float(std::cos(theta) * mscale_);
        sinOut[i] = float(std::sin(theta) * mscale_);
    }
}

void rope(float* x, int64_t nHead, int64_t headDim, int64_t nRot, RopeStyle style, const float* cos,
          const float* sin) {
    const int64_t half = nRot / 2;
    for (int64_t h = 0; h < nHead; ++h) {
        float* v = x + h * headDim;
        for (int64_t i = 0; i < half; ++i) {
            // Norm pairs neighbours (2i, 2i+1); Neox pairs the two halves (i, i + nRot/2).
            const int64_t a = style == RopeStyle::Norm ? 2 * i : i;
            const int64_t b = style == RopeStyle::Norm ? 2 * i + 1 : i + half;
            const float x0 = v[a];
            const float x1 = v[b];
            v[a] = x0 * cos[i] - x1 * sin[i];
            v[b] = x0 * sin[i] + x1 * cos[i];
        }
    }
}

int64_t attentionScratchFloats(const AttentionShape& s) {
    const int64_t g = s.group();
    return kAttnBlock * s.headDim + kAttnBlock * s.headDimV + kAttnBlock + g * s.headDimV + 2 * g;
}

void attentionKvHead(const KvCache& cache, int64_t layer, int64_t nKeys, const AttentionShape& s, int64_t kvHead,
                     const float* q, float* out, float* scratch) {
    assert(nKeys > 0 && s.nHead % s.nHeadKv == 0);
    const int64_t group = s.group();
    float* keys = scratch;                              // (kAttnBlock, headDim) one block of this KV head's keys
    float* values = keys + kAttnBlock * s.headDim;      // (kAttnBlock, headDimV) and values
    float* scores = values + kAttnBlock * s.headDimV;   // (kAttnBlock) scores of one query head for the block
    float* acc = scores + kAttnBlock;                   // (group, headDimV) running sums of p_j * v_j
    float* runMax = acc + group * s.headDimV;           // (group) maximum score so far
    float* runSum = runMax + group;                     // (group) sum of exp(score - runMax) so far
    std::fill(acc, acc + group * s.headDimV, 0.f);
    std::fill(runMax, runMax + group, -std::numeric_limits<float>::infinity());
    std::fill(runSum, runSum + group, 0.f);

    for (int64_t k0 = 0; k0 < nKeys; k0 += kAttnBlock) {
        const int64_t nb = std::min(kAttnBlock, nKeys - k0);
        cache.loadKeys(layer, k0, nb, kvHead * s.headDim, s.headDim, keys);
        cache.loadValues(layer, k0, nb, kvHead * s.headDimV, s.headDimV, values);

        for (int64_t h = 0; h < group; ++h) {
            const float* qh = q + h * s.headDim;
            float* acch = acc + h * s.headDimV;

            // Scores of this block: q . k_j * scale.
            float blockMax = -std::numeric_limits<float>::infinity();
            for (int64_t j = 0; j < nb; ++j) {
                const float* kj = keys + j * s.headDim;
                float dot = 0.f;
                for (int64_t d = 0; d < s.headDim; ++d) dot += qh[d] * kj[d];
                scores[j] = dot * s.scale;
                blockMax = std::max(blockMax, scores[j]);
            }

            // Rescale what was accumulated under the old maximum, then add this block's weighted values.
            const float newMax = std::max(runMax[h], blockMax);
            const float correction = std::exp(runMax[h] - newMax);  // 0 on the first block (exp(-inf))
            float sum = runSum[h] * correction;
            for (int64_t d = 0; d < s.headDimV; ++d) acch[d] *= correction;
            for (int64_t j = 0; j < nb; ++j) {
                const float p = std::exp(scores[j] - newMax);
                sum += p;
                const float* vj = values + j * s.headDimV;
                for (int64_t d = 0; d < s.headDimV; ++d) acch[d] += p * vj[d];
            }
            runSum[h] = sum;
            runMax[h] = newMax;
        }
    }

    for (int64_t h = 0; h < group; ++h) {
        const float inv = 1.f / runSum[h];
        for (int64_t d = 0; d < s.headDimV; ++d) out[h * s.headDimV + d] = acc[h * s.headDimV + d] * inv;
    }
}

// Tiles of at least this many query rows (a prompt's tiles: tokens times the GQA group) take the transposed kernels
// (kernels/attention.h scoresT): vectorised across the rows, no horizontal sums.
constexpr int64_t kTransposedMinRows = 16;

int64_t tileRowsPad(int64_t rows) {
    return rows >= kTransposedMinRows ? (rows + kernels::kAttentionRowPad - 1) / kernels::kAttentionRowPad *
                                            kernels::kAttentionRowPad
                                      : rows;
}

int64_t attentionTileScratchFloats(const AttentionShape& s) {
    const int64_t rows = tileRowsPad(kAttentionTileTokens * s.group());
    return kAttnBlock * s.headDim + kAttnBlock * s.headDimV + rows * (s.headDim + kAttnBlock + s.headDimV + 4);
}

namespace {

// What attendRange leaves in scratch: the unnormalised sums (rows, headDimV), the running maxima and sums (rows).
struct TileSums {
    const float* acc;
    const float* runMax;
    const float* runSum;
};

// The online softmax of one tile over the keys at positions [kBegin, kEnd) (of those each token may see), in scratch
// (the layout of attentionTileScratchFloats).
TileSums attendRange(const KvCache& cache, int64_t layer, int64_t nKeys0, int64_t nTok, const AttentionShape& s,
                     int64_t kvHead, const float* q, int64_t qStride, int64_t kBegin, int64_t kEnd, float* scratch) {
    assert(nKeys0 > 0 && nTok > 0 && nTok <= kAttentionTileTokens && s.nHead % s.nHeadKv == 0);
    const int64_t group = s.group();
    const int64_t rows = nTok * group;  // query rows of the tile: row i * group + h is token i, head h
    // Many rows: the transposed kernels, over rowsPad rows (the padding: zero queries that see no key).
    const bool transposed = rows >= kTransposedMinRows;
    const int64_t rowsPad = tileRowsPad(rows);
    float* keys = scratch;                               // (kAttnBlock, headDim) one block of this KV head's keys
    float* values = keys + kAttnBlock * s.headDim;       // (kAttnBlock, headDimV) and values
    float* queries = values + kAttnBlock * s.headDimV;   // (rows, headDim) the tile's queries, or transposed:
                                                         // (headDim, rowsPad)
    float* scores = queries + rowsPad * s.headDim;       // (rows, kAttnBlock) scores, then probabilities, or
                                                         // transposed: (kAttnBlock, rowsPad)
    float* acc = scores + rowsPad * kAttnBlock;          // (rows, headDimV) running sums of p_j * v_j
    float* correction = acc + rowsPad * s.headDimV;      // (rows) this block's rescaling of acc
    float* runMax = correction + rowsPad;                // (rows) maximum score so far
    float* runSum = runMax + rowsPad;                    // (rows) sum of exp(score - runMax) so far
    float* valid = runSum + rowsPad;                     // (rowsPad) keys of the block each row sees (transposed)
    if (transposed) {
        for (int64_t r = 0; r < rowsPad; ++r) {
            const float* qr = r < rows ? q + (r / group) * qStride + (r % group) * s.headDim : nullptr;
            for (int64_t d = 0; d < s.headDim; ++d) queries[d * rowsPad + r] = qr != nullptr ? qr[d] : 0.f;
        }
    } else {
        for (int64_t i = 0; i < nTok; ++i) {
            std::copy(q + i * qStride, q + i * qStride + group * s.headDim, queries + i * group * s.headDim);
        }
    }
    std::fill(acc, acc + rowsPad * s.headDimV, 0.f);
    std::fill(runMax, runMax + rowsPad, -std::numeric_limits<float>::infinity());
    std::fill(runSum, runSum + rowsPad, 0.f);

    const kernels::AttentionKernels& ak = kernels::attentionKernels();
    const kernels::GgmlType type = kvGgmlType(cache.type());
    const int64_t nKeysMax = std::min(kEnd, nKeys0 + nTok - 1);  // the tile's last token sees the most keys
    for (int64_t k0 = kBegin; k0 < nKeysMax; k0 += kAttnBlock) {
        const int64_t nb = std::min(kAttnBlock, nKeysMax - k0);
        ak.loadRows(type, cache.keyData(layer, k0, kvHead * s.headDim), cache.keyStride(), nb, s.headDim, keys,
                    s.headDim);
        ak.loadRows(type, cache.valueData(layer, k0, kvHead * s.headDimV), cache.valueStride(), nb, s.headDimV,
                    values, s.headDimV);

        // The next block's key and value lines are asked for ahead, so they arrive while this block computes (the
        // cache holds a head's rows contiguously): TinyLlama Q4_0 tg32 at depth 1536, 2 threads, alternated:
        // 36.2 -> 37.6 tok/s; kv_bench f16 2048 keys 11.1 -> 10.4-10.7 ms/token (two blocks ahead 11.2, three
        // 11.9). Spread over the row path's score rows; the transposed path (prompts) asks for them all before its
        // block, whose computation is ~4x a one-token block's (not measured apart).
        const int64_t nextK0 = k0 + kAttnBlock;
        const int64_t nbNext = std::min(kAttnBlock, nKeysMax - nextK0);
        const auto* pk = nbNext > 0 ? cache.keyData(layer, nextK0, kvHead * s.headDim) : nullptr;
        const auto* pv = nbNext > 0 ? cache.valueData(layer, nextK0, kvHead * s.headDimV) : nullptr;
        const int64_t kLines = nbNext > 0 ? (int64_t(cache.keyStride()) * nbNext + 63) / 64 : 0;
        const int64_t vLines = nbNext > 0 ? (int64_t(cache.valueStride()) * nbNext + 63) / 64 : 0;
        int64_t kDone = 0, vDone = 0;
        auto prefetchUpTo = [&](int64_t part, int64_t parts) {
            for (const int64_t kTo = kLines * part / parts; kDone < kTo; ++kDone) __builtin_prefetch(pk + 64 * kDone);
            for (const int64_t vTo = vLines * part / parts; vDone < vTo; ++vDone) __builtin_prefetch(pv + 64 * vDone);
        };

        // Causality: token i sees keys before nKeys0 + i; later keys of the block get probability 0.
        auto visible = [&](int64_t row) { return std::clamp<int64_t>(nKeys0 + row / group - k0, 0, nb); };
        if (transposed) {
            prefetchUpTo(1, 1);
            for (int64_t r = 0; r < rowsPad; ++r) valid[r] = r < rows ? float(visible(r)) : 0.f;
            // Scores (nb, rowsPad), then probabilities; acc = acc * correction + p^T (rows, nb) x values.
            ak.scoresT(keys, s.headDim, nb, queries, rowsPad, rowsPad, s.headDim, s.scale, scores, rowsPad);
            ak.softmaxStepT(scores, rowsPad, nb, rowsPad, valid, runMax, runSum, correction);
            ak.accumulate(scores, 1, rowsPad, rows, values, s.headDimV, nb, s.headDimV, correction, acc, s.headDimV);
            continue;
        }
        // Scores of every query row against the block's keys, scaled: (rows, nb), row stride kAttnBlock; row by
        // row, each followed by its share of the prefetches.
        for (int64_t row = 0; row < rows; ++row) {
            ak.scores(queries + row * s.headDim, s.headDim, 1, keys, s.headDim, nb, s.headDim, s.scale,
                      scores + row * kAttnBlock, kAttnBlock);
            prefetchUpTo(row + 1, rows);
        }
        for (int64_t row = 0; row < rows; ++row) {
            correction[row] = ak.softmaxStep(scores + row * kAttnBlock, visible(row), nb, &runMax[row], &runSum[row]);
        }
        // acc = acc * correction + probabilities (rows, nb) x values (nb, headDimV), values read row by row.
        ak.accumulate(scores, kAttnBlock, 1, rows, values, s.headDimV, nb, s.headDimV, correction, acc, s.headDimV);
    }
    return {acc, runMax, runSum};
}

}  // namespace

void attentionKvHeadTile(const KvCache& cache, int64_t layer, int64_t nKeys0, int64_t nTok, const AttentionShape& s,
                         int64_t kvHead, const float* q, int64_t qStride, float* out, int64_t outStride,
                         float* scratch) {
    const int64_t group = s.group();
    const int64_t rows = nTok * group;
    const TileSums sums = attendRange(cache, layer, nKeys0, nTok, s, kvHead, q, qStride, 0, nKeys0 + nTok - 1, scratch);
    for (int64_t row = 0; row < rows; ++row) {
        const int64_t i = row / group;
        const int64_t h = row % group;
        const float inv = 1.f / sums.runSum[row];
        float* o = out + i * outStride + h * s.headDimV;
        for (int64_t d = 0; d < s.headDimV; ++d) o[d] = sums.acc[row * s.headDimV + d] * inv;
    }
}

void attentionKvHeadTilePart(const KvCache& cache, int64_t layer, int64_t nKeys0, int64_t nTok,
                             const AttentionShape& s, int64_t kvHead, const float* q, int64_t qStride, int64_t kBegin,
                             int64_t kEnd, float* part, float* scratch) {
    const int64_t rows = nTok * s.group();
    const TileSums sums = attendRange(cache, layer, nKeys0, nTok, s, kvHead, q, qStride, kBegin, kEnd, scratch);
    const int64_t w = s.headDimV + 2;
    for (int64_t row = 0; row < rows; ++row) {
        std::copy(sums.acc + row * s.headDimV, sums.acc + (row + 1) * s.headDimV, part + row * w);
        part[row * w + s.headDimV] = sums.runMax[row];
        part[row * w + s.headDimV + 1] = sums.runSum[row];
    }
}

void attentionMergeParts(const float* parts, int64_t nParts, size_t partStride, int64_t nTok, const AttentionShape& s,
                         float* out, int64_t outStride) {
    const int64_t group = s.group();
    const int64_t w = s.headDimV + 2;
    for (int64_t row = 0; row < nTok * group; ++row) {
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t p = 0; p < nParts; ++p) m = std::max(m, parts[size_t(p) * partStride + size_t(row * w + s.headDimV)]);
        float* o = out + (row / group) * outStride + (row % group) * s.headDimV;
        std::fill(o, o + s.headDimV, 0.f);
        float sum = 0.f;
        for (int64_t p = 0; p < nParts; ++p) {
            const float* r = parts + size_t(p) * partStride + size_t(row * w);
            if (r[s.headDimV + 1] == 0.f) continue;  // no key of this part was visible to the row
            const float f = std::exp(r[s.headDimV] - m);
            sum += r[s.headDimV + 1] * f;
            for (int64_t d = 0; d < s.headDimV; ++d) o[d] += r[d] * f;
        }
        const float inv = 1.f / sum;
        for (int64_t d = 0; d < s.headDimV; ++d) o[d] *= inv;
    }
}

}  // namespace hearth::engine
