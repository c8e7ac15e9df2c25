#include "engine/tokenizer_spm.h"

#include <queue>

#include "engine/unicode.h"
#include "engine/vocab.h"

namespace hearth::engine {

namespace {

struct Symbol {
    size_t offset;  // into the text
    size_t length;  // bytes; 0 once merged into its left neighbour
    int prev;
    int next;
};

struct Bigram {
    int left;
    int right;
    float score;
    size_t length;  // bytes of the merged text, to recognise stale entries
};

struct BigramOrder {
    // std::priority_queue pops the "largest": highest score first, then the leftmost pair.
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

}  // namespace

int32_t spmByteToken(const Vocab& vocab, uint8_t byte) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const char name[6] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
    int32_t id = vocab.findToken(std::string_view(name, sizeof(name)));
    if (id == kNoToken) {
        const char raw = static_cast<char>(byte);
        id = vocab.findToken(std::string_view(&raw, 1));
    }
    return id != kNoToken ? id : vocab.unk();
}

void tokenizeSpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out) {
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (size_t offset = 0; offset < text.size();) {
        const size_t length =
            std::min(unicode::sequenceLength(static_cast<uint8_t>(text[offset])), text.size() - offset);
        const int index = static_cast<int>(symbols.size());
        offset += length;
        symbols.push_back({offset - length, length, index - 1, offset == text.size() ? -1 : index + 1});
    }

    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    const auto tryAddBigram = [&](int left, int right) {
        if (left == -1 || right == -1) {
            return;
        }
        const size_t length = symbols[left].length + symbols[right].length;
        const int32_t id = vocab.findToken(text.substr(symbols[left].offset, length));
        if (id != kNoToken) {
            queue.push({left, right, vocab.tokenScore(id), length});
        }
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) {
        tryAddBigram(i - 1, i);
    }

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[bigram.left];
        Symbol& right = symbols[bigram.right];
        if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length) {
            continue;  // one side was merged elsewhere since this pair was queued
        }
        left.length += right.length;
        right.length = 0;
        left.next = right.next;
        if (right.next >= 0) {
            symbols[right.next].prev = bigram.left;
        }
        tryAddBigram(left.prev, bigram.left);
        tryAddBigram(bigram.left, left.next);
    }

    // Every merged symbol is a token by construction; single characters may not be: their bytes then.
    for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
        const std::string_view piece = text.substr(symbols[i].offset, symbols[i].length);
        const int32_t id = vocab.findToken(piece);
        if (id != kNoToken) {
            out.push_back(id);
            continue;
        }
        for (char c : piece) {
            const int32_t byteId = spmByteToken(vocab, static_cast<uint8_t>(c));
            if (byteId != kNoToken) {
                out.push_back(byteId);
            }
        }
    }
}

}  // namespace hearth::engine
