// Model::load on small synthetic GGUF files (made with GgufWriter, no ../shared needed): a consistent file binds
// and runs; every way a file can disagree with its own hyper-parameters is refused with a message that names the
// tensor and says what was expected and what was found.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "engine/forward.h"
#include "engine/gguf_writer.h"
#include "engine/kv_cache.h"
#include "engine/model.h"
#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

using kernels::GgmlType;

struct Synth {
    std::string arch = "llama";
    int64_t nEmbd = 256;
    int64_t nFf = 512;
    int64_t nHead = 4;
    int64_t nHeadKv = 2;
    int64_t nVocab = 64;
    bool output = true;        // write output.weight (else tied)
    bool qkvBias = false;      // write attn_q/k/v.bias
    std::string omit;          // a tensor to leave out
    std::string reshape;       // a tensor written with `shape` instead of its own
    std::vector<int64_t> shape;
    std::string retype;        // a tensor written in `type`
    GgmlType type = GgmlType::F32;
    float ropeTheta = 10000.f;
    std::string ropeScaling;        // rope.scaling.type, e.g. "yarn" (factor 4), or none
    std::vector<float> ropeFreqs;   // rope_freqs.weight (head_dim / 2 values), or none
};

// Deterministic pseudo-random values in [-scale, scale).
std::vector<float> values(size_t n, uint32_t seed, float scale) {
    std::vector<float> v(n);
    uint32_t s = seed * 2654435761u + 1;
    for (float& x : v) {
        s = s * 1664525u + 1013904223u;
        x = scale * (float(s >> 8) / float(1u << 24) * 2.f - 1.f);
    }
    return v;
}

std::vector<uint8_t> build(const Synth& s) {
    GgufWriter w;
    w.addString("general.architecture", s.arch);
    const std::string a = s.arch + ".";
    w.addUint32(a + "context_length", 64);
    w.addUint32(a + "embedding_length", uint32_t(s.nEmbd));
    w.addUint32(a + "block_count", 1);
    w.addUint32(a + "feed_forward_length", uint32_t(s.nFf));
    w.addUint32(a + "attention.head_count", uint32_t(s.nHead));
    w.addUint32(a + "attention.head_count_kv", uint32_t(s.nHeadKv));
    w.addFloat32(a + "attention.layer_norm_rms_epsilon", 1e-5f);
    w.addFloat32(a + "rope.freq_base", s.ropeTheta);
    if (!s.ropeScaling.empty()) {
        w.addString(a + "rope.scaling.type", s.ropeScaling);
        w.addFloat32(a + "rope.scaling.factor", 4.f);
    }

    const int64_t headDim = s.nEmbd / s.nHead;
    const int64_t kvDim = s.nHeadKv * headDim;
    uint32_t seed = 1;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale) {
        if (name == s.omit) return;
        if (name == s.reshape) shape = s.shape;
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        const std::vector<float> v = values(size_t(n), seed++, scale);
        if (name == s.retype && s.type != GgmlType::F32) {
            std::vector<uint8_t> bytes(kernels::rowBytes(s.type, uint64_t(shape[0])) * uint64_t(n / shape[0]));
            w.addTensor(GgufTensorSpec{name, shape, s.type}, std::move(bytes));  // zeros: only the type matters
        } else {
            w.addTensorF32(name, shape, v);
        }
    };
    add("token_embd.weight", {s.nEmbd, s.nVocab}, 1.f);
    add("output_norm.weight", {s.nEmbd}, 1.f);
    if (!s.ropeFreqs.empty()) w.addTensorF32("rope_freqs.weight", {int64_t(s.ropeFreqs.size())}, s.ropeFreqs);
    if (s.output) add("output.weight", {s.nEmbd, s.nVocab}, 0.1f);
    add("blk.0.attn_norm.weight", {s.nEmbd}, 1.f);
    add("blk.0.attn_q.weight", {s.nEmbd, s.nEmbd}, 0.1f);
    add("blk.0.attn_k.weight", {s.nEmbd, kvDim}, 0.1f);
    add("blk.0.attn_v.weight", {s.nEmbd, kvDim}, 0.1f);
    if (s.qkvBias) {
        add("blk.0.attn_q.bias", {s.nEmbd}, 0.1f);
        add("blk.0.attn_k.bias", {kvDim}, 0.1f);
        add("blk.0.attn_v.bias", {kvDim}, 0.1f);
    }
    add("blk.0.attn_output.weight", {s.nEmbd, s.nEmbd}, 0.1f);
    add("blk.0.ffn_norm.weight", {s.nEmbd}, 1.f);
    add("blk.0.ffn_gate.weight", {s.nEmbd, s.nFf}, 0.1f);
    add("blk.0.ffn_up.weight", {s.nEmbd, s.nFf}, 0.1f);
    add("blk.0.ffn_down.weight", {s.nFf, s.nEmbd}, 0.1f);
    auto bytes = w.toBytes();
    EXPECT_TRUE(bytes.ok()) << bytes.message();
    return bytes.ok() ? std::move(*bytes) : std::vector<uint8_t>{};
}

