// Fit check: KV sizes of known shapes (the formula the issue gives), the verdict as memory shrinks, the largest
// context that fits, the predicted speed, and the shapes-only variant against the file variant on real files.
#include "engine/fit_check.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/model_config.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;
using kernels::GgmlType;

constexpr uint64_t kGiB = uint64_t{1} << 30;

// Meta-Llama-3-8B-Instruct Q4_K_M (bartowski's GGUF: 4 920 734 272 bytes; token_embd Q4_K, 128256 rows of 4096
// values = 16 blocks of 144 bytes each).
ModelShape llama3_8b() {
    ModelShape s;
    s.fileBytes = 4920734272;
    s.nLayer = 32;
    s.nHead = 32;
    s.nHeadKv = 8;
    s.headDim = 128;
    s.nEmbd = 4096;
    s.nFf = 14336;
    s.nVocab = 128256;
    s.nCtxTrain = 8192;
    s.embdBytes = uint64_t{128256} * 16 * 144;
    return s;
}

SystemMemory memoryOf(uint64_t available, uint64_t total) {
    SystemMemory m;
    m.availableBytes = available;
    m.totalBytes = total;
    return m;
}

TEST(FitCheck, KvBytesOfKnownShapes) {
    // Llama-3-8B: 32 layers x 8 KV heads x (128 + 128) x 2 bytes = 131072 per token; 1 GiB at 8192 tokens.
    EXPECT_EQ(kvBytesPerToken(32, 8, 128, 128, GgmlType::F16), 131072u);
    EXPECT_EQ(kvBytesPerToken(32, 8, 128, 128, GgmlType::F16) * 8192, kGiB);
    // Q8_0: each 128-value head row is 4 blocks of 34 bytes (32 int8 + an f16 scale).
    EXPECT_EQ(kvBytesPerToken(32, 8, 128, 128, GgmlType::Q8_0), 32u * 8 * 2 * (128 / 32 * 34));  // 69632
    // A 70B (80 layers, 8 KV heads, head_dim 128) at 128k context: 40 GiB in F16.
    EXPECT_EQ(kvBytesPerToken(80, 8, 128, 128, GgmlType::F16) * 131072, 40 * kGiB);
    // The config overload is the same formula.
    const ModelConfig c = llama3_8b().config();
    EXPECT_EQ(kvBytesPerToken(c, GgmlType::F16), 131072u);
    EXPECT_EQ(kvBytesPerToken(c, GgmlType::Q8_0), 69632u);

    const FitReport f16 = fitCheck(llama3_8b(), 8192, GgmlType::F16, memoryOf(64 * kGiB, 64 * kGiB));
    EXPECT_EQ(f16.memory.kvBytes, kGiB);
    const FitReport q8 = fitCheck(llama3_8b(), 8192, GgmlType::Q8_0, memoryOf(64 * kGiB, 64 * kGiB));
    EXPECT_EQ(q8.memory.kvBytes, 69632u * 8192);
    EXPECT_EQ(f16.neededBytes() - q8.neededBytes(), kGiB - 69632u * 8192);  // only the cache differs
}

TEST(FitCheck, VerdictFollowsAvailableMemory) {
    const ModelShape s = llama3_8b();
    const uint64_t needed = fitCheck(s, 8192, GgmlType::F16, memoryOf(0, 0)).neededBytes();
    // About 4.9 GB of weights + 1 GiB of cache + compute + 64 MiB.
    EXPECT_GT(needed, 6 * kGiB);
    EXPECT_LT(needed, 7 * kGiB);
    const uint64_t total = 16 * kGiB;
    auto verdict = [&](uint64_t available, uint64_t tot) {
        return fitCheck(s, 8192, GgmlType::F16, memoryOf(available, tot)).verdict;
    };
    // Fits up to 85 % of available, then tight while it still fits in available...
    const uint64_t fitsFrom = uint64_t(std::ceil(double(needed) / kFitsShareOfAvailable));
    EXPECT_EQ(verdict(total, total), FitVerdict::Fits);
    EXPECT_EQ(verdict(fitsFrom, total), FitVerdict::Fits);
    EXPECT_EQ(verdict(fitsFrom - 2, total), FitVerdict::Tight);
    EXPECT_EQ(verdict(needed, total), FitVerdict::Tight);
    // ... and beyond available while it is within 90 % of the total (other programs would have to give way) ...
    const uint64_t tightTotal = uint64_t(std::ceil(double(needed) / kTightShareOfTotal));
    EXPECT_EQ(verdict(needed - 1, tightTotal), FitVerdict::Tight);
    EXPECT_EQ(verdict(kGiB, tightTotal), FitVerdict::Tight);
    // ... and no more when it exceeds both.
    EXPECT_EQ(verdict(needed - 1, tightTotal - 2), FitVerdict::No);
    EXPECT_EQ(verdict(2 * kGiB, 4 * kGiB), FitVerdict::No);
    EXPECT_EQ(verdict(0, 0), FitVerdict::No);

    EXPECT_EQ(fitVerdictName(FitVerdict::Fits), "fits");
    EXPECT_EQ(fitVerdictName(FitVerdict::Tight), "tight");
    EXPECT_EQ(fitVerdictName(FitVerdict::No), "no");
}

