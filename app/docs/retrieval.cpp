#include "app/docs/retrieval.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>

namespace hearth::app::docs {

namespace {

// Words that carry no meaning for matching (English and German, the app's main languages; the FTS tokenizer
// folds case and diacritics). BM25's IDF would weigh them down anyway, but OR-ing them in drags every chunk
// into the result.
const QSet<QString>& stopWords() {
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char* w :
             {"a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do", "does", "for",
              "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "not",
              "of", "on", "or", "our", "should", "so", "than", "that", "the", "their", "them", "then", "there",
              "these", "they", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who", "whom",
              "why", "will", "with", "would", "you", "your", "about", "tell", "please", "der", "die", "das", "und",
              "ist", "ein", "eine", "einen", "dem", "den", "des", "im", "in", "zu", "mit", "von", "wie", "was", "wer",
              "wo", "warum", "nicht", "auf", "für", "es", "ich", "sie", "wir"})
            s.insert(QString::fromUtf8(w));
        return s;
    }();
    return words;
}

}  // namespace

QString ftsQueryFor(QStringView question) {
    // Words as FTS5's unicode61 tokenizer sees them: runs of letters, digits and marks.
    QStringList words;
    QString word;
    auto endWord = [&] {
        if (!word.isEmpty()) words << std::exchange(word, QString()).toLower();
    };
    for (qsizetype i = 0; i < question.size(); ++i) {
        const QChar c = question[i];
        if (c.isLetterOrNumber() || c.isMark() || c.isSurrogate())
            word += c;
        else
            endWord();
    }
    endWord();
    QStringList kept;
    QStringList all;
    for (const QString& w : words) {
        if (!all.contains(w)) all << w;
        if (!stopWords().contains(w) && !kept.contains(w)) kept << w;
    }
    const QStringList& chosen = kept.isEmpty() ? all : kept;
    QStringList quoted;
    for (const QString& w : chosen) quoted << u'"' + w + u'"';  // words hold no '"', so this is a plain string
    return quoted.join(QStringLiteral(" OR "));
}

QList<FusedId> reciprocalRankFusion(const QList<QList<qint64>>& rankings, int k) {
    QHash<qint64, double> scores;
    QList<qint64> order;  // first appearance, to break ties deterministically
    for (const QList<qint64>& ranking : rankings) {
        for (qsizetype i = 0; i < ranking.size(); ++i) {
            if (!scores.contains(ranking[i])) order << ranking[i];
            scores[ranking[i]] += 1.0 / double(k + i + 1);
        }
    }
    QList<FusedId> fused;
    fused.reserve(order.size());
    for (qint64 id : order) fused << FusedId{id, scores.value(id)};
    std::stable_sort(fused.begin(), fused.end(), [](const FusedId& a, const FusedId& b) { return a.score > b.score; });
    return fused;
}

QString RetrievalContext::sourceLabel(const SearchHit& hit) {
    const QString name = QFileInfo(hit.path).fileName();
    if (hit.page > 0) return tr("%1, page %2").arg(name).arg(hit.page);
    if (hit.lineStart > 0 && hit.lineEnd > hit.lineStart)
        return tr("%1, lines %2–%3").arg(name).arg(hit.lineStart).arg(hit.lineEnd);
    if (hit.lineStart > 0) return tr("%1, line %2").arg(name).arg(hit.lineStart);
    return name;
}

RetrievedContext RetrievalContext::build(const QList<SearchHit>& hits, int tokenBudget,
                                         const TokenCounter& countTokens) {
    RetrievedContext context;
    for (const SearchHit& hit : hits) {
        const QString entry = QStringLiteral("[%1] %2:\n%3\n\n")
                                  .arg(context.used.size() + 1)
                                  .arg(sourceLabel(hit), hit.text.trimmed());
        const int tokens = countTokens(entry);
        if (context.tokenCount + tokens > tokenBudget) continue;
        context.text += entry;
        context.tokenCount += tokens;
        context.used << hit;
    }
    // What the prompt really grows by: the joined text counted once (entries end in a blank line, so no token
    // spans two of them and this is at most the sum checked against the budget).
    if (!context.text.isEmpty()) context.tokenCount = countTokens(context.text);
    return context;
}

}  // namespace hearth::app::docs
