// stories260K (karpathy's TinyStories 260K, the one trained model in ../shared): greedy decoding from BOS must
// reproduce the published sample token for token, the first logits must match the float64 trace, and the
// detokenized text must equal stories260K.greedy256.txt.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/forward.h"
#include "engine/model.h"
#include "engine/vocab.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;
const fs::path kModels = fs::path(HEARTH_SHARED_DIR) / "models";

struct Trace {
    std::vector<int32_t> ids;                  // BOS + 256 greedy ids
    std::vector<std::vector<double>> logits;   // logits after positions 0..2 (float64 forward pass)
};

Trace loadTrace() {
    std::ifstream in(kModels / "stories260K.greedy256.trace.json");
    const nlohmann::json j = nlohmann::json::parse(in);
    return Trace{j.at("ids").get<std::vector<int32_t>>(), j.at("logits_pos0_2").get<std::vector<std::vector<double>>>()};
}

// Greedy decoding: feeds ids[0] (BOS), then each argmax, until n ids were produced. Returns BOS + the ids, and
// the logits rows of the first nKeep steps.
std::vector<int32_t> greedy(Context& ctx, int32_t bos, int n, std::vector<std::vector<float>>* firstLogits,
                            int nKeep) {
    std::vector<int32_t> out = {bos};
    int32_t tok = bos;
    for (int i = 0; i < n; ++i) {
        Status s = ctx.eval(std::span<const int32_t>(&tok, 1));
        EXPECT_TRUE(s.ok()) << s.message();
        if (!s.ok()) break;
        const float* l = ctx.logits(0);
        if (i < nKeep) firstLogits->emplace_back(l, l + ctx.nVocab());
        tok = int32_t(std::max_element(l, l + ctx.nVocab()) - l);
        out.push_back(tok);
    }
    return out;
}

class Stories : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kModels / "stories260K.gguf")) GTEST_SKIP() << kModels << " is absent: skipped";
        auto m = Model::load((kModels / "stories260K.gguf").string());
        ASSERT_TRUE(m.ok()) << m.message();
        model_ = std::move(*m);
        trace_ = loadTrace();
        ASSERT_EQ(trace_.ids.size(), 257u);
    }
    std::unique_ptr<Model> model_;
    Trace trace_;
};

TEST_F(Stories, ExactGreedyFromBosReproducesTheTrace) {
    for (int nThreads : {1, 2}) {
        auto ctx = Context::create(*model_, {.nCtx = 512, .nThreads = nThreads, .kv = KvType::F32, .exact = true});
        ASSERT_TRUE(ctx.ok()) << ctx.message();
        std::vector<std::vector<float>> first;
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<int32_t> ids = greedy(**ctx, trace_.ids[0], 256, &first, 3);
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("    stories260K exact, %d thread(s): 256 tokens in %.3f s = %.0f tok/s\n", nThreads, sec,
                    256 / sec);
        EXPECT_EQ(ids, trace_.ids) << "with " << nThreads << " thread(s)";
        if (nThreads == 1) {
            // The text a user would read: the generated ids (after BOS) through the model's own vocabulary. The
            // file ends with a line break of its own (the last token, 426, is "."), not part of the text.
            auto vocab = Vocab::fromGguf(model_->file());
            ASSERT_TRUE(vocab.ok()) << vocab.message();
            std::ifstream in(kModels / "stories260K.greedy256.txt", std::ios::binary);
            std::stringstream file;
            file << in.rdbuf();
            std::string expected = file.str();
            ASSERT_FALSE(expected.empty());
            ASSERT_EQ(expected.back(), '\n');
            expected.pop_back();
            const std::vector<int32_t> generated(ids.begin() + 1, ids.end());
            EXPECT_EQ(vocab->detokenize(generated), expected);
        }

        // The first logits agree with the float64 trace within the F32 tolerance of the conformance README.
        ASSERT_EQ(first.size(), trace_.logits.size());
        double maxAbs = 0;
        for (size_t r = 0; r < first.size(); ++r) {
            ASSERT_EQ(first[r].size(), trace_.logits[r].size());
            for (size_t v = 0; v < first[r].size(); ++v)
                maxAbs = std::max(maxAbs, std::abs(double(first[r][v]) - trace_.logits[r][v]));
        }
        EXPECT_LE(maxAbs, 2e-4);
    }
}

TEST_F(Stories, FastPathGreedyFromBosReproducesTheTrace) {
    // What the chat uses: F16 KV cache, activations in the weights' fast format (F32 weights: unchanged).
    auto ctx = Context::create(*model_, {.nCtx = 512, .nThreads = 2, .kv = KvType::F16, .exact = false});
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    std::vector<std::vector<float>> first;
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int32_t> ids = greedy(**ctx, trace_.ids[0], 256, &first, 0);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("    stories260K fast (F16 KV), 2 threads: 256 tokens in %.3f s = %.0f tok/s\n", sec, 256 / sec);
    EXPECT_EQ(ids, trace_.ids);
}

TEST_F(Stories, BatchedPromptThenDecodeMatchesTokenByToken) {
    // Evaluating the first 40 trace ids as one batch, then decoding, continues the trace exactly.
    auto ctx = Context::create(*model_, {.nCtx = 512, .nThreads = 2, .kv = KvType::F32, .exact = true, .nBatch = 16});
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    const std::vector<int32_t> prompt(trace_.ids.begin(), trace_.ids.begin() + 40);
    ASSERT_TRUE((*ctx)->eval(prompt).ok());
    std::vector<int32_t> ids = prompt;
    for (int i = 0; i < 60; ++i) {
        const float* l = (*ctx)->logits(0);
        int32_t tok = int32_t(std::max_element(l, l + (*ctx)->nVocab()) - l);
        ids.push_back(tok);
        ASSERT_TRUE((*ctx)->eval(std::span<const int32_t>(&tok, 1)).ok());
    }
    EXPECT_EQ(ids, std::vector<int32_t>(trace_.ids.begin(), trace_.ids.begin() + 100));
}

}  // namespace
}  // namespace hearth::engine
