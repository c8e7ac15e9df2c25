// A corpus of deliberately malformed GGUF files, each with the part of the reader's error message it must
// produce. Used by gguf_broken_test, by make_broken_gguf (writes the corpus to a directory, e.g. to check
// `hearth-cli info` on each file) and as a fuzzing seed corpus.
//
// Every file is derived from one small valid GGUF (validGguf(): metadata of every value type, string and numeric
// arrays, three tensors of F32 and Q8_0) by changing one thing: a prefix of it (truncation at every byte of the
// header, metadata and tensor infos, and at several points inside the data), an absurd count or length, a bad
// type, offset, shape or alignment, a duplicate, the magic, the version, or the byte order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::engine::testing {

struct BrokenGguf {
    std::string name;           // file-name safe, unique, e.g. "truncated-at-0123", "nested-array"
    std::vector<uint8_t> bytes;
    std::string expectedError;  // a substring the reader's error message must contain
};

// The small valid file every broken case is derived from (also a good fuzzing seed).
std::vector<uint8_t> validGguf();

std::vector<BrokenGguf> brokenGgufCorpus();

}  // namespace hearth::engine::testing
