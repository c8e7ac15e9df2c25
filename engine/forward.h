// Context: the state of one inference stream over a Model - its KV cache, thread pool and scratch buffers - and the
// decoder forward pass that turns token ids into next-token logits.
//
// A Context is used from one thread at a time. Tokens are appended at position nPast(); a chat session keeps the
// context across turns and truncate()s it when the conversation is edited.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/matmul.h"
#include "engine/model.h"
#include "engine/ops.h"
#include "engine/result.h"
#include "engine/stage_profile.h"
#include "engine/thread_pool.h"

namespace hearth::engine {

struct ContextParams {
    int nCtx = 0;             // positions the KV cache holds; <= 0: the model's training context, at most 4096
    int nThreads = 1;         // threads for the forward pass, the caller's included
    KvType kv = KvType::F16;  // KV cache element type (F32 for the exact, reference path; Q8_0 halves F16's memory)
    bool exact = false;       // true: F32 activations into every matmul; false: quantize them (faster, ~llama.cpp)
    int nBatch = 256;         // tokens computed together per step of eval (bounds the scratch memory)
    bool profile = false;     // time the forward pass stage by stage (profile()); off costs nothing measurable
};

class Context {
public:
    // The model must outlive the context.
    static Result<std::unique_ptr<Context>> create(const Model& model, const ContextParams& params);

    // Runs tokens at positions [nPast(), nPast() + tokens.size()) in batches of up to nBatch and appends their
    // keys/values to the cache. allLogits keeps the logits of every token, otherwise only of the last one.
    // Errors (nothing is changed): empty input, a token id outside [0, nVocab), or exceeding nCtx.
    Status eval(std::span<const int32_t> tokens, bool allLogits = false);

    // Logits (nVocab) of row i of the last eval: i indexes its tokens with allLogits, else must be 0 (the last).
    // Valid until the next eval. (allLogits keeps n x nVocab floats: mind large vocabularies on long inputs.)
    const float* logits(int i = 0) const;
    int nLogits() const { return nLogitRows_; }

    int nPast() const { return int(cache_->size()); }
    int nCtx() const { return int(cache_->nCtx()); }
    int nVocab() const { return int(model_.config().nVocab); }
    // Forgets every position from n on (0 <= n <= nPast()); the next eval continues at n.
    void truncate(int n);
    void clear() { truncate(0); }

    const Model& model() const { return model_; }
    const ContextParams& params() const { return params_; }
    const KvCache& kvCache() const { return *cache_; }
    // Wall time per stage since the last clearProfile(), when params().profile is on (else all zero), and the
    // thread pool's dispatch count and caller-side wait time over the same span.
    const StageProfile& profile() const { return profile_; }
    const ThreadPool& pool() const { return pool_; }
    void clearProfile() {
        profile_.clear();
        pool_.clearStats();
    }

private:
    Context(const Model& model, const ContextParams& params);
    // The forward pass of nTok tokens at positions [pos0, pos0 + nTok); logits for the rows from firstLogit on
    // are written to logitsOut (nTok - firstLogit, nVocab).
    void forward(const int32_t* tokens, int64_t nTok, int64_t pos0, int64_t firstLogit, float* logitsOut);
    // att_ = causal attention of the batch's queries q_ over the cache of `layer` (which already holds the batch).
    void attention(int64_t layer, int64_t nTok, int64_t pos0);

    const Model& model_;
    ContextParams params_;
    ThreadPool pool_;
    std::unique_ptr<KvCache> cache_;
    RopeTable rope_;
    AttentionShape attn_;

    // Scratch for one batch of up to nBatch tokens (B): row-major (token, feature).
    std::vector<float> x_;        // (B, n_embd) residual stream
    std::vector<float> xb_;       // (B, n_embd) normalised input of a block
    std::vector<float> q_;        // (B, n_head * head_dim) queries
    std::vector<float> k_;        // (B, n_head_kv * head_dim) keys of the batch
    std::vector<float> v_;        // (B, n_head_kv * head_dim_v) values of the batch
    std::vector<float> att_;      // (B, n_head * head_dim_v) attention output, heads concatenated
    std::vector<float> proj_;     // (B, n_embd) output of attn_output / ffn_down, added to the residual
    std::vector<float> gate_;     // (B, n_ff) gate projection, then silu(gate) * up
    std::vector<float> up_;       // (B, n_ff) up projection
    std::vector<float> cos_;      // (B, n_rot / 2) RoPE cosines of each token's position
    std::vector<float> sin_;      // (B, n_rot / 2) RoPE sines
    std::vector<float> attnScratch_;  // (nThreads, attentionScratchFloats) per-thread key/value blocks
    std::vector<float> attnParts_;    // partial results of attention split over the keys (ops.h)
    MatmulInput in_;              // the current matmul input, with its quantized copies
    StageProfile profile_;        // per-stage wall time, when params_.profile

    std::vector<float> logits_;   // (nLogits, n_vocab) of the last eval
    int nLogitRows_ = 0;
};

}  // namespace hearth::engine
