#include "engine/embedding.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>

#include "kernels/attention.h"

namespace hearth::engine {
namespace {

// Query rows per attention work item: one scores block of kTile x n floats per thread.
constexpr int64_t kTile = 8;

}  // namespace

Embedder::Embedder(const Model& model, const EmbedParams& params)
    : model_(model), params_(params), pool_(std::max(1, params.nThreads)), rope_(model.config(), nullptr) {}

Result<std::unique_ptr<Embedder>> Embedder::create(const Model& model, const EmbedParams& params) {
    if (!model.arch().embedding) {
        return Error{"'" + model.config().arch + "' is a text generation model, not an embedding model"};
    }
    return std::unique_ptr<Embedder>(new Embedder(model, params));
}

void poolRows(const float* rows, int64_t nTok, int64_t n, Pooling pooling, float* out) {
    switch (pooling) {
    case Pooling::Cls:
        std::copy(rows, rows + n, out);
        return;
    case Pooling::Last:
        std::copy(rows + (nTok - 1) * n, rows + nTok * n, out);
        return;
    case Pooling::Mean:
    case Pooling::None:
    case Pooling::Rank:
        break;
    }
    // Mean: summed in double per feature, then divided once.
    std::vector<double> sum(size_t(n), 0.0);
    for (int64_t t = 0; t < nTok; ++t) {
        for (int64_t i = 0; i < n; ++i) sum[size_t(i)] += rows[t * n + i];
    }
    for (int64_t i = 0; i < n; ++i) out[i] = float(sum[size_t(i)] / double(nTok));
}

void normalizeL2(float* x, int64_t n) {
    double ss = 0.0;
    for (int64_t i = 0; i < n; ++i) ss += double(x[i]) * double(x[i]);
    if (!(ss > 0.0)) return;
    const double inv = 1.0 / std::sqrt(ss);
    for (int64_t i = 0; i < n; ++i) x[i] = float(double(x[i]) * inv);
}

Result<std::vector<float>> Embedder::tokenEmbeddings(std::span<const int32_t> tokens) {
    if (Status st = forward(tokens); !st) return st.error();
    const size_t count = tokens.size() * size_t(nEmbd());
    return std::vector<float>(x_.begin(), x_.begin() + ptrdiff_t(count));
}

Result<std::vector<float>> Embedder::embed(std::span<const int32_t> tokens, bool normalize) {
    if (pooling() == Pooling::None || pooling() == Pooling::Rank) {
        return Error{"the model's pooling type is 'none': it gives one vector per token, not one per text"};
    }
    if (Status st = forward(tokens); !st) return st.error();
    std::vector<float> out(static_cast<size_t>(nEmbd()));
    poolRows(x_.data(), int64_t(tokens.size()), nEmbd(), pooling(), out.data());
    if (normalize) normalizeL2(out.data(), nEmbd());
    return out;
}

void Embedder::attention(int64_t n, const float* q, int64_t ldQ, const float* k, int64_t ldK, const float* v,
                         int64_t ldV) {
    const ModelConfig& c = model_.config();
    const kernels::AttentionKernels& kern = kernels::attentionKernels();
    const int64_t hd = c.headDim;
    const int64_t ldA = c.nHead * c.headDimV;
    const float scale = float(1.0 / std::sqrt(double(hd)));
    const int64_t nTiles = (n + kTile - 1) / kTile;
    const int64_t nItems = nTiles * c.nHead;
    // One item: kTile query rows of one head against all n keys: scores, an exact softmax per row, weighted values.
    auto item = [&](int64_t i, float* s) {
        const int64_t h = i % c.nHead;
        const int64_t t0 = (i / c.nHead) * kTile;
        const int64_t rows = std::min(kTile, n - t0);
        kern.scores(q + t0 * ldQ + h * hd, ldQ, rows, k + h * hd, ldK, n, hd, scale, s, n);
        for (int64_t r = 0; r < rows; ++r) softmax(s + r * n, n);
        float* out = att_.data() + t0 * ldA + h * c.headDimV;
        for (int64_t r = 0; r < rows; ++r) std::fill(out + r * ldA, out + r * ldA + c.headDimV, 0.f);
        const float zero[kTile] = {};
        kern.accumulate(s, n, 1, rows, v + h * c.headDimV, ldV, n, c.headDimV, zero, out, ldA);
    };
    const int64_t itemCost = kTile * n * (hd + c.headDimV);
    if (nItems * itemCost <= ThreadPool::kMinWorkPerThread || pool_.size() == 1) {
        for (int64_t i = 0; i < nItems; ++i) item(i, scores_.data());
        return;
    }
    pool_.run([&](int ith, int nth) {
        float* s = scores_.data() + size_t(ith) * size_t(kTile * n);
        for (int64_t i = ith; i < nItems; i += nth) item(i, s);
    });
}

Status Embedder::forward(std::span<const int32_t> tokens) {
    const ModelConfig& c = model_.config();
    const ModelWeights& w = model_.weights();
    const EncoderWeights& e = w.encoder;
    // What the family's tensors say (arch_bert.cpp): bert has learned positions, q/k/v and a GELU FFN; nomic-bert
    // rotates q/k instead, fuses q/k/v and gates its FFN (SwiGLU).
    const bool rotary = e.positionEmbd.data == nullptr;
    const bool gated = !e.layers.empty() && e.layers[0].ffnGate.data != nullptr;
    const int64_t n = int64_t(tokens.size());
    const int64_t D = c.nEmbd;
    const int64_t kv = c.kvDim();
    const int64_t nFf = c.nFf;
    const float eps = c.rmsEps;  // layer_norm_epsilon
    const bool exact = params_.exact;

    if (n == 0) return Error{"no tokens to embed"};
    if (n > maxTokens()) {
        return Error{"the input has " + std::to_string(n) + " tokens, more than the " + std::to_string(maxTokens()) +
                     " this model takes"};
    }
    for (int64_t i = 0; i < n; ++i) {
        if (tokens[i] < 0 || tokens[i] >= c.nVocab) {
            return Error{"token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                         " is outside the vocabulary [0, " + std::to_string(c.nVocab) + ")"};
        }
    }
    try {
        const size_t N = size_t(n);
        x_.resize(N * D);
        qkv_.resize(N * (D + 2 * kv));
        att_.resize(N * D);
        proj_.resize(N * D);
        up_.resize(N * nFf);
        if (gated) gate_.resize(N * nFf);
        scores_.resize(size_t(pool_.size()) * size_t(kTile) * N);
        cos_.resize(rotary ? N * size_t(c.nRot / 2) : 0);
        sin_.resize(rotary ? N * size_t(c.nRot / 2) : 0);
    } catch (const std::bad_alloc&) {
        return Error{"cannot allocate the buffers for " + std::to_string(n) + " tokens"};
    }

    float* x = x_.data();
    ThreadPool& pool = pool_;
    auto perToken = [&](int64_t cost, auto&& fn) {
        pool.parallelFor(
            n,
            [&](int64_t t0, int64_t t1) {
                for (int64_t t = t0; t < t1; ++t) fn(t);
            },
            ThreadPool::grainFor(cost));
    };

    // Embeddings: token row + token-type row 0 (+ the learned position row of its index, bert), then LayerNorm.
    // (att_ and proj_ are free until the first layer: they hold the type row and each token's position row.)
    float* typeRow = att_.data();
    e.tokenTypes.kernels->dequantize(e.tokenTypes.row(0), typeRow, D);
    perToken(4 * D, [&](int64_t t) {
        float* xt = x + t * D;
        w.tokenEmbd.kernels->dequantize(w.tokenEmbd.row(tokens[t]), xt, D);
        addInPlace(xt, typeRow, D);
        if (e.positionEmbd.data != nullptr) {
            float* pos = proj_.data() + t * D;
            e.positionEmbd.kernels->dequantize(e.positionEmbd.row(t), pos, D);
            addInPlace(xt, pos, D);
        }
        layerNorm(xt, xt, e.embdNorm, e.embdNormB, D, eps);
    });

    // RoPE angles of each position, shared by all layers and heads.
    const int64_t half = c.nRot / 2;
    if (rotary) {
        for (int64_t t = 0; t < n; ++t) rope_.angles(t, cos_.data() + t * half, sin_.data() + t * half);
    }

    for (const EncoderLayerWeights& L : e.layers) {
        // Queries, keys and values: one fused projection (rows Q | K | V) or q/k/v (+ biases).
        float *q, *k, *v;
        int64_t ldQ, ldKV;
        in_.reset(x, n, D);
        if (L.wqkv.data != nullptr) {
            const int64_t W = D + 2 * kv;
            matmul(pool, L.wqkv, in_, qkv_.data(), exact);
            if (L.bqkv != nullptr) perToken(W, [&](int64_t t) { addInPlace(qkv_.data() + t * W, L.bqkv, W); });
            q = qkv_.data();
            k = q + D;
            v = k + kv;
            ldQ = ldKV = W;
        } else {
            float* qb = qkv_.data();
            float* kb = qb + n * D;
            float* vb = kb + n * kv;
            const MatmulOut outs[] = {{&L.wq, qb}, {&L.wk, kb}, {&L.wv, vb}};
            matmulGroup(pool, outs, in_, exact);
            perToken(D + 2 * kv, [&](int64_t t) {
                addInPlace(qb + t * D, L.bq, D);
                addInPlace(kb + t * kv, L.bk, kv);
                addInPlace(vb + t * kv, L.bv, kv);
            });
            q = qb;
            k = kb;
            v = vb;
            ldQ = D;
            ldKV = kv;
        }
        // Without learned positions: rotate each token's queries and keys by its position (nomic-bert: NEOX pairs).
        if (rotary) {
            perToken(2 * D, [&](int64_t t) {
                const float* cs = cos_.data() + t * half;
                const float* sn = sin_.data() + t * half;
                rope(q + t * ldQ, c.nHead, c.headDim, c.nRot, model_.arch().ropeStyle, cs, sn);
                rope(k + t * ldKV, c.nHeadKv, c.headDim, c.nRot, model_.arch().ropeStyle, cs, sn);
            });
        }

        // Self-attention over all tokens, both directions.
        attention(n, q, ldQ, k, ldKV, v, ldKV);

        // Output projection (+ bias), residual, LayerNorm (post-norm).
        in_.reset(att_.data(), n, D);
        matmul(pool, L.wo, in_, proj_.data(), exact);
        perToken(4 * D, [&](int64_t t) {
            float* xt = x + t * D;
            if (L.bo != nullptr) addInPlace(xt, L.bo, D);
            addInPlace(xt, proj_.data() + t * D, D);
            layerNorm(xt, xt, L.attnOutNorm, L.attnOutNormB, D, eps);
        });

        // Feed-forward: bert down(gelu(up x + b)) + b; nomic-bert down(silu(gate x) * up x).
        in_.reset(x, n, D);
        if (gated) {
            const MatmulOut outs[] = {{&L.ffnGate, gate_.data()}, {&L.ffnUp, up_.data()}};
            matmulGroup(pool, outs, in_, exact);
            perToken(nFf, [&](int64_t t) { swiglu(gate_.data() + t * nFf, up_.data() + t * nFf, nFf); });
            in_.reset(gate_.data(), n, nFf);
        } else {
            matmul(pool, L.ffnUp, in_, up_.data(), exact);
            perToken(8 * nFf, [&](int64_t t) {
                float* ut = up_.data() + t * nFf;
                addInPlace(ut, L.ffnUpB, nFf);
                geluTanh(ut, nFf);
            });
            in_.reset(up_.data(), n, nFf);
        }
        matmul(pool, L.ffnDown, in_, proj_.data(), exact);

        // Residual and LayerNorm.
        perToken(4 * D, [&](int64_t t) {
            float* xt = x + t * D;
            if (L.ffnDownB != nullptr) addInPlace(xt, L.ffnDownB, D);
            addInPlace(xt, proj_.data() + t * D, D);
            layerNorm(xt, xt, L.layerOutNorm, L.layerOutNormB, D, eps);
        });
    }
    return {};
}

Result<std::vector<float>> embed(const Model& model, std::span<const int32_t> tokens, const EmbedOptions& options) {
    auto embedder = Embedder::create(model, EmbedParams{.nThreads = options.nThreads, .exact = options.exact});
    if (!embedder) return embedder.error();
    return (*embedder)->embed(tokens, options.normalize);
}

}  // namespace hearth::engine
