// Vocabulary and tokenizer, read from GGUF metadata (tokenizer.ggml.*). Three tokenizer families are supported and
// reproduce llama.cpp c392e509 exactly on its test vectors:
//   "llama" -> SentencePiece-style BPE over token scores with byte fallback (Llama 1/2, Mistral, Phi-3, ...)
//   "gpt2"  -> byte-level BPE over merge ranks, after a per-model regex pre-tokenizer (Llama 3, Qwen2, GPT-2, ...)
//   "bert"  -> WordPiece (tokenizer_wpm.h: BERT-style embedding models); addSpecial wraps the ids in [CLS] ... [SEP]
// (other families are refused with an error naming them.)
//
// Before either tokenizer runs, the text is partitioned on special tokens (longest first): CONTROL and UNKNOWN
// tokens only when parseSpecial is true, USER_DEFINED tokens always (as llama.cpp and HF tokenizers do).
//
// A Vocab is immutable after fromGguf(), cheap to copy (shared state) and safe to use from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace hearth::engine {

class GgufFile;

inline constexpr int32_t kNoToken = -1;

enum class VocabType { Spm, Bpe, Wpm };

// tokenizer.ggml.token_type values (written to disk; values never change).
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

class Vocab {
public:
    // Reads and validates tokenizer.ggml.* from the metadata (tensors are not needed: vocabulary-only files work).
    static Result<Vocab> fromGguf(const GgufFile& file);

    // Text -> token ids. addSpecial: prepend BOS / append EOS when the vocabulary asks for it (add_bos_token /
    // add_eos_token); WordPiece: always [CLS] (the BOS) first and [SEP] last, as llama.cpp. parseSpecial: recognise CONTROL token texts such as "<|im_start|>" in the text.
    std::vector<int32_t> tokenize(std::string_view text, bool addSpecial, bool parseSpecial) const;

    // The bytes a token stands for (not necessarily valid UTF-8 on its own: see Utf8Stream). SPM: U+2581 -> ' ',
    // <0xXX> -> that byte; BPE: byte-level characters -> bytes. CONTROL and UNKNOWN tokens give "" unless
    // `special`, then their text; USER_DEFINED tokens give their text; UNUSED / UNDEFINED ones and ids out of range
    // give "".
    std::string tokenToPiece(int32_t id, bool special = false) const;

    // Concatenated pieces. Removes the one leading space SPM's space prefix added; removeSpecial also drops a
    // leading BOS / trailing EOS the vocabulary adds; unparseSpecial renders CONTROL tokens as their text.
    // (llama.cpp's optional "clean spaces" pass for some BPE vocabularies is not applied: output = input text.)
    std::string detokenize(std::span<const int32_t> ids, bool removeSpecial = false,
                           bool unparseSpecial = false) const;

    VocabType type() const;
    std::string_view model() const;         // "llama", "gpt2" or "bert"
    std::string_view preTokenizer() const;  // BPE: canonical preset name; SPM: ""
    int32_t nTokens() const;
    size_t maxTokenLength() const;  // bytes of the longest token text
    bool valid(int32_t id) const { return id >= 0 && id < nTokens(); }

    std::string_view tokenText(int32_t id) const;  // the vocabulary string ("" for an invalid id)
    float tokenScore(int32_t id) const;
    TokenType tokenType(int32_t id) const;         // after llama.cpp's overrides (e.g. EOG texts -> Control)
    bool isControl(int32_t id) const { return tokenType(id) == TokenType::Control; }
    int32_t findToken(std::string_view text) const;  // exact vocabulary string -> id, or kNoToken

    // Special tokens; kNoToken when the vocabulary has none.
    int32_t bos() const;
    int32_t eos() const;
    int32_t eot() const;  // end of turn: from metadata, else found by text (<|eot_id|>, <|im_end|>, <|end|>, ...)
    int32_t eom() const;
    int32_t unk() const;
    int32_t sep() const;
    int32_t pad() const;
    int32_t newline() const;  // the token for "\n" (SPM: <0x0A>), or kNoToken

    // End of generation: EOS, EOT, EOM, and tokens whose text is <|eot_id|>, <|im_end|>, <|end|>, <end_of_turn>,
    // <|endoftext|>, <|eom_id|>, <EOT>, and the FIM pad / repo / file-separator tokens.
    bool isEog(int32_t id) const;
    const std::vector<int32_t>& eogTokens() const;  // sorted

    bool addBos() const;
    bool addEos() const;
    bool addSpacePrefix() const;

    std::string_view chatTemplate() const;  // tokenizer.chat_template, "" when absent

private:
    struct Impl;
    explicit Vocab(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
};

}  // namespace hearth::engine