// maxCtxFit is the largest n with total(n) <= available: total(max) fits, total(max + 1) does not.
TEST(FitCheck, MaxContextIsTheLargestThatFitsInAvailable) {
    const ModelShape s = llama3_8b();
    for (uint64_t available : {5 * kGiB + 12345, uint64_t(5.5 * double(kGiB)), 6 * kGiB}) {
        SCOPED_TRACE(available);
        const FitReport r = fitCheck(s, 4096, GgmlType::F16, memoryOf(available, 16 * kGiB));
        ASSERT_GT(r.maxCtxFit, 0);
        ASSERT_LT(r.maxCtxFit, s.nCtxTrain);  // not capped: the boundary is the memory's
        EXPECT_LE(fitCheck(s, r.maxCtxFit, GgmlType::F16, memoryOf(0, 0)).neededBytes(), available);
        EXPECT_GT(fitCheck(s, r.maxCtxFit + 1, GgmlType::F16, memoryOf(0, 0)).neededBytes(), available);
        // A q8_0 cache, about half the size, leaves room for a longer context.
        EXPECT_GT(fitCheck(s, 4096, GgmlType::Q8_0, memoryOf(available, 16 * kGiB)).maxCtxFit, r.maxCtxFit);
    }
    // Plenty of memory: capped at the trained context. Too little for the weights: 0.
    EXPECT_EQ(fitCheck(s, 4096, GgmlType::F16, memoryOf(64 * kGiB, 64 * kGiB)).maxCtxFit, 8192);
    EXPECT_EQ(fitCheck(s, 4096, GgmlType::F16, memoryOf(4 * kGiB, 64 * kGiB)).maxCtxFit, 0);
}

TEST(FitCheck, PredictedSpeedIsBandwidthOverBytesPerToken) {
    const ModelShape s = llama3_8b();
    const FitReport r = fitCheck(s, 8192, GgmlType::F16, memoryOf(16 * kGiB, 16 * kGiB), 20.0);
    // Every weight but the embedding, plus one embedding row (2304 bytes), plus half the 1 GiB cache.
    const uint64_t weightsPerToken = s.fileBytes - s.embdBytes + 2304;
    EXPECT_EQ(r.weightBytesPerToken, weightsPerToken);
    EXPECT_EQ(r.kvBytesReadPerToken, double(kGiB) / 2);
    EXPECT_DOUBLE_EQ(r.predictedTgTps, 20e9 / (double(weightsPerToken) + double(kGiB) / 2));
    EXPECT_NEAR(r.predictedTgTps, 3.87, 0.01);  // a 5 GB model on 20 GB/s: ~4 tokens a second
    EXPECT_EQ(r.bandwidthGbps, 20.0);
    // Twice the bandwidth, twice the speed; a longer context is slower.
    EXPECT_DOUBLE_EQ(fitCheck(s, 8192, GgmlType::F16, memoryOf(0, 0), 40.0).predictedTgTps, 2 * r.predictedTgTps);
    EXPECT_GT(fitCheck(s, 1024, GgmlType::F16, memoryOf(0, 0), 20.0).predictedTgTps, r.predictedTgTps);
    // Unknown bandwidth: no prediction.
    EXPECT_EQ(fitCheck(s, 8192, GgmlType::F16, memoryOf(0, 0)).predictedTgTps, 0.0);
    EXPECT_EQ(fitCheck(s, 8192, GgmlType::F16, memoryOf(0, 0), 0.0).predictedTgTps, 0.0);

    // A tied output reads the whole embedding too.
    ModelShape tied = s;
    tied.tiedOutput = true;
    EXPECT_EQ(fitCheck(tied, 8192, GgmlType::F16, memoryOf(0, 0)).weightBytesPerToken, s.fileBytes + 2304);
}

