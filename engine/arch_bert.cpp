// The BERT encoder families, embedding models run by engine/embedding.h (llama.cpp c392e509's layout and names):
//   bert        (bge-small, all-MiniLM, ...): learned absolute position embeddings, separate q/k/v with biases, output
//               bias, FFN up -> GELU -> down with biases.
//   nomic-bert  (nomic-embed-text v1/v1.5): no position embeddings but RoPE on q/k (NEOX pairs), one fused attn_qkv
//               (rows Q, K, V), no biases except the LayerNorms', SwiGLU FFN (ffn_gate, ffn_up, ffn_down).
// Both: token + token-type (row 0) embeddings and a LayerNorm over their sum; per layer post-norm (LayerNorm after
// attention + residual, and after FFN + residual); `<arch>.pooling_type` says how tokens are pooled.
#include <string>

#include "engine/model.h"

namespace hearth::engine {
namespace {

std::string layerName(int64_t layer, const char* suffix) { return "blk." + std::to_string(layer) + "." + suffix; }

Result<Pooling> readPooling(const GgufFile& file, const std::string& arch) {
    const std::string key = arch + ".pooling_type";
    const GgufValue* v = file.find(key);
    if (v == nullptr) return Pooling::Mean;  // older conversions: what both families were trained with
    const std::optional<int64_t> p = file.getInt(key);
    if (!p) return Error{"GGUF key '" + key + "' has type " + std::string(ggufTypeName(v->type)) + ", expected an integer"};
    switch (*p) {
    case int64_t(Pooling::None): return Pooling::None;
    case int64_t(Pooling::Mean): return Pooling::Mean;
    case int64_t(Pooling::Cls): return Pooling::Cls;
    case int64_t(Pooling::Last): return Pooling::Last;
    case int64_t(Pooling::Rank):
        return Error{"GGUF key '" + key + "' = 4 (rank: a reranker's classifier head) is not supported"};
    default:
        return Error{"GGUF key '" + key + "' = " + std::to_string(*p) +
                     " is not a pooling type (expected 0 none, 1 mean, 2 cls, 3 last)"};
    }
}

Status bindEncoder(const GgufFile& file, const ModelConfig& c, ModelWeights* w, bool nomic) {
    if (c.nHeadKv != c.nHead || c.headDim * c.nHead != c.nEmbd || c.headDimV != c.headDim)
        return Error{"unsupported hyper-parameters: " + c.arch + " needs n_head_kv = n_head and head_dim = n_embd / "
                     "n_head (found n_head " + std::to_string(c.nHead) + ", n_head_kv " + std::to_string(c.nHeadKv) +
                     ", head_dim " + std::to_string(c.headDim) + ", n_embd " + std::to_string(c.nEmbd) + ")"};
    const int64_t n = c.nEmbd;
    EncoderWeights& e = w->encoder;

#define HEARTH_BIND(dst, expr)                    \
    do {                                          \
        auto r_ = (expr);                         \
        if (!r_) return r_.error();               \
        dst = *r_;                                \
    } while (0)

    auto pooling = readPooling(file, c.arch);
    if (!pooling) return pooling.error();
    e.pooling = *pooling;

    HEARTH_BIND(w->tokenEmbd, bindMatrix(file, "token_embd.weight", n, c.nVocab));
    // As many token types as the file has rows (usually 2); only row 0 is used.
    const GgufTensor* types = file.findTensor("token_types.weight");
    const int64_t nTypes = types != nullptr && types->nDims == 2 ? types->ne[1] : 1;
    HEARTH_BIND(e.tokenTypes, bindMatrix(file, "token_types.weight", n, nTypes < 1 ? 1 : nTypes));
    if (!nomic) HEARTH_BIND(e.positionEmbd, bindMatrix(file, "position_embd.weight", n, c.nCtxTrain));
    HEARTH_BIND(e.embdNorm, bindVector(file, "token_embd_norm.weight", n));
    HEARTH_BIND(e.embdNormB, bindVector(file, "token_embd_norm.bias", n));

    e.layers.assign(size_t(c.nLayer), EncoderLayerWeights{});
    for (int64_t l = 0; l < c.nLayer; ++l) {
        EncoderLayerWeights& L = e.layers[size_t(l)];
        if (nomic) {
            HEARTH_BIND(L.wqkv, bindMatrix(file, layerName(l, "attn_qkv.weight"), n, n + 2 * c.kvDim()));
            if (file.findTensor(layerName(l, "attn_qkv.bias")) != nullptr)
                HEARTH_BIND(L.bqkv, bindVector(file, layerName(l, "attn_qkv.bias"), n + 2 * c.kvDim()));
        } else {
            HEARTH_BIND(L.wq, bindMatrix(file, layerName(l, "attn_q.weight"), n, n));
            HEARTH_BIND(L.bq, bindVector(file, layerName(l, "attn_q.bias"), n));
            HEARTH_BIND(L.wk, bindMatrix(file, layerName(l, "attn_k.weight"), n, c.kvDim()));
            HEARTH_BIND(L.bk, bindVector(file, layerName(l, "attn_k.bias"), c.kvDim()));
            HEARTH_BIND(L.wv, bindMatrix(file, layerName(l, "attn_v.weight"), n, c.kvDimV()));
            HEARTH_BIND(L.bv, bindVector(file, layerName(l, "attn_v.bias"), c.kvDimV()));
        }
        HEARTH_BIND(L.wo, bindMatrix(file, layerName(l, "attn_output.weight"), n, n));
        if (!nomic) HEARTH_BIND(L.bo, bindVector(file, layerName(l, "attn_output.bias"), n));
        HEARTH_BIND(L.attnOutNorm, bindVector(file, layerName(l, "attn_output_norm.weight"), n));
        HEARTH_BIND(L.attnOutNormB, bindVector(file, layerName(l, "attn_output_norm.bias"), n));
        HEARTH_BIND(L.ffnUp, bindMatrix(file, layerName(l, "ffn_up.weight"), n, c.nFf));
        if (nomic) {
            HEARTH_BIND(L.ffnGate, bindMatrix(file, layerName(l, "ffn_gate.weight"), n, c.nFf));
        } else {
            HEARTH_BIND(L.ffnUpB, bindVector(file, layerName(l, "ffn_up.bias"), c.nFf));
        }
        HEARTH_BIND(L.ffnDown, bindMatrix(file, layerName(l, "ffn_down.weight"), c.nFf, n));
        if (!nomic) HEARTH_BIND(L.ffnDownB, bindVector(file, layerName(l, "ffn_down.bias"), n));
        HEARTH_BIND(L.layerOutNorm, bindVector(file, layerName(l, "layer_output_norm.weight"), n));
        HEARTH_BIND(L.layerOutNormB, bindVector(file, layerName(l, "layer_output_norm.bias"), n));
    }
#undef HEARTH_BIND
    return {};
}

Status bindBert(const GgufFile& file, const ModelConfig& c, ModelWeights* w) { return bindEncoder(file, c, w, false); }
Status bindNomicBert(const GgufFile& file, const ModelConfig& c, ModelWeights* w) {
    return bindEncoder(file, c, w, true);
}

}  // namespace

const ArchDescriptor kArchBert = {
    .name = "bert",
    .ropeStyle = RopeStyle::Neox,  // unused: positions are learned embeddings
    .qkvBias = true,
    .optionalQkvBias = false,
    .tiedOutputAllowed = false,
    .embedding = true,
    .bind = bindBert,
};

const ArchDescriptor kArchNomicBert = {
    .name = "nomic-bert",
    .ropeStyle = RopeStyle::Neox,  // llama.cpp's rope type for nomic-bert: pairs (i, i + d/2)
    .qkvBias = false,
    .optionalQkvBias = false,
    .tiedOutputAllowed = false,
    .embedding = true,
    .bind = bindNomicBert,
};

}  // namespace hearth::engine
