// Memory estimate: hand-computed sizes for real files, the context a budget allows, and /proc + cgroup parsing on
// fake trees (so a container limit is honoured).
#include "engine/memory_estimate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/model_config.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;
using kernels::GgmlType;

struct Loaded {
    std::unique_ptr<GgufFile> file;
    ModelConfig config;
};

// Opens <shared>/<relPath> and reads its config; skips the test when the shared data is absent.
#define LOAD_OR_SKIP(var, relPath)                                                                   \
    const fs::path var##Path = fs::path(HEARTH_SHARED_DIR) / (relPath);                              \
    if (!fs::exists(var##Path)) GTEST_SKIP() << "shared test data not found: " << var##Path;         \
    auto var##File = GgufFile::open(var##Path.string());                                             \
    ASSERT_TRUE(var##File.ok()) << var##File.message();                                              \
    auto var##Config = ModelConfig::fromGguf(**var##File);                                           \
    ASSERT_TRUE(var##Config.ok()) << var##Config.message();                                          \
    const GgufFile& var = **var##File;                                                               \
    const ModelConfig& var##Cfg = *var##Config

TEST(MemoryEstimate, Stories260K) {
    LOAD_OR_SKIP(stories, "models/stories260K.gguf");
    // Weights: the 48 F32 tensors of the file (sum of ne products * 4 bytes).
    EXPECT_EQ(weightBytes(stories), 1171200u);
    // KV: 5 layers x 4 KV heads x head_dim 8 x (K + V) x bytes per element.
    EXPECT_EQ(kvBytesPerToken(storiesCfg, GgmlType::F16), 5u * 4 * 8 * 2 * 2);  // 640
    EXPECT_EQ(kvBytesPerToken(storiesCfg, GgmlType::F32), 1280u);
    // Q8_0: a K or V row of 32 elements is one 34-byte block.
    EXPECT_EQ(kvBytesPerToken(storiesCfg, GgmlType::Q8_0), 5u * (34 + 34));

    // Compute at n_ctx 256, batch 512: per token 2*64 + 8*8 + 32 + 32 + 8*8 + 2*172 + 8*256 = 2712 floats.
    EXPECT_EQ(computeBytes(storiesCfg, 256, 512), 4u * (512u * 2712 + 512));

    const MemoryEstimate e = estimateMemory(stories, storiesCfg, 256);
    EXPECT_EQ(e.weightBytes, 1171200u);
    EXPECT_EQ(e.kvBytesPerToken, 640u);
    EXPECT_EQ(e.kvBytes, 640u * 256);
    EXPECT_EQ(e.computeBytes, computeBytes(storiesCfg, 256, kDefaultBatch));
    EXPECT_EQ(e.overheadBytes, uint64_t{64} << 20);
    EXPECT_EQ(e.totalBytes(), 1171200u + 640u * 256 + e.computeBytes + (uint64_t{64} << 20));
}

TEST(MemoryEstimate, QuantizedWeightsAreCountedAtTheirStoredSize) {
    LOAD_OR_SKIP(f32, "conformance/models/qcov-F32.gguf");
    LOAD_OR_SKIP(q8, "conformance/models/qcov-Q8_0.gguf");
    LOAD_OR_SKIP(q4, "conformance/models/qcov-Q4_0.gguf");
    EXPECT_EQ(weightBytes(f32), 7345152u);
    EXPECT_EQ(weightBytes(q8), 1954816u);
    EXPECT_EQ(weightBytes(q4), 1037312u);
    // Same hyper-parameters, so the same KV: 2 layers x 2 KV heads x 64 x (K + V) x 2 bytes.
    EXPECT_EQ(kvBytesPerToken(f32Cfg), 2u * 2 * 64 * 2 * 2);
    EXPECT_EQ(kvBytesPerToken(q4Cfg), kvBytesPerToken(f32Cfg));
    EXPECT_EQ(kvBytesPerToken(q8Cfg), kvBytesPerToken(f32Cfg));
    // Every tensor's bytes lie inside the file, so the sum cannot exceed it.
    EXPECT_LT(weightBytes(q4), q4.fileBytes());
}

// What the estimate says the weights take once loaded is what Model::load really allocates: the tensors it
// leaves in the mapping at their stored size plus its repacked copies (a tied output adds a copy of the
// embedding; row groups of 16 pad the last rows).
TEST(MemoryEstimate, LoadedWeightsMatchWhatTheModelAllocates) {
    for (const char* rel : {"conformance/models/qcov-TQ1_0.gguf", "conformance/models/qcov-Q4_K_M.gguf",
                            "conformance/models/qcov-Q8_0.gguf", "conformance/models/stories260K-Q4_0.gguf",
                            "conformance/models/arch-bert.gguf"}) {
        SCOPED_TRACE(rel);
        LOAD_OR_SKIP(f, rel);
        auto model = Model::load(fPath.string());
        ASSERT_TRUE(model.ok()) << model.message();
        uint64_t inMapping = 0;
        for (const GgufTensor& t : f.tensors()) {
            const bool matmul = t.name == "output.weight" ||
                                (t.name.starts_with("blk.") && t.name.ends_with(".weight") &&
                                 !t.name.ends_with("_norm.weight"));
            if (!matmul || (kernels::repackedGemmFor(t.type) == nullptr && !copiesPlainWeights())) {
                inMapping += t.nbytes;
            }
        }
        EXPECT_EQ(loadedWeightBytes(f), inMapping + (*model)->repackedBytes());
        EXPECT_EQ(loadedWeightBytes(f, /*repack=*/false), weightBytes(f));
        EXPECT_EQ(estimateMemory(f, fCfg, 256).weightBytes, loadedWeightBytes(f));
        if (kernels::repackedGemmFor(GgmlType::TQ1_0) != nullptr && std::string(rel).find("TQ1_0") != std::string::npos) {
            // TQ1_0's repacked layout keeps the file's base-3 bytes (it was 1.22x as 2-bit codes): only the
            // row-group padding of this small model's matrices remains.
            EXPECT_LT(loadedWeightBytes(f), weightBytes(f) * 21 / 20);
        }
    }
}

TEST(MemoryEstimate, MaxContextIsTheLargestThatFits) {
    LOAD_OR_SKIP(stories, "models/stories260K.gguf");
    const uint64_t budget = estimateMemory(stories, storiesCfg, 1000).totalBytes();
    EXPECT_EQ(maxContextForBudget(stories, storiesCfg, budget), 1000);
    EXPECT_EQ(maxContextForBudget(stories, storiesCfg, budget - 1), 999);
    EXPECT_EQ(maxContextForBudget(stories, storiesCfg, 1000), 0);  // not even the weights fit
}

// A throwaway directory tree standing in for /proc and /sys/fs/cgroup.
class FakeTree {
public:
    FakeTree() {
        root_ = fs::temp_directory_path() /
                ("hearth-memtest-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    ~FakeTree() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    void write(const std::string& rel, const std::string& text) {
        const fs::path p = root_ / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    std::string path(const std::string& rel) const { return (root_ / rel).string(); }

private:
    fs::path root_;
};

constexpr const char* kMeminfo =
    "MemTotal:       16000000 kB\n"
    "MemFree:         1000000 kB\n"
    "MemAvailable:    8000000 kB\n"
    "Buffers:          100000 kB\n";

TEST(SystemMemory, ReadsMeminfoWithoutACgroupLimit) {
    FakeTree t;
    t.write("proc/meminfo", kMeminfo);
    t.write("proc/self/cgroup", "0::/\n");
    t.write("cgroup/memory.max", "max\n");
    const auto m = systemMemory(t.path("proc"), t.path("cgroup"));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->totalBytes, 16000000ull * 1024);
    EXPECT_EQ(m->availableBytes, 8000000ull * 1024);
    EXPECT_FALSE(m->cgroupLimited);
}

TEST(SystemMemory, CgroupV2LimitBelowRamWins) {
    FakeTree t;
    t.write("proc/meminfo", kMeminfo);
    t.write("proc/self/cgroup", "0::/app/worker\n");
    // The parent holds the limit (2 GiB); the process's own cgroup has none.
    t.write("cgroup/app/memory.max", "2147483648\n");
    t.write("cgroup/app/memory.current", "1073741824\n");
    t.write("cgroup/app/memory.stat", "anon 900000000\nfile 170000000\ninactive_file 100000000\n");
    t.write("cgroup/app/worker/memory.max", "max\n");
    const auto m = systemMemory(t.path("proc"), t.path("cgroup"));
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->cgroupLimited);
    EXPECT_EQ(m->totalBytes, 2147483648ull);
    // limit - usage + reclaimable cache.
    EXPECT_EQ(m->availableBytes, 2147483648ull - 1073741824ull + 100000000ull);
}

TEST(SystemMemory, CgroupV1LimitIsRead) {
    FakeTree t;
    t.write("proc/meminfo", kMeminfo);
    t.write("proc/self/cgroup", "4:memory:/box\n0::/\n");
    t.write("cgroup/memory/box/memory.limit_in_bytes", "4294967296\n");
    t.write("cgroup/memory/box/memory.usage_in_bytes", "294967296\n");
    t.write("cgroup/memory/box/memory.stat", "cache 1000\ntotal_inactive_file 5000000\n");
    const auto m = systemMemory(t.path("proc"), t.path("cgroup"));
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->cgroupLimited);
    EXPECT_EQ(m->totalBytes, 4294967296ull);
    // The cgroup allows ~4 GB, less than the machine's 8 GB available: the cgroup's figure wins.
    EXPECT_EQ(m->availableBytes, 4294967296ull - 294967296ull + 5000000ull);
}

TEST(SystemMemory, UnlimitedV1AndMissingFilesAreHarmless) {
    FakeTree t;
    t.write("proc/meminfo", kMeminfo);
    t.write("proc/self/cgroup", "4:memory:/box\n");
    t.write("cgroup/memory/box/memory.limit_in_bytes", "9223372036854771712\n");
    const auto m = systemMemory(t.path("proc"), t.path("cgroup"));
    ASSERT_TRUE(m.has_value());
    EXPECT_FALSE(m->cgroupLimited);
    EXPECT_EQ(m->availableBytes, 8000000ull * 1024);

    FakeTree none;  // no /proc/meminfo at all (not Linux)
    EXPECT_FALSE(systemMemory(none.path("proc"), none.path("cgroup")).has_value());
}

TEST(SystemMemory, ThisMachineReportsSomething) {
#ifdef __linux__
    const auto m = systemMemory();
    ASSERT_TRUE(m.has_value());
    EXPECT_GT(m->totalBytes, 0u);
    EXPECT_LE(m->availableBytes, m->totalBytes);
#else
    GTEST_SKIP() << "reads /proc: Linux only";
#endif
}

}  // namespace
}  // namespace hearth::engine