// Parses the bytes (kept alive by the caller) and loads the model.
Result<std::unique_ptr<Model>> load(const std::vector<uint8_t>& bytes) {
    auto file = GgufFile::parse(bytes);
    if (!file) return Error{"parse: " + file.message()};
    return Model::load(std::move(*file));
}

std::string loadError(const Synth& s) {
    const std::vector<uint8_t> bytes = build(s);
    auto m = load(bytes);
    return m.ok() ? std::string("(loaded)") : m.message();
}

TEST(ModelLoad, ConsistentFileBindsAndRuns) {
    for (const char* arch : {"llama", "qwen2"}) {
        Synth s;
        s.arch = arch;
        s.qkvBias = std::string(arch) == "qwen2";
        const std::vector<uint8_t> bytes = build(s);
        auto m = load(bytes);
        ASSERT_TRUE(m.ok()) << m.message();
        const Model& model = **m;
        EXPECT_EQ(model.arch().name, arch);
        EXPECT_FALSE(model.weights().tiedOutput);
        EXPECT_EQ(model.weights().layers.at(0).bq != nullptr, s.qkvBias);
        EXPECT_EQ(model.arch().ropeStyle, std::string(arch) == "llama" ? RopeStyle::Norm : RopeStyle::Neox);

        auto ctx = Context::create(model, ContextParams{.nCtx = 16, .nThreads = 2});
        ASSERT_TRUE(ctx.ok()) << ctx.message();
        const std::vector<int32_t> tokens = {1, 5, 9, 63};
        ASSERT_TRUE((*ctx)->eval(tokens, true).ok());
        ASSERT_EQ((*ctx)->nLogits(), 4);
        for (int i = 0; i < 4; ++i) {
            for (int v = 0; v < (*ctx)->nVocab(); ++v) ASSERT_TRUE(std::isfinite((*ctx)->logits(i)[v]));
        }
    }
}

TEST(ModelLoad, MissingOutputMeansTiedEmbedding) {
    Synth s;
    s.output = false;
    const std::vector<uint8_t> bytes = build(s);
    auto m = load(bytes);
    ASSERT_TRUE(m.ok()) << m.message();
    const ModelWeights& w = (*m)->weights();
    EXPECT_TRUE(w.tiedOutput);
    // The output matmul reads the embedding's bytes: in place, or a copy of them (copiesPlainWeights).
    ASSERT_EQ(w.output.rowBytes * size_t(w.output.nOut), w.tokenEmbd.rowBytes * size_t(w.tokenEmbd.nOut));
    EXPECT_EQ(std::memcmp(w.output.data, w.tokenEmbd.data, w.output.rowBytes * size_t(w.output.nOut)), 0);
    EXPECT_EQ(w.output.data == w.tokenEmbd.data, !copiesPlainWeights() || kernels::repackedGemmFor(GgmlType::F32));
}

