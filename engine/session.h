// Session: one conversation with a model — tokenizer, context (KV cache) and sampler tied together into the loop
// every front end runs: evaluate the prompt, then sample, evaluate and stream one token at a time until an
// end-of-generation token, a stop string, the token limit, the context limit, or the caller says stop.
//
// The tokens in the KV cache are remembered, so a new prompt that starts like the previous one (a chat that grows
// by one turn) only evaluates what is new. Text reaches the caller as valid UTF-8: a character split across two
// tokens arrives whole, and text that might be the start of a stop string is held back until it is not.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat_template.h"
#include "engine/forward.h"
#include "engine/result.h"
#include "engine/sampler.h"
#include "engine/vocab.h"

namespace hearth::engine {

enum class StopReason : uint8_t {
    EndOfGeneration,  // the model produced an end-of-generation token (EOS, <|eot_id|>, <|im_end|>, ...)
    StopString,       // the output reached one of the stop strings
    MaxTokens,        // the requested number of tokens was generated
    ContextFull,      // the KV cache has no room for another token
    Cancelled,        // the text callback returned false, or GenerationParams::cancel was set
};
std::string_view stopReasonName(StopReason reason);

struct GenerationParams {
    int maxTokens = 512;                   // < 0: until another stop condition
    SamplerParams sampler;
    std::vector<std::string> stopStrings;  // besides the vocabulary's end-of-generation tokens
    // Set from any thread to stop soon: checked between prompt batches (of the context's nBatch tokens) and before
    // each token, so a long prompt can be abandoned too. What was evaluated stays in the cache for the next call.
    const std::atomic<bool>* cancel = nullptr;
};

struct GenerationStats {
    int promptTokens = 0;       // tokens of the prompt
    int promptEvaluated = 0;    // of which evaluated now (the rest were reused from the KV cache)
    double promptSeconds = 0;   // time to evaluate them
    int generatedTokens = 0;    // tokens sampled (an end-of-generation token counts)
    double generateSeconds = 0; // time from the first sampled token's evaluation to the last
    StopReason stopReason = StopReason::MaxTokens;

    double promptTokensPerSecond() const { return promptSeconds > 0 ? promptEvaluated / promptSeconds : 0; }
    double generateTokensPerSecond() const {
        // The last sampled token is not evaluated; the rate counts the evaluations that happened.
        return generateSeconds > 0 && generatedTokens > 1 ? (generatedTokens - 1) / generateSeconds : 0;
    }
};

// Receives text as it is generated; return false to stop.
using TextCallback = std::function<bool(std::string_view text)>;

class Session {
public:
    // The model must outlive the session (the vocabulary is shared, cheap to copy).
    static Result<std::unique_ptr<Session>> create(const Model& model, const Vocab& vocab,
                                                   const ContextParams& params);

    // Generates a continuation of `prompt` (token ids, BOS included if wanted). The KV cache keeps the longest
    // common prefix with what it already holds and evaluates the rest.
    Result<GenerationStats> generate(std::span<const int32_t> prompt, const GenerationParams& params,
                                     const TextCallback& onText);

    // Text in: tokenized with the vocabulary's BOS rule; parseSpecial for chat-formatted text.
    Result<GenerationStats> generateText(std::string_view prompt, bool parseSpecial, const GenerationParams& params,
                                         const TextCallback& onText);

    // One chat turn: appends the user's message to the conversation, formats it with the model's chat format
    // (from tokenizer.chat_template), generates the reply with the format's stop strings added, and records the
    // reply as the assistant's turn. The system message, when wanted, is the first message of the history.
    Result<GenerationStats> chat(std::string_view userText, const GenerationParams& params,
                                 const TextCallback& onText);
    void setSystemPrompt(std::string_view text);
    void resetConversation();
    const std::vector<ChatMessage>& conversation() const { return messages_; }
    ChatFormat chatFormat() const { return chatFormat_; }

    const Context& context() const { return *ctx_; }
    const Vocab& vocab() const { return vocab_; }
    int nPast() const { return ctx_->nPast(); }
    // The tokens whose keys/values the cache holds (nPast of them): lets a caller see how much of its next prompt
    // will be reused before it calls generate.
    std::span<const int32_t> cachedTokens() const { return cached_; }
    int nCtx() const { return ctx_->nCtx(); }

private:
    Session(const Vocab& vocab, std::unique_ptr<Context> ctx);
    // Brings the cache to hold exactly `tokens` (reusing the common prefix) and leaves the last token's logits.
    // When `cancel` is set between two batches it returns early with `cancelled` true; the cache then holds the
    // prefix evaluated so far (and cached_ says so).
    Status feedPrompt(std::span<const int32_t> tokens, GenerationStats& stats, const std::atomic<bool>* cancel,
                      bool& cancelled);

    Vocab vocab_;  // cheap to copy: shared, immutable tables
    std::unique_ptr<Context> ctx_;
    std::vector<int32_t> cached_;  // (nPast) the tokens whose keys/values are in the cache, in order
    Sampler sampler_;
    ChatFormat chatFormat_ = ChatFormat::Raw;
    std::vector<ChatMessage> messages_;
};

}  // namespace hearth::engine
