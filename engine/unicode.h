// Unicode helpers for the tokenizers: UTF-8 decoding with llama.cpp's leniency, general categories, White_Space,
// GPT-2's byte <-> code point map for byte-level BPE, and a streaming UTF-8 decoder for printing tokens as they come.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engine {

// Major Unicode general category (the first letter of the two-letter category; Cn is Unassigned).
enum class Category : uint8_t {
    Unassigned,   // Cn
    Letter,       // L*
    Mark,         // M*
    Number,       // N*
    Punctuation,  // P*
    Symbol,       // S*
    Separator,    // Z*
    Other,        // Cc, Cf, Cs, Co
};

namespace unicode_data {
// Generated table (engine/unicode_data.cpp, Unicode 14.0). Code points above U+10FFFF are Unassigned.
Category categoryOf(uint32_t cpt);
// Generated tables (engine/unicode_data_nfd.cpp) for the WordPiece pre-tokenizer, as llama.cpp's
// unicode_tolower / unicode_cpts_normalize_nfd: the simple lowercase mapping, and the first code point of the
// canonical decomposition (a letter without its combining accents). Both return cpt when it has no mapping.
uint32_t toLower(uint32_t cpt);
uint32_t nfdBase(uint32_t cpt);
}  // namespace unicode_data

namespace unicode {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

// Length of the UTF-8 sequence a byte starts, from its high nibble alone (1 for ASCII, continuation bytes and
// invalid lead bytes; 2 for 0xC0..0xDF; 3 for 0xE0..0xEF; 4 for 0xF0..0xFF). The SPM and BPE merge loops split
// text into symbols with this rule, so it must stay this lenient.
size_t sequenceLength(uint8_t leadByte);

// Decodes UTF-8 into code points the way llama.cpp does: a sequence is accepted when its lead byte's form and its
// continuation bytes fit (overlong forms and surrogates are accepted); any other byte becomes one U+FFFD.
std::vector<uint32_t> decodeUtf8(std::string_view text);

// Appends the UTF-8 form of a code point (code points above U+10FFFF are written as U+FFFD).
void appendUtf8(std::string& out, uint32_t cpt);
std::string encodeUtf8(uint32_t cpt);

inline Category category(uint32_t cpt) { return unicode_data::categoryOf(cpt); }

// Unicode White_Space property (U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000): what llama.cpp's pre-tokenizers treat as \s.
bool isWhitespace(uint32_t cpt);

// GPT-2 byte-level BPE alphabet: each byte maps to a printable code point (printable Latin-1 bytes map to
// themselves, the other 68 bytes to U+0100.. in byte order), so that any byte string is a string of "characters".
uint32_t byteToCodepoint(uint8_t byte);
// Inverse of byteToCodepoint; -1 for a code point outside the alphabet.
int codepointToByte(uint32_t cpt);

}  // namespace unicode

// Streaming UTF-8 decoder for printing token pieces as they are generated: a character whose bytes are split over
// several tokens is held back until it is complete. Output is always valid UTF-8: a byte that cannot start or
// continue a well-formed sequence (WHATWG / Unicode "maximal subpart" rule: overlong forms, surrogates and code
// points above U+10FFFF are invalid) becomes U+FFFD as soon as that is certain; flush() turns an unfinished
// sequence at the end into U+FFFD.
class Utf8Stream {
public:
    // Returns the complete characters that the bytes so far make, holding back at most 3 bytes of an unfinished one.
    std::string push(std::string_view bytes);
    // Returns what is held back (as U+FFFD when there is any) and resets the stream.
    std::string flush();
    // True when bytes are held back.
    bool pending() const { return !held_.empty(); }

private:
    std::string held_;  // bytes of an incomplete sequence (0..3 bytes)
};

}  // namespace hearth::engine
