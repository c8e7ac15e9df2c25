// Embeddings from an encoder model (bert, nomic-bert: ArchDescriptor::embedding), as llama.cpp's llama-embedding
// computes them: one forward pass over the whole input with attention in both directions (no KV cache), the
// last layer's per-token vectors pooled as the file's `<arch>.pooling_type` says (mean, [CLS], last), then,
// optionally, scaled to unit L2 norm.
//
// Input ids are what Vocab::tokenize(text, /*addSpecial=*/true, /*parseSpecial=*/true) gives for a WordPiece
// vocabulary: [CLS] text [SEP]. All tokens are one segment (token type 0).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/matmul.h"
#include "engine/model.h"
#include "engine/ops.h"
#include "engine/result.h"
#include "engine/thread_pool.h"

namespace hearth::engine {

struct EmbedParams {
    int nThreads = 1;    // threads for the forward pass, the caller's included
    bool exact = false;  // true: F32 activations into every matmul; false: as the decoder's fast path
};

// An encoder model ready to embed: its thread pool and scratch buffers, reused from input to input (an index of
// many chunks creates one). Used from one thread at a time; the model must outlive it.
class Embedder {
public:
    // Errors when the model is not an embedding model.
    static Result<std::unique_ptr<Embedder>> create(const Model& model, const EmbedParams& params = {});

    // The pooled embedding (n_embd) of tokens, L2-normalised when `normalize`. Errors (nothing else happens): no
    // tokens, an id outside the vocabulary, more tokens than maxTokens(), a model whose pooling is `none`.
    Result<std::vector<float>> embed(std::span<const int32_t> tokens, bool normalize);

    // The last layer's output for every token, (n_tokens, n_embd) row-major, before pooling. Same errors as embed
    // except pooling.
    Result<std::vector<float>> tokenEmbeddings(std::span<const int32_t> tokens);

    int64_t nEmbd() const { return model_.config().nEmbd; }
    Pooling pooling() const { return model_.weights().encoder.pooling; }
    // The longest input: the model's training context (bert's learned positions end there).
    int64_t maxTokens() const { return model_.config().nCtxTrain; }

private:
    Embedder(const Model& model, const EmbedParams& params);
    // Runs the encoder over tokens; x_ then holds the (n, n_embd) output.
    Status forward(std::span<const int32_t> tokens);
    // att_ = softmax(q k^T * scale) v per head over all n tokens (no mask).
    void attention(int64_t n, const float* q, int64_t ldQ, const float* k, int64_t ldK, const float* v,
                   int64_t ldV);

    const Model& model_;
    EmbedParams params_;
    ThreadPool pool_;
    RopeTable rope_;  // nomic-bert: rotary angles of positions 0..n-1

    // Scratch for one input of n tokens, row-major (token, feature); grown on demand.
    std::vector<float> x_;       // (n, n_embd) hidden states
    std::vector<float> qkv_;     // (n, n_embd + 2 kv_dim): Q | K | V of each token (bert: three projections)
    std::vector<float> att_;     // (n, n_embd) attention output, heads concatenated
    std::vector<float> proj_;    // (n, n_embd) output of attn_output / ffn_down
    std::vector<float> up_;      // (n, n_ff) up projection, then the activation
    std::vector<float> gate_;    // (n, n_ff) nomic-bert's gate projection
    std::vector<float> scores_;  // (nThreads, kTile, n) attention scores of a tile of query rows
    std::vector<float> cos_;     // (n, n_rot / 2) RoPE cosines of each position (nomic-bert)
    std::vector<float> sin_;     // (n, n_rot / 2) RoPE sines
    MatmulInput in_;
};

struct EmbedOptions {
    bool normalize = true;  // L2-normalise the pooled vector
    int nThreads = 1;
    bool exact = false;
};

// One input, one Embedder: the pooled embedding of tokens (see Embedder::embed).
Result<std::vector<float>> embed(const Model& model, std::span<const int32_t> tokens,
                                 const EmbedOptions& options = {});

// rows (nTok, n) pooled into out (n): the mean of the rows, the first, or the last. pooling must not be None/Rank.
void poolRows(const float* rows, int64_t nTok, int64_t n, Pooling pooling, float* out);

// x (n) /= ||x||_2, summed in double as llama.cpp does; a zero vector stays zero.
void normalizeL2(float* x, int64_t n);

}  // namespace hearth::engine
