// Session cancellation (GenerationParams::cancel): checked before every prompt batch and every token, and the KV
// cache and the session's token list stay in step after a cancel, so the next call reuses what was evaluated.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/model.h"
#include "engine/session.h"
#include "engine/vocab.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;
const fs::path kStories = fs::path(HEARTH_SHARED_DIR) / "models" / "stories260K.gguf";

class SessionCancel : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kStories)) GTEST_SKIP() << kStories << " is absent: skipped";
        auto m = Model::load(kStories.string());
        ASSERT_TRUE(m.ok()) << m.message();
        model_ = std::move(*m);
        auto v = Vocab::fromGguf(model_->file());
        ASSERT_TRUE(v.ok()) << v.message();
        vocab_.emplace(std::move(*v));
        prompt_ = vocab_->tokenize("Once upon a time, there was a little girl named Lily. She loved to play outside "
                                   "in the park with her friends. One day, she saw a big red ball",
                                   true, false);
        ASSERT_GT(prompt_.size(), 20u);
    }

    // Small batches so a prompt spans many of them; exact F32 so batch boundaries do not change the numbers.
    std::unique_ptr<Session> session() {
        auto s = Session::create(*model_, *vocab_, {.nCtx = 256, .nThreads = 1, .kv = KvType::F32, .exact = true,
                                                    .nBatch = 4});
        EXPECT_TRUE(s.ok()) << s.message();
        return s.ok() ? std::move(*s) : nullptr;
    }

    static GenerationParams greedy(int maxTokens, const std::atomic<bool>* cancel = nullptr) {
        GenerationParams p;
        p.maxTokens = maxTokens;
        p.sampler.temperature = 0;
        p.cancel = cancel;
        return p;
    }

    static std::string run(Session& s, std::span<const int32_t> prompt, const GenerationParams& p,
                           GenerationStats* stats = nullptr) {
        std::string text;
        auto r = s.generate(prompt, p, [&](std::string_view t) {
            text += t;
            return true;
        });
        EXPECT_TRUE(r.ok()) << r.message();
        if (r.ok() && stats) *stats = *r;
        return text;
    }

    std::unique_ptr<Model> model_;
    std::optional<Vocab> vocab_;
    std::vector<int32_t> prompt_;
};

TEST_F(SessionCancel, SetBeforeThePromptEvaluatesNothingAndKeepsTheCachedPrefix) {
    auto s = session();
    ASSERT_TRUE(s);
    const std::span<const int32_t> head(prompt_.data(), 10);
    run(*s, head, greedy(0));
    ASSERT_EQ(s->nPast(), 10);

    const std::atomic<bool> cancel{true};
    auto r = s->generate(prompt_, greedy(8, &cancel), {});
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->stopReason, StopReason::Cancelled);
    EXPECT_EQ(r->promptEvaluated, 0);
    EXPECT_EQ(r->generatedTokens, 0);
    EXPECT_EQ(s->nPast(), 10);
    ASSERT_EQ(s->cachedTokens().size(), 10u);
    EXPECT_TRUE(std::equal(head.begin(), head.end(), s->cachedTokens().begin()));

    // Resuming evaluates only the rest, and continues exactly as an uninterrupted session.
    GenerationStats resumed;
    const std::string text = run(*s, prompt_, greedy(16), &resumed);
    EXPECT_EQ(resumed.promptEvaluated, int(prompt_.size()) - 10);
    auto fresh = session();
    EXPECT_EQ(text, run(*fresh, prompt_, greedy(16)));
}

TEST_F(SessionCancel, SetFromAnotherThreadLeavesCacheAndTokenListInStep) {
    auto s = session();
    ASSERT_TRUE(s);
    std::atomic<bool> cancel{false};
    std::thread stopper([&] { cancel.store(true); });
    GenerationStats stats;
    run(*s, prompt_, greedy(-1, &cancel), &stats);
    stopper.join();
    EXPECT_EQ(stats.stopReason, StopReason::Cancelled);

    // Wherever the flag landed (before, between prompt batches, or between tokens), the token list describes the
    // cache: as long as nPast, and a prefix of the prompt or the prompt followed by generated tokens.
    const std::span<const int32_t> cached = s->cachedTokens();
    ASSERT_EQ(int(cached.size()), s->nPast());
    const size_t n = std::min(cached.size(), prompt_.size());
    EXPECT_TRUE(std::equal(cached.begin(), cached.begin() + n, prompt_.begin()));
    if (cached.size() < prompt_.size()) {
        EXPECT_EQ(stats.promptEvaluated, int(cached.size()));
    }

    const std::string text = run(*s, prompt_, greedy(16));
    auto fresh = session();
    EXPECT_EQ(text, run(*fresh, prompt_, greedy(16)));
}

TEST_F(SessionCancel, SetDuringGenerationStopsBeforeTheNextToken) {
    auto s = session();
    ASSERT_TRUE(s);
    std::atomic<bool> cancel{false};
    int pieces = 0;
    auto r = s->generate(prompt_, greedy(64, &cancel), [&](std::string_view) {
        ++pieces;
        cancel.store(true);
        return true;  // the flag alone must stop it
    });
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->stopReason, StopReason::Cancelled);
    EXPECT_EQ(pieces, 1);
    EXPECT_EQ(r->generatedTokens, 1);
    EXPECT_EQ(r->promptEvaluated, int(prompt_.size()));
    EXPECT_EQ(int(s->cachedTokens().size()), s->nPast());
}

}  // namespace
}  // namespace hearth::engine
