// Cuts a stream of TextSegments into chunks of about targetTokens tokens that overlap by about overlapTokens, for
// retrieval: a chunk is what BM25 (and later a vector) scores and what the prompt quotes. Cuts fall on paragraph
// boundaries where the paragraphs fit, else on sentence boundaries, and only inside an over-long sentence on word
// boundaries. A chunk never spans two PDF pages, so its page number is exact; its line range covers its text.
//
// Token counts come from a TokenCounter: the embedding model's WordPiece tokenizer when one is set
// (EmbeddingModel::tokenCounter, with targetTokens kept below what the model accepts), else
// approximateTokenCount.
#pragma once

#include <QList>
#include <QString>
#include <QStringView>
#include <functional>

#include "app/docs/document_text.h"

namespace hearth::app::docs {

using TokenCounter = std::function<int(QStringView)>;

// About 1.3 tokens per word (English under WordPiece/BPE vocabularies), plus one per CJK character and half a
// token per punctuation mark. Good enough to size chunks and budgets; never exact.
int approximateTokenCount(QStringView text);

struct ChunkerOptions {
    int targetTokens = 256;
    int overlapTokens = 32;
    TokenCounter countTokens = approximateTokenCount;
};

struct Chunk {
    QString text;
    int page = 0;       // 1-based, 0: no pages
    int lineStart = 0;  // 1-based inclusive, 0: no lines
    int lineEnd = 0;
    int tokenCount = 0;
};

// Receives chunks in order; returning false stops the chunker (cancellation).
using ChunkSink = std::function<bool(Chunk&&)>;

class Chunker {
public:
    Chunker(ChunkerOptions options, ChunkSink sink);
    // False once the sink asked to stop.
    bool add(const TextSegment& segment);
    bool finish();

private:
    struct Unit {
        QString text;
        QString separator;  // what joins it to the unit before it in a chunk: "\n\n" or " "
        int lineStart = 0;
        int lineEnd = 0;
        int tokens = 0;
        bool carried = false;  // repeated from the previous chunk as overlap
    };
    bool addUnit(Unit unit);
    bool emitChunk();
    void splitLong(const QString& text, const QString& separator, int lineStart, int lineEnd);

    ChunkerOptions options_;
    ChunkSink sink_;
    QList<Unit> units_;      // the chunk being built
    QList<Unit> pending_;    // units cut from the segment being added
    int tokens_ = 0;         // sum over units_
    int page_ = -1;
    bool stopped_ = false;
};

}  // namespace hearth::app::docs