TEST(FitCheck, SummaryNamesTheNumbers) {
    const ModelShape s = llama3_8b();
    const FitReport fits = fitCheck(s, 8192, GgmlType::F16, memoryOf(12 * kGiB, 16 * kGiB), 17.2);
    const std::string line = fits.summary();
    // 4.6 GiB of weights + 1 GiB of cache + 0.6 GiB of compute (scores of 512 tokens x 32 heads x 8192) + 64 MiB.
    EXPECT_NE(line.find("needs 6.2 GiB of 12.0 GiB available: fits"), std::string::npos) << line;
    EXPECT_NE(line.find("up to 8192 tokens of context"), std::string::npos) << line;
    EXPECT_NE(line.find("tok/s predicted at 17.2 GB/s"), std::string::npos) << line;
    const std::string tight = fitCheck(s, 8192, GgmlType::F16, memoryOf(5 * kGiB, 8 * kGiB)).summary();
    EXPECT_NE(tight.find("(8.0 GiB total): tight (only once other programs free memory)"), std::string::npos)
        << tight;
    const std::string no = fitCheck(s, 8192, GgmlType::F16, memoryOf(2 * kGiB, 4 * kGiB)).summary();
    EXPECT_NE(no.find("does not fit"), std::string::npos) << no;
    EXPECT_NE(no.find("not even an empty context fits"), std::string::npos) << no;
    EXPECT_NE(no.find("speed unknown"), std::string::npos) << no;
}

