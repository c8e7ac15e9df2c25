#include "engine/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>

#include "engine/unicode.h"

namespace hearth::engine {

namespace {

// ---- The regex lists (from each model's tokenizer.json, as llama.cpp c392e509 adapted them) ----------------------

// GPT-2: contractions, letters, numbers, other runs (each optionally after one space), trailing whitespace.
constexpr std::string_view kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
// Llama 3: case-insensitive contractions, a letter run with one leading non-letter, numbers in groups of up to 3.
constexpr std::string_view kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3})"
    R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Qwen2: as Llama 3 with single digits.
constexpr std::string_view kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N})"
    R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// "\r" and "\n" below are the control characters themselves (not regex escapes), as in llama.cpp.
constexpr std::string_view kLineBreak = "[\r\n]";
// DeepSeek LLM: cased letters (written as code points: some literal forms would not survive Unicode
// normalization of this file, e.g. U+1F7D, U+1FBE, U+2126, U+212A).
constexpr std::string_view kDeepseekLetters =
    R"(\s?[)"
    R"(A-Za-z\x{B5}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{1BA}\x{1BC}-\x{1BF}\x{1C4}-\x{293}\x{295}-\x{2AF})"
    R"(\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{37F}\x{386}\x{388}-\x{38A}\x{38C}\x{38E}-\x{3A1})"
    R"(\x{3A3}-\x{3F5}\x{3F7}-\x{481}\x{48A}-\x{52F}\x{531}-\x{556}\x{10A0}-\x{10C5}\x{13A0}-\x{13F5})"
    R"(\x{13F8}-\x{13FD}\x{1C90}-\x{1CBA}\x{1CBD}-\x{1CBF}\x{1D00}-\x{1D2B}\x{1D6B}-\x{1D77})"
    R"(\x{1D79}-\x{1D9A}\x{1E00}-\x{1F15}\x{1F18}-\x{1F1D}\x{1F20}-\x{1F45}\x{1F48}-\x{1F4D})"
    R"(\x{1F50}-\x{1F57}\x{1F59}\x{1F5B}\x{1F5D}\x{1F5F}-\x{1F7D}\x{1F80}-\x{1FB4}\x{1FB6}-\x{1FBC}\x{1FBE})"
    R"(\x{1FC2}-\x{1FC4}\x{1FC6}-\x{1FCC}\x{1FD0}-\x{1FD3}\x{1FD6}-\x{1FDB}\x{1FE0}-\x{1FEC})"
    R"(\x{1FF2}-\x{1FF4}\x{1FF6}-\x{1FFC}\x{2102}\x{2107}\x{210A}-\x{2113}\x{2115}\x{2119}-\x{211D}\x{2124})"
    R"(\x{2126}\x{2128}\x{212A}-\x{212D}\x{212F}-\x{2134}\x{2139}\x{213C}-\x{213F}\x{2145}-\x{2149}\x{214E})"
    R"(\x{2183}\x{2184}\x{2C00}-\x{2C7B}\x{2C7E}-\x{2CE4}\x{2CEB}-\x{2CEE}\x{2CF2}\x{2CF3}\x{A640}-\x{A66D})"
    R"(\x{A680}-\x{A69B}\x{A722}-\x{A76F}\x{A771}-\x{A787}\x{A78B}-\x{A78E}\x{AB70}-\x{ABBF})"
    R"(\x{FB00}-\x{FB06}\x{FB13}-\x{FB17}\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}\x{10400}-\x{1044F})"
    R"(\x{104B0}-\x{104D3}\x{104D8}-\x{104FB}\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2}\x{118A0}-\x{118DF})"
    R"(\x{1E900}-\x{1E943})"
    R"(]+)";
// DeepSeek LLM: ASCII and full-width punctuation runs (ASCII letters too: ":-~" covers them).
constexpr std::string_view kDeepseekPunct =
    R"(\s?[!-/:-~\x{FF01}-\x{FF0F}\x{FF1A}-\x{FF5E}\x{2018}-\x{201F}\x{3000}-\x{3002}]+)";
