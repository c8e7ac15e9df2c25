#include "engine/unicode.h"

#include <array>

namespace hearth::engine {
namespace unicode {

size_t sequenceLength(uint8_t leadByte) {
    // Indexed by the high nibble: 0..B -> 1, C..D -> 2, E -> 3, F -> 4.
    static constexpr std::array<uint8_t, 16> kLengths = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengths[leadByte >> 4];
}

std::vector<uint32_t> decodeUtf8(std::string_view text) {
    std::vector<uint32_t> cpts;
    cpts.reserve(text.size());
    const auto byteAt = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const auto isCont = [&](size_t i) { return i < text.size() && (byteAt(i) & 0xC0) == 0x80; };
    size_t i = 0;
    while (i < text.size()) {
        const uint8_t b0 = byteAt(i);
        if (b0 < 0x80) {
            cpts.push_back(b0);
            i += 1;
        } else if ((b0 & 0xE0) == 0xC0 && isCont(i + 1)) {
            cpts.push_back((uint32_t(b0 & 0x1F) << 6) | (byteAt(i + 1) & 0x3F));
            i += 2;
        } else if ((b0 & 0xF0) == 0xE0 && isCont(i + 1) && isCont(i + 2)) {
            cpts.push_back((uint32_t(b0 & 0x0F) << 12) | (uint32_t(byteAt(i + 1) & 0x3F) << 6) | (byteAt(i + 2) & 0x3F));
            i += 3;
        } else if ((b0 & 0xF8) == 0xF0 && isCont(i + 1) && isCont(i + 2) && isCont(i + 3)) {
            cpts.push_back((uint32_t(b0 & 0x07) << 18) | (uint32_t(byteAt(i + 1) & 0x3F) << 12) |
                           (uint32_t(byteAt(i + 2) & 0x3F) << 6) | (byteAt(i + 3) & 0x3F));
            i += 4;
        } else {
            // Continuation byte without a lead, truncated sequence or 0xF8..0xFF: one replacement per byte.
            cpts.push_back(kReplacementChar);
            i += 1;
        }
    }
    return cpts;
}

void appendUtf8(std::string& out, uint32_t cpt) {
    if (cpt > 0x10FFFF) {
        cpt = kReplacementChar;
    }
    if (cpt < 0x80) {
        out += static_cast<char>(cpt);
    } else if (cpt < 0x800) {
        out += static_cast<char>(0xC0 | (cpt >> 6));
        out += static_cast<char>(0x80 | (cpt & 0x3F));
    } else if (cpt < 0x10000) {
        out += static_cast<char>(0xE0 | (cpt >> 12));
        out += static_cast<char>(0x80 | ((cpt >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cpt & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cpt >> 18));
        out += static_cast<char>(0x80 | ((cpt >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cpt >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cpt & 0x3F));
    }
}

std::string encodeUtf8(uint32_t cpt) {
    std::string s;
    appendUtf8(s, cpt);
    return s;
}

bool isWhitespace(uint32_t cpt) {
    if (cpt < 0x80) {
        return (cpt >= 0x09 && cpt <= 0x0D) || cpt == 0x20;
    }
    switch (cpt) {
        case 0x0085: case 0x00A0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
            return true;
        default:
            return cpt >= 0x2000 && cpt <= 0x200A;
    }
}

namespace {

// Bytes that GPT-2 keeps as their own Latin-1 code point: '!'..'~', U+00A1..U+00AC, U+00AE..U+00FF.
constexpr bool keepsItsCodepoint(unsigned b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct ByteMap {
    std::array<uint16_t, 256> toCpt{};
    std::array<int16_t, 324> toByte{};  // code points < 256 + 68
    ByteMap() {
        toByte.fill(-1);
        unsigned next = 256;  // the 68 other bytes, in byte order, take U+0100..U+0143
        for (unsigned b = 0; b < 256; ++b) {
            const unsigned cpt = keepsItsCodepoint(b) ? b : next++;
            toCpt[b] = static_cast<uint16_t>(cpt);
            toByte[cpt] = static_cast<int16_t>(b);
        }
    }
};

const ByteMap& byteMap() {
    static const ByteMap map;
    return map;
}

}  // namespace

uint32_t byteToCodepoint(uint8_t byte) { return byteMap().toCpt[byte]; }

int codepointToByte(uint32_t cpt) {
    const ByteMap& map = byteMap();
    return cpt < map.toByte.size() ? map.toByte[cpt] : -1;
}

}  // namespace unicode

namespace {

enum class SeqState { Complete, Invalid, Incomplete };
struct SeqCheck {
    SeqState state;
    size_t length;  // Complete: bytes of the character; Invalid: bytes replaced by one U+FFFD
};

// Checks the well-formed UTF-8 sequence (Unicode Table 3-7) starting at s[i].
SeqCheck checkSequence(std::string_view s, size_t i) {
    const uint8_t b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
        return {SeqState::Complete, 1};
    }
    size_t need = 0;
    uint8_t lo = 0x80;  // allowed range of the second byte
    uint8_t hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return {SeqState::Invalid, 1};
    }
    for (size_t k = 1; k < need; ++k) {
        if (i + k >= s.size()) {
            return {SeqState::Incomplete, k};
        }
        const uint8_t b = static_cast<uint8_t>(s[i + k]);
        const uint8_t kLo = k == 1 ? lo : 0x80;
        const uint8_t kHi = k == 1 ? hi : 0xBF;
        if (b < kLo || b > kHi) {
            return {SeqState::Invalid, k};
        }
    }
    return {SeqState::Complete, need};
}

constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

}  // namespace

std::string Utf8Stream::push(std::string_view bytes) {
    held_.append(bytes);
    std::string out;
    out.reserve(held_.size());
    size_t i = 0;
    while (i < held_.size()) {
        const SeqCheck check = checkSequence(held_, i);
        if (check.state == SeqState::Incomplete) {
            break;
        }
        if (check.state == SeqState::Complete) {
            out.append(held_, i, check.length);
        } else {
            out.append(kReplacementUtf8);
        }
        i += check.length;
    }
    held_.erase(0, i);
    return out;
}

std::string Utf8Stream::flush() {
    std::string out = held_.empty() ? std::string() : std::string(kReplacementUtf8);
    held_.clear();
    return out;
}

}  // namespace hearth::engine
