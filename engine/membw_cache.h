// The measured memory read bandwidth, cached in one small file that the desktop app and hearth-cli share, so both
// predict the same speeds and neither re-measures (seconds of saturating the memory bus) on every start.
//
// File: $HEARTH_CACHE_DIR/membw.json (tests), else $XDG_CACHE_HOME/hearth/membw.json, else
// $HOME/.cache/hearth/membw.json. One entry per thread count:
//   {"version": 1, "entries": [{"threads": 2, "gbps": 14.2, "best_gbps": 15.0, "cpu_share": 0.98,
//                               "measured_at": "2026-12-07T09:20:38Z", "cpu_model": "Intel(R) ..."}]}
// An entry measured on another CPU (/proc/cpuinfo "model name" differs: the disk moved to another machine) is
// ignored. A file that is unreadable, corrupt or written by something else counts as no cache; the next store
// replaces it. Writes go to a temporary file renamed over the old one, so a reader never sees half a file.
#pragma once

#include <optional>
#include <string>

#include "engine/membw.h"
#include "engine/result.h"

namespace hearth::engine::membw_cache {

struct Entry {
    int threads = 0;
    double gbps = 0;          // MembwResult::gbps (median of the passes)
    double bestGbps = 0;      // MembwResult::bestGbps
    double cpuShare = 0;      // MembwResult::cpuShare: below ~0.9 the machine was busy while measuring
    std::string measuredAt;   // UTC, ISO 8601 ("2026-12-07T09:20:38Z")
    std::string cpuModel;     // cpuModel() when measured
};

// The cache file's path (see above); empty when neither HEARTH_CACHE_DIR, XDG_CACHE_HOME nor HOME is set.
std::string path();

// This CPU's "model name" from /proc/cpuinfo, or "unknown".
std::string cpuModel();

// The cached figure for nThreads on this CPU, or nullopt (no file, no such entry, another CPU, corrupt file).
std::optional<Entry> load(int nThreads);

// Records result (its thread count, now, this CPU), keeping the entries for other thread counts of this CPU and
// dropping those of another CPU. Errors: the directory or file cannot be written.
Result<Entry> store(const MembwResult& result);

// Same, with the entry given in full (tests, and callers that measured elsewhere).
Status store(const Entry& entry);

}  // namespace hearth::engine::membw_cache
