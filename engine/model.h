// Model: a loaded GGUF model (a decoder, or an encoder that embeds text) - the mapped file, its hyper-parameters
// and every weight bound by name, with its dtype and exact shape checked once at load, so the forward pass never
// meets a surprise.
//
// Architecture families are described by small per-family descriptors (arch_llama.cpp, arch_qwen2.cpp): which
// tensors exist, which are optional, how RoPE pairs dims. Binding is generic over the descriptor; encoder families
// (arch_bert.cpp: bert, nomic-bert) bring their own binder and run through engine/embedding.h instead.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/matmul.h"
#include "engine/model_config.h"
#include "engine/result.h"

namespace hearth::engine {

struct ModelWeights;

// How an embedding model's per-token outputs become one vector: GGUF `<arch>.pooling_type`, with llama.cpp's
// values (written to disk; values never change).
enum class Pooling : int32_t {
    None = 0,  // no pooling: per-token vectors only
    Mean = 1,  // average over the tokens
    Cls = 2,   // the first token's vector ([CLS])
    Last = 3,  // the last token's vector
    Rank = 4,  // a classifier head on [CLS] (rerankers; not supported)
};

// What distinguishes one model family from another, for binding and the forward pass.
struct ArchDescriptor {
    std::string_view name;  // general.architecture, e.g. "llama"
    RopeStyle ropeStyle;    // how RoPE pairs the dims of a head
    bool qkvBias;           // attn_q/k/v.bias are required (qwen2) rather than absent
    bool optionalQkvBias;   // attn_q/k/v.bias are bound when present (llama files may carry them)
    // output.weight absent -> logits use token_embd (tied); both llama and qwen2 allow it.
    bool tiedOutputAllowed;
    // An encoder-only embedding model (bert, nomic-bert): attention over the whole input in both directions, a
    // pooled vector out (engine/embedding.h), no logits. Chat contexts refuse it.
    bool embedding = false;
    // Binds a family whose tensors do not follow the decoder layout (arch_bert.cpp); nullptr: the decoder binder.
    Status (*bind)(const GgufFile& file, const ModelConfig& config, ModelWeights* weights) = nullptr;
};

// The descriptor of a supported architecture, or nullptr.
const ArchDescriptor* findArch(std::string_view arch);

// Registered families (each in its own arch_<name>.cpp).
extern const ArchDescriptor kArchLlama;
extern const ArchDescriptor kArchQwen2;
extern const ArchDescriptor kArchBert;
extern const ArchDescriptor kArchNomicBert;

// Binding helpers for the per-family binders. A matrix of nOut rows of nIn elements (ggml shape [nIn, nOut]) in a
// type the kernels can compute; an F32 vector of n elements. Errors name the tensor and say what was expected and
// what was found ("tensor 'x' is missing" when absent).
Result<Weight> bindMatrix(const GgufFile& file, const std::string& name, int64_t nIn, int64_t nOut);
Result<const float*> bindVector(const GgufFile& file, const std::string& name, int64_t n);

// Weights of one decoder layer. Shapes are (rows, row length) = (output width, input width); vectors are F32.
struct LayerWeights {
    const float* attnNorm = nullptr;  // (n_embd) RMSNorm weight before attention
    Weight wq;                        // (n_head * head_dim, n_embd)
    Weight wk;                        // (n_head_kv * head_dim, n_embd)
    Weight wv;                        // (n_head_kv * head_dim_v, n_embd)
    const float* bq = nullptr;        // (n_head * head_dim) or nullptr
    const float* bk = nullptr;        // (n_head_kv * head_dim) or nullptr
    const float* bv = nullptr;        // (n_head_kv * head_dim_v) or nullptr
    Weight wo;                        // (n_embd, n_head * head_dim_v)
    const float* ffnNorm = nullptr;   // (n_embd) RMSNorm weight before the feed-forward block
    Weight ffnGate;                   // (n_ff, n_embd)
    Weight ffnUp;                     // (n_ff, n_embd)
    Weight ffnDown;                   // (n_embd, n_ff)
};

// Weights of one encoder layer (bert, nomic-bert): post-norm, i.e. LayerNorm after each residual addition.
// Shapes as LayerWeights; with head_dim = n_embd / n_head, kv_dim = n_embd.
struct EncoderLayerWeights {
    Weight wq, wk, wv;                  // bert: (n_embd, n_embd) each; empty for nomic-bert
    const float* bq = nullptr;          // bert: (n_embd) biases of the three
    const float* bk = nullptr;
    const float* bv = nullptr;
    Weight wqkv;                        // nomic-bert: (n_embd + 2 * kv_dim, n_embd), rows Q, then K, then V
    const float* bqkv = nullptr;        // (n_embd + 2 * kv_dim) when the file has attn_qkv.bias, else nullptr
    Weight wo;                          // (n_embd, n_embd)
    const float* bo = nullptr;          // bert: (n_embd); nomic-bert: nullptr
    const float* attnOutNorm = nullptr; // (n_embd) LayerNorm weight and bias after attention + residual
    const float* attnOutNormB = nullptr;
    Weight ffnUp;                       // (n_ff, n_embd)
    const float* ffnUpB = nullptr;      // bert: (n_ff)
    Weight ffnGate;                     // nomic-bert: (n_ff, n_embd) SwiGLU gate; empty for bert (GELU)
    Weight ffnDown;                     // (n_embd, n_ff)
    const float* ffnDownB = nullptr;    // bert: (n_embd)
    const float* layerOutNorm = nullptr;  // (n_embd) LayerNorm weight and bias after the FFN + residual
    const float* layerOutNormB = nullptr;
};

// The encoder of an embedding model: embeddings, layers, and how the outputs are pooled.
struct EncoderWeights {
    Weight tokenTypes;                  // (n_token_types, n_embd); row 0 (segment A) is added to every token
    Weight positionEmbd;                // bert: (n_ctx_train, n_embd) learned absolute positions; nomic: empty (RoPE)
    const float* embdNorm = nullptr;    // (n_embd) LayerNorm weight and bias over the summed embeddings
    const float* embdNormB = nullptr;
    std::vector<EncoderLayerWeights> layers;  // (n_layer)
    Pooling pooling = Pooling::Mean;    // <arch>.pooling_type (mean when the file does not say)
};

struct ModelWeights {
    Weight tokenEmbd;                  // (n_vocab, n_embd); one row is dequantized per input token
    std::vector<LayerWeights> layers;  // (n_layer)
    const float* outputNorm = nullptr; // (n_embd) final RMSNorm weight
    Weight output;                     // (n_vocab, n_embd); a copy of tokenEmbd's view when tied
    bool tiedOutput = false;           // output.weight was absent
    const float* ropeFreqs = nullptr;  // (n_rot / 2) Llama 3.1 rope_freqs divisors, or nullptr
    EncoderWeights encoder;            // embedding models only (ArchDescriptor::embedding); the decoder fields
                                       // above are then empty except tokenEmbd
};

struct ModelOptions {
    // Re-lay out the matrices that the active ISA has repacked kernels for (kernels::repackedGemmFor) into memory
    // of the model's own, once at load, copy the other matrices there as they are (copiesPlainWeights), and drop
    // their pages of the mapping. Off: every weight is used in place from the mapping.
    bool repack = true;
    // Called on the loading thread with the fraction (0..1] of the repacking done: once per repacked matrix as
    // the workers finish it, the last call exactly 1 (once, with 1, when nothing is repacked). Repacking is the one
    // slow step of a load (the mapping itself costs nothing until pages are read).
    std::function<void(double)> progress;
};

// Whether Model::load (with ModelOptions::repack) also copies the matrices the active ISA has no repacked kernels
// for, unchanged, into the block of 2 MiB pages that holds the repacked ones, and reads them there: true on Linux
// when transparent huge pages are not off. The mapping's 4 KiB pages cost the kernels that stream them a TLB miss
// every 4 KiB; HEARTH_ISA=avx2 TinyLlama tg measured Q4_K_M 24.7 -> 28.7, Q2_K 30.4 -> 33.1, Q4_1 18.7 -> 22.6 tok/s
// with the copy. Without huge pages a copy would only cost the load its time.
bool copiesPlainWeights();

// Bytes of the copy Model::load makes of one matrix (type, nIn x nOut, fileBytes in the file) on this CPU: its
// repacked size (kernels::repackedGemmFor: whole groups of rows), its size in whole 64-byte lines when copied as it
// is (copiesPlainWeights), or 0 when it stays in the mapping. The one rule the load, the memory estimate and the
// fit check share.
uint64_t loadedCopyBytes(kernels::GgmlType type, int64_t nIn, int64_t nOut, uint64_t fileBytes);

class Model {
public:
    // Opens, maps and binds a GGUF file. Errors name the file, the tensor and what was expected vs found.
    static Result<std::unique_ptr<Model>> load(const std::string& path, const ModelOptions& options = {});
    // Binds an already opened file (the model takes ownership).
    static Result<std::unique_ptr<Model>> load(std::unique_ptr<GgufFile> file, const ModelOptions& options = {});

    const GgufFile& file() const { return *file_; }
    const ModelConfig& config() const { return config_; }
    const ArchDescriptor& arch() const { return *arch_; }
    const ModelWeights& weights() const { return weights_; }

    // Bytes of all tensor data (what one token reads, plus the embedding table).
    uint64_t weightBytes() const;
    // Bytes of the repacked (and plain, copiesPlainWeights) copies made at load (ModelOptions::repack), included in
    // what stays resident.
    uint64_t repackedBytes() const { return repackedBytes_; }

private:
    Model() = default;
    void repackWeights(const std::function<void(double)>& progress);

    std::unique_ptr<GgufFile> file_;
    ModelConfig config_;
    const ArchDescriptor* arch_ = nullptr;
    ModelWeights weights_;
    struct FreeDeleter {
        void operator()(uint8_t* p) const;
    };
    std::vector<std::unique_ptr<uint8_t[], FreeDeleter>> repackedStorage_;  // one block of all copies (or one each)
    uint64_t repackedBytes_ = 0;
};

}  // namespace hearth::engine
