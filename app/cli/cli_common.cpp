#include "app/cli/cli_common.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "app/cli/commands.h"
#include "engine/memory_estimate.h"

namespace hearth::cli {

int fail(const std::string& message) {
    std::fprintf(stderr, "hearth-cli: %s\n", message.c_str());
    return 1;
}

Result<LoadedModel> loadModel(const Args& args) {
    auto path = args.required("-m");
    if (!path) return path.error();
    auto file = engine::GgufFile::open(*path);
    if (!file) return file.error();
    auto vocab = engine::Vocab::fromGguf(**file);
    if (!vocab) return Error{*path + ": " + vocab.message()};
    auto model = engine::Model::load(std::move(file).value(), modelOptions(args));
    if (!model) return Error{*path + ": " + model.message()};
    return LoadedModel{std::move(model).value(), std::move(vocab).value()};
}

engine::ModelOptions modelOptions(const Args& args) {
    engine::ModelOptions options;
    options.repack = !args.has("--no-repack");
    return options;
}

Result<engine::KvType> kvTypeOption(const Args& args, engine::KvType fallback) {
    const std::optional<std::string> name = args.value("--kv-type");
    if (!name) return fallback;
    const std::optional<engine::KvType> type = engine::parseKvType(*name);
    if (!type) return Error{"option '--kv-type' expects f16, q8_0 or f32, found '" + *name + "'"};
    return *type;
}

Result<engine::ContextParams> contextParams(const Args& args, const engine::Model& model) {
    engine::ContextParams params;
    auto kv = kvTypeOption(args, engine::KvType::F16);
    if (!kv) return kv.error();
    if (Status st = engine::checkKvType(*kv, model.config().headDim, model.config().headDimV); !st) return st.error();
    params.kv = *kv;
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return threads.error();
    const int64_t defaultCtx = std::min<int64_t>(model.config().nCtxTrain, 4096);
    auto ctx = args.intValue("--ctx", defaultCtx, 1, int64_t{1} << 24);
    if (!ctx) return ctx.error();
    params.nThreads = int(*threads);
    params.nCtx = int(*ctx);
    // The KV cache is allocated (and zeroed) up front: a context far beyond the machine's RAM would otherwise
    // thrash for minutes or get the process killed instead of failing with a reason. Only the KV cache is counted
    // (weights are memory-mapped; the compute estimate is a loose upper bound), so only a context that cannot
    // possibly fit is refused.
    if (const std::optional<engine::SystemMemory> sys = engine::systemMemory()) {
        const uint64_t need = engine::kvBytesPerToken(model.config(), engine::kvGgmlType(*kv)) * uint64_t(*ctx);
        if (need > sys->availableBytes) {
            return Error{"a context of " + std::to_string(*ctx) + " tokens needs " + std::to_string(need >> 20) +
                         " MiB for its KV cache, but only " +
                         std::to_string(sys->availableBytes >> 20) + " MiB of RAM is available (use a smaller --ctx)"};
        }
    }
    return params;
}

Result<engine::SamplerParams> samplerParams(const Args& args, float defaultTemperature) {
    engine::SamplerParams p;
    auto temp = args.floatValue("--temp", defaultTemperature);
    if (!temp) return temp.error();
    auto topK = args.intValue("--top-k", p.topK, 0, INT32_MAX);  // SamplerParams::topK is an int32_t
    if (!topK) return topK.error();
    auto topP = args.floatValue("--top-p", p.topP);
    if (!topP) return topP.error();
    auto minP = args.floatValue("--min-p", p.minP);
    if (!minP) return minP.error();
    auto repeat = args.floatValue("--repeat-penalty", p.repeatPenalty);
    if (!repeat) return repeat.error();
    auto seed = args.intValue("--seed", -1, -1, INT64_MAX);
    if (!seed) return seed.error();
    p.temperature = float(*temp);
    p.topK = int32_t(*topK);
    p.topP = float(*topP);
    p.minP = float(*minP);
    p.repeatPenalty = float(*repeat);
    p.seed = *seed < 0 ? engine::Sampler::randomSeed() : uint64_t(*seed);
    return p;
}

}  // namespace hearth::cli
