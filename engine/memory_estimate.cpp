#include "engine/memory_estimate.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/model_config.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

uint64_t u64(int64_t v) { return v > 0 ? uint64_t(v) : 0; }

// Bytes of a row of n elements of type, rounded up to whole blocks.
uint64_t rowBytesCeil(kernels::GgmlType type, int64_t n) {
    const kernels::TypeTraits t = kernels::traitsOf(type);
    return (u64(n) + t.blockElems - 1) / t.blockElems * t.blockBytes;
}

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::optional<uint64_t> parseU64(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end == s.data()) return std::nullopt;
    return v;
}

// The value of "key <number>" or "key: <number> kB" lines (meminfo, memory.stat).
std::optional<uint64_t> findField(std::string_view text, std::string_view key) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.size() > key.size() && line.substr(0, key.size()) == key &&
            (line[key.size()] == ' ' || line[key.size()] == ':' || line[key.size()] == '\t')) {
            line.remove_prefix(key.size());
            if (!line.empty() && line.front() == ':') line.remove_prefix(1);
            return parseU64(line);
        }
    }
    return std::nullopt;
}

// One cgroup directory's view: its limit, usage and reclaimable file cache.
struct CgroupLevel {
    uint64_t limit = 0;
    uint64_t usage = 0;
    uint64_t inactiveFile = 0;
};

// v2: memory.max ("max" = none); v1: memory.limit_in_bytes (a huge page-rounded INT64_MAX = none).
std::optional<CgroupLevel> readCgroupLevel(const std::string& dir, bool v2) {
    const std::optional<std::string> limitText = readFile(dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
    if (!limitText) return std::nullopt;
    const std::optional<uint64_t> limit = parseU64(*limitText);
    if (!limit || *limit >= (uint64_t{1} << 62)) return std::nullopt;  // "max" or unlimited
    CgroupLevel level;
    level.limit = *limit;
    if (const auto usage = readFile(dir + (v2 ? "/memory.current" : "/memory.usage_in_bytes")))
        level.usage = parseU64(*usage).value_or(0);
    if (const auto stat = readFile(dir + "/memory.stat"))
        level.inactiveFile = findField(*stat, v2 ? "inactive_file" : "total_inactive_file").value_or(0);
    return level;
}

// This process's cgroup path for the v2 hierarchy ("0::/path") or the v1 memory controller ("N:...memory...:/path").
std::optional<std::string> cgroupPath(std::string_view procSelfCgroup, bool v2) {
    size_t pos = 0;
    while (pos < procSelfCgroup.size()) {
        size_t eol = procSelfCgroup.find('\n', pos);
        if (eol == std::string_view::npos) eol = procSelfCgroup.size();
        const std::string_view line = procSelfCgroup.substr(pos, eol - pos);
        pos = eol + 1;
        const size_t c1 = line.find(':');
        const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        const std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
        const std::string_view path = line.substr(c2 + 1);
        if (v2 && line.substr(0, c1) == "0" && controllers.empty()) return std::string(path);
        if (!v2) {
            // Comma-separated controller list, e.g. "memory" or "cpu,memory".
            size_t s = 0;
            while (s <= controllers.size()) {
                size_t e = controllers.find(',', s);
                if (e == std::string_view::npos) e = controllers.size();
                if (controllers.substr(s, e - s) == "memory") return std::string(path);
                s = e + 1;
            }
        }
    }
    return std::nullopt;
}

// What a cgroup chain allows: the lowest limit and the least headroom (limit - usage + reclaimable cache) over
// every level with a limit (a parent's limit applies to its children, and a parent may be the fuller one).
struct CgroupBudget {
    uint64_t limit = UINT64_MAX;
    uint64_t free = UINT64_MAX;
};

// Walks from the process's cgroup up to the mount root. In a container the mount usually shows the container's
// own cgroup as the root while /proc/self/cgroup may name a host path; directories that do not exist under the
// mount are skipped, so the root's files still count.
std::optional<CgroupBudget> tightestCgroup(const std::string& root, const std::string& path, bool v2) {
    std::optional<CgroupBudget> budget;
    std::string p = path;
    while (true) {
        if (const auto level = readCgroupLevel(root + (p == "/" ? "" : p), v2)) {
            if (!budget) budget = CgroupBudget{};
            budget->limit = std::min(budget->limit, level->limit);
            budget->free = std::min(budget->free,
                                    level->limit - std::min(level->limit, level->usage) + level->inactiveFile);
        }
        if (p.empty() || p == "/") break;
        const size_t slash = p.find_last_of('/');
        p = slash == std::string::npos || slash == 0 ? std::string("/") : p.substr(0, slash);
    }
    return budget;
}

}  // namespace

uint64_t weightBytes(const GgufFile& file) {
    uint64_t sum = 0;
    for (const GgufTensor& t : file.tensors()) sum += t.nbytes;
    return sum;
}

namespace {

// The matrices Model::load hands to the matmul kernels (engine/model.cpp matmulWeights): per layer the attention
// projections and the FFN, and the output.
bool isMatmulWeight(std::string_view name) {
    if (name == "output.weight") return true;
    if (!name.starts_with("blk.")) return false;
    for (std::string_view suffix : {".attn_q.weight", ".attn_k.weight", ".attn_v.weight", ".attn_qkv.weight",
                                    ".attn_output.weight", ".ffn_gate.weight", ".ffn_up.weight",
                                    ".ffn_down.weight"}) {
        if (name.ends_with(suffix)) return true;
    }
    return false;
}

uint64_t repackedBytes(const GgufTensor& t) {
    return t.nDims == 2 ? loadedCopyBytes(t.type, t.ne[0], t.ne[1], t.nbytes) : 0;
}

}  // namespace