// Opens <shared>/<rel>; skips the test when the shared data is absent.
#define OPEN_OR_SKIP(file, config, rel)                                                          \
    const fs::path file##Path = fs::path(HEARTH_SHARED_DIR) / (rel);                             \
    if (!fs::exists(file##Path)) GTEST_SKIP() << "shared test data not found: " << file##Path;   \
    auto file##Or = GgufFile::open(file##Path.string());                                         \
    ASSERT_TRUE(file##Or.ok()) << file##Or.message();                                            \
    const GgufFile& file = **file##Or;                                                           \
    auto config##Or = ModelConfig::fromGguf(file);                                               \
    ASSERT_TRUE(config##Or.ok()) << config##Or.message();                                        \
    const ModelConfig& config = *config##Or

// What hearth-cli bench counted before it shared bytesPerTokenFromFile, from a loaded Model's bindings.
uint64_t benchCount(const Model& model) {
    uint64_t bytes = 0;
    for (const GgufTensor& t : model.file().tensors()) {
        if (t.name == "token_embd.weight" && !model.weights().tiedOutput) continue;
        bytes += t.nbytes;
    }
    return bytes + model.weights().tokenEmbd.rowBytes;
}

// Untied files (qcov, stories) and a tied one (arch-qwen2: no output.weight).
const char* const kRealFiles[] = {"models/stories260K.gguf", "conformance/models/qcov-Q4_K_M.gguf",
                                  "conformance/models/qcov-Q8_0.gguf", "conformance/models/arch-qwen2.gguf"};

TEST(FitCheck, BytesPerTokenFromFileMatchesTheLoadedModel) {
    for (const char* rel : kRealFiles) {
        SCOPED_TRACE(rel);
        OPEN_OR_SKIP(file, config, rel);
        auto model = Model::load(fs::path(filePath).string());
        ASSERT_TRUE(model.ok()) << model.message();
        EXPECT_EQ(bytesPerTokenFromFile(file), benchCount(**model));
        const bool tied = (*model)->weights().tiedOutput;
        EXPECT_EQ(tied, std::string(rel).find("qwen2") != std::string::npos);
        EXPECT_EQ(shapeOf(file, config).tiedOutput, tied);
        // Untied: less than the weights (the embedding is skipped); tied: all of them plus a row.
        if (tied) {
            EXPECT_GT(bytesPerTokenFromFile(file), weightBytes(file));
        } else {
            EXPECT_LT(bytesPerTokenFromFile(file), weightBytes(file));
        }
    }
}

TEST(FitCheck, FileMaxContextIsTheLargestThatFits) {
    OPEN_OR_SKIP(file, config, "models/stories260K.gguf");
    const uint64_t available = uint64_t(80) << 20;  // 80 MiB: room for ~900 of the 2048 trained positions
    const FitReport r = fitCheck(file, config, 64, GgmlType::F16, memoryOf(available, 2 * available));
    ASSERT_GT(r.maxCtxFit, 0);
    ASSERT_LT(r.maxCtxFit, config.nCtxTrain);
    EXPECT_LE(estimateMemory(file, config, r.maxCtxFit).totalBytes(), available);
    EXPECT_GT(estimateMemory(file, config, r.maxCtxFit + 1).totalBytes(), available);
    EXPECT_EQ(r.nCtxTrain, 2048);
    EXPECT_EQ(r.memory.totalBytes(), estimateMemory(file, config, 64).totalBytes());
    // At its largest context it needs all of available: tight; at 64 it fits (needs ~81 % of available).
    EXPECT_EQ(fitCheck(file, config, r.maxCtxFit, GgmlType::F16, memoryOf(available, 2 * available)).verdict,
              FitVerdict::Tight);
    EXPECT_EQ(r.verdict, FitVerdict::Fits);
}

// The catalog's numbers (shapes + file size, before download) agree with the file's: the KV cache and compute
// exactly, the weights and bytes per token within the header's share of the file.
TEST(FitCheck, ShapesOnlyAgreesWithTheFile) {
    for (const char* rel : kRealFiles) {
        SCOPED_TRACE(rel);
        OPEN_OR_SKIP(file, config, rel);
        const SystemMemory mem = memoryOf(uint64_t(200) << 20, uint64_t(400) << 20);
        const FitReport fromFile = fitCheck(file, config, 512, GgmlType::F16, mem, 10.0);
        ModelShape shape = shapeOf(file, config);
        EXPECT_EQ(shape.fileBytes, file.fileBytes());
        for (bool knownEmbd : {true, false}) {
            SCOPED_TRACE(knownEmbd ? "embedding size known" : "embedding size estimated");
            if (!knownEmbd) {
                shape.embdBytes = 0;
                shape.embdType.reset();
            }
            // Off by the header (< 2 % of these small files, less in real ones), and when the embedding's size is
            // estimated at the file's average bytes per parameter, by how far its type is from the average.
            const double tolerance = 0.02;
            const FitReport fromShape = fitCheck(shape, 512, GgmlType::F16, mem, 10.0);
            EXPECT_EQ(fromShape.memory.kvBytesPerToken, fromFile.memory.kvBytesPerToken);
            EXPECT_EQ(fromShape.memory.kvBytes, fromFile.memory.kvBytes);
            EXPECT_EQ(fromShape.memory.computeBytes, fromFile.memory.computeBytes);
            if (shape.tiedOutput && !knownEmbd) {
                // Tied, type unknown: a repacked copy of the embedding is assumed (this CPU may not repack the
                // F32 embedding of arch-qwen2): an upper bound, by at most the embedding's size.
                const uint64_t embd = file.findTensor("token_embd.weight")->nbytes;
                EXPECT_GE(fromShape.memory.weightBytes, fromFile.memory.weightBytes);
                EXPECT_LE(double(fromShape.memory.weightBytes),
                          (1 + tolerance) * double(fromFile.memory.weightBytes + embd));
            } else {
                EXPECT_NEAR(double(fromShape.memory.weightBytes), double(fromFile.memory.weightBytes),
                            tolerance * double(fromFile.memory.weightBytes));
            }
            EXPECT_NEAR(double(fromShape.weightBytesPerToken), double(fromFile.weightBytesPerToken),
                        tolerance * double(fromFile.weightBytesPerToken));
            EXPECT_NEAR(fromShape.predictedTgTps, fromFile.predictedTgTps, tolerance * fromFile.predictedTgTps);
            EXPECT_EQ(fromShape.verdict, fromFile.verdict);
            EXPECT_EQ(fromShape.maxCtxFit, fromFile.maxCtxFit);  // both the trained context
        }
        // The parameter count the shapes imply is the file's (biases aside).
        uint64_t params = 0;
        for (const GgufTensor& t : file.tensors()) {
            if (!t.name.ends_with(".bias")) params += uint64_t(t.nElements());
        }
        EXPECT_EQ(shape.parameterCount(), params);
    }
}

}  // namespace
}  // namespace hearth::engine
