#include "engine/chat_template.h"

#include <array>

namespace hearth::engine {
namespace {

bool contains(std::string_view text, std::string_view marker) { return text.find(marker) != std::string_view::npos; }

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Jinja's trim / Python's str.strip() for ASCII whitespace.
std::string_view trim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

// Splits off a leading system message: the formats below that have no system role fold it into the first user
// turn.
struct Split {
    std::string_view system;
    bool hasSystem = false;
    std::span<const ChatMessage> rest;
};
Split splitSystem(std::span<const ChatMessage> messages) {
    if (!messages.empty() && messages.front().role == "system")
        return {messages.front().content, true, messages.subspan(1)};
    return {{}, false, messages};
}

std::string formatChatMl(std::span<const ChatMessage> messages, bool addAssistantPrompt) {
    std::string out;
    for (const ChatMessage& m : messages) {
        out += "<|im_start|>";
        out += m.role;
        out += '\n';
        out += m.content;
        out += "<|im_end|>\n";
    }
    if (addAssistantPrompt) out += "<|im_start|>assistant\n";
    return out;
}

std::string formatLlama3(std::span<const ChatMessage> messages, bool addAssistantPrompt) {
    std::string out;
    for (const ChatMessage& m : messages) {
        out += "<|start_header_id|>";
        out += m.role;
        out += "<|end_header_id|>\n\n";
        out += trim(m.content);
        out += "<|eot_id|>";
    }
    if (addAssistantPrompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    return out;
}

// Meta's Llama 2 chat: every user turn is "<s>[INST] ... [/INST]" (the first "<s>" is the BOS the session adds),
// the system text sits inside the first one between <<SYS>> markers, and every reply ends with " </s>".
std::string formatLlama2(std::span<const ChatMessage> messages) {
    const Split split = splitSystem(messages);
    std::string out;
    bool first = true;
    for (const ChatMessage& m : split.rest) {
        if (m.role == "assistant") {
            out += ' ';
            out += trim(m.content);
            out += " </s>";
            continue;
        }
        std::string content;
        if (first && split.hasSystem) {
            content = "<<SYS>>\n" + std::string(split.system) + "\n<</SYS>>\n\n";
        }
        content += m.content;
        if (!first) out += "<s>";
        out += "[INST] ";
        out += trim(content);
        out += " [/INST]";
        first = false;
    }
    if (first && split.hasSystem) {
        // Only a system text: give it its own instruction block so it is not lost.
        out += "[INST] <<SYS>>\n" + std::string(split.system) + "\n<</SYS>>";
        out += " [/INST]";
    }
    return out;
}

// Mistral Instruct v0.1/v0.2: "[INST] U [/INST]A</s>" per exchange, one BOS at the start (added by the session).
std::string formatMistral(std::span<const ChatMessage> messages) {
    const Split split = splitSystem(messages);
    std::string out;
    bool first = true;
    for (const ChatMessage& m : split.rest) {
        if (m.role == "assistant") {
            out += m.content;
            out += "</s>";
            continue;
        }
        out += "[INST] ";
        if (first && split.hasSystem) {
            out += split.system;
            out += "\n\n";
        }
        out += m.content;
        out += " [/INST]";
        first = false;
    }
    if (first && split.hasSystem) {
        out += "[INST] ";
        out += split.system;
        out += " [/INST]";
    }
    return out;
}

std::string formatGemma(std::span<const ChatMessage> messages, bool addAssistantPrompt) {
    const Split split = splitSystem(messages);
    std::string out;
    // Gemma 3's template: the first turn (whatever its role) starts with the system text and "\n\n", untrimmed.
    std::string prefix = split.hasSystem ? std::string(split.system) + "\n\n" : std::string();
    for (const ChatMessage& m : split.rest) {
        out += "<start_of_turn>";
        out += m.role == "assistant" ? std::string_view("model") : std::string_view(m.role);
        out += '\n';
        out += prefix;
        prefix.clear();
        out += trim(m.content);
        out += "<end_of_turn>\n";
    }
    if (!prefix.empty()) {
        // Only a system text: a user turn holding it, so it is not lost.
        out += "<start_of_turn>user\n";
        out += trim(split.system);
        out += "<end_of_turn>\n";
    }
    if (addAssistantPrompt) out += "<start_of_turn>model\n";
    return out;
}

std::string formatPhi3(std::span<const ChatMessage> messages, bool addAssistantPrompt) {
    std::string out;
    for (const ChatMessage& m : messages) {
        out += "<|";
        out += m.role;
        out += "|>\n";
        out += m.content;
        out += "<|end|>\n";
    }
    if (addAssistantPrompt) out += "<|assistant|>\n";
    return out;
}

std::string formatRaw(std::span<const ChatMessage> messages) {
    std::string out;
    for (size_t i = 0; i < messages.size(); ++i) {
        if (i) out += '\n';
        out += messages[i].content;
    }
    return out;
}

constexpr std::array<std::string_view, 8> kNames = {"unknown", "chatml", "llama3", "llama2",
                                                     "mistral", "gemma",  "phi3",   "raw"};
static_assert(kNames.size() == size_t(ChatFormat::Raw) + 1, "one name per ChatFormat");

}  // namespace

ChatFormat detectChatFormat(std::string_view jinja) {
    // Each family's turn marker is unique to it; [INST] comes last because it is the least specific, and Llama 2's
    // <<SYS>> separates it from Mistral's plain [INST].
    if (contains(jinja, "<|im_start|>")) return ChatFormat::ChatMl;
    if (contains(jinja, "<|start_header_id|>")) return ChatFormat::Llama3;
    if (contains(jinja, "<start_of_turn>")) return ChatFormat::Gemma;
    if (contains(jinja, "<|user|>") && contains(jinja, "<|end|>")) return ChatFormat::Phi3;
    if (contains(jinja, "[INST]")) return contains(jinja, "<<SYS>>") ? ChatFormat::Llama2 : ChatFormat::Mistral;
    return ChatFormat::Unknown;
}

ChatFormat chooseChatFormat(std::string_view jinja, const std::function<bool(std::string_view)>& hasToken) {
    const ChatFormat detected = detectChatFormat(jinja);
    if (detected != ChatFormat::Unknown) return detected;
    if (hasToken) {
        if (hasToken("<|im_start|>")) return ChatFormat::ChatMl;
        if (hasToken("<|start_header_id|>")) return ChatFormat::Llama3;
        if (hasToken("<start_of_turn>")) return ChatFormat::Gemma;
        if (hasToken("<|user|>")) return ChatFormat::Phi3;
        if (hasToken("[INST]")) return ChatFormat::Mistral;
    }
    return ChatFormat::Raw;
}

std::string formatChat(ChatFormat format, std::span<const ChatMessage> messages, bool addAssistantPrompt) {
    switch (format) {
    case ChatFormat::Unknown:
    case ChatFormat::ChatMl: return formatChatMl(messages, addAssistantPrompt);
    case ChatFormat::Llama3: return formatLlama3(messages, addAssistantPrompt);
    case ChatFormat::Llama2: return formatLlama2(messages);
    case ChatFormat::Mistral: return formatMistral(messages);
    case ChatFormat::Gemma: return formatGemma(messages, addAssistantPrompt);
    case ChatFormat::Phi3: return formatPhi3(messages, addAssistantPrompt);
    case ChatFormat::Raw: return formatRaw(messages);
    }
    return formatChatMl(messages, addAssistantPrompt);
}

std::vector<std::string> chatStopStrings(ChatFormat format) {
    switch (format) {
    case ChatFormat::Unknown:
    case ChatFormat::ChatMl: return {"<|im_end|>", "<|endoftext|>"};
    case ChatFormat::Llama3: return {"<|eot_id|>", "<|end_of_text|>"};
    case ChatFormat::Llama2:
    case ChatFormat::Mistral: return {"</s>"};
    case ChatFormat::Gemma: return {"<end_of_turn>", "<eos>"};
    case ChatFormat::Phi3: return {"<|end|>", "<|endoftext|>"};
    case ChatFormat::Raw: return {};
    }
    return {};
}

std::string_view chatFormatName(ChatFormat format) {
    const auto i = size_t(format);
    return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::optional<ChatFormat> chatFormatFromName(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return ChatFormat(i);
    return std::nullopt;
}

}  // namespace hearth::engine
