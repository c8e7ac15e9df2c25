#include "engine/session.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "engine/unicode.h"

namespace hearth::engine {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Length of the longest suffix of `text` that is a proper prefix of some stop string: that much must be held back
// because the next token may complete the stop string.
size_t heldBackLength(std::string_view text, const std::vector<std::string>& stops) {
    size_t held = 0;
    for (const std::string& stop : stops) {
        const size_t maxLen = std::min(text.size(), stop.size() - 1);
        for (size_t len = maxLen; len > held; --len) {
            if (text.substr(text.size() - len) == std::string_view(stop).substr(0, len)) {
                held = len;
                break;
            }
        }
    }
    return held;
}

}  // namespace

std::string_view stopReasonName(StopReason reason) {
    switch (reason) {
        case StopReason::EndOfGeneration: return "end of generation";
        case StopReason::StopString: return "stop string";
        case StopReason::MaxTokens: return "token limit";
        case StopReason::ContextFull: return "context full";
        case StopReason::Cancelled: return "cancelled";
    }
    return "?";
}

Session::Session(const Vocab& vocab, std::unique_ptr<Context> ctx) : vocab_(vocab), ctx_(std::move(ctx)) {
    chatFormat_ = chooseChatFormat(vocab_.chatTemplate(),
                                   [this](std::string_view text) { return vocab_.findToken(text) != kNoToken; });
}

Result<std::unique_ptr<Session>> Session::create(const Model& model, const Vocab& vocab,
                                                 const ContextParams& params) {
    if (vocab.nTokens() != model.config().nVocab) {
        return Error{"the vocabulary has " + std::to_string(vocab.nTokens()) + " tokens but the model's output has " +
                     std::to_string(model.config().nVocab) + " rows"};
    }
    auto ctx = Context::create(model, params);
    if (!ctx) return ctx.error();
    return std::unique_ptr<Session>(new Session(vocab, std::move(ctx).value()));
}

Status Session::feedPrompt(std::span<const int32_t> tokens, GenerationStats& stats, const std::atomic<bool>* cancel,
                           bool& cancelled) {
    cancelled = false;
    if (tokens.empty()) return Error{"the prompt is empty"};
    if (int64_t(tokens.size()) >= ctx_->nCtx()) {
        return Error{"the prompt has " + std::to_string(tokens.size()) + " tokens, the context holds " +
                     std::to_string(ctx_->nCtx())};
    }
    // Reuse the common prefix, but always evaluate at least the last token: its logits start the generation.
    size_t common = 0;
    while (common < cached_.size() && common < tokens.size() && cached_[common] == tokens[common]) ++common;
    if (common == tokens.size()) --common;
    ctx_->truncate(int(common));
    cached_.resize(common);

    const auto start = Clock::now();
    stats.promptTokens = int(tokens.size());
    const std::span<const int32_t> rest = tokens.subspan(common);
    // Batch by batch (the context would batch the same way) so a cancel is noticed between batches; every batch
    // that was evaluated is recorded in cached_ at once, so cache and list agree whenever we return.
    const size_t batch = size_t(std::max(1, ctx_->params().nBatch));
    for (size_t at = 0; at < rest.size(); at += batch) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            cancelled = true;
            break;
        }
        const std::span<const int32_t> part = rest.subspan(at, std::min(batch, rest.size() - at));
        if (Status s = ctx_->eval(part, false); !s) return s;
        cached_.insert(cached_.end(), part.begin(), part.end());
        stats.promptEvaluated += int(part.size());
    }
    stats.promptSeconds = secondsSince(start);
    return {};
}

