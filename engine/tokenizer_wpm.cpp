#include "engine/tokenizer_wpm.h"

#include <algorithm>

#include "engine/unicode.h"
#include "engine/vocab.h"

namespace hearth::engine {
namespace {

constexpr std::string_view kWordStart = "\xE2\x96\x81";  // U+2581, the converter's word-start marker

// The CJK ranges HF's BasicTokenizer splits into single characters (llama.cpp copies them, including HF's
// 0x2B920 where 0x2B820 is meant).
bool isChineseChar(uint32_t cpt) {
    return (cpt >= 0x4E00 && cpt <= 0x9FFF) || (cpt >= 0x3400 && cpt <= 0x4DBF) ||
           (cpt >= 0x20000 && cpt <= 0x2A6DF) || (cpt >= 0x2A700 && cpt <= 0x2B73F) ||
           (cpt >= 0x2B740 && cpt <= 0x2B81F) || (cpt >= 0x2B920 && cpt <= 0x2CEAF) ||
           (cpt >= 0xF900 && cpt <= 0xFAFF) || (cpt >= 0x2F800 && cpt <= 0x2FA1F);
}

}  // namespace

std::vector<std::string> wpmWords(std::string_view text) {
    std::vector<std::string> words(1);
    for (uint32_t cpt : unicode::decodeUtf8(text)) {
        cpt = unicode_data::nfdBase(cpt);
        if (unicode::isWhitespace(cpt)) {
            if (!words.back().empty()) words.emplace_back();  // ends the word, if any
            continue;
        }
        const Category category = unicode::category(cpt);
        if (cpt == 0 || cpt == unicode::kReplacementChar || category == Category::Other) continue;
        const std::string s = unicode::encodeUtf8(unicode_data::toLower(cpt));
        if (category == Category::Punctuation || (cpt < 0x7F && category == Category::Symbol) ||
            isChineseChar(cpt)) {
            if (!words.back().empty()) words.emplace_back();
            words.back() = s;  // a word of one character
            words.emplace_back();
        } else {
            words.back() += s;
        }
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

void tokenizeWpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out) {
    const size_t maxLen = vocab.maxTokenLength();
    std::string word;
    for (const std::string& w : wpmWords(text)) {
        if (w.empty()) continue;
        word.assign(kWordStart);
        word += w;
        const size_t n = word.size();
        const size_t start = out.size();
        // Longest token at i, then continue after it; a position no token starts at discards the whole word.
        for (size_t i = 0; i < n;) {
            size_t matched = 0;
            for (size_t j = std::min(n, i + maxLen + 1); j > i; --j) {
                const int32_t id = vocab.findToken(std::string_view(word).substr(i, j - i));
                if (id != kNoToken) {
                    out.push_back(id);
                    matched = j - i;
                    break;
                }
            }
            if (matched == 0) {
                out.resize(start);
                break;
            }
            i += matched;
        }
        if (out.size() == start && vocab.unk() != kNoToken) out.push_back(vocab.unk());
    }
}

}  // namespace hearth::engine
