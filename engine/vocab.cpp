#include "engine/vocab.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/flat_string_map.h"
#include "engine/gguf_reader.h"
#include "engine/tokenizer_bpe.h"
#include "engine/tokenizer_spm.h"
#include "engine/tokenizer_wpm.h"
#include "engine/unicode.h"

namespace hearth::engine {

namespace {

constexpr std::string_view kSpaceEscape = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space

struct TokenInfo {
    size_t offset = 0;  // text in Vocab::Impl::arena
    size_t length = 0;
    float score = 0.0f;
    TokenType type = TokenType::Normal;
    bool lstrip = false;  // special-token partitioning eats whitespace on this side
    bool rstrip = false;
};

// Texts llama.cpp c392e509 recognises when the metadata does not name the token (in our order of preference).
// Such a token is forced to CONTROL, which also keeps it from being matched in plain text.
const std::vector<std::string_view> kEotTexts = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
                                                 "<|endoftext|>", "<EOT>", "<｜end▁of▁sentence｜>"};
const std::vector<std::string_view> kEomTexts = {"<|eom_id|>"};
const std::vector<std::string_view> kFimPreTexts = {"<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>"};
const std::vector<std::string_view> kFimSufTexts = {"<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>"};
const std::vector<std::string_view> kFimMidTexts = {"<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>"};
const std::vector<std::string_view> kFimPadTexts = {"<|fim_pad|>", "<fim-pad>", "<PAD>"};
const std::vector<std::string_view> kFimRepTexts = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>"};
const std::vector<std::string_view> kFimSepTexts = {"<|file_sep|>"};
// Every token with one of these texts ends generation.
const std::vector<std::string_view> kEogTexts = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
                                                 "<|endoftext|>", "<|eom_id|>", "<EOT>"};

bool isIntegerType(GgufType type) {
    switch (type) {
        case GgufType::Uint8: case GgufType::Int8: case GgufType::Uint16: case GgufType::Int16:
        case GgufType::Uint32: case GgufType::Int32: case GgufType::Uint64: case GgufType::Int64:
            return true;
        default:
            return false;
    }
}

bool isUnsignedType(GgufType type) {
    return type == GgufType::Uint8 || type == GgufType::Uint16 || type == GgufType::Uint32 ||
           type == GgufType::Uint64;
}

std::string typeName(const GgufValue& value) {
    if (value.type == GgufType::Array) {
        return "array of " + std::string(ggufTypeName(value.elemType));
    }
    return std::string(ggufTypeName(value.type));
}

// Reads an optional boolean key into `target`.
Status readBool(const GgufFile& file, std::string_view key, bool& target) {
    const GgufValue* value = file.find(key);
    if (value == nullptr) {
        return {};
    }
    if (value->type != GgufType::Bool) {
        return Error{std::string(key) + ": expected a bool, found " + typeName(*value)};
    }
    target = value->u != 0;
    return {};
}

// C isspace() in the "C" locale, which llama.cpp applies byte by byte when stripping around special tokens.
bool isAsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

struct Vocab::Impl {
    VocabType type = VocabType::Spm;
    std::string model;
    std::string name;  // general.name, lower case
    std::string arena;  // every token text, back to back (reserved once: views into it stay valid)
    std::vector<TokenInfo> tokens;
    size_t maxTokenLength = 0;  // bytes
    FlatStringMap ids;  // text -> id (the last of duplicate texts wins)

    int32_t bos = kNoToken, eos = kNoToken, eot = kNoToken, eom = kNoToken, unk = kNoToken, sep = kNoToken,
            pad = kNoToken, mask = kNoToken, newline = kNoToken;
    int32_t fimPre = kNoToken, fimSuf = kNoToken, fimMid = kNoToken, fimPad = kNoToken, fimRep = kNoToken,
            fimSep = kNoToken;
    std::vector<int32_t> eog;  // sorted

    bool addBos = false;
    bool addEos = false;
    bool addSpacePrefix = false;

    // CONTROL, USER_DEFINED and UNKNOWN tokens, longest text first: the partitioning order.
    std::vector<int32_t> specialTokens;
    std::optional<BpeTokenizer> bpe;
    std::string chatTemplate;