// Matrices without repacked kernels (F32 here) are copied where that pays (copiesPlainWeights): the copy is read
// instead of the file's bytes, and the model computes the same logits as from them.
TEST(ModelLoad, PlainCopiesComputeWhatTheFileDoes) {
    if (!copiesPlainWeights() || kernels::repackedGemmFor(GgmlType::F32) != nullptr) {
        GTEST_SKIP() << "no plain copies on this system";
    }
    const std::vector<uint8_t> bytes = build(Synth{});
    auto run = [&](bool repack, bool* copied) {
        auto file = GgufFile::parse(bytes);
        EXPECT_TRUE(file.ok()) << file.message();
        ModelOptions options;
        options.repack = repack;
        auto m = Model::load(std::move(*file), options);
        EXPECT_TRUE(m.ok()) << m.message();
        const uint8_t* wq = (*m)->weights().layers.at(0).wq.data;
        *copied = wq < bytes.data() || wq >= bytes.data() + bytes.size();
        auto ctx = Context::create(**m, ContextParams{.nCtx = 16, .nThreads = 2});
        EXPECT_TRUE(ctx.ok()) << ctx.message();
        const std::vector<int32_t> tokens = {1, 5, 9, 63};
        EXPECT_TRUE((*ctx)->eval(tokens, true).ok());
        return std::vector<float>((*ctx)->logits(3), (*ctx)->logits(3) + (*ctx)->nVocab());
    };
    bool copied = false, fromFile = true;
    const std::vector<float> a = run(true, &copied);
    const std::vector<float> b = run(false, &fromFile);
    EXPECT_TRUE(copied);
    EXPECT_FALSE(fromFile);
    EXPECT_EQ(a, b);
}

TEST(ModelLoad, WrongShapeNamesTensorAndBothShapes) {
    Synth s;
    s.reshape = "blk.0.ffn_down.weight";
    s.shape = {256, 256};
    EXPECT_EQ(loadError(s), "tensor 'blk.0.ffn_down.weight': expected [512, 256], found [256, 256]");

    s.reshape = "blk.0.attn_k.weight";
    s.shape = {256, 256};  // a K projection as wide as Q: n_head_kv ignored
    EXPECT_EQ(loadError(s), "tensor 'blk.0.attn_k.weight': expected [256, 128], found [256, 256]");

    s.reshape = "output_norm.weight";
    s.shape = {256, 1};
    EXPECT_EQ(loadError(s), "tensor 'output_norm.weight': expected [256], found [256, 1]");
}

TEST(ModelLoad, MissingTensorIsNamed) {
    Synth s;
    s.omit = "blk.0.attn_k.weight";
    EXPECT_EQ(loadError(s), "tensor 'blk.0.attn_k.weight' is missing");

    Synth q;
    q.arch = "qwen2";  // qwen2 requires q/k/v biases
    EXPECT_EQ(loadError(q), "tensor 'blk.0.attn_q.bias' is missing");
}

TEST(ModelLoad, UncomputableTypeIsNamed) {
    GgmlType missing = GgmlType::F32;
    for (GgmlType t : {GgmlType::IQ3_S, GgmlType::IQ3_XXS, GgmlType::IQ2_XXS, GgmlType::IQ2_XS, GgmlType::IQ2_S,
                       GgmlType::IQ1_S, GgmlType::IQ1_M}) {
        if (kernels::kernelsFor(t) == nullptr) {
            missing = t;
            break;
        }
    }
    if (missing == GgmlType::F32) GTEST_SKIP() << "every candidate type has kernels now";
    Synth s;
    s.retype = "blk.0.ffn_down.weight";
    s.type = missing;
    EXPECT_EQ(loadError(s), "tensor 'blk.0.ffn_down.weight' has type " + std::string(kernels::typeName(missing)) +
                                ", which this version cannot compute");
}

