// Chat templates: the exact prompt text per family (checked against the families' Jinja templates rendered by
// Jinja2, minus the leading BOS), detection of real templates shipped in GGUF vocabularies, and stop strings.
#include "engine/chat_template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"

namespace hearth::engine {
namespace {

const std::vector<ChatMessage> kMultiTurn = {
    {"system", "You are terse."},
    {"user", "Hi"},
    {"assistant", "Hello!"},
    {"user", "How are you?"},
};
// Whitespace around contents: Llama 3, Llama 2 and Gemma trim it, ChatML, Mistral and Phi-3 keep it.
const std::vector<ChatMessage> kPadded = {
    {"user", " padded \n"},
    {"assistant", " ok "},
    {"user", "again"},
};

TEST(ChatTemplate, ChatMl) {
    EXPECT_EQ(formatChat(ChatFormat::ChatMl, kMultiTurn, true),
              "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
              "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n"
              "<|im_start|>assistant\n");
    EXPECT_EQ(formatChat(ChatFormat::ChatMl, kPadded, false),
              "<|im_start|>user\n padded \n<|im_end|>\n<|im_start|>assistant\n ok <|im_end|>\n"
              "<|im_start|>user\nagain<|im_end|>\n");
}

TEST(ChatTemplate, Llama3) {
    EXPECT_EQ(formatChat(ChatFormat::Llama3, kMultiTurn, true),
              "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n");
    EXPECT_EQ(formatChat(ChatFormat::Llama3, kPadded, false),
              "<|start_header_id|>user<|end_header_id|>\n\npadded<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\nok<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\nagain<|eot_id|>");
}

TEST(ChatTemplate, Llama2WithSystemBlock) {
    // The first "<s>" (BOS) is left to the session; later turns carry their own.
    EXPECT_EQ(formatChat(ChatFormat::Llama2, kMultiTurn, true),
              "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] How are you? [/INST]");
    EXPECT_EQ(formatChat(ChatFormat::Llama2, kPadded, true), "[INST] padded [/INST] ok </s><s>[INST] again [/INST]");
    // No assistant prompt exists: [/INST] already hands over.
    EXPECT_EQ(formatChat(ChatFormat::Llama2, kPadded, false), formatChat(ChatFormat::Llama2, kPadded, true));
}

TEST(ChatTemplate, MistralInst) {
    EXPECT_EQ(formatChat(ChatFormat::Mistral, kMultiTurn, true),
              "[INST] You are terse.\n\nHi [/INST]Hello!</s>[INST] How are you? [/INST]");
    EXPECT_EQ(formatChat(ChatFormat::Mistral, kPadded, true), "[INST]  padded \n [/INST] ok </s>[INST] again [/INST]");
}

TEST(ChatTemplate, GemmaHasNoSystemRoleAndCallsTheAssistantModel) {
    EXPECT_EQ(formatChat(ChatFormat::Gemma, kMultiTurn, true),
              "<start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
              "<start_of_turn>user\nHow are you?<end_of_turn>\n<start_of_turn>model\n");
    EXPECT_EQ(formatChat(ChatFormat::Gemma, kPadded, false),
              "<start_of_turn>user\npadded<end_of_turn>\n<start_of_turn>model\nok<end_of_turn>\n"
              "<start_of_turn>user\nagain<end_of_turn>\n");
}

TEST(ChatTemplate, Phi3) {
    EXPECT_EQ(formatChat(ChatFormat::Phi3, kMultiTurn, true),
              "<|system|>\nYou are terse.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
              "<|user|>\nHow are you?<|end|>\n<|assistant|>\n");
    EXPECT_EQ(formatChat(ChatFormat::Phi3, kPadded, false),
              "<|user|>\n padded \n<|end|>\n<|assistant|>\n ok <|end|>\n<|user|>\nagain<|end|>\n");
}

TEST(ChatTemplate, SingleUserTurnAndRaw) {
    const std::vector<ChatMessage> one = {{"user", "Hello"}};
    EXPECT_EQ(formatChat(ChatFormat::ChatMl, one, true), "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
    EXPECT_EQ(formatChat(ChatFormat::Llama2, one, true), "[INST] Hello [/INST]");
    EXPECT_EQ(formatChat(ChatFormat::Gemma, one, true),
              "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n");
    // Raw (base models): the text itself, so "Once upon a time" continues a story.
    EXPECT_EQ(formatChat(ChatFormat::Raw, std::vector<ChatMessage>{{"user", "Once upon a time"}}, true),
              "Once upon a time");
    EXPECT_EQ(formatChat(ChatFormat::Raw, kPadded, true), " padded \n\n ok \nagain");
}

TEST(ChatTemplate, PromptNeverStartsWithBos) {
    for (ChatFormat f : {ChatFormat::ChatMl, ChatFormat::Llama3, ChatFormat::Llama2, ChatFormat::Mistral,
                         ChatFormat::Gemma, ChatFormat::Phi3}) {
        const std::string p = formatChat(f, kMultiTurn, true);
        for (const char* bos : {"<s>", "<|begin_of_text|>", "<bos>"})
            EXPECT_NE(p.rfind(bos, 0), 0u) << chatFormatName(f) << " starts with " << bos;
    }
}

TEST(ChatTemplate, DetectsFamiliesByTheirMarkers) {
    EXPECT_EQ(detectChatFormat("{% for message in messages %}{{'<|im_start|>' + message['role'] }}"),
              ChatFormat::ChatMl);
    EXPECT_EQ(detectChatFormat("{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}"),
              ChatFormat::Llama3);
    EXPECT_EQ(detectChatFormat("{{ bos_token + '[INST] ' + '<<SYS>>\\n' + content }}"), ChatFormat::Llama2);
    EXPECT_EQ(detectChatFormat("{{ bos_token }}{{ '[INST] ' + message['content'] + ' [/INST]' }}"),
              ChatFormat::Mistral);
    EXPECT_EQ(detectChatFormat("{{ '<start_of_turn>' + role + '\\n' }}"), ChatFormat::Gemma);
    EXPECT_EQ(detectChatFormat("{{'<|user|>' + '\\n' + message['content'] + '<|end|>'}}"), ChatFormat::Phi3);
    EXPECT_EQ(detectChatFormat(""), ChatFormat::Unknown);
    EXPECT_EQ(detectChatFormat("{{ '### Instruction:' }}"), ChatFormat::Unknown);
}

TEST(ChatTemplate, FallbackUsesTheVocabularyThenRaw) {
    const auto has = [](std::vector<std::string> tokens) {
        return [tokens](std::string_view t) {
            for (const std::string& x : tokens)
                if (x == t) return true;
            return false;
        };
    };
    EXPECT_EQ(chooseChatFormat("", has({"<|im_start|>", "<|im_end|>"})), ChatFormat::ChatMl);
    EXPECT_EQ(chooseChatFormat("", has({"<|start_header_id|>"})), ChatFormat::Llama3);
    EXPECT_EQ(chooseChatFormat("", has({"<start_of_turn>"})), ChatFormat::Gemma);
    EXPECT_EQ(chooseChatFormat("", has({"<s>", "</s>"})), ChatFormat::Raw);
    EXPECT_EQ(chooseChatFormat("", nullptr), ChatFormat::Raw);
    // A recognised template wins over the vocabulary.
    EXPECT_EQ(chooseChatFormat("<start_of_turn>", has({"<|im_start|>"})), ChatFormat::Gemma);
}

TEST(ChatTemplate, StopStringsEndTheTurn) {
    const auto contains = [](const std::vector<std::string>& v, const std::string& s) {
        for (const std::string& x : v)
            if (x == s) return true;
        return false;
    };
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::ChatMl), "<|im_end|>"));
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::Llama3), "<|eot_id|>"));
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::Llama2), "</s>"));
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::Mistral), "</s>"));
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::Gemma), "<end_of_turn>"));
    EXPECT_TRUE(contains(chatStopStrings(ChatFormat::Phi3), "<|end|>"));
    EXPECT_TRUE(chatStopStrings(ChatFormat::Raw).empty());
}

