// hearth-cli membw: the machine's memory read bandwidth for N threads, the ceiling of token generation. Every
// measurement is stored in the bandwidth cache (engine/membw_cache.h) that bench and the desktop app read.
#include <cstdio>
#include <thread>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "engine/membw.h"
#include "engine/membw_cache.h"

namespace hearth::cli {

int cmdMembw(const Args& args) {
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return fail(threads.message());
    auto mib = args.intValue("--mib", 1024, 1, int64_t{1} << 20);
    if (!mib) return fail(mib.message());
    auto passes = args.intValue("--passes", 21, 1, 10000);
    if (!passes) return fail(passes.message());

    engine::MembwParams params;
    params.nThreads = int(*threads);
    params.bufferBytes = uint64_t(*mib) << 20;
    params.passes = int(*passes);
    auto r = engine::measureReadBandwidth(params);
    if (!r) return fail(r.message());
    // A cache that cannot be written costs a re-measurement later, not this command's result: warn only.
    auto stored = engine::membw_cache::store(*r);
    if (!stored) std::fprintf(stderr, "hearth-cli: warning: bandwidth not cached: %s\n", stored.message().c_str());

    if (args.has("--json")) {
        JsonWriter j;
        j.beginObject()
            .field("mem_gbps", r->gbps)
            .field("best_gbps", r->bestGbps)
            .field("threads", r->nThreads)
            .field("buffer_bytes", r->bufferBytes)
            .field("passes", int64_t(r->passGbps.size()))
            .field("load_width", r->loadWidth)
            .field("cpu_share", r->cpuShare);
        j.key("pass_gbps").beginArray();
        for (double g : r->passGbps) j.value(g);
        j.endArray().endObject();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    std::printf("memory read bandwidth: %.1f GB/s with %d thread%s (median of %zu passes over %llu MiB, %s loads; "
                "best %.1f GB/s)\n",
                r->gbps, r->nThreads, r->nThreads == 1 ? "" : "s", r->passGbps.size(),
                (unsigned long long)(r->bufferBytes >> 20), r->loadWidth, r->bestGbps);
    if (stored) std::printf("cached in %s for bench and the app\n", engine::membw_cache::path().c_str());
    if (r->cpuShare < 0.9) {
        std::printf("note: the machine is busy (this measurement got %.0f%% of its threads' CPU time): the figure "
                    "understates the memory system\n", 100.0 * r->cpuShare);
    }
    return 0;
}

}  // namespace hearth::cli
