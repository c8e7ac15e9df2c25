// Pieces the model-running commands share: loading a model with its vocabulary, and the common options.
#pragma once

#include <memory>
#include <string>

#include "app/cli/cli_args.h"
#include "engine/forward.h"
#include "engine/model.h"
#include "engine/result.h"
#include "engine/sampler.h"
#include "engine/vocab.h"

namespace hearth::cli {

struct LoadedModel {
    std::unique_ptr<engine::Model> model;
    engine::Vocab vocab;
};

// -m MODEL: maps the file, binds the weights and reads the vocabulary.
Result<LoadedModel> loadModel(const Args& args);

// The load options the command line asks for (--no-repack).
engine::ModelOptions modelOptions(const Args& args);

// --kv-type f16|q8_0|f32 (fallback when absent). An unknown name is an error listing the accepted ones.
Result<engine::KvType> kvTypeOption(const Args& args, engine::KvType fallback);

// -t N, --ctx N (default: the model's training context capped at 4096) and --kv-type (default f16; a type the
// model's head_dim cannot use is an error naming head_dim).
Result<engine::ContextParams> contextParams(const Args& args, const engine::Model& model);

// --temp, --top-k, --top-p, --min-p, --repeat-penalty, --seed.
Result<engine::SamplerParams> samplerParams(const Args& args, float defaultTemperature);

}  // namespace hearth::cli
