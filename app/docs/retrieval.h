// Retrieval helpers around the index: the safe FTS5 query for a user's question, reciprocal-rank fusion of
// several rankings (BM25's and, with an embedding model, the chunk vectors'), and the prompt context: the best
// snippets that fit a token budget, numbered with their sources, and what they cost.
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringView>

#include "app/docs/chunker.h"
#include "app/docs/document_index.h"

namespace hearth::app::docs {

// The question's words as an FTS5 query: each word quoted (so no character of the user's text is FTS syntax),
// lower-cased, de-duplicated, common stop-words dropped (unless nothing else is left), OR-joined so BM25 ranks
// chunks by how many rare words they share. Empty when the question has no words.
QString ftsQueryFor(QStringView question);

// Reciprocal-rank fusion (Cormack et al. 2009): score(id) = sum over rankings of 1 / (k + rank), rank 1-based.
// Robust to the rankings' incomparable scores (BM25 vs cosine). Returns ids best first with their scores.
struct FusedId {
    qint64 id = 0;
    double score = 0;
};
QList<FusedId> reciprocalRankFusion(const QList<QList<qint64>>& rankings, int k = 60);

// The snippets for the prompt.
struct RetrievedContext {
    QString text;            // "[1] report.pdf, page 3:\n<chunk>\n\n[2] ..." — empty when nothing fits
    int tokenCount = 0;      // of text, by the counter given: what the prompt grows by
    QList<SearchHit> used;   // in the order of their numbers ([1] is used[0])
};

class RetrievalContext {
    Q_DECLARE_TR_FUNCTIONS(RetrievalContext)
public:
    // "report.pdf, page 3", "notes.txt, lines 4–9", "letter.docx": the file name (not the whole path) and where.
    static QString sourceLabel(const SearchHit& hit);
    // Takes hits in order, skipping any that would overflow tokenBudget (a smaller later one may still fit).
    static RetrievedContext build(const QList<SearchHit>& hits, int tokenBudget,
                                  const TokenCounter& countTokens = approximateTokenCount);
};

}  // namespace hearth::app::docs
