#include "app/docs/chunker.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <utility>

namespace hearth::app::docs {

namespace {

bool isCjk(char32_t c) {
    return (c >= 0x3040 && c <= 0x30FF)      // Hiragana, Katakana
           || (c >= 0x3400 && c <= 0x4DBF)   // CJK extension A
           || (c >= 0x4E00 && c <= 0x9FFF)   // CJK unified ideographs
           || (c >= 0xAC00 && c <= 0xD7AF)   // Hangul syllables
           || (c >= 0xF900 && c <= 0xFAFF)   // compatibility ideographs
           || (c >= 0x20000 && c <= 0x2FFFF);
}

bool endsSentence(QChar c) {
    return c == u'.' || c == u'!' || c == u'?' || c == u'\u3002' || c == u'\uFF01' || c == u'\uFF1F';
}

// A piece of the segment's text by offsets, with the source lines it spans.
struct Span {
    qsizetype begin = 0;
    qsizetype end = 0;
};

Span trimmed(QStringView text, Span s) {
    while (s.begin < s.end && text[s.begin].isSpace()) ++s.begin;
    while (s.end > s.begin && text[s.end - 1].isSpace()) --s.end;
    return s;
}

// Paragraphs: separated by a line that is empty or blank.
QList<Span> paragraphsOf(QStringView text) {
    QList<Span> out;
    qsizetype start = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype nl = text.indexOf(u'\n', pos);
        if (nl < 0) break;
        qsizetype next = nl + 1;
        while (next < text.size() && (text[next] == u' ' || text[next] == u'\t' || text[next] == u'\r')) ++next;
        if (next < text.size() && text[next] == u'\n') {  // a blank line ends the paragraph
            out << Span{start, nl};
            while (next < text.size() && text[next].isSpace()) ++next;
            start = next;
        }
        pos = next;
    }
    out << Span{start, text.size()};
    return out;
}

// Sentences (and lines, which end list items, table rows and code statements) of one paragraph.
QList<Span> sentencesOf(QStringView text, Span paragraph) {
    QList<Span> out;
    qsizetype start = paragraph.begin;
    for (qsizetype i = paragraph.begin; i < paragraph.end; ++i) {
        const QChar c = text[i];
        const bool cjkStop = c == u'\u3002' || c == u'\uFF01' || c == u'\uFF1F';
        if (c == u'\n' || cjkStop || (endsSentence(c) && (i + 1 == paragraph.end || text[i + 1].isSpace()))) {
            out << Span{start, i + 1};
            start = i + 1;
        }
    }
    if (start < paragraph.end) out << Span{start, paragraph.end};
    return out;
}

}  // namespace

int approximateTokenCount(QStringView text) {
    double tokens = 0;
    qsizetype wordLength = 0;
    auto endWord = [&] {
        // Subword vocabularies split long or rare words (identifiers, numbers, base64) into pieces of ~4 chars.
        if (wordLength > 0) tokens += std::max(1.3, double(wordLength) / 4.0);
        wordLength = 0;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        }
        if (isCjk(c)) {
            endWord();
            tokens += 1;
        } else if (QChar::isLetterOrNumber(c) || QChar::isMark(c)) {
            ++wordLength;
        } else {
            endWord();
            if (!QChar::isSpace(c)) tokens += 0.5;
        }
    }
    endWord();
    return int(std::ceil(tokens - 1e-9));  // 10 × 1.3 is 13, not 13.000000000000002 → 14
}

Chunker::Chunker(ChunkerOptions options, ChunkSink sink) : options_(std::move(options)), sink_(std::move(sink)) {
    if (!options_.countTokens) options_.countTokens = approximateTokenCount;
    options_.targetTokens = std::max(options_.targetTokens, 8);
    options_.overlapTokens = std::clamp(options_.overlapTokens, 0, options_.targetTokens / 2);
}

bool Chunker::add(const TextSegment& segment) {
    if (stopped_) return false;
    if (segment.page != page_) {  // a chunk never spans pages, and no overlap carries across them
        if (!emitChunk()) return false;
        units_.clear();
        tokens_ = 0;
        page_ = segment.page;
    }
    const QStringView text(segment.text);
    auto lineOf = [&](qsizetype offset) {
        return segment.lineStart > 0 ? segment.lineStart + int(text.left(offset).count(u'\n')) : 0;
    };
    for (const Span& rawParagraph : paragraphsOf(text)) {
        const Span paragraph = trimmed(text, rawParagraph);
        if (paragraph.begin == paragraph.end) continue;
        const QStringView p = text.mid(paragraph.begin, paragraph.end - paragraph.begin);
        const int tokens = options_.countTokens(p);
        if (tokens <= options_.targetTokens) {
            pending_ << Unit{p.toString(), QStringLiteral("\n\n"), lineOf(paragraph.begin),
                             lineOf(paragraph.end), tokens};
        } else {
            bool first = true;
            for (const Span& rawSentence : sentencesOf(text, paragraph)) {
                const Span sentence = trimmed(text, rawSentence);
                if (sentence.begin == sentence.end) continue;
                const QStringView s = text.mid(sentence.begin, sentence.end - sentence.begin);
                const QString separator = first ? QStringLiteral("\n\n") : QStringLiteral(" ");
                first = false;
                const int sentenceTokens = options_.countTokens(s);
                if (sentenceTokens <= options_.targetTokens)
                    pending_ << Unit{s.toString(), separator, lineOf(sentence.begin), lineOf(sentence.end),
                                     sentenceTokens};
                else
                    splitLong(s.toString(), separator, lineOf(sentence.begin), lineOf(sentence.end));
            }
        }
        for (Unit& unit : pending_)
            if (!addUnit(std::move(unit))) return false;
        pending_.clear();
    }
    return true;
}