TEST(ChatTemplate, NamesRoundTrip) {
    for (ChatFormat f : {ChatFormat::Unknown, ChatFormat::ChatMl, ChatFormat::Llama3, ChatFormat::Llama2,
                         ChatFormat::Mistral, ChatFormat::Gemma, ChatFormat::Phi3, ChatFormat::Raw}) {
        const std::optional<ChatFormat> back = chatFormatFromName(chatFormatName(f));
        ASSERT_TRUE(back.has_value()) << chatFormatName(f);
        EXPECT_EQ(*back, f);
    }
    EXPECT_FALSE(chatFormatFromName("vicuna").has_value());
}

// Real templates shipped in llama.cpp's test vocabularies.
TEST(ChatTemplate, DetectsTheTemplatesOfRealVocabularies) {
    const std::filesystem::path dir = std::filesystem::path(HEARTH_SHARED_DIR) / "conformance" / "vocab";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "shared conformance data not found at " << dir;
    const struct {
        const char* file;
        ChatFormat expected;
    } cases[] = {
        {"ggml-vocab-llama-bpe.gguf", ChatFormat::Llama3},
        {"ggml-vocab-phi-3.gguf", ChatFormat::Phi3},
        {"ggml-vocab-qwen2.gguf", ChatFormat::ChatMl},
    };
    for (const auto& c : cases) {
        auto file = GgufFile::open((dir / c.file).string());
        ASSERT_TRUE(file.ok()) << c.file << ": " << file.message();
        const std::optional<std::string_view> tmpl = (*file)->getString("tokenizer.chat_template");
        ASSERT_TRUE(tmpl.has_value()) << c.file << " has no tokenizer.chat_template";
        EXPECT_EQ(detectChatFormat(*tmpl), c.expected) << c.file;
    }
    // Without a template the vocabulary decides: Qwen2's has <|im_start|>, llama-spm's only <s>/</s> (Raw).
    const struct {
        const char* file;
        ChatFormat expected;
    } fallbacks[] = {
        {"ggml-vocab-qwen2.gguf", ChatFormat::ChatMl},
        {"ggml-vocab-llama-spm.gguf", ChatFormat::Raw},
    };
    for (const auto& c : fallbacks) {
        auto file = GgufFile::open((dir / c.file).string());
        ASSERT_TRUE(file.ok()) << c.file << ": " << file.message();
        const GgufValue* tokens = (*file)->getArray("tokenizer.ggml.tokens");
        ASSERT_NE(tokens, nullptr) << c.file;
        const auto has = [tokens](std::string_view t) {
            for (std::string_view x : tokens->strings)
                if (x == t) return true;
            return false;
        };
        EXPECT_EQ(chooseChatFormat("", has), c.expected) << c.file;
    }
}

}  // namespace
}  // namespace hearth::engine
