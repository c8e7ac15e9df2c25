// The documents index: its own SQLite file (documents.sqlite in the app data folder), separate from the
// conversations so it can be rebuilt or deleted alone. Layout (schema version 2, PRAGMA user_version):
//   collections(id, name UNIQUE, created)
//   collection_sources(collection_id -> collections CASCADE, path)      what the user dropped: files or folders
//   files(id, collection_id -> collections CASCADE, path, size, mtime, sha256, status, error, chunk_count, indexed)
//   chunks(id, file_id -> files CASCADE, ordinal, page, line_start, line_end, token_count, text, staged)
//   chunks_fts   FTS5 over chunks.text (external content, kept in step by triggers; BM25 ranking)
//   attachments(conversation_id, collection_id -> collections CASCADE)  conversation ids live in the Store's file,
//                                                                        so the caller detaches deleted ones
//   chunk_embeddings(chunk_id -> chunks CASCADE, model, dim, vector)     v2: one dense vector per chunk, of the
//                                                                        embedding model named by `model`
//
// A file's new content is written in batches of committed transactions as *staged* chunks (chunks.staged = 1,
// invisible to every search and count), then swapped in by one short transaction that drops the old chunks and
// unstages the new ones together with the file's new identity. So a crash or a kill still leaves either the old
// or the new state of each file (plus staged rows that discardUnfinished() removes), while no write lock is held
// for longer than a batch: other writes (the Documents page's, run on the indexer's thread between batches) never
// wait for a whole big file. WAL with synchronous=NORMAL. One connection per DocumentIndex; use each object on one
// thread (the indexer opens its own on its thread; WAL lets other connections read meanwhile).
#pragma once

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>
#include <vector>

#include "app/docs/chunker.h"
#include "app/docs/document_text.h"

namespace hearth::app::docs {

struct CollectionRow {
    qint64 id = 0;
    QString name;
    QDateTime created;
};

struct FileRow {
    qint64 id = 0;
    qint64 collectionId = 0;
    QString path;
    qint64 size = 0;
    qint64 mtimeMs = 0;       // last modification, UTC ms
    QString sha256;           // hex; empty until read
    FileStatus status = FileStatus::Pending;
    QString error;            // for Empty/Skipped/Failed/Missing: why, for the user
    int chunkCount = 0;
    QDateTime indexed;        // when its current state was written
};

// One retrieved chunk with its provenance and ranks.
struct SearchHit {
    qint64 chunkId = 0;
    qint64 fileId = 0;
    QString path;
    int ordinal = 0;       // the chunk's position in its file, from 0
    int page = 0;          // 1-based, 0: none
    int lineStart = 0;     // 1-based inclusive, 0: none
    int lineEnd = 0;
    int tokenCount = 0;
    QString text;
    double bm25 = 0;       // SQLite's bm25(): more negative is better
    int bm25Rank = 0;      // 1-based position in the BM25 list, 0: not in it
    int vectorRank = 0;    // 1-based position in the dense list, 0: not in it (no embeddings yet)
    double fusedScore = 0; // reciprocal-rank fusion of the ranks above; hits are ordered by it
};

// A question's dense vector and the identity of the model that made it: only vectors of that model are compared.
struct QueryVector {
    QString model;
    std::vector<float> values;  // L2-normalised
};

// A chunk's text, to be embedded.
struct ChunkText {
    qint64 id = 0;
    QString text;
};

// A chunk's dense vector: float32, L2-normalised.
struct ChunkVector {
    qint64 chunkId = 0;
    std::vector<float> values;
};

class DocumentIndex {
public:
    static std::optional<DocumentIndex> open(const QString& path, QString* error);
    DocumentIndex(DocumentIndex&& other) noexcept;
    DocumentIndex& operator=(DocumentIndex&& other) noexcept;
    DocumentIndex(const DocumentIndex&) = delete;
    DocumentIndex& operator=(const DocumentIndex&) = delete;
    ~DocumentIndex();

    static int schemaVersion();
    QString path() const { return path_; }
    QString lastError() const { return error_; }

    // Collections and what they contain. 0/false on failure (lastError()), e.g. a duplicate name.
    qint64 createCollection(const QString& name);
    bool renameCollection(qint64 id, const QString& name);
    bool removeCollection(qint64 id);  // with its files, chunks and attachments
    QList<CollectionRow> collections() const;
    bool addSource(qint64 collectionId, const QString& path);
    bool removeSource(qint64 collectionId, const QString& path);  // its files go at the next indexing
    QStringList sources(qint64 collectionId) const;
    QList<FileRow> files(qint64 collectionId) const;
    std::optional<FileRow> file(qint64 collectionId, const QString& path) const;

    bool attach(qint64 conversationId, qint64 collectionId);
    bool detach(qint64 conversationId, qint64 collectionId);
    bool detachAll(qint64 conversationId);  // when the conversation is deleted
    QList<qint64> attachedCollections(qint64 conversationId) const;