// An over-long sentence: pieces of whole words up to the target; a single "word" longer than that (a base64
// blob, a URL) is cut by characters.
void Chunker::splitLong(const QString& text, const QString& separator, int lineStart, int lineEnd) {
    const int target = options_.targetTokens;
    const QStringList words = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    QString piece;
    int pieceTokens = 0;
    bool firstPiece = true;
    auto push = [&] {
        if (piece.isEmpty()) return;
        pending_ << Unit{std::exchange(piece, QString()), firstPiece ? separator : QStringLiteral(" "), lineStart,
                         lineEnd, pieceTokens};
        firstPiece = false;
        pieceTokens = 0;
    };
    for (const QString& word : words) {
        const int wordTokens = options_.countTokens(word);
        if (wordTokens > target) {
            push();
            // The longest prefix within the target, by bisection (token density varies along such a word).
            for (qsizetype at = 0; at < word.size();) {
                const QStringView rest = QStringView(word).mid(at);
                qsizetype lo = 1;
                qsizetype hi = rest.size();
                while (lo < hi) {
                    const qsizetype mid = lo + (hi - lo + 1) / 2;
                    if (options_.countTokens(rest.left(mid)) <= target)
                        lo = mid;
                    else
                        hi = mid - 1;
                }
                piece = rest.left(lo).toString();
                pieceTokens = options_.countTokens(piece);
                push();
                at += lo;
            }
            continue;
        }
        const QString candidate = piece.isEmpty() ? word : piece + u' ' + word;
        const int candidateTokens = options_.countTokens(candidate);
        if (candidateTokens > target) {
            push();
            piece = word;
            pieceTokens = wordTokens;
        } else {
            piece = candidate;
            pieceTokens = candidateTokens;
        }
    }
    push();
}

bool Chunker::addUnit(Unit unit) {
    const bool hasNew = std::any_of(units_.begin(), units_.end(), [](const Unit& u) { return !u.carried; });
    if (hasNew && tokens_ + unit.tokens > options_.targetTokens && !emitChunk()) return false;
    // Overlap yields to new text: drop carried units that would push the chunk past the target.
    while (!units_.isEmpty() && units_.first().carried && tokens_ + unit.tokens > options_.targetTokens) {
        tokens_ -= units_.first().tokens;
        units_.removeFirst();
    }
    tokens_ += unit.tokens;
    units_ << std::move(unit);
    return true;
}

bool Chunker::emitChunk() {
    if (stopped_) return false;
    if (std::none_of(units_.begin(), units_.end(), [](const Unit& u) { return !u.carried; })) return true;
    Chunk chunk;
    chunk.page = std::max(page_, 0);
    for (const Unit& u : units_) {
        if (!chunk.text.isEmpty()) chunk.text += u.separator;
        chunk.text += u.text;
        if (u.lineStart > 0 && (chunk.lineStart == 0 || u.lineStart < chunk.lineStart)) chunk.lineStart = u.lineStart;
        chunk.lineEnd = std::max(chunk.lineEnd, u.lineEnd);
    }
    chunk.tokenCount = options_.countTokens(chunk.text);
    const Unit last = units_.last();

    // The next chunk starts with the tail of this one: whole units that fit the overlap, else the last words.
    QList<Unit> overlap;
    int overlapTokens = 0;
    for (auto it = units_.rbegin(); it != units_.rend(); ++it) {
        if (overlapTokens + it->tokens > options_.overlapTokens) break;
        overlapTokens += it->tokens;
        overlap.prepend(*it);
    }
    if (overlap.isEmpty() && options_.overlapTokens > 0) {
        const QStringList words = last.text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        QString tail;
        for (auto it = words.rbegin(); it != words.rend(); ++it) {
            const QString candidate = tail.isEmpty() ? *it : *it + u' ' + tail;
            const int candidateTokens = options_.countTokens(candidate);
            if (candidateTokens > options_.overlapTokens) break;
            tail = candidate;
            overlapTokens = candidateTokens;
        }
        if (!tail.isEmpty()) overlap << Unit{tail, QStringLiteral(" "), last.lineEnd, last.lineEnd, overlapTokens};
    }
    for (Unit& u : overlap) u.carried = true;
    units_ = std::move(overlap);
    tokens_ = overlapTokens;

    if (!sink_(std::move(chunk))) stopped_ = true;
    return !stopped_;
}

bool Chunker::finish() {
    const bool ok = emitChunk();
    units_.clear();
    tokens_ = 0;
    page_ = -1;
    return ok;
}

}  // namespace hearth::app::docs