Result<GenerationStats> Session::generate(std::span<const int32_t> prompt, const GenerationParams& params,
                                          const TextCallback& onText) {
    GenerationStats stats;
    bool cancelled = false;
    if (Status s = feedPrompt(prompt, stats, params.cancel, cancelled); !s) return s.error();
    if (cancelled) {
        stats.stopReason = StopReason::Cancelled;
        return stats;
    }

    sampler_.setParams(params.sampler);
    Utf8Stream utf8;
    std::string pending;  // decoded text not yet passed on (may be the start of a stop string)
    const auto start = Clock::now();
    stats.stopReason = StopReason::MaxTokens;

    auto emit = [&](std::string_view text) { return text.empty() || !onText || onText(text); };

    // SentencePiece marks a word start with a space; at the very start of the text (nothing but control tokens
    // such as BOS before it) that space is an artefact of the space prefix, not output.
    bool atTextStart = vocab_.addSpacePrefix() && std::all_of(prompt.begin(), prompt.end(), [&](int32_t id) {
                           return vocab_.isControl(id);
                       });

    for (;;) {
        if (params.cancel && params.cancel->load(std::memory_order_relaxed)) {
            stats.stopReason = StopReason::Cancelled;
            break;
        }
        if (params.maxTokens >= 0 && stats.generatedTokens >= params.maxTokens) {
            stats.stopReason = StopReason::MaxTokens;
            break;
        }
        const int32_t token = sampler_.sample(ctx_->logits(0), ctx_->nVocab(), cached_);
        ++stats.generatedTokens;
        if (vocab_.isEog(token)) {
            stats.stopReason = StopReason::EndOfGeneration;
            break;
        }
        std::string piece = utf8.push(vocab_.tokenToPiece(token));
        if (atTextStart && !piece.empty()) {
            if (piece[0] == ' ') piece.erase(0, 1);
            atTextStart = false;
        }
        pending += piece;

        // A complete stop string ends the reply; the text before it still counts.
        bool stopped = false;
        for (const std::string& stop : params.stopStrings) {
            if (stop.empty()) continue;
            if (const size_t at = pending.find(stop); at != std::string::npos) {
                pending.resize(at);
                stopped = true;
            }
        }
        if (stopped) {
            stats.stopReason = StopReason::StopString;
            break;
        }
        const size_t held = heldBackLength(pending, params.stopStrings);
        if (!emit(std::string_view(pending).substr(0, pending.size() - held))) {
            pending.clear();
            stats.stopReason = StopReason::Cancelled;
            break;
        }
        pending.erase(0, pending.size() - held);

        if (ctx_->nPast() >= ctx_->nCtx()) {
            stats.stopReason = StopReason::ContextFull;
            break;
        }
        const int32_t one[1] = {token};
        if (Status s = ctx_->eval(one, false); !s) return s.error();
        cached_.push_back(token);
    }
    if (stats.stopReason != StopReason::Cancelled) {
        pending += utf8.flush();
        emit(pending);
    }
    stats.generateSeconds = secondsSince(start);
    return stats;
}

Result<GenerationStats> Session::generateText(std::string_view prompt, bool parseSpecial,
                                              const GenerationParams& params, const TextCallback& onText) {
    std::vector<int32_t> tokens = vocab_.tokenize(prompt, /*addSpecial=*/true, parseSpecial);
    // A raw prompt on a vocabulary that adds no BOS (and empty text) still needs a token to predict from.
    if (tokens.empty() && vocab_.bos() != kNoToken) tokens.push_back(vocab_.bos());
    return generate(tokens, params, onText);
}

void Session::setSystemPrompt(std::string_view text) {
    if (!messages_.empty() && messages_.front().role == "system") messages_.erase(messages_.begin());
    if (!text.empty()) messages_.insert(messages_.begin(), ChatMessage{"system", std::string(text)});
}

void Session::resetConversation() {
    std::vector<ChatMessage> keep;
    if (!messages_.empty() && messages_.front().role == "system") keep.push_back(messages_.front());
    messages_ = std::move(keep);
}

Result<GenerationStats> Session::chat(std::string_view userText, const GenerationParams& params,
                                      const TextCallback& onText) {
    messages_.push_back(ChatMessage{"user", std::string(userText)});
    const std::string prompt = formatChat(chatFormat_, messages_, /*addAssistantPrompt=*/true);

    GenerationParams turn = params;
    for (std::string& stop : chatStopStrings(chatFormat_)) turn.stopStrings.push_back(std::move(stop));

    std::string reply;
    auto stats = generateText(prompt, /*parseSpecial=*/true, turn, [&](std::string_view text) {
        reply += text;
        return !onText || onText(text);
    });
    if (!stats) {
        messages_.pop_back();
        return stats;
    }
    messages_.push_back(ChatMessage{"assistant", std::move(reply)});
    return stats;
}

}  // namespace hearth::engine
