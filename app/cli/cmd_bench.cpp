// hearth-cli bench: prompt-processing and generation speed of a model (like llama-bench's pp512 / tg128), set
// against the machine's memory read bandwidth: generation reads every weight once per token, so
// tokens/s <= bandwidth / bytes per token is its ceiling (the roofline). With HEARTH_PROFILE=1 in the environment
// it also prints, on stderr, the forward pass's time per stage (engine/stage_profile.h) for pp and for tg.
// The bandwidth comes from the cache that `membw` and the desktop app fill (engine/membw_cache.h), so all three
// predict the same ceiling; without an entry for the thread count (or with --remeasure) it is measured and stored.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "engine/fit_check.h"
#include "engine/forward.h"
#include "engine/membw.h"
#include "engine/membw_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model.h"
#include "engine/model_synth.h"
#include "kernels/dispatch.h"

namespace hearth::cli {
namespace {

struct Stats {
    double mean = 0;
    double std = 0;  // sample standard deviation (0 for one run)
};

Stats stats(const std::vector<double>& v) {
    Stats s;
    if (v.empty()) return s;
    for (double x : v) s.mean += x;
    s.mean /= double(v.size());
    if (v.size() > 1) {
        double ss = 0;
        for (double x : v) ss += (x - s.mean) * (x - s.mean);
        s.std = std::sqrt(ss / double(v.size() - 1));
    }
    return s;
}

// "llama 1.1B Q4_0": architecture, parameter count, file type (from general.file_type).
std::string modelLabel(const engine::Model& model, uint64_t nParams) {
    std::string size;
    if (nParams >= 1000000000) {
        size = fmt::format("{:.1f}B", double(nParams) / 1e9);
    } else if (nParams >= 1000000) {
        size = fmt::format("{:.0f}M", double(nParams) / 1e6);
    } else {
        size = fmt::format("{:.0f}K", double(nParams) / 1e3);
    }
    std::string ftype = "?";
    if (auto raw = model.file().getUint("general.file_type")) {
        if (auto name = engine::fileTypeNameOf(uint32_t(*raw))) ftype = std::string(*name);
    }
    return model.config().arch + " " + size + " " + ftype;
}

// s padded with spaces to `width` columns (code points, so "±" counts once), right-aligned.
std::string cell(const std::string& s, size_t width) {
    size_t columns = 0;
    for (unsigned char c : s) columns += (c & 0xC0) != 0x80;
    return columns >= width ? s : std::string(width - columns, ' ') + s;
}

std::string countLabel(uint64_t n) {
    if (n >= 1000000000) return fmt::format("{:.2f} B", double(n) / 1e9);
    if (n >= 1000000) return fmt::format("{:.2f} M", double(n) / 1e6);
    return fmt::format("{:.2f} K", double(n) / 1e3);
}

// HEARTH_PROFILE=1: the forward pass's wall time per stage over the timed runs of one test, per token and as a
// share, and the thread pool's dispatches and caller-side waits (after the caller's share of a dispatch is done).
std::string profileReport(const std::string& test, const engine::Context& ctx) {
    const engine::StageProfile& p = ctx.profile();
    const double perTok = p.tokens() > 0 ? 1e3 / double(p.tokens()) : 0.0;  // seconds -> ms per token
    double total = 0;
    for (size_t s = 0; s < size_t(engine::Stage::Count); ++s) total += p.seconds(engine::Stage(s));
    std::string out = fmt::format("profile {} ({} tokens, {} forward passes): {:.3f} ms/token\n", test, p.tokens(),
                                  p.evals(), total * perTok);
    for (size_t s = 0; s < size_t(engine::Stage::Count); ++s) {
        const double sec = p.seconds(engine::Stage(s));
        out += fmt::format("  {:<16} {:9.3f} ms/token {:5.1f}%\n", engine::stageName(engine::Stage(s)), sec * perTok,
                           total > 0 ? 100.0 * sec / total : 0.0);
    }
    const engine::ThreadPool& pool = ctx.pool();
    out += fmt::format("  thread pool: {:.1f} dispatches/token, caller waited {:.3f} ms/token (included above)\n",
                       p.tokens() > 0 ? double(pool.dispatches()) / double(p.tokens()) : 0.0,
                       pool.waitSeconds() * perTok);
    return out;
}

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int cmdBench(const Args& args) {
    auto path = args.required("-m");
    if (!path) return fail(path.message());
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return fail(threads.message());
    auto nPrompt = args.intValue("-p", 512, 0, int64_t{1} << 20);
    if (!nPrompt) return fail(nPrompt.message());
    auto nGen = args.intValue("-n", 128, 0, int64_t{1} << 20);
    if (!nGen) return fail(nGen.message());
    // -d N: both tests start with N tokens already in the context (llama-bench's depth), e.g. tg at a long context.
    auto depth = args.intValue("-d", 0, 0, int64_t{1} << 20);
    if (!depth) return fail(depth.message());
    auto reps = args.intValue("-r", 3, 1, 1000);
    if (!reps) return fail(reps.message());
    auto kvType = kvTypeOption(args, engine::KvType::F16);
    if (!kvType) return fail(kvType.message());

    const auto loadStart = std::chrono::steady_clock::now();
    auto loaded = engine::Model::load(*path, modelOptions(args));
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
    if (!loaded) return fail(loaded.message());
    const engine::Model& model = **loaded;
    const engine::ModelConfig& cfg = model.config();

    engine::ContextParams cp;
    cp.nCtx = int(std::max<int64_t>(1, *depth + *nPrompt + *nGen));
    cp.nThreads = int(*threads);
    cp.kv = *kvType;
    cp.exact = false;
    cp.nBatch = int(std::clamp<int64_t>(std::max(*nPrompt, *depth), 1, 512));  // one step for pp512 (llama-bench)
    const char* profileEnv = std::getenv("HEARTH_PROFILE");
    cp.profile = profileEnv != nullptr && std::string(profileEnv) == "1";
    auto ctxOr = engine::Context::create(model, cp);
    if (!ctxOr) return fail(*path + ": " + ctxOr.message());
    engine::Context& ctx = **ctxOr;

    // Random valid token ids from a fixed seed: the same input every run.
    std::mt19937_64 rng(1234);
    std::uniform_int_distribution<int32_t> tokenDist(0, int32_t(cfg.nVocab - 1));
    std::vector<int32_t> prompt(static_cast<size_t>(*nPrompt));
    for (int32_t& t : prompt) t = tokenDist(rng);
    std::vector<int32_t> gen(static_cast<size_t>(*nGen));
    for (int32_t& t : gen) t = tokenDist(rng);

    // The depth's tokens are evaluated once (untimed); each run then truncates the context back to them.
    std::vector<int32_t> prefill(static_cast<size_t>(*depth));
    for (int32_t& t : prefill) t = tokenDist(rng);
    if (*depth > 0) {
        if (Status st = ctx.eval(prefill, false); !st) return fail(st.message());
    }
    auto runPrompt = [&](double* seconds) -> Status {
        ctx.truncate(int(*depth));
        const auto t0 = Clock::now();
        Status st = ctx.eval(prompt, false);
        *seconds = secondsSince(t0);
        return st;
    };
    // Generation as llama-bench's tg: one token per eval from an empty cache, nothing sampled.
    auto runGen = [&](int64_t n, double* seconds) -> Status {
        ctx.truncate(int(*depth));
        const auto t0 = Clock::now();
        for (int64_t i = 0; i < n; ++i) {
            if (Status st = ctx.eval(std::span<const int32_t>(&gen[size_t(i)], 1), false); !st) return st;
        }
        *seconds = secondsSince(t0);
        return {};
    };

    // Warm-up (untimed): pages of the mapping, thread start, caches.
    double ignored = 0;
    if (*nPrompt > 0) {
        if (Status st = runPrompt(&ignored); !st) return fail(st.message());
    }
    if (*nGen > 0) {
        if (Status st = runGen(1, &ignored); !st) return fail(st.message());
    }
    // CPU time the process got while timed, per thread and second of wall time: below ~0.9 other processes took
    // the cores (a shared machine) and the speeds understate the engine. (Spinning workers count as busy.)
    std::vector<double> ppTps, tgTps;
    double ppWall = 0, ppCpu = 0, tgWall = 0, tgCpu = 0;
    std::string profiles;  // HEARTH_PROFILE=1: the stage breakdown of the pp runs, then of the tg runs
    // Profiles go to stderr after the figures: stdout keeps only the table or the JSON document.
    auto printProfiles = [&profiles] {
        std::fflush(stdout);
        if (!profiles.empty()) std::fprintf(stderr, "%s", profiles.c_str());
    };
    if (*nPrompt > 0) {
        ctx.clearProfile();
        for (int64_t r = 0; r < *reps; ++r) {
            double s = 0;
            const double cpu0 = engine::processCpuSeconds();
            if (Status st = runPrompt(&s); !st) return fail(st.message());
            ppCpu += engine::processCpuSeconds() - cpu0;
            ppWall += s;
            ppTps.push_back(double(*nPrompt) / s);
        }
        if (cp.profile) profiles += profileReport(fmt::format("pp{}", *nPrompt), ctx);
    }
    if (*nGen > 0) {
        ctx.clearProfile();
        for (int64_t r = 0; r < *reps; ++r) {
            double s = 0;
            const double cpu0 = engine::processCpuSeconds();
            if (Status st = runGen(*nGen, &s); !st) return fail(st.message());
            tgCpu += engine::processCpuSeconds() - cpu0;
            tgWall += s;
            tgTps.push_back(double(*nGen) / s);
        }
        if (cp.profile) profiles += profileReport(fmt::format("tg{}", *nGen), ctx);
    }
    const double ppShare = ppWall > 0 ? ppCpu / (ppWall * double(*threads)) : 0.0;
    const double tgShare = tgWall > 0 ? tgCpu / (tgWall * double(*threads)) : 0.0;
    ctxOr->reset();  // free the KV cache and scratch before measuring the bandwidth

    // The bandwidth: cached for this thread count and CPU unless --remeasure; a fresh measurement is stored.
    std::optional<engine::membw_cache::Entry> bw;
    bool bwCached = false;
    size_t bwPasses = 0;
    if (!args.has("--remeasure")) {
        bw = engine::membw_cache::load(int(*threads));
        bwCached = bw.has_value();
    }
    if (!bw) {
        engine::MembwParams mp;
        mp.nThreads = int(*threads);
        auto measured = engine::measureReadBandwidth(mp);
        if (!measured) return fail(measured.message());
        bwPasses = measured->passGbps.size();
        auto stored = engine::membw_cache::store(*measured);
        if (stored) {
            bw = *stored;
        } else {
            // Not cached costs a re-measurement next time, not this run's figures.
            std::fprintf(stderr, "hearth-cli: warning: bandwidth not cached: %s\n", stored.message().c_str());
            bw.emplace();
            bw->threads = measured->nThreads;
            bw->gbps = measured->gbps;
            bw->bestGbps = measured->bestGbps;
            bw->cpuShare = measured->cpuShare;
        }
    }

    // Figures.
    const Stats pp = stats(ppTps), tg = stats(tgTps);
    const uint64_t modelBytes = model.weightBytes();
    const uint64_t bytesPerToken = engine::bytesPerTokenFromFile(model.file());  // as info and the app count it
    // Token i of the run (at position depth + i) reads the keys and values of positions 0..depth + i: depth +
    // (n + 1) / 2 on average, of the cache's type.
    const uint64_t kvPerPos = engine::kvBytesPerToken(cfg, engine::kvGgmlType(*kvType));  // all layers, K and V
    const double kvPerToken = *nGen > 0 ? double(kvPerPos) * (double(*depth) + double(*nGen + 1) / 2.0) : 0.0;
    const double tgGbps = double(bytesPerToken) * tg.mean / 1e9;
    const double ratio = bw->gbps > 0 ? tgGbps / bw->gbps : 0.0;
    const double roofline = bytesPerToken > 0 ? bw->gbps * 1e9 / double(bytesPerToken) : 0.0;
    std::map<std::string, int> typeCounts;
    uint64_t nParams = 0;
    for (const engine::GgufTensor& t : model.file().tensors()) {
        ++typeCounts[std::string(kernels::typeName(t.type))];
        nParams += uint64_t(t.nElements());
    }
    const std::string isa(kernels::isaName(kernels::activeIsa()));
    const std::string label = modelLabel(model, nParams);

    if (args.has("--json")) {
        JsonWriter j;
        j.beginObject()
            .field("model", *path)
            .field("model_label", label)
            .field("threads", *threads)
            .field("n_prompt", *nPrompt)
            .field("n_gen", *nGen)
            .field("n_depth", *depth)
            .field("repetitions", *reps)
            .field("pp_tps", pp.mean)
            .field("pp_tps_std", pp.std)
            .field("tg_tps", tg.mean)
            .field("tg_tps_std", tg.std)
            .field("model_bytes", modelBytes)
            .field("n_params", nParams)
            .field("bytes_per_token", bytesPerToken)
            .field("kv_bytes_per_token", kvPerToken)
            .field("kv_type", std::string(engine::kvTypeName(*kvType)))
            .field("tg_gbps", tgGbps)
            .field("mem_gbps", bw->gbps)
            .field("mem_best_gbps", bw->bestGbps)
            .field("bw_ratio", ratio)
            .field("roofline_tps", roofline)
            .field("isa", isa)
            .field("repacked_bytes", model.repackedBytes())
            .field("load_seconds", loadSeconds)
            .field("pp_cpu_share", ppShare)
            .field("tg_cpu_share", tgShare)
            .field("mem_cpu_share", bw->cpuShare)
            .field("mem_cached", bwCached)
            .field("mem_measured_at", bw->measuredAt);
        j.key("tensor_types").beginObject();
        for (const auto& [name, count] : typeCounts) j.field(name, int64_t(count));
        j.endObject();
        j.key("pp_runs_tps").beginArray();
        for (double v : ppTps) j.value(v);
        j.endArray();
        j.key("tg_runs_tps").beginArray();
        for (double v : tgTps) j.value(v);
        j.endArray().endObject();
        std::printf("%s\n", j.str().c_str());
        printProfiles();
        return 0;
    }

    // A llama-bench-style table, with the generation row set against the bandwidth.
    const std::string size = fmt::format("{:.2f} MiB", double(modelBytes) / (1024.0 * 1024.0));
    const std::string params = countLabel(nParams);
    auto row = [&](const std::string& test, const std::string& tps, const std::string& gbps, const std::string& pct) {
        std::printf("| %-24s | %s | %s | %s | %s | %s | %s | %s |\n", label.c_str(), cell(size, 11).c_str(),
                    cell(params, 9).c_str(), cell(std::to_string(*threads), 7).c_str(), cell(test, 7).c_str(),
                    cell(tps, 18).c_str(), cell(gbps, 6).c_str(), cell(pct, 6).c_str());
    };
    std::printf("| %-24s | %11s | %9s | %7s | %7s | %18s | %6s | %6s |\n", "model", "size", "params", "threads",
                "test", "t/s", "GB/s", "of BW");
    std::printf("| %-24s | %11s | %9s | %7s | %7s | %18s | %6s | %6s |\n", "------------------------",
                "----------:", "--------:", "------:", "------:", "-----------------:", "-----:", "-----:");
    const std::string at = *depth > 0 ? fmt::format(" @ d{}", *depth) : "";  // llama-bench's label for a depth
    if (*nPrompt > 0) {
        row(fmt::format("pp{}{}", *nPrompt, at), fmt::format("{:.2f} ± {:.2f}", pp.mean, pp.std), "", "");
    }
    if (*nGen > 0) {
        row(fmt::format("tg{}{}", *nGen, at), fmt::format("{:.2f} ± {:.2f}", tg.mean, tg.std),
            fmt::format("{:.1f}", tgGbps),
            fmt::format("{:.0f}%", 100.0 * ratio));
    }
    const std::string bwSource = bwCached ? fmt::format("cached, measured {}", bw->measuredAt)
                                          : fmt::format("median of {}", bwPasses);
    std::printf("\nweights read per token %.3f GB (+ %s KV cache %.2f MB on average) | memory read bandwidth %.1f "
                "GB/s (%lld threads, %s) | roofline %.1f t/s | isa %s\n",
                double(bytesPerToken) / 1e9, std::string(engine::kvTypeName(*kvType)).c_str(), kvPerToken / 1e6,
                bw->gbps, (long long)*threads, bwSource.c_str(),
                roofline, isa.c_str());
    std::printf("load %.2f s, of which weights repacked (or copied) for this CPU's kernels: %.1f MB\n", loadSeconds,
                double(model.repackedBytes()) / 1e6);
    // A cached figure was judged when it was measured; only this run's own timings count here.
    const double minShare = std::min({*nPrompt > 0 ? ppShare : 1.0, *nGen > 0 ? tgShare : 1.0,
                                      bwCached ? 1.0 : bw->cpuShare});
    if (minShare < 0.9) {
        std::printf("note: the machine is busy (a timed part got only %.0f%% of its threads' CPU time): figures "
                    "understate the engine\n", 100.0 * minShare);
    }
    printProfiles();
    return 0;
}

}  // namespace hearth::cli
