// hearth-cli info: what a model file is and whether it fits, from metadata alone (no weights are read), and how
// fast it should generate here (engine/fit_check.h: the same numbers as the app's models page).
//
// The predicted speed needs the machine's read bandwidth for -t threads: the figure cached by membw, bench or the
// app (engine/membw_cache.h), else a quick measurement that is cached in turn.
//
// For tests only: HEARTH_PROC_DIR and HEARTH_CGROUP_DIR replace /proc and /sys/fs/cgroup when reading the
// memory (engine::systemMemory), so a test can show the verdict change without filling the machine's RAM.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "engine/fit_check.h"
#include "engine/gguf_reader.h"
#include "engine/kv_cache.h"
#include "engine/membw.h"
#include "engine/membw_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model.h"
#include "engine/model_config.h"

namespace hearth::cli {

namespace {

std::string humanBytes(uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", v, units[u]);
}

// Why the engine cannot run this file, or "" when it can (architecture and every tensor type supported).
std::string unsupportedReason(const engine::GgufFile& file, const engine::ModelConfig& config) {
    if (!engine::findArch(config.arch)) return "architecture '" + config.arch + "' is not supported yet";
    for (const engine::GgufTensor& t : file.tensors()) {
        if (!kernels::traitsOf(t.type).computeSupported) {
            return "tensor '" + std::string(t.name) + "' has type " + std::string(kernels::typeName(t.type)) +
                   ", which this version cannot compute";
        }
    }
    return "";
}

// The memory this process may use (see the top of the file for the test-only variables).
std::optional<engine::SystemMemory> machineMemory() {
    const char* proc = std::getenv("HEARTH_PROC_DIR");
    const char* cgroup = std::getenv("HEARTH_CGROUP_DIR");
    return engine::systemMemory(proc != nullptr ? proc : "/proc", cgroup != nullptr ? cgroup : "/sys/fs/cgroup");
}

struct Bandwidth {
    double gbps = 0;
    bool cached = false;     // from the cache file, not measured by this run
    std::string measuredAt;  // UTC, ISO 8601; empty when the measurement could not be stored
};

// The read bandwidth of nThreads threads: cached, else measured now over 256 MiB in 5 passes (far beyond any
// last-level cache, well under a second; bench's and membw's longer runs replace it) and stored. nullopt when the
// measurement fails (no memory for the buffer): the prediction is then left out, the rest of info still stands.
std::optional<Bandwidth> bandwidthFor(int nThreads) {
    if (auto entry = engine::membw_cache::load(nThreads)) return Bandwidth{entry->gbps, true, entry->measuredAt};
    engine::MembwParams params;
    params.nThreads = nThreads;
    params.bufferBytes = uint64_t{256} << 20;
    params.passes = 5;
    auto measured = engine::measureReadBandwidth(params);
    if (!measured) {
        std::fprintf(stderr, "hearth-cli: warning: memory bandwidth not measured: %s\n", measured.message().c_str());
        return std::nullopt;
    }
    auto stored = engine::membw_cache::store(*measured);
    if (!stored) {
        std::fprintf(stderr, "hearth-cli: warning: bandwidth not cached: %s\n", stored.message().c_str());
        return Bandwidth{measured->gbps, false, ""};
    }
    return Bandwidth{stored->gbps, false, stored->measuredAt};
}

}  // namespace

int cmdInfo(const Args& args) {
    auto path = args.required("-m");
    if (!path) return fail(path.message());
    auto file = engine::GgufFile::open(*path);
    if (!file) return fail(file.message());
    auto config = engine::ModelConfig::fromGguf(**file);
    if (!config) return fail(*path + ": " + config.message());

    const int64_t defaultCtx = std::min<int64_t>(config->nCtxTrain, 4096);
    auto ctx = args.intValue("--ctx", defaultCtx, 1, int64_t{1} << 24);
    if (!ctx) return fail(ctx.message());
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return fail(threads.message());

    std::map<std::string, int> typeCounts;
    uint64_t nParams = 0;
    for (const engine::GgufTensor& t : (*file)->tensors()) {
        ++typeCounts[std::string(kernels::typeName(t.type))];
        nParams += uint64_t(t.nElements());
    }
    // The memory estimate uses the cache type asked for; kv_bytes_per_token stays the F16 figure (issue 5), the
    // chosen type's is kv_bytes_per_token_selected.
    auto kvType = kvTypeOption(args, engine::KvType::F16);
    if (!kvType) return fail(kvType.message());
    if (Status st = engine::checkKvType(*kvType, config->headDim, config->headDimV); !st) {
        return fail(*path + ": " + st.message());
    }
    const uint64_t kvPerTokenF16 = engine::kvBytesPerToken(*config, kernels::GgmlType::F16);
    const std::string kvName(engine::kvTypeName(*kvType));
    const std::optional<engine::SystemMemory> sys = machineMemory();
    const std::optional<Bandwidth> bw = bandwidthFor(int(*threads));
    const engine::FitReport fit =
        engine::fitCheck(**file, *config, *ctx, engine::kvGgmlType(*kvType), sys.value_or(engine::SystemMemory{}),
                         bw ? std::optional<double>(bw->gbps) : std::nullopt);
    const engine::MemoryEstimate& mem = fit.memory;
    // Without /proc/meminfo (not Linux) there is nothing to compare with.
    const std::string verdict = sys ? std::string(engine::fitVerdictName(fit.verdict)) : "unknown";
    const std::string unsupported = unsupportedReason(**file, *config);
    // Encoder-only models (bert, nomic-bert) embed text (hearth-cli embed) and cannot chat.
    const engine::ArchDescriptor* archDesc = engine::findArch(config->arch);
    const bool embeddingModel = archDesc != nullptr && archDesc->embedding;

    if (args.has("--json")) {
        JsonWriter j;
        j.beginObject()
            .field("path", *path)
            .field("arch", config->arch)
            .field("name", config->name)
            .field("gguf_version", int64_t((*file)->version()))
            .field("n_params", nParams)
            .field("file_bytes", (*file)->fileBytes())
            .field("weight_bytes", mem.weightBytes);
        j.key("tensor_types").beginObject();
        for (const auto& [name, count] : typeCounts) j.field(name, int64_t(count));
        j.endObject()
            .field("n_vocab", config->nVocab)
            .field("n_embd", config->nEmbd)
            .field("n_layer", config->nLayer)
            .field("n_head", config->nHead)
            .field("n_head_kv", config->nHeadKv)
            .field("n_ff", config->nFf)
            .field("n_ctx_train", config->nCtxTrain)
            .field("ctx", *ctx)
            .field("kv_bytes_per_token", kvPerTokenF16)
            .field("kv_type", kvName)
            .field("kv_bytes_per_token_selected", mem.kvBytesPerToken)
            .field("kv_bytes", mem.kvBytes)
            .field("compute_bytes", mem.computeBytes)
            .field("overhead_bytes", mem.overheadBytes)
            .field("ram_needed_bytes", mem.totalBytes())
            .field("ram_available_bytes", sys ? sys->availableBytes : uint64_t{0})
            .field("ram_total_bytes", sys ? sys->totalBytes : uint64_t{0})
            .field("fits", sys ? mem.totalBytes() <= sys->availableBytes : false)
            .field("fit", verdict)
            .field("max_ctx_fit", fit.maxCtxFit)
            .field("bytes_per_token", fit.weightBytesPerToken)
            .field("predicted_tg_tps", fit.predictedTgTps)
            .field("mem_gbps", fit.bandwidthGbps)
            .field("mem_threads", *threads)
            .field("mem_cached", bw ? bw->cached : false)
            .field("supported", unsupported.empty())
            .field("embedding_model", embeddingModel);
        if (!unsupported.empty()) j.field("unsupported_reason", unsupported);
        j.endObject();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }

    std::printf("file:          %s (%s, GGUF v%u)\n", path->c_str(), humanBytes((*file)->fileBytes()).c_str(),
                (*file)->version());
    std::printf("architecture:  %s%s%s\n", config->arch.c_str(), config->name.empty() ? "" : " — ",
                config->name.c_str());
    std::printf("parameters:    %s (%.3f B)\n", fmt::format("{}", nParams).c_str(), double(nParams) / 1e9);
    std::printf("shape:         n_embd %lld, %lld layers, %lld heads (%lld KV), n_ff %lld, vocab %lld, "
                "trained context %lld\n",
                (long long)config->nEmbd, (long long)config->nLayer, (long long)config->nHead,
                (long long)config->nHeadKv, (long long)config->nFf, (long long)config->nVocab,
                (long long)config->nCtxTrain);
    std::string mix;
    for (const auto& [name, count] : typeCounts) mix += fmt::format("{}{} {}", mix.empty() ? "" : ", ", name, count);
    std::printf("tensor types:  %s\n", mix.c_str());
    std::printf("weights:       %s\n", humanBytes(mem.weightBytes).c_str());
    std::printf("KV cache:      %s per token (%s); %s at %lld tokens\n", humanBytes(mem.kvBytesPerToken).c_str(),
                kvName.c_str(), humanBytes(mem.kvBytes).c_str(), (long long)*ctx);
    std::printf("RAM needed:    %s (weights + KV + %s compute + %s overhead)\n",
                humanBytes(mem.totalBytes()).c_str(), humanBytes(mem.computeBytes).c_str(),
                humanBytes(mem.overheadBytes).c_str());
    if (sys) {
        std::printf("RAM:           %s available of %s%s\n", humanBytes(sys->availableBytes).c_str(),
                    humanBytes(sys->totalBytes).c_str(), sys->cgroupLimited ? " (container limit)" : "");
        std::printf("fit:           %s\n", fit.summary().c_str());
    }
    if (bw) {
        const std::string source = bw->cached ? "cached, measured " + bw->measuredAt : "measured now";
        std::printf("speed:         ~%.*f tokens/s generation at most: %.1f GB/s (%lld threads, %s) / %s read per "
                    "token (%s weights + %s KV at half the context)\n",
                    fit.predictedTgTps < 10 ? 1 : 0, fit.predictedTgTps, bw->gbps, (long long)*threads,
                    source.c_str(),
                    humanBytes(uint64_t(double(fit.weightBytesPerToken) + fit.kvBytesReadPerToken)).c_str(),
                    humanBytes(fit.weightBytesPerToken).c_str(), humanBytes(uint64_t(fit.kvBytesReadPerToken)).c_str());
    } else {
        std::printf("speed:         unknown (the memory bandwidth could not be measured)\n");
    }
    std::printf("supported:     %s\n", !unsupported.empty() ? unsupported.c_str()
                                       : embeddingModel   ? "yes, as an embedding model (hearth-cli embed; no chat)"
                                                          : "yes");
    return 0;
}

}  // namespace hearth::cli
