// WordPiece tokenizer ("bert" vocabularies: BERT, bge, MiniLM, nomic-embed), as llama.cpp's llm_tokenizer_wpm.
//
// Pre-tokenization: each code point is replaced by the first code point of its canonical decomposition (accents
// dropped) and lower-cased; whitespace separates words, control characters, NUL and U+FFFD are dropped, and every
// punctuation character, ASCII symbol and CJK ideograph is a word of its own. Then each word is covered from left
// to right by the longest vocabulary token that matches (greedy longest-match-first). The GGUF converter stores
// word-initial tokens with a leading U+2581 and continuation tokens without HF's "##" prefix, so the word is
// matched as "\u2581" + word. A word that cannot be covered entirely becomes the unknown token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engine {

class Vocab;

// Appends the ids of `text` (one fragment without special tokens) to `out`.
void tokenizeWpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out);

// The words of `text` after the pre-tokenization above (for tests).
std::vector<std::string> wpmWords(std::string_view text);

}  // namespace hearth::engine