    std::string_view text(int32_t id) const { return {arena.data() + tokens[id].offset, tokens[id].length}; }
    FlatStringMap::Key key(int32_t id) const { return {text(id), {}}; }
    int32_t find(std::string_view s) const {
        return ids.find({s, {}}, [this](int32_t id) { return key(id); });
    }
};

// ---- Loading ------------------------------------------------------------------------------------------------------

namespace {

// Reads an optional token id key. -1 / 0xFFFFFFFF (written by some converters for "none") clears the id. An id
// outside the vocabulary is an error when `required`, else a warning that keeps the current value (llama.cpp).
Status readTokenId(const GgufFile& file, std::string_view key, int32_t nTokens, bool required, int32_t& target) {
    const GgufValue* value = file.find(key);
    if (value == nullptr) {
        return {};
    }
    if (!isIntegerType(value->type)) {
        return Error{std::string(key) + ": expected an integer token id, found " + typeName(*value)};
    }
    const bool isUnsigned = isUnsignedType(value->type);
    if ((isUnsigned && (value->u == 0xFFFFFFFFull || value->u == std::numeric_limits<uint64_t>::max())) ||
        (!isUnsigned && value->i == -1)) {
        target = kNoToken;
        return {};
    }
    const bool inRange = isUnsigned ? value->u < static_cast<uint64_t>(nTokens)
                                    : value->i >= 0 && value->i < static_cast<int64_t>(nTokens);
    const std::string shown = isUnsigned ? std::to_string(value->u) : std::to_string(value->i);
    if (!inRange) {
        const std::string message = std::string(key) + " = " + shown + " is not a token id: the vocabulary has " +
                                    std::to_string(nTokens) + " tokens";
        if (required) {
            return Error{message};
        }
        spdlog::warn("vocab: {} (ignored)", message);
        return {};
    }
    target = static_cast<int32_t>(isUnsigned ? value->u : static_cast<uint64_t>(value->i));
    return {};
}

// Returns the array stored at `key`, or an error when it is present but not an array of the expected kind.
// kind: 's' strings, 'i' integers, 'f' numbers.
Result<const GgufValue*> findArray(const GgufFile& file, std::string_view key, char kind) {
    const GgufValue* value = file.find(key);
    if (value == nullptr) {
        return static_cast<const GgufValue*>(nullptr);
    }
    bool ok = value->type == GgufType::Array;
    if (ok && kind == 's') {
        ok = value->elemType == GgufType::String && value->strings.size() == value->count;
    } else if (ok && kind == 'i') {
        ok = isIntegerType(value->elemType);
    } else if (ok && kind == 'f') {
        ok = isIntegerType(value->elemType) || value->elemType == GgufType::Float32 ||
             value->elemType == GgufType::Float64;
    }
    if (!ok) {
        const char* expected = kind == 's' ? "an array of strings" : kind == 'i' ? "an array of integers"
                                                                                 : "an array of numbers";
        return Error{std::string(key) + ": expected " + expected + ", found " + typeName(*value)};
    }
    return value;
}

}  // namespace

