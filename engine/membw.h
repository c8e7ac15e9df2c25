// Memory read bandwidth: how many bytes per second N threads can stream from RAM. Token generation reads every
// weight once per token, so this is the ceiling it is measured against (tokens/s <= bandwidth / bytes per token).
//
// Method (as the peer's measurement in ../shared/peer/README.md): a buffer far larger than the last-level cache,
// split into one contiguous slice per thread; each pass, every thread sums its slice with the widest vector loads
// the CPU has (several independent accumulators, so the loads are never waiting on an add); the result is the
// median over passes of buffer bytes / wall time of the pass.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/result.h"

namespace hearth::engine {

struct MembwParams {
    int nThreads = 1;                        // threads reading at once (the caller's included)
    uint64_t bufferBytes = uint64_t{1} << 30;  // shrunk to a quarter of the available RAM when that is less
    int passes = 21;                         // timed passes (after one untimed warm-up pass)
};

struct MembwResult {
    double gbps = 0;              // median of the passes, 1e9 bytes per second
    double bestGbps = 0;          // fastest pass
    std::vector<double> passGbps; // every timed pass, in order
    int nThreads = 0;
    uint64_t bufferBytes = 0;     // bytes actually read per pass
    const char* loadWidth = "";   // "avx512" (64-byte loads), "avx2" (32), or "baseline" (compiler's choice)
    // CPU time this process got during the timed passes / (wall time x threads): well below 1 means other
    // processes took the cores (a shared machine) and the figure understates the memory system.
    double cpuShare = 0;
};

// Process CPU time (user + system, all threads) in seconds: with wall time it tells how much of the machine a
// measurement really had.
double processCpuSeconds();

// Allocates the buffer (touching every page from the thread that will read it), runs the passes, frees it.
// Errors: nThreads or passes < 1, or the allocation fails.
Result<MembwResult> measureReadBandwidth(const MembwParams& params);

}  // namespace hearth::engine
