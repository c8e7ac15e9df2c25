// ModelConfig::fromGguf: hyper-parameters from "<arch>.*" metadata keys (llama.cpp's names), checked for
// consistency. Nothing here touches tensor data; only token_embd.weight's shape is read for n_vocab.
#include "engine/model_config.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "engine/gguf_reader.h"

namespace hearth::engine {
namespace {

// Upper bounds far above any released model; they only reject garbage before it sizes an allocation.
constexpr int64_t kMaxEmbd = int64_t{1} << 20;
constexpr int64_t kMaxLayers = 4096;
constexpr int64_t kMaxHeads = 4096;
constexpr int64_t kMaxHeadDim = 4096;
constexpr int64_t kMaxFf = int64_t{1} << 22;
constexpr int64_t kMaxCtx = int64_t{1} << 24;    // 16M tokens (largest released: 10M)
constexpr int64_t kMaxVocab = int64_t{1} << 24;  // largest released: ~256K
constexpr double kMaxRopeTheta = 1e12;
constexpr double kMaxRopeFactor = 1024.0;

std::string fmtFloat(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

bool isIntegerType(GgufType t) {
    switch (t) {
    case GgufType::Uint8: case GgufType::Int8: case GgufType::Uint16: case GgufType::Int16:
    case GgufType::Uint32: case GgufType::Int32: case GgufType::Uint64: case GgufType::Int64:
        return true;
    default:
        return false;
    }
}

Error typeError(std::string_view key, const GgufValue& v, std::string_view expected) {
    return Error{"GGUF key '" + std::string(key) + "' has type " + std::string(ggufTypeName(v.type)) +
                 ", expected " + std::string(expected)};
}

// Reads the "<arch>.*" keys of one file. Each getter distinguishes "absent" (nullopt inside an ok Result) from
// "present but unusable" (an Error naming the key).
class KeyReader {
public:
    KeyReader(const GgufFile& file, std::string arch) : file_(file), prefix_(std::move(arch) + ".") {}

    std::string key(std::string_view suffix) const { return prefix_ + std::string(suffix); }

    // An integer key. Per-layer arrays (some architectures write one value per layer) are accepted when every
    // element is equal, since this engine supports only uniform layers.
    Result<std::optional<int64_t>> integer(std::string_view suffix) const {
        const std::string k = key(suffix);
        const GgufValue* v = file_.find(k);
        if (!v) return std::optional<int64_t>{};
        if (v->type == GgufType::Array) {
            if (!isIntegerType(v->elemType) || v->count == 0)
                return Error{"GGUF key '" + k + "' is an array of " + std::to_string(v->count) + " " +
                             std::string(ggufTypeName(v->elemType)) + ", expected an integer"};
            const int64_t first = v->arrayInt(0);
            for (uint64_t i = 1; i < v->count; ++i) {
                if (v->arrayInt(i) != first)
                    return Error{"GGUF key '" + k + "' differs per layer (" + std::to_string(first) + " at 0, " +
                                 std::to_string(v->arrayInt(i)) + " at " + std::to_string(i) +
                                 "); only uniform layers are supported"};
            }
            return std::optional<int64_t>{first};
        }
        if (!isIntegerType(v->type)) return typeError(k, *v, "an integer");
        if (v->type == GgufType::Uint64 && v->u > uint64_t{INT64_MAX})
            return Error{"GGUF key '" + k + "' = " + std::to_string(v->u) + " is too large"};
        const std::optional<int64_t> i = file_.getInt(k);
        if (!i) return typeError(k, *v, "an integer");
        return std::optional<int64_t>{*i};
    }

    // A float key; integers are accepted too (some converters write e.g. freq_base as an integer).
    Result<std::optional<double>> real(std::string_view suffix) const {
        const std::string k = key(suffix);
        const GgufValue* v = file_.find(k);
        if (!v) return std::optional<double>{};
        if (const std::optional<double> f = file_.getFloat(k)) return std::optional<double>{*f};
        if (const std::optional<int64_t> i = file_.getInt(k)) return std::optional<double>{double(*i)};
        return typeError(k, *v, "a number");
    }

    Result<std::optional<std::string_view>> string(std::string_view suffix) const {
        const std::string k = key(suffix);
        const GgufValue* v = file_.find(k);
        if (!v) return std::optional<std::string_view>{};
        if (v->type != GgufType::String) return typeError(k, *v, "a string");
        return std::optional<std::string_view>{v->str};
    }

private:
    const GgufFile& file_;
    std::string prefix_;
};

// Range check for an integer hyper-parameter: lo <= value <= hi.
Status checkRange(const std::string& key, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi)
        return Error{"GGUF key '" + key + "' = " + std::to_string(value) + " is out of range (expected " +
                     std::to_string(lo) + ".." + std::to_string(hi) + ")"};
    return {};
}

Status checkRangeF(const std::string& key, double value, double lo, double hi, bool loExclusive) {
    const bool low = loExclusive ? !(value > lo) : !(value >= lo);
    if (!std::isfinite(value) || low || value > hi)
        return Error{"GGUF key '" + key + "' = " + fmtFloat(value) + " is out of range (expected " +
                     (loExclusive ? "> " : ">= ") + fmtFloat(lo) + " and <= " + fmtFloat(hi) + ")"};
    return {};
}

// Architectures whose rotary embedding pairs dimension i with i + d/2 (GPT-NeoX layout). Everything else uses the
// original interleaved pairs (2i, 2i+1) as llama does.
bool usesNeoxRope(std::string_view arch) {
    constexpr std::string_view kNeox[] = {
        "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe", "phi2", "phi3", "phimoe", "gemma", "gemma2",
        "gemma3", "stablelm", "gptneox", "falcon", "starcoder2", "olmo2", "olmoe", "openelm", "nemotron",
        "exaone", "codeshell", "orion", "bert", "nomic-bert", "jina-bert-v2", "grok", "dbrx", "plamo", "minicpm3",
    };
    for (std::string_view a : kNeox)
        if (a == arch) return true;
    return false;
}

}  // namespace

Result<ModelConfig> ModelConfig::fromGguf(const GgufFile& file) {
    ModelConfig c;
    const GgufValue* archValue = file.find("general.architecture");
    if (!archValue) return Error{"GGUF key 'general.architecture' is missing"};
    if (archValue->type != GgufType::String) return typeError("general.architecture", *archValue, "a string");
    if (archValue->str.empty()) return Error{"GGUF key 'general.architecture' is empty"};
    c.arch = std::string(archValue->str);
    if (const std::optional<std::string_view> name = file.getString("general.name")) c.name = std::string(*name);

    const KeyReader r(file, c.arch);

// Reads an optional key into `out` (propagating a type error), leaving `out` unchanged when absent.
#define HEARTH_READ(getter, suffix, out)                       \
    do {                                                       \
        auto res_ = r.getter(suffix);                          \
        if (!res_.ok()) return res_.error();                   \
        if (res_.value()) (out) = *res_.value();               \
    } while (0)
// Reads a key that must be present.
#define HEARTH_REQUIRE(getter, suffix, out)                                             \
    do {                                                                                \
        auto res_ = r.getter(suffix);                                                   \
        if (!res_.ok()) return res_.error();                                            \
        if (!res_.value()) return Error{"GGUF key '" + r.key(suffix) + "' is missing"}; \
        (out) = *res_.value();                                                          \
    } while (0)

    HEARTH_REQUIRE(integer, "embedding_length", c.nEmbd);
    HEARTH_REQUIRE(integer, "block_count", c.nLayer);
    HEARTH_REQUIRE(integer, "attention.head_count", c.nHead);
    HEARTH_REQUIRE(integer, "feed_forward_length", c.nFf);
    HEARTH_REQUIRE(integer, "context_length", c.nCtxTrain);
    if (Status s = checkRange(r.key("embedding_length"), c.nEmbd, 1, kMaxEmbd); !s) return s.error();
    if (Status s = checkRange(r.key("block_count"), c.nLayer, 1, kMaxLayers); !s) return s.error();
    if (Status s = checkRange(r.key("attention.head_count"), c.nHead, 1, kMaxHeads); !s) return s.error();
    if (Status s = checkRange(r.key("feed_forward_length"), c.nFf, 1, kMaxFf); !s) return s.error();
    if (Status s = checkRange(r.key("context_length"), c.nCtxTrain, 1, kMaxCtx); !s) return s.error();

    c.nHeadKv = c.nHead;
    HEARTH_READ(integer, "attention.head_count_kv", c.nHeadKv);
    if (Status s = checkRange(r.key("attention.head_count_kv"), c.nHeadKv, 1, c.nHead); !s) return s.error();
    if (c.nHead % c.nHeadKv != 0)
        return Error{"GGUF key '" + r.key("attention.head_count_kv") + "' = " + std::to_string(c.nHeadKv) +
                     " does not divide " + r.key("attention.head_count") + " = " + std::to_string(c.nHead)};

    // Head dimensions: explicit keys win (gemma2: head_count * key_length != embedding_length).
    {
        auto k = r.integer("attention.key_length");
        if (!k.ok()) return k.error();
        if (k.value()) {
            c.headDim = *k.value();
        } else {
            if (c.nEmbd % c.nHead != 0)
                return Error{"GGUF key '" + r.key("embedding_length") + "' = " + std::to_string(c.nEmbd) +
                             " is not a multiple of " + r.key("attention.head_count") + " = " +
                             std::to_string(c.nHead) + " and '" + r.key("attention.key_length") + "' is missing"};
            c.headDim = c.nEmbd / c.nHead;
        }
    }
    if (Status s = checkRange(r.key("attention.key_length"), c.headDim, 1, kMaxHeadDim); !s) return s.error();
    c.headDimV = c.headDim;
    HEARTH_READ(integer, "attention.value_length", c.headDimV);
    if (Status s = checkRange(r.key("attention.value_length"), c.headDimV, 1, kMaxHeadDim); !s) return s.error();

    c.nRot = c.headDim;
    HEARTH_READ(integer, "rope.dimension_count", c.nRot);
    if (Status s = checkRange(r.key("rope.dimension_count"), c.nRot, 0, c.headDim); !s) return s.error();
    if (c.nRot % 2 != 0)
        return Error{"GGUF key '" + r.key("rope.dimension_count") + "' = " + std::to_string(c.nRot) +
                     " is odd (rotary pairs need an even count)"};

    // Normalisation epsilon: RMSNorm models write layer_norm_rms_epsilon, LayerNorm ones layer_norm_epsilon.
    {
        auto rms = r.real("attention.layer_norm_rms_epsilon");
        if (!rms.ok()) return rms.error();
        auto ln = r.real("attention.layer_norm_epsilon");
        if (!ln.ok()) return ln.error();
        std::string key;
        double eps = 0;
        if (rms.value()) {
            key = r.key("attention.layer_norm_rms_epsilon");
            eps = *rms.value();
        } else if (ln.value()) {
            key = r.key("attention.layer_norm_epsilon");
            eps = *ln.value();
        } else {
            return Error{"GGUF key '" + r.key("attention.layer_norm_rms_epsilon") + "' (or '" +
                         r.key("attention.layer_norm_epsilon") + "') is missing"};
        }
        if (Status s = checkRangeF(key, eps, 0.0, 1.0, true); !s) return s.error();
        c.rmsEps = float(eps);
    }

    {
        double theta = 10000.0;
        HEARTH_READ(real, "rope.freq_base", theta);
        if (Status s = checkRangeF(r.key("rope.freq_base"), theta, 0.0, kMaxRopeTheta, true); !s) return s.error();
        c.ropeTheta = float(theta);
    }
    c.ropeStyle = usesNeoxRope(c.arch) ? RopeStyle::Neox : RopeStyle::Norm;

    // Context extension. Newer files write rope.scaling.{type,factor,original_context_length}; older ones only
    // rope.scale_linear (a linear factor).
    {
        std::optional<std::string_view> type;
        HEARTH_READ(string, "rope.scaling.type", type);
        double factor = 0.0;  // 0: not given
        HEARTH_READ(real, "rope.scaling.factor", factor);
        double linear = 0.0;
        HEARTH_READ(real, "rope.scale_linear", linear);
        if (type) {
            if (*type == "none") c.ropeScaling = RopeScaling::None;
            else if (*type == "linear") c.ropeScaling = RopeScaling::Linear;
            else if (*type == "yarn") c.ropeScaling = RopeScaling::Yarn;
            else if (*type == "llama3") c.ropeScaling = RopeScaling::Llama3;
            else
                return Error{"GGUF key '" + r.key("rope.scaling.type") + "' = '" + std::string(*type) +
                             "' is not supported (expected none, linear, yarn or llama3)"};
        } else if (linear != 0.0) {
            c.ropeScaling = RopeScaling::Linear;
        }
        std::string factorKey = r.key("rope.scaling.factor");
        if (factor == 0.0 && linear != 0.0) {
            factor = linear;
            factorKey = r.key("rope.scale_linear");
        }
        if (factor != 0.0) {
            if (Status s = checkRangeF(factorKey, factor, 0.0, kMaxRopeFactor, true); !s) return s.error();
            c.ropeScaleFactor = float(factor);
        }
        HEARTH_READ(integer, "rope.scaling.original_context_length", c.ropeOrigCtx);
        if (Status s = checkRange(r.key("rope.scaling.original_context_length"), c.ropeOrigCtx, 0, kMaxCtx); !s)
            return s.error();

        // Llama 3.1 factors. llama.cpp's converter bakes them into a rope_freqs.weight tensor instead; files that
        // carry the keys get Llama3 scaling even without a scaling.type.
        double low = 0.0, high = 0.0;
        HEARTH_READ(real, "rope.scaling.low_freq_factor", low);
        HEARTH_READ(real, "rope.scaling.high_freq_factor", high);
        if (low != 0.0 || high != 0.0) {
            if (low != 0.0) {
                if (Status s = checkRangeF(r.key("rope.scaling.low_freq_factor"), low, 0.0, kMaxRopeFactor, true); !s)
                    return s.error();
                c.ropeLowFreqFactor = float(low);
            }
            if (high != 0.0) {
                if (Status s = checkRangeF(r.key("rope.scaling.high_freq_factor"), high, 0.0, kMaxRopeFactor, true);
                    !s)
                    return s.error();
                c.ropeHighFreqFactor = float(high);
            }
            if (!type) c.ropeScaling = RopeScaling::Llama3;
            if (c.ropeHighFreqFactor <= c.ropeLowFreqFactor)
                return Error{"GGUF key '" + r.key("rope.scaling.high_freq_factor") + "' = " +
                             fmtFloat(c.ropeHighFreqFactor) + " is not above low_freq_factor = " +
                             fmtFloat(c.ropeLowFreqFactor)};
        }
        if (c.ropeScaling == RopeScaling::None) c.ropeScaleFactor = 1.f;  // a factor without a scaling type
    }

#undef HEARTH_READ
#undef HEARTH_REQUIRE

    // Vocabulary size: rows of the embedding matrix, else the tokenizer's token list, else <arch>.vocab_size.
    if (const GgufTensor* embd = file.findTensor("token_embd.weight")) {
        if (embd->nDims != 2 || embd->ne[0] != c.nEmbd)
            return Error{"tensor 'token_embd.weight' has shape [" + std::to_string(embd->ne[0]) + ", " +
                         std::to_string(embd->ne[1]) + "] (" + std::to_string(embd->nDims) +
                         " dims), expected [" + std::to_string(c.nEmbd) + " (" + r.key("embedding_length") +
                         "), n_vocab]"};
        c.nVocab = embd->ne[1];
        if (Status s = checkRange("token_embd.weight rows", c.nVocab, 1, kMaxVocab); !s)
            return Error{"tensor 'token_embd.weight' has " + std::to_string(c.nVocab) +
                         " rows, expected 1.." + std::to_string(kMaxVocab)};
    } else if (const GgufValue* tokens = file.getArray("tokenizer.ggml.tokens")) {
        c.nVocab = int64_t(tokens->count);
        if (Status s = checkRange("tokenizer.ggml.tokens", c.nVocab, 1, kMaxVocab); !s)
            return Error{"GGUF key 'tokenizer.ggml.tokens' has " + std::to_string(c.nVocab) +
                         " entries, expected 1.." + std::to_string(kMaxVocab)};
    } else {
        auto v = r.integer("vocab_size");
        if (!v.ok()) return v.error();
        if (!v.value())
            return Error{"cannot determine the vocabulary size: no tensor 'token_embd.weight', no key "
                         "'tokenizer.ggml.tokens' and no key '" + r.key("vocab_size") + "'"};
        c.nVocab = *v.value();
        if (Status s = checkRange(r.key("vocab_size"), c.nVocab, 1, kMaxVocab); !s) return s.error();
    }
    return c;
}

}  // namespace hearth::engine
