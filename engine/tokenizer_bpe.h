// Byte-level BPE tokenizer ("gpt2" vocabularies): the text is split into words by the pre-tokenizer, each word's
// bytes are mapped to GPT-2's printable byte alphabet, and then the adjacent pair with the lowest merge rank is
// merged until no listed merge applies (ties: leftmost first), as llama.cpp's llm_tokenizer_bpe does.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/pretokenizer.h"
#include "engine/result.h"

namespace hearth::engine {

class Vocab;

class BpeTokenizer {
public:
    // merges: tokenizer.ggml.merges, "left right" strings, rank = index (the first of duplicates wins);
    // pre: tokenizer.ggml.pre. The merge strings are copied.
    static Result<BpeTokenizer> create(const std::vector<std::string_view>& merges, std::string_view pre);

    BpeTokenizer(BpeTokenizer&&) noexcept;
    BpeTokenizer& operator=(BpeTokenizer&&) noexcept;
    ~BpeTokenizer();

    // Appends the ids of `text` (one fragment without special tokens) to `out`.
    void tokenize(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out) const;

    // Rank of merging `left` and `right` (byte-level strings), or -1.
    int32_t mergeRank(std::string_view left, std::string_view right) const;
    size_t nMerges() const;
    const Pretokenizer& pretokenizer() const;

private:
    struct Impl;
    explicit BpeTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace hearth::engine