// CJK ideographs, U+0800..U+4E00 (sic: most scripts after Samaritan) and Hangul syllables.
constexpr std::string_view kCjk = R"([\x{4E00}-\x{9FA5}\x{800}-\x{4E00}\x{AC00}-\x{D7FF}]+)";
// BLOOM: anything up to whitespace or sentence punctuation.
constexpr std::string_view kBloom = R"( ?[^(\s|.,!?\x{2026}\x{3002}\x{FF0C}\x{3001}\x{964}\x{6D4}\x{60C})]+)";

struct Preset {
    std::vector<std::string_view> names;  // tokenizer.ggml.pre values; the first is the canonical one
    std::vector<std::string_view> regexes;
    bool ignoreMerges = false;
    bool addBos = false;
};

const std::vector<Preset>& presets() {
    static const std::vector<Preset> kPresets = {
        {{"default"}, {R"([\p{P}\$\+<=>\^~\|]+)", kGpt2, R"(\p{N}+)", "[0-9][0-9][0-9]"}},
        {{"llama3", "llama-v3", "llama-bpe", "falcon3"}, {kLlama3}, true, true},
        {{"dbrx", "smaug-bpe"}, {kLlama3}},
        {{"deepseek-llm"}, {kLineBreak, kDeepseekLetters, kDeepseekPunct, R"(\s+$)", kCjk, R"(\p{N}+)"}},
        {{"deepseek-coder"}, {kLineBreak, R"(\s?\p{L}+)", R"(\s?\p{P}+)", kCjk, R"(\p{N})"}},
        {{"falcon"}, {R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, "[0-9][0-9][0-9]"}},
        {{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"}, {R"(\p{N})", kGpt2}},
        {{"gpt-2", "mpt", "olmo", "jais", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es",
          "jina-v2-de", "jina-v2-code", "roberta-bpe"},
         {kGpt2}},
        {{"qwen2", "stablelm2", "megrez"}, {kQwen2}},
        {{"bloom", "poro-chat", "gpt3-finnish"}, {kBloom}},
        {{"viking"}, {kBloom, R"(\p{N})"}},
    };
    return kPresets;
}

// ---- Category collapsing ------------------------------------------------------------------------------------------

// One byte per code point in the collapsed text. ASCII stays itself; non-ASCII White_Space becomes VT (which \s
// matches); other non-ASCII code points become one of these bytes by category.
constexpr char kOtherByte = '\xF0';
constexpr char kLetterByte = '\xF1';
constexpr char kNumberByte = '\xF2';
constexpr char kPunctByte = '\xF3';

char collapseCodepoint(uint32_t cpt) {
    if (cpt < 0x80) {
        return static_cast<char>(cpt);
    }
    if (unicode::isWhitespace(cpt)) {
        return '\x0B';
    }
    switch (unicode::category(cpt)) {
        case Category::Letter: return kLetterByte;
        case Category::Number: return kNumberByte;
        case Category::Punctuation: return kPunctByte;
        default: return kOtherByte;
    }
}

bool usesCategories(std::string_view regex) {
    return regex.find(R"(\p{L})") != std::string_view::npos || regex.find(R"(\p{N})") != std::string_view::npos ||
           regex.find(R"(\p{P})") != std::string_view::npos;
}

// Rewrites \p{L}, \p{N}, \p{P} into byte classes over the collapsed text: the category byte plus the category's
// ASCII members (inside [...] without the brackets).
std::string collapseRegex(std::string_view regex) {
    std::string out;
    bool inClass = false;
    for (size_t i = 0; i < regex.size(); ++i) {
        const char c = regex[i];
        const bool escaped = i > 0 && regex[i - 1] == '\\';
        if (c == '[' && !escaped) {
            inClass = true;
        } else if (c == ']' && inClass && !escaped) {
            inClass = false;
        } else if (c == '\\' && i + 4 < regex.size() && regex.substr(i + 1, 2) == "p{" && regex[i + 4] == '}') {
            std::string members;
            switch (regex[i + 3]) {
                case 'L': members = std::string(1, kLetterByte) + "A-Za-z"; break;
                case 'N': members = std::string(1, kNumberByte) + "0-9"; break;
                case 'P': members = std::string(1, kPunctByte) + R"(!-#%-*,-/:;?@\[-\]_\{\})"; break;
                default: break;
            }
            if (!members.empty()) {
                out += inClass ? members : "[" + members + "]";
                i += 4;
                continue;
            }
        }
        out += c;
    }
    return out;
}

}  // namespace

// ---- Compiled regexes ---------------------------------------------------------------------------------------------

namespace {

struct CompiledRegex {
    pcre2_code* code = nullptr;
    bool collapsed = false;  // runs on the collapsed text (one byte per code point); else on UTF-8
    CompiledRegex() = default;
    CompiledRegex(const CompiledRegex&) = delete;
    CompiledRegex& operator=(const CompiledRegex&) = delete;
    CompiledRegex(CompiledRegex&& o) noexcept : code(o.code), collapsed(o.collapsed) { o.code = nullptr; }
    ~CompiledRegex() { pcre2_code_free(code); }
};

}  // namespace

struct Pretokenizer::Impl {
    std::string preset;
    bool ignoreMerges = false;
    bool addBos = false;
    std::vector<CompiledRegex> regexes;
};

Pretokenizer::Pretokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pretokenizer::Pretokenizer(Pretokenizer&&) noexcept = default;
Pretokenizer& Pretokenizer::operator=(Pretokenizer&&) noexcept = default;
Pretokenizer::~Pretokenizer() = default;

std::string_view Pretokenizer::preset() const { return impl_->preset; }
bool Pretokenizer::ignoreMerges() const { return impl_->ignoreMerges; }
bool Pretokenizer::defaultAddBos() const { return impl_->addBos; }

Result<Pretokenizer> Pretokenizer::create(std::string_view pre) {
    if (pre.empty()) {
        pre = "default";
    }
    const Preset* found = nullptr;
    for (const Preset& preset : presets()) {
        for (std::string_view name : preset.names) {
            if (name == pre) {
                found = &preset;
            }
        }
    }
    if (found == nullptr) {
        return Error{"unsupported BPE pre-tokenizer tokenizer.ggml.pre = '" + std::string(pre) +
                     "' (supported: default, llama-bpe/llama3, qwen2, gpt-2, deepseek-llm, deepseek-coder, falcon, "
                     "mpt, starcoder, refact and their aliases)"};
    }

    auto impl = std::make_unique<Impl>();
    impl->preset = std::string(*found->names.begin());
    impl->ignoreMerges = found->ignoreMerges;
    impl->addBos = found->addBos;
    for (std::string_view source : found->regexes) {
        CompiledRegex regex;
        regex.collapsed = usesCategories(source);
        const std::string pattern = regex.collapsed ? collapseRegex(source) : std::string(source);
        // $ means the end of the piece only (ECMAScript), never "before a final newline".
        const uint32_t options = PCRE2_DOLLAR_ENDONLY | (regex.collapsed ? 0u : PCRE2_UTF);
        int errorCode = 0;
        PCRE2_SIZE errorOffset = 0;
        regex.code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errorCode,
                                   &errorOffset, nullptr);
        if (regex.code == nullptr) {
            std::array<PCRE2_UCHAR, 256> message{};
            pcre2_get_error_message(errorCode, message.data(), message.size());
            return Error{"pre-tokenizer '" + impl->preset + "': regex does not compile at offset " +
                         std::to_string(errorOffset) + ": " + reinterpret_cast<const char*>(message.data())};
        }
        pcre2_jit_compile(regex.code, PCRE2_JIT_COMPLETE);  // optional: without JIT the interpreter runs
        impl->regexes.push_back(std::move(regex));
    }
    return Pretokenizer(std::move(impl));
}

