#include "engine/forward.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <new>
#include <numeric>
#include <string>

namespace hearth::engine {

Context::Context(const Model& model, const ContextParams& params)
    : model_(model), params_(params), pool_(params.nThreads), rope_(model.config(), model.weights().ropeFreqs) {}

Result<std::unique_ptr<Context>> Context::create(const Model& model, const ContextParams& paramsIn) {
    const ModelConfig& c = model.config();
    if (model.arch().embedding) {
        return Error{"this is an embedding model ('" + c.arch + "'), for document search: it turns text into vectors "
                     "(hearth-cli embed) and cannot chat or generate text"};
    }
    ContextParams params = paramsIn;
    if (params.nCtx <= 0) params.nCtx = int(std::min<int64_t>(c.nCtxTrain > 0 ? c.nCtxTrain : 4096, 4096));
    params.nThreads = std::max(1, params.nThreads);
    params.nBatch = std::max(1, std::min(params.nBatch, params.nCtx));

    if (Status st = checkKvType(params.kv, c.headDim, c.headDimV); !st) return st.error();
    std::unique_ptr<Context> ctx(new Context(model, params));
    auto cache = KvCache::create(c.nLayer, params.nCtx, c.kvDim(), c.kvDimV(), params.kv, c.nHeadKv);
    if (!cache) return cache.error();
    ctx->cache_ = std::move(*cache);
    ctx->profile_.setEnabled(params.profile);
    ctx->pool_.setProfiling(params.profile);

    ctx->attn_ = AttentionShape{.nHead = c.nHead,
                                .nHeadKv = c.nHeadKv,
                                .headDim = c.headDim,
                                .headDimV = c.headDimV,
                                .scale = float(1.0 / std::sqrt(double(c.headDim)))};

    const size_t B = size_t(params.nBatch);
    try {
        ctx->x_.resize(B * c.nEmbd);
        ctx->xb_.resize(B * c.nEmbd);
        ctx->q_.resize(B * c.nHead * c.headDim);
        ctx->k_.resize(B * c.kvDim());
        ctx->v_.resize(B * c.kvDimV());
        ctx->att_.resize(B * c.nHead * c.headDimV);
        ctx->proj_.resize(B * c.nEmbd);
        ctx->gate_.resize(B * c.nFf);
        ctx->up_.resize(B * c.nFf);
        ctx->cos_.resize(B * (c.nRot / 2));
        ctx->sin_.resize(B * (c.nRot / 2));
        const int64_t scratchFloats =
            std::max(attentionScratchFloats(ctx->attn_), attentionTileScratchFloats(ctx->attn_));
        ctx->attnScratch_.resize(size_t(params.nThreads) * size_t(scratchFloats));
    } catch (const std::bad_alloc&) {
        return Error{"cannot allocate the scratch buffers for a batch of " + std::to_string(B) + " tokens"};
    }
    return ctx;
}

const float* Context::logits(int i) const {
    assert(i >= 0 && i < nLogitRows_);
    return logits_.data() + size_t(i) * size_t(nVocab());
}

void Context::truncate(int n) {
    assert(n >= 0 && n <= nPast());
    cache_->setSize(std::clamp<int64_t>(n, 0, cache_->size()));
}

Status Context::eval(std::span<const int32_t> tokens, bool allLogits) {
    const int64_t n = int64_t(tokens.size());
    if (n == 0) return Error{"no tokens to evaluate"};
    for (int64_t i = 0; i < n; ++i) {
        if (tokens[i] < 0 || tokens[i] >= nVocab()) {
            return Error{"token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                         " is outside the vocabulary [0, " + std::to_string(nVocab()) + ")"};
        }
    }
    if (nPast() + n > nCtx()) {
        return Error{"context is full: " + std::to_string(nPast()) + " + " + std::to_string(n) +
                     " tokens exceed n_ctx " + std::to_string(nCtx())};
    }

    nLogitRows_ = allLogits ? int(n) : 1;
    logits_.resize(size_t(nLogitRows_) * size_t(nVocab()));
    for (int64_t b0 = 0; b0 < n; b0 += params_.nBatch) {
        const int64_t nb = std::min<int64_t>(params_.nBatch, n - b0);
        // Rows of this batch that produce logits: all of them, or only the very last token of the input.
        const int64_t firstLogit = allLogits ? 0 : (b0 + nb == n ? nb - 1 : nb);
        float* out = logits_.data() + size_t(allLogits ? b0 : 0) * size_t(nVocab());
        forward(tokens.data() + b0, nb, nPast(), firstLogit, out);
        cache_->setSize(nPast() + nb);
    }
    return {};
}

void Context::attention(int64_t layer, int64_t nTok, int64_t pos0) {
    const ModelConfig& c = model_.config();
    const int64_t qDim = c.nHead * c.headDim;
    const int64_t attDim = c.nHead * c.headDimV;
    const int64_t group = attn_.group();
    const int64_t scratchFloats = std::max(attentionScratchFloats(attn_), attentionTileScratchFloats(attn_));
    // Exact mode: one work item per (token, KV head), the reference loops. Fast mode: one per (tile of up to
    // kAttentionTileTokens tokens, KV head), which loads each key/value block once for the whole tile.
    const int64_t tileTok = params_.exact ? 1 : kAttentionTileTokens;
    const int64_t nTiles = (nTok + tileTok - 1) / tileTok;
    const int64_t nItems = nTiles * c.nHeadKv;
    // An item costs ~nKeys * group * tileTok * (head_dim + head_dim_v) multiply-adds (nKeys of the batch's last
    // token, an upper bound).
    const int64_t itemCost = (pos0 + nTok) * group * tileTok * (c.headDim + c.headDimV);
    auto attendItem = [&](int64_t i, float* scratch) {
        const int64_t t = (i / c.nHeadKv) * tileTok;
        const int64_t g = i % c.nHeadKv;
        const float* q = q_.data() + t * qDim + g * group * c.headDim;
        float* out = att_.data() + t * attDim + g * group * c.headDimV;
        if (params_.exact) {
            attentionKvHead(*cache_, layer, pos0 + t + 1, attn_, g, q, out, scratch);
        } else {
            attentionKvHeadTile(*cache_, layer, pos0 + t + 1, std::min(tileTok, nTok - t), attn_, g, q, qDim, out,
                                attDim, scratch);
        }
    };
    if (nItems * itemCost <= ThreadPool::kMinWorkPerThread) {
        for (int64_t i = 0; i < nItems; ++i) attendItem(i, attnScratch_.data());
        return;
    }
    // One tile with fewer KV heads than make a whole number of items per thread (1-3 KV heads on 2 threads, say):
    // each KV head's keys are split into parts, merged after (flash-decoding), so no thread idles through a long
    // context. Parts keep at least kMinPartKeys keys: below that the merge costs more than the balance gains.
    const int nth = pool_.size();
    const int64_t nKeys = pos0 + nTok;
    constexpr int64_t kMinPartKeys = 256;
    const int64_t nParts = params_.exact || nTiles != 1 || nItems % nth == 0
                               ? 1
                               : std::min<int64_t>(nth / std::gcd(nItems, int64_t(nth)), nKeys / kMinPartKeys);
    if (nParts > 1) {
        const int64_t rows = nTok * group;
        const size_t partFloats = size_t(rows * (c.headDimV + 2));
        attnParts_.resize(size_t(nItems * nParts) * partFloats);
        // Part boundaries on whole 64-key blocks of the online softmax.
        auto bound = [&](int64_t p) { return p == nParts ? nKeys : nKeys * p / nParts / 64 * 64; };
        pool_.run([&](int ith, int nth2) {
            float* scratch = attnScratch_.data() + size_t(ith) * size_t(scratchFloats);
            for (int64_t i = ith; i < nItems * nParts; i += nth2) {
                const int64_t g = i / nParts;
                const int64_t p = i % nParts;
                attentionKvHeadTilePart(*cache_, layer, pos0 + 1, nTok, attn_, g, q_.data() + g * group * c.headDim,
                                        qDim, bound(p), bound(p + 1), attnParts_.data() + size_t(i) * partFloats,
                                        scratch);
            }
        });
        for (int64_t g = 0; g < nItems; ++g) {
            attentionMergeParts(attnParts_.data() + size_t(g * nParts) * partFloats, nParts, partFloats, nTok, attn_,
                                att_.data() + g * group * c.headDimV, attDim);
        }
        return;
    }
    // Items are dealt round-robin: later tokens see more keys, so contiguous chunks would leave the first
    // thread with the cheap half. Each item is computed the same way whichever thread takes it.
    pool_.run([&](int ith, int nth) {
        float* scratch = attnScratch_.data() + size_t(ith) * size_t(scratchFloats);
        for (int64_t i = ith; i < nItems; i += nth) attendItem(i, scratch);
    });
}

void Context::forward(const int32_t* tokens, int64_t nTok, int64_t pos0, int64_t firstLogit, float* logitsOut) {
    const ModelConfig& c = model_.config();
    const ModelWeights& w = model_.weights();
    const RopeStyle ropeStyle = model_.arch().ropeStyle;
    const bool exact = params_.exact;
    const int64_t nEmbd = c.nEmbd;
    const int64_t qDim = c.nHead * c.headDim;
    const int64_t kvDim = c.kvDim();
    const int64_t kvDimV = c.kvDimV();
    const int64_t attDim = c.nHead * c.headDimV;
    const int64_t nFf = c.nFf;
    const int64_t half = c.nRot / 2;
    float* x = x_.data();
    float* xb = xb_.data();
    ThreadPool& pool = pool_;
    // For each token in parallel (rows are independent); element-wise steps cost about n_embd per token.
    auto perToken = [&](auto&& fn) {
        pool.parallelFor(
            nTok,
            [&](int64_t t0, int64_t t1) {
                for (int64_t t = t0; t < t1; ++t) fn(t);
            },
            ThreadPool::grainFor(nEmbd));
    };
    // Profiling: each stage ends with prof.lap(stage); a matmul's input quantization is timed apart.
    StageProfile& prof = profile_;
    prof.begin(nTok);
    auto mm = [&](const Weight& wt, float* y, Stage stage) {
        if (prof.enabled()) {
            prepareMatmulInput(pool, wt, in_, exact);
            prof.lap(Stage::ActQuant);
        }
        matmul(pool, wt, in_, y, exact);
        prof.lap(stage);
    };
    // Weights that read the same input, in one dispatch (the threads meet once for all of them).
    auto mmGroup = [&](std::span<const MatmulOut> outs, Stage stage) {
        if (prof.enabled()) {
            for (const MatmulOut& o : outs) prepareMatmulInput(pool, *o.w, in_, exact);
            prof.lap(Stage::ActQuant);
        }
        matmulGroup(pool, outs, in_, exact);
        prof.lap(stage);
    };

    // Token embeddings: one dequantized row of token_embd per token.
    perToken([&](int64_t t) { w.tokenEmbd.kernels->dequantize(w.tokenEmbd.row(tokens[t]), x + t * nEmbd, nEmbd); });
    // RoPE angles of each token's position, shared by all layers and heads.
    for (int64_t t = 0; t < nTok; ++t) rope_.angles(pos0 + t, cos_.data() + t * half, sin_.data() + t * half);
    prof.lap(Stage::Embed);

    for (int64_t l = 0; l < c.nLayer; ++l) {
        const LayerWeights& L = w.layers[size_t(l)];

        // Attention pre-norm: xb = rmsnorm(x) * attn_norm.
        perToken([&](int64_t t) { rmsnorm(xb + t * nEmbd, x + t * nEmbd, L.attnNorm, nEmbd, c.rmsEps); });
        prof.lap(Stage::Norm);

        // Projections to queries, keys and values (+ biases), one quantization of xb for all three.
        in_.reset(xb, nTok, nEmbd);
        const MatmulOut qkv[] = {{&L.wq, q_.data()}, {&L.wk, k_.data()}, {&L.wv, v_.data()}};
        mmGroup(qkv, Stage::MatQkv);
        if (L.bq != nullptr) {
            perToken([&](int64_t t) {
                addInPlace(q_.data() + t * qDim, L.bq, qDim);
                addInPlace(k_.data() + t * kvDim, L.bk, kvDim);
                addInPlace(v_.data() + t * kvDimV, L.bv, kvDimV);
            });
            prof.lap(Stage::MatQkv);
        }

        // Rotate queries and keys by their positions.
        perToken([&](int64_t t) {
            const float* cs = cos_.data() + t * half;
            const float* sn = sin_.data() + t * half;
            rope(q_.data() + t * qDim, c.nHead, c.headDim, c.nRot, ropeStyle, cs, sn);
            rope(k_.data() + t * kvDim, c.nHeadKv, c.headDim, c.nRot, ropeStyle, cs, sn);
        });
        prof.lap(Stage::Rope);

        // Append this batch's keys and values to the cache.
        for (int64_t t = 0; t < nTok; ++t) cache_->store(l, pos0 + t, k_.data() + t * kvDim, v_.data() + t * kvDimV);
        prof.lap(Stage::KvStore);

        // Causal self-attention over the cache: token t sees positions [0, pos0 + t].
        attention(l, nTok, pos0);
        prof.lap(Stage::Attention);

        // Output projection, added to the residual stream.
        in_.reset(att_.data(), nTok, attDim);
        mm(L.wo, proj_.data(), Stage::MatAttnOut);
        perToken([&](int64_t t) { addInPlace(x + t * nEmbd, proj_.data() + t * nEmbd, nEmbd); });
        prof.lap(Stage::Elementwise);

        // Feed-forward pre-norm: xb = rmsnorm(x) * ffn_norm.
        perToken([&](int64_t t) { rmsnorm(xb + t * nEmbd, x + t * nEmbd, L.ffnNorm, nEmbd, c.rmsEps); });
        prof.lap(Stage::Norm);

        // SwiGLU feed-forward: down(silu(gate(xb)) * up(xb)), added to the residual stream.
        in_.reset(xb, nTok, nEmbd);
        const MatmulOut gateUp[] = {{&L.ffnGate, gate_.data()}, {&L.ffnUp, up_.data()}};
        mmGroup(gateUp, Stage::MatGateUp);
        perToken([&](int64_t t) { swiglu(gate_.data() + t * nFf, up_.data() + t * nFf, nFf); });
        prof.lap(Stage::Elementwise);
        in_.reset(gate_.data(), nTok, nFf);
        mm(L.ffnDown, proj_.data(), Stage::MatDown);
        perToken([&](int64_t t) { addInPlace(x + t * nEmbd, proj_.data() + t * nEmbd, nEmbd); });
        prof.lap(Stage::Elementwise);
    }

    // Final norm and the output projection (or the tied embedding), only for the rows whose logits are wanted.
    const int64_t nOut = nTok - firstLogit;
    if (nOut <= 0) return;
    float* xo = x + firstLogit * nEmbd;
    for (int64_t t = 0; t < nOut; ++t) rmsnorm(xo + t * nEmbd, xo + t * nEmbd, w.outputNorm, nEmbd, c.rmsEps);
    prof.lap(Stage::Norm);
    in_.reset(xo, nOut, nEmbd);
    mm(w.output, logitsOut, Stage::MatOutput);
}

}  // namespace hearth::engine