Result<Vocab> Vocab::fromGguf(const GgufFile& file) {
    auto impl = std::make_shared<Impl>();

    // Tokenizer family.
    const GgufValue* modelValue = file.find("tokenizer.ggml.model");
    if (modelValue == nullptr) {
        return Error{"tokenizer.ggml.model is missing: the file has no vocabulary"};
    }
    if (modelValue->type != GgufType::String) {
        return Error{"tokenizer.ggml.model: expected a string, found " + typeName(*modelValue)};
    }
    impl->model = std::string(modelValue->str);
    if (impl->model == "llama") {
        impl->type = VocabType::Spm;
    } else if (impl->model == "gpt2") {
        impl->type = VocabType::Bpe;
    } else if (impl->model == "bert") {
        impl->type = VocabType::Wpm;
    } else {
        return Error{"unsupported tokenizer.ggml.model '" + impl->model +
                     "' (supported: 'llama' SentencePiece-style, 'gpt2' byte-level BPE, 'bert' WordPiece)"};
    }

    // Token list, scores and types: parallel arrays.
    Result<const GgufValue*> tokensArray = findArray(file, "tokenizer.ggml.tokens", 's');
    if (!tokensArray) {
        return tokensArray.error();
    }
    const GgufValue* tokens = tokensArray.value();
    if (tokens == nullptr || tokens->count == 0) {
        return Error{"tokenizer.ggml.tokens is missing or empty"};
    }
    if (tokens->count > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        return Error{"tokenizer.ggml.tokens: " + std::to_string(tokens->count) + " tokens, more than 2^31 - 1"};
    }
    const auto nTokens = static_cast<int32_t>(tokens->count);

    Result<const GgufValue*> scoresArray = findArray(file, "tokenizer.ggml.scores", 'f');
    if (!scoresArray) {
        return scoresArray.error();
    }
    const GgufValue* scores = scoresArray.value();
    if (scores != nullptr && scores->count != tokens->count) {
        return Error{"tokenizer.ggml.scores has " + std::to_string(scores->count) + " entries, expected " +
                     std::to_string(nTokens) + " (one per token)"};
    }
    Result<const GgufValue*> typesArray = findArray(file, "tokenizer.ggml.token_type", 'i');
    if (!typesArray) {
        return typesArray.error();
    }
    const GgufValue* types = typesArray.value();
    if (types != nullptr && types->count != tokens->count) {
        return Error{"tokenizer.ggml.token_type has " + std::to_string(types->count) + " entries, expected " +
                     std::to_string(nTokens) + " (one per token)"};
    }

    // Token texts into one arena. An empty text is replaced by "[EMPTY_<id>]" (as llama.cpp) so it never matches.
    size_t arenaBytes = 0;
    for (std::string_view text : tokens->strings) {
        arenaBytes += text.empty() ? 32 : text.size();
    }
    impl->arena.reserve(arenaBytes);
    impl->tokens.resize(nTokens);
    const auto keyOf = [&impl](int32_t id) { return impl->key(id); };
    impl->ids.reserve(nTokens, keyOf);
    for (int32_t id = 0; id < nTokens; ++id) {
        TokenInfo& info = impl->tokens[id];
        std::string_view text = tokens->strings[id];
        std::string placeholder;
        if (text.empty()) {
            placeholder = "[EMPTY_" + std::to_string(id) + "]";
            text = placeholder;
        }
        info.offset = impl->arena.size();
        info.length = text.size();
        impl->maxTokenLength = std::max(impl->maxTokenLength, text.size());
        impl->arena.append(text);
        if (scores != nullptr) {
            const double score = scores->arrayFloat(id);
            info.score = std::isnan(score) ? -std::numeric_limits<float>::infinity() : static_cast<float>(score);
        }
        if (types != nullptr) {
            const int64_t type = types->arrayInt(id);
            info.type = type >= 1 && type <= 6 ? static_cast<TokenType>(type) : TokenType::Undefined;
        }
        impl->ids.insert(impl->key(id), id, /*overwrite=*/true, keyOf);
    }

    // Family defaults (llama.cpp's), then the metadata.
    const auto idIfValid = [&](int32_t id) { return id < nTokens ? id : kNoToken; };
    std::string pre;
    if (impl->type == VocabType::Spm) {
        impl->bos = idIfValid(1);
        impl->eos = idIfValid(2);
        impl->unk = idIfValid(0);
        impl->addBos = true;
        impl->addSpacePrefix = true;
    } else if (impl->type == VocabType::Wpm) {
        // BERT's ids; [CLS] is the BOS (tokenizer.ggml.cls_token_id, read below, says so too).
        impl->bos = idIfValid(101);
        impl->unk = idIfValid(100);
        impl->sep = idIfValid(102);
        impl->pad = idIfValid(0);
        impl->mask = idIfValid(103);
    } else {
        impl->bos = idIfValid(11);
        impl->eos = idIfValid(11);
        const GgufValue* preValue = file.find("tokenizer.ggml.pre");
        if (preValue != nullptr) {
            if (preValue->type != GgufType::String) {
                return Error{"tokenizer.ggml.pre: expected a string, found " + typeName(*preValue)};
            }
            pre = std::string(preValue->str);
        } else {
            spdlog::warn("vocab: tokenizer.ggml.pre is missing, using the 'default' BPE pre-tokenizer");
        }
        Result<const GgufValue*> mergesArray = findArray(file, "tokenizer.ggml.merges", 's');
        if (!mergesArray) {
            return mergesArray.error();
        }
        if (mergesArray.value() == nullptr) {
            return Error{"tokenizer.ggml.merges is missing: a 'gpt2' (BPE) vocabulary needs its merge list"};
        }
        Result<BpeTokenizer> bpe = BpeTokenizer::create(mergesArray.value()->strings, pre);
        if (!bpe) {
            return bpe.error();
        }
        impl->bpe.emplace(std::move(bpe.value()));
        impl->addBos = impl->bpe->pretokenizer().defaultAddBos();
    }

    struct IdKey {
        std::string_view key;
        int32_t* target;
        bool required;
    };
    const IdKey idKeys[] = {
        {"tokenizer.ggml.bos_token_id", &impl->bos, true},
        {"tokenizer.ggml.eos_token_id", &impl->eos, true},
        {"tokenizer.ggml.eot_token_id", &impl->eot, false},
        {"tokenizer.ggml.eom_token_id", &impl->eom, false},
        {"tokenizer.ggml.unknown_token_id", &impl->unk, false},
        {"tokenizer.ggml.seperator_token_id", &impl->sep, false},  // sic: GGUF's spelling
        {"tokenizer.ggml.padding_token_id", &impl->pad, false},
        {"tokenizer.ggml.mask_token_id", &impl->mask, false},
        {"tokenizer.ggml.fim_pre_token_id", &impl->fimPre, false},
        {"tokenizer.ggml.fim_suf_token_id", &impl->fimSuf, false},
        {"tokenizer.ggml.fim_mid_token_id", &impl->fimMid, false},
        {"tokenizer.ggml.fim_pad_token_id", &impl->fimPad, false},
        {"tokenizer.ggml.fim_rep_token_id", &impl->fimRep, false},
        {"tokenizer.ggml.fim_sep_token_id", &impl->fimSep, false},
        {"tokenizer.ggml.prefix_token_id", &impl->fimPre, false},  // deprecated names
        {"tokenizer.ggml.suffix_token_id", &impl->fimSuf, false},
        {"tokenizer.ggml.middle_token_id", &impl->fimMid, false},
    };
    for (const IdKey& idKey : idKeys) {
        if (Status status = readTokenId(file, idKey.key, nTokens, idKey.required, *idKey.target); !status) {
            return status.error();
        }
    }
    if (impl->type == VocabType::Wpm) {
        if (Status status = readTokenId(file, "tokenizer.ggml.cls_token_id", nTokens, false, impl->bos); !status) {
            return status.error();
        }
    }
    for (auto [key, target] : {std::pair{"tokenizer.ggml.add_bos_token", &impl->addBos},
                               std::pair{"tokenizer.ggml.add_eos_token", &impl->addEos},
                               std::pair{"tokenizer.ggml.add_space_prefix", &impl->addSpacePrefix}}) {
        if (Status status = readBool(file, key, *target); !status) {
            return status.error();
        }
    }
    if (impl->type == VocabType::Wpm) {
        // [CLS] ... [SEP] with addSpecial, whatever add_bos_token / add_eos_token say (as llama.cpp).
        impl->addBos = true;
        impl->addEos = false;
    }
    if (const GgufValue* chatTemplate = file.find("tokenizer.chat_template"); chatTemplate != nullptr) {
        if (chatTemplate->type == GgufType::String) {
            impl->chatTemplate = std::string(chatTemplate->str);
        } else {
            spdlog::warn("vocab: tokenizer.chat_template is a {}, not a string (ignored)", typeName(*chatTemplate));
        }
    }
    if (std::optional<std::string_view> name = file.getString("general.name")) {
        impl->name = std::string(*name);
        std::transform(impl->name.begin(), impl->name.end(), impl->name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }

    // Roles found by text when the metadata leaves them out; such tokens become CONTROL.
    const auto detect = [&](int32_t& role, const std::vector<std::string_view>& texts) {
        if (role != kNoToken) {
            return;
        }
        for (std::string_view text : texts) {
            const int32_t id = impl->find(text);
            if (id != kNoToken) {
                role = id;
                impl->tokens[id].type = TokenType::Control;
                return;
            }
        }
    };
    detect(impl->eot, kEotTexts);
    detect(impl->eom, kEomTexts);
    detect(impl->fimPre, kFimPreTexts);
    detect(impl->fimSuf, kFimSufTexts);
    detect(impl->fimMid, kFimMidTexts);
    detect(impl->fimPad, kFimPadTexts);
    detect(impl->fimRep, kFimRepTexts);
    detect(impl->fimSep, kFimSepTexts);

    // End-of-generation set.
    for (int32_t id : {impl->fimPad, impl->fimRep, impl->fimSep, impl->eos, impl->eot, impl->eom}) {
        if (id != kNoToken) {
            impl->eog.push_back(id);
        }
    }
    for (std::string_view text : kEogTexts) {
        const int32_t id = impl->find(text);
        if (id != kNoToken) {
            impl->eog.push_back(id);
            impl->tokens[id].type = TokenType::Control;
        }
    }
    std::sort(impl->eog.begin(), impl->eog.end());
    impl->eog.erase(std::unique(impl->eog.begin(), impl->eog.end()), impl->eog.end());

    // Special tokens, longest first. std::sort (not stable) on ascending ids, like llama.cpp, so that equally long
    // tokens are tried in the same order.
    for (int32_t id = 0; id < nTokens; ++id) {
        const TokenType type = impl->tokens[id].type;
        if (type == TokenType::Control || type == TokenType::UserDefined || type == TokenType::Unknown) {
            impl->specialTokens.push_back(id);
        }
    }
    std::sort(impl->specialTokens.begin(), impl->specialTokens.end(),
              [&](int32_t a, int32_t b) { return impl->tokens[a].length > impl->tokens[b].length; });

    // Per-model whitespace stripping around special tokens (llama.cpp sets these by name).
    const auto setRstrip = [&](std::string_view text, bool value) {
        if (const int32_t id = impl->find(text); id != kNoToken) {
            impl->tokens[id].rstrip = value;
        }
    };
    if (pre == "jina-v2-de" || pre == "jina-v2-es" || pre == "jina-v2-code") {
        if (const int32_t id = impl->find("<mask>"); id != kNoToken) {
            impl->tokens[id].lstrip = true;
        }
    } else if (impl->name.find("phi-3") != std::string::npos || impl->name.find("phi3") != std::string::npos) {
        for (int32_t id : impl->specialTokens) {
            impl->tokens[id].rstrip = true;
        }
        setRstrip("</s>", true);
        for (std::string_view text : {"<unk>", "<s>", "<|endoftext|>"}) {
            setRstrip(text, false);
        }
    }

    Vocab vocab(impl);
    if (impl->type == VocabType::Spm) {
        impl->newline = impl->find("<0x0A>");
        if (impl->newline == kNoToken) {
            impl->newline = impl->find("\n");
        }
    } else {
        const std::vector<int32_t> ids = vocab.tokenize("\n", false, false);
        impl->newline = ids.empty() ? kNoToken : ids.front();
    }
    return vocab;
}

// ---- Tokenizing ---------------------------------------------------------------------------------------------------

namespace {

struct Fragment {
    int32_t token;  // kNoToken: text[offset, offset + length) still to tokenize
    size_t offset;
    size_t length;
};

}  // namespace

std::vector<int32_t> Vocab::tokenize(std::string_view text, bool addSpecial, bool parseSpecial) const {
    const Impl& v = *impl_;

    // Partition the text on special tokens, longest first; each token splits every remaining text fragment at
    // all its (non-overlapping, leftmost-first) occurrences.
    std::vector<Fragment> fragments;
    if (!text.empty()) {
        fragments.push_back({kNoToken, 0, text.size()});
    }
    std::vector<Fragment> next;
    for (int32_t special : v.specialTokens) {
        const TokenInfo& info = v.tokens[special];
        if (!parseSpecial && (info.type == TokenType::Control || info.type == TokenType::Unknown)) {
            continue;
        }
        const std::string_view needle = v.text(special);
        if (text.find(needle) == std::string_view::npos) {
            continue;
        }
        next.clear();
        for (const Fragment& fragment : fragments) {
            if (fragment.token != kNoToken) {
                next.push_back(fragment);
                continue;
            }
            size_t pos = fragment.offset;
            const size_t end = fragment.offset + fragment.length;
            while (pos < end) {
                const size_t match = text.find(needle, pos);
                if (match == std::string_view::npos || match + needle.size() > end) {
                    next.push_back({kNoToken, pos, end - pos});
                    break;
                }
                size_t leftLength = match - pos;
                if (info.lstrip) {
                    while (leftLength > 0 && isAsciiSpace(text[pos + leftLength - 1])) {
                        --leftLength;
                    }
                }
                if (leftLength > 0) {
                    next.push_back({kNoToken, pos, leftLength});
                }
                next.push_back({special, 0, 0});
                pos = match + needle.size();
                if (info.rstrip) {
                    while (pos < end && isAsciiSpace(text[pos])) {
                        ++pos;
                    }
                }
            }
        }
        fragments.swap(next);
    }

    std::vector<int32_t> out;
    if (addSpecial && v.addBos && v.bos != kNoToken) {
        out.push_back(v.bos);
    }
    if (v.type == VocabType::Spm) {
        // A space is prefixed to text at the start and after every special token (SentencePiece's dummy prefix);
        // then spaces become U+2581.
        bool afterSpecial = true;
        std::string escaped;
        for (const Fragment& fragment : fragments) {
            if (fragment.token != kNoToken) {
                out.push_back(fragment.token);
                afterSpecial = true;
                continue;
            }
            escaped.clear();
            if (v.addSpacePrefix && afterSpecial) {
                escaped += kSpaceEscape;
            }
            for (char c : text.substr(fragment.offset, fragment.length)) {
                if (c == ' ') {
                    escaped += kSpaceEscape;
                } else {
                    escaped += c;
                }
            }
            tokenizeSpm(*this, escaped, out);
            afterSpecial = false;
        }
    } else if (v.type == VocabType::Wpm) {
        // [CLS] (pushed above: addBos is always set for WordPiece) text [SEP].
        for (const Fragment& fragment : fragments) {
            if (fragment.token != kNoToken) {
                out.push_back(fragment.token);
            } else {
                tokenizeWpm(*this, text.substr(fragment.offset, fragment.length), out);
            }
        }
        if (addSpecial && v.sep != kNoToken) {
            out.push_back(v.sep);
        }
        return out;
    } else {
        for (const Fragment& fragment : fragments) {
            if (fragment.token != kNoToken) {
                out.push_back(fragment.token);
            } else {
                v.bpe->tokenize(*this, text.substr(fragment.offset, fragment.length), out);
            }
        }
    }
    if (addSpecial && v.addEos && v.eos != kNoToken) {
        out.push_back(v.eos);
    }
    return out;
}

// ---- Detokenizing -------------------------------------------------------------------------------------------------

namespace {

// "<0xAB>" -> 0xAB; -1 when the text has another form.
int parseByteToken(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') {
        return -1;
    }
    int value = 0;
    for (char c : text.substr(3, 2)) {
        const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                       : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0) {
            return -1;
        }
        value = value * 16 + digit;
    }
    return value;
}

}  // namespace