TEST(ModelLoad, NormWeightsMustBeF32) {
    Synth s;
    s.retype = "blk.0.ffn_norm.weight";
    s.type = GgmlType::F16;
    EXPECT_EQ(loadError(s), "tensor 'blk.0.ffn_norm.weight' has type F16, expected F32");
}

// Rope parameters that would turn every angle into NaN (and the logits with them) are refused at load.
TEST(ModelLoad, RopeFrequencyFactorsMustBePositive) {
    Synth s;
    s.ropeFreqs.assign(size_t(256 / 4 / 2), 1.f);
    EXPECT_EQ(loadError(s), "(loaded)");
    s.ropeFreqs[5] = 0.f;
    EXPECT_EQ(loadError(s), "tensor rope_freqs.weight: factor 5 is 0.000000, expected a positive finite number");
    s.ropeFreqs[5] = std::numeric_limits<float>::infinity();
    EXPECT_NE(loadError(s).find("factor 5 is inf"), std::string::npos);
}

TEST(ModelLoad, YarnNeedsFrequencyBaseAboveOne) {
    Synth s;
    s.ropeScaling = "yarn";
    EXPECT_EQ(loadError(s), "(loaded)");
    s.ropeTheta = 1.f;
    EXPECT_EQ(loadError(s),
              "unsupported hyper-parameters: rope.freq_base 1.000000 must exceed 1 with YaRN rope scaling");
}

TEST(ModelLoad, UnknownArchitectureIsNamed) {
    for (const char* arch : {"phi3", "gemma2", "mamba"}) {
        Synth s;
        s.arch = arch;
        EXPECT_EQ(loadError(s), "architecture '" + std::string(arch) + "' is not supported yet");
    }
}

TEST(ModelLoad, ArchitectureOfWrongTypeIsNotCalledMissing) {
    GgufWriter w;
    w.addUint32("general.architecture", 7);
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto m = load(*bytes);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.message(), "metadata key 'general.architecture' has type uint32, expected a string");
}

// Hyper-parameters a file allows (4096 layers, 4096 KV heads of 4096 dims) times a context of 2^30 positions
// (ContextParams::nCtx is an int) make 2^68 bytes, which wraps to 0 in size_t: refused with a reason instead of
// an empty cache that the forward pass would write past.
TEST(ModelLoad, KvCacheBeyondAddressSpaceIsRefused) {
    auto cache = KvCache::create(4096, int64_t{1} << 30, int64_t{1} << 24, int64_t{1} << 24, KvType::F32);
    ASSERT_FALSE(cache.ok());
    EXPECT_NE(cache.message().find("cannot allocate the KV cache"), std::string::npos) << cache.message();
    EXPECT_NE(cache.message().find("1073741824 positions"), std::string::npos) << cache.message();
}

#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
namespace {
// Resident set size in bytes (second field of /proc/self/statm, in pages).
int64_t residentBytes() {
    std::ifstream statm("/proc/self/statm");
    int64_t total = 0, resident = 0;
    statm >> total >> resident;
    return resident * 4096;
}
}  // namespace

// A long context must not cost its whole KV cache in RAM up front: a 704 MiB cache (TinyLlama's shape at 32k
// positions, F16) is resident only where positions were written, and reads back what was stored.
// (Not under AddressSanitizer, whose shadow memory for the block is resident by itself.)
TEST(ModelLoad, KvCacheIsResidentOnlyAsFarAsUsed) {
    const int64_t before = residentBytes();
    auto cache = KvCache::create(22, 32768, 256, 256, KvType::F16);
    ASSERT_TRUE(cache.ok()) << cache.message();
    EXPECT_EQ((*cache)->bytes(), size_t(704) << 20);
    std::vector<float> k(256), v(256), out(256);
    for (int i = 0; i < 256; ++i) k[size_t(i)] = float(i) * 0.5f, v[size_t(i)] = -float(i);
    for (int64_t layer = 0; layer < 22; ++layer) (*cache)->store(layer, 100, k.data(), v.data());
    EXPECT_LT(residentBytes() - before, int64_t(64) << 20);
    (*cache)->loadKeys(21, 100, 1, 0, 256, out.data());
    EXPECT_EQ(out, k);
    (*cache)->loadKeys(21, 99, 1, 0, 256, out.data());  // never written: zero
    EXPECT_EQ(out, std::vector<float>(256, 0.0f));
}
#endif