namespace {

struct MatchData {
    pcre2_match_data* data;
    explicit MatchData(const pcre2_code* code) : data(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
};

// Finds the next match in subject[0, length) at or after `start`. Returns false when there is none (or the
// matcher gave up, which then leaves the rest of the piece unsplit).
bool nextMatch(const CompiledRegex& regex, MatchData& md, std::string_view subject, size_t start, size_t& matchBegin,
               size_t& matchEnd) {
    const auto* s = reinterpret_cast<PCRE2_SPTR>(subject.data());
    // The UTF-8 subject is valid by construction (we encode it): skip PCRE2's per-call validity scan.
    const uint32_t options = regex.collapsed ? 0u : PCRE2_NO_UTF_CHECK;
    int rc = pcre2_match(regex.code, s, subject.size(), start, options, md.data, nullptr);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        rc = pcre2_match(regex.code, s, subject.size(), start, options | PCRE2_NO_JIT, md.data, nullptr);
    }
    if (rc < 0) {
        return false;
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(md.data);
    matchBegin = ovector[0];
    matchEnd = ovector[1];
    return true;
}

// Splits each piece (a run of units of `subject`) into matches and the unmatched text between them, the way
// std::regex_iterator over the piece does. `pieces` are lengths in units; the result too.
std::vector<size_t> splitPieces(const CompiledRegex& regex, std::string_view subject, const std::vector<size_t>& pieces,
                                size_t (*unitLength)(std::string_view, size_t)) {
    MatchData md(regex.code);
    std::vector<size_t> out;
    out.reserve(pieces.size());
    size_t pieceStart = 0;
    for (size_t pieceLength : pieces) {
        const std::string_view piece = subject.substr(pieceStart, pieceLength);
        size_t done = 0;  // end of the last match, relative to the piece
        size_t pos = 0;
        size_t begin = 0;
        size_t end = 0;
        while (pos < piece.size() && nextMatch(regex, md, piece, pos, begin, end)) {
            if (end == begin) {  // an empty match splits nothing: look again one character further
                pos = begin + unitLength(piece, begin);
                continue;
            }
            if (begin > done) {
                out.push_back(begin - done);
            }
            out.push_back(end - begin);
            done = end;
            pos = end;
        }
        if (done < piece.size()) {
            out.push_back(piece.size() - done);
        }
        pieceStart += pieceLength;
    }
    return out;
}

size_t oneByte(std::string_view, size_t) { return 1; }
size_t oneUtf8Char(std::string_view s, size_t i) {
    return i < s.size() ? unicode::sequenceLength(static_cast<uint8_t>(s[i])) : 1;
}

}  // namespace

std::vector<std::string> Pretokenizer::split(std::string_view text) const {
    const std::vector<uint32_t> cpts = unicode::decodeUtf8(text);
    if (cpts.empty()) {
        return {};
    }

    // Piece lengths in code points.
    std::vector<size_t> pieces = {cpts.size()};

    std::string collapsed;           // one byte per code point
    std::string utf8;                // UTF-8 with non-ASCII White_Space replaced by VT
    std::vector<uint32_t> cptStart;  // byte offset of each code point in utf8, plus the end
    for (const CompiledRegex& regex : impl_->regexes) {
        if (regex.collapsed) {
            if (collapsed.empty()) {
                collapsed.resize(cpts.size());
                for (size_t i = 0; i < cpts.size(); ++i) {
                    collapsed[i] = collapseCodepoint(cpts[i]);
                }
            }
            pieces = splitPieces(regex, collapsed, pieces, oneByte);
            continue;
        }
        if (cptStart.empty()) {
            cptStart.reserve(cpts.size() + 1);
            for (uint32_t cpt : cpts) {
                cptStart.push_back(static_cast<uint32_t>(utf8.size()));
                unicode::appendUtf8(utf8, cpt > 0x7F && unicode::isWhitespace(cpt) ? 0x0B : cpt);
            }
            cptStart.push_back(static_cast<uint32_t>(utf8.size()));
        }
        // Pieces in bytes, split, and back to code points (every match boundary is a character boundary).
        std::vector<size_t> bytePieces;
        bytePieces.reserve(pieces.size());
        size_t cpt = 0;
        for (size_t n : pieces) {
            bytePieces.push_back(cptStart[cpt + n] - cptStart[cpt]);
            cpt += n;
        }
        bytePieces = splitPieces(regex, utf8, bytePieces, oneUtf8Char);
        pieces.clear();
        size_t byte = 0;
        cpt = 0;
        for (size_t n : bytePieces) {
            byte += n;
            size_t next = cpt;
            while (cptStart[next] < byte) {
                ++next;
            }
            pieces.push_back(next - cpt);
            cpt = next;
        }
    }

    std::vector<std::string> words;
    words.reserve(pieces.size());
    size_t start = 0;
    for (size_t n : pieces) {
        std::string word;
        for (size_t i = start; i < start + n; ++i) {
            unicode::appendUtf8(word, cpts[i]);
        }
        words.push_back(std::move(word));
        start += n;
    }
    return words;
}

}  // namespace hearth::engine
