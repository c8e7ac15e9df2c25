// Hyper-parameters of a decoder model, read from GGUF metadata alone (no tensor data is touched), so the memory
// estimate and `hearth-cli info` can use them without loading weights.
#pragma once

#include <cstdint>
#include <string>

#include "engine/result.h"

namespace hearth::engine {

class GgufFile;

enum class RopeStyle : uint8_t {
    Norm,  // rotate pairs (2i, 2i+1): llama
    Neox,  // rotate pairs (i, i + d/2): qwen2, phi3, gemma2
};

enum class RopeScaling : uint8_t { None, Linear, Yarn, Llama3 };

struct ModelConfig {
    std::string arch;          // general.architecture, e.g. "llama", "qwen2"
    std::string name;          // general.name (may be empty)
    int64_t nVocab = 0;        // rows of token_embd
    int64_t nEmbd = 0;         // residual stream width
    int64_t nLayer = 0;
    int64_t nHead = 0;         // query heads
    int64_t nHeadKv = 0;       // key/value heads (GQA: nHead % nHeadKv == 0)
    int64_t headDim = 0;       // key_length (defaults to nEmbd / nHead)
    int64_t headDimV = 0;      // value_length (defaults to headDim)
    int64_t nFf = 0;           // feed-forward hidden width
    int64_t nCtxTrain = 0;     // context length the model was trained with
    int64_t nRot = 0;          // rotary dimensions (rope.dimension_count; defaults to headDim)
    float rmsEps = 1e-5f;      // attention.layer_norm_rms_epsilon
    float ropeTheta = 10000.f; // rope.freq_base
    RopeStyle ropeStyle = RopeStyle::Norm;
    RopeScaling ropeScaling = RopeScaling::None;
    float ropeScaleFactor = 1.f;     // rope.scaling.factor (Linear/Yarn/Llama3)
    int64_t ropeOrigCtx = 0;         // rope.scaling.original_context_length
    float ropeLowFreqFactor = 1.f;   // Llama 3.1 scaling
    float ropeHighFreqFactor = 4.f;  // Llama 3.1 scaling

    int64_t kvDim() const { return nHeadKv * headDim; }
    int64_t kvDimV() const { return nHeadKv * headDimV; }

    // Reads "<arch>.*" keys and checks them for consistency; errors name the key and the value found.
    static Result<ModelConfig> fromGguf(const GgufFile& file);
};

}  // namespace hearth::engine
