// Pre-tokenizer for byte-level BPE: splits text into words before merges, with the regex list that llama.cpp
// (c392e509) uses for each `tokenizer.ggml.pre` name. The regexes run in sequence, each one splitting every piece
// the previous ones produced; text a regex does not match stays as a piece of its own.
//
// llama.cpp runs these regexes with std::regex on a "collapsed" text when a regex uses \p{L}, \p{N} or \p{P}:
// every non-ASCII code point becomes one byte standing for its class (letter, number, punctuation, White_Space or
// other), and \p{X} becomes "that byte or the ASCII members of X". We do the same with PCRE2 in byte mode, so \s,
// \p{..} and [^...] classify characters exactly as llama.cpp does (its hand-written GPT-2 and Llama-3 splitters
// are equivalent to the regexes). Regexes without categories (deepseek's explicit ranges) run in PCRE2 UTF mode on
// text whose non-ASCII White_Space is replaced by U+000B, as llama.cpp's std::wregex path does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace hearth::engine {

class Pretokenizer {
public:
    // `pre` is the tokenizer.ggml.pre value ("" means "default"). Unknown names are an error naming the value.
    static Result<Pretokenizer> create(std::string_view pre);

    Pretokenizer(Pretokenizer&&) noexcept;
    Pretokenizer& operator=(Pretokenizer&&) noexcept;
    ~Pretokenizer();

    // Splits UTF-8 text into words (UTF-8; bytes that are not valid UTF-8 become U+FFFD first). Concatenating the
    // words gives the text back (after that replacement).
    std::vector<std::string> split(std::string_view text) const;

    // The canonical preset name ("llama3", "qwen2", "gpt2", ...), for logs.
    std::string_view preset() const;
    // Llama-3 style: a word that is itself a vocabulary token is taken whole, without merges.
    bool ignoreMerges() const;
    // Default of tokenizer.ggml.add_bos_token for this preset (true for the Llama-3 family).
    bool defaultAddBos() const;

private:
    struct Impl;
    explicit Pretokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace hearth::engine