uint64_t loadedWeightBytes(const GgufFile& file, bool repack) {
    if (!repack) return weightBytes(file);
    uint64_t sum = 0;
    for (const GgufTensor& t : file.tensors()) {
        const uint64_t packed = isMatmulWeight(t.name) ? repackedBytes(t) : 0;
        sum += packed != 0 ? packed : t.nbytes;
    }
    // Tied output: the embedding is also the output matrix, repacked as a copy while the file's form stays for
    // the per-token row lookups. Embedding models (bert, nomic-bert) have no output matrix at all.
    const std::optional<std::string_view> archName = file.getString("general.architecture");
    const ArchDescriptor* arch = archName ? findArch(*archName) : nullptr;
    const bool hasOutput = arch == nullptr || !arch->embedding;
    if (hasOutput && file.findTensor("output.weight") == nullptr) {
        if (const GgufTensor* embd = file.findTensor("token_embd.weight")) sum += repackedBytes(*embd);
    }
    return sum;
}

uint64_t kvBytesPerToken(int64_t nLayer, int64_t nHeadKv, int64_t headDimK, int64_t headDimV,
                         kernels::GgmlType kvType) {
    return u64(nLayer) * (rowBytesCeil(kvType, nHeadKv * headDimK) + rowBytesCeil(kvType, nHeadKv * headDimV));
}

uint64_t kvBytesPerToken(const ModelConfig& config, kernels::GgmlType kvType) {
    return kvBytesPerToken(config.nLayer, config.nHeadKv, config.headDim, config.headDimV, kvType);
}

uint64_t computeBytes(const ModelConfig& c, int64_t nCtx, int64_t nBatch) {
    const uint64_t perToken = 2 * u64(c.nEmbd) + u64(c.nHead * c.headDim) + u64(c.kvDim()) + u64(c.kvDimV()) +
                              u64(c.nHead * c.headDimV) + 2 * u64(c.nFf) + u64(c.nHead) * u64(nCtx);
    return 4 * (u64(nBatch) * perToken + u64(c.nVocab));
}

MemoryEstimate estimateMemory(const GgufFile& file, const ModelConfig& config, int64_t nCtx,
                              kernels::GgmlType kvType, int64_t nBatch) {
    MemoryEstimate e;
    e.weightBytes = loadedWeightBytes(file);
    e.kvBytesPerToken = kvBytesPerToken(config, kvType);
    e.nCtx = nCtx;
    e.kvBytes = e.kvBytesPerToken * u64(nCtx);
    e.computeBytes = computeBytes(config, nCtx, nBatch);
    e.overheadBytes = kFixedOverheadBytes;
    return e;
}

int64_t maxContextForBudget(const GgufFile& file, const ModelConfig& config, uint64_t budgetBytes,
                            kernels::GgmlType kvType, int64_t nBatch) {
    return maxContextForBudget(loadedWeightBytes(file), config, budgetBytes, kvType, nBatch);
}

int64_t maxContextForBudget(uint64_t residentWeightBytes, const ModelConfig& config, uint64_t budgetBytes,
                            kernels::GgmlType kvType, int64_t nBatch) {
    // total(n) = fixed + n * perToken, both parts read off the formulas above.
    const uint64_t fixed = residentWeightBytes + computeBytes(config, 0, nBatch) + kFixedOverheadBytes;
    const uint64_t perToken = kvBytesPerToken(config, kvType) + computeBytes(config, 1, nBatch) -
                              computeBytes(config, 0, nBatch);
    if (budgetBytes <= fixed || perToken == 0) return 0;
    return int64_t(std::min<uint64_t>((budgetBytes - fixed) / perToken, uint64_t{INT64_MAX}));
}

std::optional<SystemMemory> systemMemory(const std::string& procDir, const std::string& cgroupRoot) {
    const std::optional<std::string> meminfo = readFile(procDir + "/meminfo");
    if (!meminfo) return std::nullopt;
    const std::optional<uint64_t> totalKb = findField(*meminfo, "MemTotal");
    if (!totalKb) return std::nullopt;
    // MemAvailable exists since Linux 3.14; older kernels: MemFree as a pessimistic stand-in.
    const std::optional<uint64_t> availKb = findField(*meminfo, "MemAvailable");
    SystemMemory m;
    m.totalBytes = *totalKb * 1024;
    m.availableBytes = availKb.value_or(findField(*meminfo, "MemFree").value_or(0)) * 1024;

    const std::string selfCgroup = readFile(procDir + "/self/cgroup").value_or("");
    std::optional<CgroupBudget> cg;
    if (const auto path = cgroupPath(selfCgroup, true)) cg = tightestCgroup(cgroupRoot, *path, true);
    if (!cg) {
        // v1 mounts each controller in its own directory.
        if (const auto path = cgroupPath(selfCgroup, false))
            cg = tightestCgroup(cgroupRoot + "/memory", *path, false);
    }
    if (!cg && selfCgroup.empty()) cg = tightestCgroup(cgroupRoot, "/", true);
    if (cg) {
        if (cg->limit < m.totalBytes) {
            m.totalBytes = cg->limit;
            m.cgroupLimited = true;
        }
        m.availableBytes = std::min({m.availableBytes, cg->free, m.totalBytes});
    }
    return m;
}

}  // namespace hearth::engine