#if defined(__linux__)
namespace {
// Pages of [p, p + n) in memory (mincore), and how many pages the range spans.
std::pair<size_t, size_t> residentPages(const void* p, size_t n) {
    const auto page = size_t(sysconf(_SC_PAGESIZE));
    const auto first = reinterpret_cast<uintptr_t>(p) / page * page;
    const size_t pages = (reinterpret_cast<uintptr_t>(p) + n - first + page - 1) / page;
    std::vector<unsigned char> in(pages);
    if (mincore(reinterpret_cast<void*>(first), pages * page, in.data()) != 0) return {0, pages};
    size_t resident = 0;
    for (const unsigned char c : in) resident += c & 1u;
    return {resident, pages};
}
}  // namespace

// Generating reads one embedding row per new token from the mapped file. The load reads the whole table in, so a
// file the page cache has dropped does not cost a disk read per new token (0.3 ms a token on a 1B model here).
TEST(ModelLoad, TokenEmbeddingIsReadInAtLoad) {
    Synth s;
    s.nVocab = 8192;  // an 8 MiB F32 table, 2048 pages
    const std::vector<uint8_t> bytes = build(s);
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("hearth_embd_" + std::to_string(::getpid()) + ".gguf");
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }
    // Out of the page cache: written back, then dropped.
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    void* probe = ::mmap(nullptr, bytes.size(), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(probe, MAP_FAILED);
    const auto [cachedBefore, filePages] = residentPages(probe, bytes.size());
    ::munmap(probe, bytes.size());
    if (cachedBefore > filePages / 4) {
        std::filesystem::remove(path);
        GTEST_SKIP() << "the page cache kept " << cachedBefore << " of " << filePages << " pages of the file";
    }

    auto m = Model::load(path.string());
    ASSERT_TRUE(m.ok()) << m.message();
    const Weight& embd = (*m)->weights().tokenEmbd;
    const auto [resident, pages] = residentPages(embd.data, embd.rowBytes * size_t(embd.nOut));
    EXPECT_GE(pages, 2048u);
    EXPECT_EQ(resident, pages);
    m->reset();
    std::filesystem::remove(path);
}
#endif

// The load's progress (the GUI's progress bar): rises, never goes back, ends at 1; with repacked kernels for the
// file's types (AVX-512 VNNI here) one step per repacked matrix (2 layers x 7 + the output in this file).
TEST(ModelLoad, ReportsProgressUpToOne) {
    const std::string path = std::string(HEARTH_SHARED_DIR) + "/conformance/models/qcov-Q4_K_M.gguf";
    if (!std::ifstream(path).good()) GTEST_SKIP() << "shared test data not found: " << path;
    std::vector<double> seen;
    ModelOptions options;
    options.progress = [&](double f) { seen.push_back(f); };
    auto m = Model::load(path, options);
    ASSERT_TRUE(m.ok()) << m.message();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), 1.0);
    for (size_t i = 0; i < seen.size(); ++i) {
        EXPECT_GT(seen[i], 0.0);
        EXPECT_LE(seen[i], 1.0);
        if (i > 0) {
            EXPECT_GE(seen[i], seen[i - 1]);
        }
    }
    if ((*m)->repackedBytes() > 0) {
        EXPECT_EQ(seen.size(), 15u);
    }

    // Without repacking there is nothing slow to report.
    seen.clear();
    options.repack = false;
    ASSERT_TRUE(Model::load(path, options).ok());
    EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace hearth::engine
