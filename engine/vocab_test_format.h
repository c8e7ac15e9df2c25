// llama.cpp's tokenizer test-vector format (models/ggml-vocab-*.gguf.inp / .out, test-tokenizer-0):
//   .inp: each test text (raw UTF-8) followed by "\n__ggml_vocab_test__\n";
//   .out: one line per text, in the same order, each id preceded by one space (an empty line for no tokens).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace hearth::engine {

inline constexpr std::string_view kVocabTestSeparator = "\n__ggml_vocab_test__\n";

// Splits the contents of an .inp file into its texts. Text after the last separator (normally none) is a last
// test when it is not empty.
std::vector<std::string> parseVocabTestInput(std::string_view contents);

// One .out line for these ids, without the newline: " 15043 3186".
std::string formatVocabTestIds(std::span<const int32_t> ids);

// Parses the contents of an .out file: one id list per line. Anything but spaces and integers is an error.
Result<std::vector<std::vector<int32_t>>> parseVocabTestOutput(std::string_view contents);

}  // namespace hearth::engine
