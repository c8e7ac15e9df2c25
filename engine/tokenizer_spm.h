// SentencePiece-style tokenizer ("llama" vocabularies): starting from single UTF-8 characters, repeatedly merge the
// adjacent pair whose concatenation is the vocabulary token with the highest score (ties: leftmost first), as
// llama.cpp's llm_tokenizer_spm does. A final piece that is not a token falls back to its bytes' <0xXX> tokens.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth::engine {

class Vocab;

// Appends the ids of `text` (one fragment without special tokens, spaces already replaced by U+2581 and the space
// prefix already added) to `out`.
void tokenizeSpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out);

// The token for one byte: "<0xXX>", else the one-byte string itself, else the unknown token; kNoToken when the
// vocabulary has none of these.
int32_t spmByteToken(const Vocab& vocab, uint8_t byte);

}  // namespace hearth::engine
