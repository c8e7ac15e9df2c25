// The documents index: its own SQLite file (documents.sqlite in the app data folder), separate from the
// conversations so it can be rebuilt or deleted alone. Layout (schema version 1, PRAGMA user_version):
//   collections(id, name UNIQUE, created)
//   collection_sources(collection_id -> collections CASCADE, path)      what the user dropped: files or folders
//   files(id, collection_id -> collections CASCADE, path, size, mtime, sha256, status, error, chunk_count, indexed)
//   chunks(id, file_id -> files CASCADE, ordinal, page, line_start, line_end, token_count, text)
//   chunks_fts   FTS5 over chunks.text (external content, kept in step by triggers; BM25 ranking)
//   attachments(conversation_id, collection_id -> collections CASCADE)  conversation ids live in the Store's file,
//                                                                        so the caller detaches deleted ones
// Seam for dense retrieval: schema version 2 adds chunk_embeddings(chunk_id -> chunks CASCADE, model, vector BLOB)
// filled by the indexer when an embedding model is loaded; search() then fuses the vector ranking with BM25's by
// reciprocal rank (retrieval.h) — nothing else changes.
//
// Every write is one transaction (a file's chunks are replaced in one), WAL with synchronous=NORMAL, so a crash
// or a kill leaves either the old or the new state of each file. One connection per DocumentIndex; use each
// object on one thread (the indexer opens its own on its thread; WAL lets the GUI read meanwhile).
#pragma once

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>

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

    // Writing one file's new content: begun with the file's new identity, chunks added as they are cut, then
    // commit() replaces the old chunks and state in one go. Destroyed without commit(): nothing changed.
    class FileUpdate {
    public:
        FileUpdate(FileUpdate&&) noexcept;
        FileUpdate(const FileUpdate&) = delete;
        FileUpdate& operator=(const FileUpdate&) = delete;
        FileUpdate& operator=(FileUpdate&&) = delete;
        ~FileUpdate();
        bool isValid() const;
        bool addChunk(const Chunk& chunk);
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

    // BM25 over the chunks of the given collections (all when empty): at most k hits, best first. question is
    // plain user text; it becomes a safe FTS5 query (retrieval.h), never FTS syntax.
    QList<SearchHit> searchBm25(const QString& question, const QList<qint64>& collectionIds, int k) const;
    // The hybrid ranking: today BM25 alone through reciprocal-rank fusion; the dense list joins here.
    QList<SearchHit> search(const QString& question, const QList<qint64>& collectionIds, int k) const;

    // For tests and a "repair" action: chunk counts match the chunks, the FTS index matches its content.
    bool checkConsistency(QString* problem) const;
    int chunkCount(qint64 collectionId) const;

private:
    DocumentIndex() = default;
    QString connection_;
    QString path_;
    mutable QString error_;
};

}  // namespace hearth::app::docs