    // Writing one file's new content: begun with the file's new identity, chunks added as they are cut (staged),
    // flush() between them commits the staged batch so far (no write lock is held afterwards), then commit()
    // replaces the old chunks and state in one go. Destroyed without commit(): the staged chunks are dropped and
    // the file keeps its old chunks and state (a new file's row, listed as Pending while it is written, goes).
    class FileUpdate {
    public:
        FileUpdate(FileUpdate&&) noexcept;
        FileUpdate(const FileUpdate&) = delete;
        FileUpdate& operator=(const FileUpdate&) = delete;
        FileUpdate& operator=(FileUpdate&&) = delete;
        ~FileUpdate();
        bool isValid() const;
        bool addChunk(const Chunk& chunk);
        bool flush();
        bool commit();
        int chunkCount() const;

    private:
        friend class DocumentIndex;
        struct State;
        explicit FileUpdate(std::unique_ptr<State> state);
        std::unique_ptr<State> d_;
    };
    FileUpdate beginFileUpdate(qint64 collectionId, const QString& path, qint64 size, qint64 mtimeMs,
                               const QString& sha256);
    // A file that yields no chunks (Empty, Skipped, Failed, Missing): its old chunks go, its state says why.
    bool setFileState(qint64 collectionId, const QString& path, qint64 size, qint64 mtimeMs, const QString& sha256,
                      FileStatus status, const QString& error);
    // The content is unchanged (same hash) though mtime or size moved: only those are updated.
    bool touchFile(qint64 fileId, qint64 size, qint64 mtimeMs);
    // Drops the files of the collection that are not in keep, with their chunks. Returns how many, -1 on failure.
    int removeFilesExcept(qint64 collectionId, const QSet<QString>& keep);
    // Drops what an interrupted FileUpdate left (staged chunks, the Pending row of a file that was new): called by
    // the only writer (the indexer) when it opens the index, never while an update runs. -1 on failure, else rows.
    int discardUnfinished();
    bool collectionExists(qint64 collectionId) const;

    // BM25 over the chunks of the given collections (all when empty): at most k hits, best first. question is
    // plain user text; it becomes a safe FTS5 query (retrieval.h), never FTS syntax.
    QList<SearchHit> searchBm25(const QString& question, const QList<qint64>& collectionIds, int k) const;
    // The n chunks (of the collections; all when empty) whose vectors of query.model are nearest to query, best
    // first, vectorRank set. Brute force: every vector of those collections is read and dotted with the query
    // (unit vectors: the dot product is the cosine). Cost per question: the vectors' bytes through SQLite's page
    // cache plus chunks x dim multiply-adds, linear in the chunks: 25k chunks of 768 dims (75 MB) took ~140 ms on
    // the 2-core development VM, so 100k take about half a second, against the seconds an answer takes; beyond
    // that an in-memory copy or an approximate index would pay.
    QList<SearchHit> searchDense(const QueryVector& query, const QList<qint64>& collectionIds, int n) const;
    // The hybrid ranking: BM25's list and, with dense (non-null, non-empty), the vectors' list, each 4k long,
    // fused by reciprocal rank (retrieval.h); at most k hits, best first, with bm25Rank, vectorRank and fusedScore.
    // Without dense: BM25 alone (fusedScore from its one list).
    QList<SearchHit> search(const QString& question, const QList<qint64>& collectionIds, int k,
                            const QueryVector* dense = nullptr) const;

    // ---- Dense vectors (chunk_embeddings), written by the indexer ----
    // Chunks (committed, not staged) with ids above afterId without a vector of model, lowest id first, at most
    // limit. A pass walks up from 0 with the last id it got (ids only grow), so it never rescans the done ones.
    QList<ChunkText> chunksWithoutEmbedding(const QString& model, qint64 afterId, int limit) const;
    qint64 countChunksWithoutEmbedding(const QString& model) const;  // -1 on failure
    // Stores the vectors as model's in one transaction (replacing a chunk's vector). A chunk that no longer
    // exists is skipped (its file changed meanwhile).
    bool storeEmbeddings(const QString& model, const QList<ChunkVector>& vectors);
    // Drops every vector not of model (the model in use changed: they would never be compared). -1 on failure.
    int dropEmbeddingsExcept(const QString& model);
    // Vectors of model (of any model when empty; in the collection, all when 0): for tests and the Documents
    // page's counts.
    qint64 embeddingCount(const QString& model, qint64 collectionId = 0) const;

    // For tests and a "repair" action, while no update runs: chunk counts match the chunks, no half-written
    // update is left (Pending rows, staged chunks), references hold, the FTS index matches its content.
    bool checkConsistency(QString* problem) const;
    int chunkCount(qint64 collectionId) const;

private:
    DocumentIndex() = default;
    QString connection_;
    QString path_;
    mutable QString error_;
};

}  // namespace hearth::app::docs
