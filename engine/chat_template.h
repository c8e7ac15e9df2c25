// Chat formatting for the common model families. We do not run the GGUF's Jinja template
// (tokenizer.chat_template); we recognise which family it belongs to by its markers and render that family's
// format in C++, matching what the reference templates produce for plain system/user/assistant conversations
// (no tools, no reasoning fields).
//
// The returned prompt is meant to be tokenized with special tokens parsed (parseSpecial = true) and never starts
// with the BOS text ("<s>", "<|begin_of_text|>", "<bos>"): the session prepends the vocabulary's BOS token when its
// add_bos flag says so, so BOS is never doubled. BOS texts that appear later in the prompt (Llama 2 starts every
// user turn with "<s>") are kept.
//
// Formats (S = system text, U = user text, A = assistant text; "trim" = leading/trailing whitespace removed, as
// the templates do):
//   ChatMl  (Qwen, many fine-tunes)  <|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n
//                                    <|im_start|>assistant\nA<|im_end|>\n     prompt: <|im_start|>assistant\n
//   Llama3                           <|start_header_id|>system<|end_header_id|>\n\ntrim(S)<|eot_id|> (the same
//                                    for user/assistant)
//                                    prompt: <|start_header_id|>assistant<|end_header_id|>\n\n
//   Llama2  ([INST] with <<SYS>>)    [INST] trim(<<SYS>>\nS\n<</SYS>>\n\nU) [/INST] trim(A) </s>
//                                    <s>[INST] trim(U2) [/INST]
//   Mistral ([INST] without <<SYS>>) [INST] U [/INST]A</s>[INST] U2 [/INST]; a system text is put in front of the
//                                    first user text followed by "\n\n" (first, not last as some later Mistral
//                                    templates do, so the prompt prefix stays stable and the KV cache reusable)
//   Gemma                            <start_of_turn>user\ntrim(U)<end_of_turn>\n<start_of_turn>model\ntrim(A)
//                                    <end_of_turn>\n      prompt: <start_of_turn>model\n; no system role: S + "\n\n"
//                                    goes, untrimmed, in front of the first turn's text (as Gemma 3's template does)
//   Phi3                             <|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\nA<|end|>\n
//                                    prompt: <|assistant|>\n
//   Raw     (base models, no template) the contents joined by "\n"; no markers, no assistant prompt
// Llama2/Mistral have no separate assistant prompt: the user turn's "[/INST]" already hands over to the model.
// Family defaults that some templates inject (Qwen 2.5's default system prompt, Llama 3.1's "Cutting Knowledge
// Date" block) are not added: the caller supplies the system prompt it wants. Without addAssistantPrompt nothing
// is appended after the last turn (Phi-3.5's template would append its EOS there).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engine {

enum class ChatFormat : uint8_t { Unknown, ChatMl, Llama3, Llama2, Mistral, Gemma, Phi3, Raw };

struct ChatMessage {
    std::string role;     // "system", "user" or "assistant" (others are rendered as the format allows)
    std::string content;
};

// The family of a Jinja chat template, by its markers; Unknown for an empty or unrecognised template.
ChatFormat detectChatFormat(std::string_view jinja);

// detectChatFormat, and when that says Unknown, a guess from the vocabulary: the first family whose marker token
// exists (hasToken("<|im_start|>") -> ChatMl, "<|start_header_id|>" -> Llama3, "<start_of_turn>" -> Gemma,
// "<|user|>" -> Phi3, "[INST]" -> Mistral), else Raw.
ChatFormat chooseChatFormat(std::string_view jinja, const std::function<bool(std::string_view)>& hasToken);

// The prompt text for a conversation (see above); with addAssistantPrompt the text ends where the model's reply
// begins. Unknown renders as ChatMl.
std::string formatChat(ChatFormat format, std::span<const ChatMessage> messages, bool addAssistantPrompt);

// Texts that end the model's turn; generation stops when one is produced (they are special tokens in the
// family's vocabulary). Empty for Raw.
std::vector<std::string> chatStopStrings(ChatFormat format);

// Stable lower-case names ("chatml", "llama3", "llama2", "mistral", "gemma", "phi3", "raw", "unknown") for
// settings and the CLI, and back.
std::string_view chatFormatName(ChatFormat format);
std::optional<ChatFormat> chatFormatFromName(std::string_view name);

}  // namespace hearth::engine
