#include "engine/tokenizer_bpe.h"

#include <limits>
#include <queue>
#include <string>

#include "engine/flat_string_map.h"
#include "engine/unicode.h"
#include "engine/vocab.h"

namespace hearth::engine {

namespace {

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
    struct Merge {
        uint32_t offset = 0;  // "left right" in the arena
        uint16_t leftLength = 0;
        uint16_t rightLength = 0;
    };
    Pretokenizer pretokenizer;
    std::vector<char> arena;    // the merge strings, back to back
    std::vector<Merge> merges;  // indexed by rank
    FlatStringMap ranks;        // (left, right) -> rank

    FlatStringMap::Key key(int32_t rank) const {
        const Merge& m = merges[rank];
        const char* p = arena.data() + m.offset;
        return {{p, m.leftLength}, {p + m.leftLength + 1, m.rightLength}};
    }
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
    size_t bytes = 0;
    for (std::string_view merge : merges) {
        bytes += merge.size();
    }
    if (bytes > std::numeric_limits<uint32_t>::max()) {
        return Error{"tokenizer.ggml.merges: " + std::to_string(bytes) + " bytes of merges, more than 4 GiB"};
    }
    auto impl = std::make_unique<Impl>(Impl{std::move(pretokenizer.value()), {}, {}, {}});
    impl->arena.resize(bytes);
    impl->merges.resize(merges.size());
    const auto keyOf = [&impl](int32_t rank) { return impl->key(rank); };
    impl->ranks.reserve(merges.size(), keyOf);
    size_t offset = 0;
    for (size_t i = 0; i < merges.size(); ++i) {
        const std::string_view merge = merges[i];
        std::copy(merge.begin(), merge.end(), impl->arena.begin() + offset);
        // The separator is the first space after the first character (a pair's left part never starts with the
        // separator). A line without one can never apply; parts over 64 KiB are ignored.
        const size_t space = merge.find(' ', 1);
        const size_t rightLength = merge.size() - space - 1;
        if (space != std::string_view::npos && space <= UINT16_MAX && rightLength <= UINT16_MAX) {
            impl->merges[i] = {static_cast<uint32_t>(offset), static_cast<uint16_t>(space),
                               static_cast<uint16_t>(rightLength)};
            const auto rank = static_cast<int32_t>(i);
            impl->ranks.insert(impl->key(rank), rank, /*overwrite=*/false, keyOf);  // the first duplicate wins
        }
        offset += merge.size();
    }
    return BpeTokenizer(std::move(impl));
}

int32_t BpeTokenizer::mergeRank(std::string_view left, std::string_view right) const {
    return impl_->ranks.find({left, right}, [this](int32_t rank) { return impl_->key(rank); });
}

size_t BpeTokenizer::nMerges() const { return impl_->merges.size(); }
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
