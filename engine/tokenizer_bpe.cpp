#include "engine/tokenizer_bpe.h"

#include <queue>
#include <string>
#include <unordered_map>

#include "engine/unicode.h"
#include "engine/vocab.h"

namespace hearth::engine {

namespace {

using MergeKey = std::pair<std::string_view, std::string_view>;

struct MergeKeyHash {
    size_t operator()(const MergeKey& key) const {
        const size_t a = std::hash<std::string_view>{}(key.first);
        const size_t b = std::hash<std::string_view>{}(key.second);
        return a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
    }
};

struct Symbol {
    size_t offset;  // into the byte-level word
    size_t length;  // bytes; 0 once merged into its left neighbour
    int prev;
    int next;
};

struct Bigram {
    int left;
    int right;
    int32_t rank;
    size_t length;  // bytes of the merged text, to recognise stale entries
};

struct BigramOrder {
    // std::priority_queue pops the "largest": lowest rank first, then the leftmost pair.
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

}  // namespace

struct BpeTokenizer::Impl {
    Pretokenizer pretokenizer;
    std::vector<char> arena;  // merge strings; the map's keys view into it (a vector's buffer survives moves)
    std::unordered_map<MergeKey, int32_t, MergeKeyHash> ranks;
    size_t nMerges = 0;
};

BpeTokenizer::BpeTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;
BpeTokenizer::~BpeTokenizer() = default;

Result<BpeTokenizer> BpeTokenizer::create(const std::vector<std::string_view>& merges, std::string_view pre) {
    Result<Pretokenizer> pretokenizer = Pretokenizer::create(pre);
    if (!pretokenizer) {
        return pretokenizer.error();
    }
    if (merges.size() > static_cast<size_t>(INT32_MAX)) {
        return Error{"tokenizer.ggml.merges: " + std::to_string(merges.size()) + " merges, more than 2^31 - 1"};
    }
    auto impl = std::unique_ptr<Impl>(new Impl{std::move(pretokenizer.value()), {}, {}, merges.size()});
    size_t bytes = 0;
    for (std::string_view merge : merges) {
        bytes += merge.size();
    }
    impl->arena.resize(bytes);
    impl->ranks.reserve(merges.size());
    char* cursor = impl->arena.data();
    for (size_t i = 0; i < merges.size(); ++i) {
        const std::string_view merge = merges[i];
        std::copy(merge.begin(), merge.end(), cursor);
        const std::string_view copy(cursor, merge.size());
        cursor += merge.size();
        // The separator is the first space after the first character (a merge never starts with the pair's
        // separator). A line without one can never apply.
        const size_t space = copy.find(' ', 1);
        if (space == std::string_view::npos) {
            continue;
        }
        impl->ranks.emplace(MergeKey{copy.substr(0, space), copy.substr(space + 1)}, static_cast<int32_t>(i));
    }
    return BpeTokenizer(std::move(impl));
}

int32_t BpeTokenizer::mergeRank(std::string_view left, std::string_view right) const {
    const auto it = impl_->ranks.find(MergeKey{left, right});
    return it == impl_->ranks.end() ? -1 : it->second;
}

size_t BpeTokenizer::nMerges() const { return impl_->nMerges; }
const Pretokenizer& BpeTokenizer::pretokenizer() const { return impl_->pretokenizer; }

void BpeTokenizer::tokenize(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out) const {
    const std::vector<std::string> words = impl_->pretokenizer.split(text);
    const bool ignoreMerges = impl_->pretokenizer.ignoreMerges();

    std::string word;  // byte-level form of the current word
    std::vector<Symbol> symbols;
    for (const std::string& rawWord : words) {
        word.clear();
        for (char c : rawWord) {
            unicode::appendUtf8(word, unicode::byteToCodepoint(static_cast<uint8_t>(c)));
        }
        if (ignoreMerges) {
            const int32_t whole = vocab.findToken(word);
            if (whole != kNoToken) {
                out.push_back(whole);
                continue;
            }
        }

        symbols.clear();
        for (size_t offset = 0; offset < word.size();) {
            const size_t length =
                std::min(unicode::sequenceLength(static_cast<uint8_t>(word[offset])), word.size() - offset);
            const int index = static_cast<int>(symbols.size());
            offset += length;
            symbols.push_back({offset - length, length, index - 1, offset == word.size() ? -1 : index + 1});
        }

        std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
        const std::string_view w = word;
        const auto addBigram = [&](int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            const Symbol& l = symbols[left];
            const Symbol& r = symbols[right];
            const int32_t rank = mergeRank(w.substr(l.offset, l.length), w.substr(r.offset, r.length));
            if (rank >= 0) {
                queue.push({left, right, rank, l.length + r.length});
            }
        };
        for (int i = 1; i < static_cast<int>(symbols.size()); ++i) {
            addBigram(i - 1, i);
        }

        while (!queue.empty()) {
            const Bigram bigram = queue.top();
            queue.pop();
            Symbol& left = symbols[bigram.left];
            Symbol& right = symbols[bigram.right];
            // Symbols only grow, so unchanged lengths mean this pair is still adjacent and unmerged.
            if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length) {
                continue;
            }
            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0) {
                symbols[right.next].prev = bigram.left;
            }
            addBigram(left.prev, bigram.left);
            addBigram(bigram.left, left.next);
        }

        for (const Symbol& symbol : symbols) {
            if (symbol.length == 0) {
                continue;
            }
            const std::string_view piece = w.substr(symbol.offset, symbol.length);
            const int32_t id = vocab.findToken(piece);
            if (id != kNoToken) {
                out.push_back(id);
                continue;
            }
            // Not a token (an incomplete vocabulary): llama.cpp emits the tokens of single bytes of the
            // byte-level text that exist, and drops the rest.
            for (char c : piece) {
                const int32_t byteId = vocab.findToken(std::string_view(&c, 1));
                if (byteId != kNoToken) {
                    out.push_back(byteId);
                }
            }
        }
    }
}

}  // namespace hearth::engine