std::string Vocab::tokenToPiece(int32_t id, bool special) const {
    if (!valid(id)) {
        return {};
    }
    const Impl& v = *impl_;
    const std::string_view text = v.text(id);
    switch (v.tokens[id].type) {
        case TokenType::Control:
        case TokenType::Unknown:
            return special ? std::string(text) : std::string();
        case TokenType::UserDefined:
            return std::string(text);
        case TokenType::Normal: {
            std::string piece;
            piece.reserve(text.size());
            if (v.type != VocabType::Bpe) {  // SPM and WordPiece: U+2581 stands for a space
                for (size_t i = 0; i < text.size();) {
                    if (text.compare(i, kSpaceEscape.size(), kSpaceEscape) == 0) {
                        piece += ' ';
                        i += kSpaceEscape.size();
                    } else {
                        piece += text[i++];
                    }
                }
                return piece;
            }
            // Byte-level BPE: each character stands for one byte. A character outside that alphabet (not
            // produced by GPT-2 style converters) is kept as it is.
            for (uint32_t cpt : unicode::decodeUtf8(text)) {
                const int byte = unicode::codepointToByte(cpt);
                if (byte >= 0) {
                    piece += static_cast<char>(byte);
                } else {
                    unicode::appendUtf8(piece, cpt);
                }
            }
            return piece;
        }
        case TokenType::Byte: {
            if (v.type != VocabType::Spm) {
                return {};
            }
            const int byte = parseByteToken(text);
            return byte >= 0 ? std::string(1, static_cast<char>(byte)) : std::string(text);
        }
        case TokenType::Unused:
        case TokenType::Undefined:
            break;
    }
    return {};
}

std::string Vocab::detokenize(std::span<const int32_t> ids, bool removeSpecial, bool unparseSpecial) const {
    const Impl& v = *impl_;
    // WordPiece: the first word's U+2581 marker is not a space of the text either.
    bool removeSpace = v.addSpacePrefix || v.type == VocabType::Wpm;
    if (removeSpecial && v.addBos && !ids.empty() && ids.front() == v.bos) {
        removeSpace = false;  // llama.cpp keeps the space after a BOS it removes
        ids = ids.subspan(1);
    }
    if (removeSpecial && v.addEos && !ids.empty() && ids.back() == v.eos) {
        ids = ids.first(ids.size() - 1);
    }
    std::string text;
    for (int32_t id : ids) {
        std::string piece = tokenToPiece(id, unparseSpecial);
        if (removeSpace && !piece.empty() && piece.front() == ' ') {
            piece.erase(0, 1);
        }
        removeSpace = false;
        text += piece;
    }
    return text;
}

// ---- Accessors ----------------------------------------------------------------------------------------------------

VocabType Vocab::type() const { return impl_->type; }
std::string_view Vocab::model() const { return impl_->model; }
std::string_view Vocab::preTokenizer() const { return impl_->bpe ? impl_->bpe->pretokenizer().preset() : ""; }
int32_t Vocab::nTokens() const { return static_cast<int32_t>(impl_->tokens.size()); }
size_t Vocab::maxTokenLength() const { return impl_->maxTokenLength; }
std::string_view Vocab::tokenText(int32_t id) const { return valid(id) ? impl_->text(id) : std::string_view(); }
float Vocab::tokenScore(int32_t id) const { return valid(id) ? impl_->tokens[id].score : 0.0f; }
TokenType Vocab::tokenType(int32_t id) const { return valid(id) ? impl_->tokens[id].type : TokenType::Undefined; }
int32_t Vocab::findToken(std::string_view text) const { return impl_->find(text); }
int32_t Vocab::bos() const { return impl_->bos; }
int32_t Vocab::eos() const { return impl_->eos; }
int32_t Vocab::eot() const { return impl_->eot; }
int32_t Vocab::eom() const { return impl_->eom; }
int32_t Vocab::unk() const { return impl_->unk; }
int32_t Vocab::sep() const { return impl_->sep; }
int32_t Vocab::pad() const { return impl_->pad; }
int32_t Vocab::newline() const { return impl_->newline; }
bool Vocab::isEog(int32_t id) const {
    return id != kNoToken && std::binary_search(impl_->eog.begin(), impl_->eog.end(), id);
}
const std::vector<int32_t>& Vocab::eogTokens() const { return impl_->eog; }
bool Vocab::addBos() const { return impl_->addBos; }
bool Vocab::addEos() const { return impl_->addEos; }
bool Vocab::addSpacePrefix() const { return impl_->addSpacePrefix; }
std::string_view Vocab::chatTemplate() const { return impl_->chatTemplate; }

}  // namespace hearth::engine
