// Indexing a collection: list its files (folders walked recursively, hidden entries skipped), and for each one
// whose size or mtime changed and whose SHA-256 differs, extract, chunk and store it as one update (staged in
// ~100 ms batches, swapped in at once: DocumentIndex::FileUpdate); files gone from the sources are dropped.
// indexCollection() does the work on the calling thread; DocumentIndexer runs it on its own QThread with its own
// database connection, reports progress through queued signals, cancels through an atomic generation counter
// checked between files, blocks and chunks, and embeds the new chunks when an embedding model is set.
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include "app/docs/chunker.h"
#include "app/docs/document_index.h"

class QThread;

namespace hearth::app::docs {

struct IndexingSummary {
    qint64 collectionId = 0;
    int filesTotal = 0;      // listed from the sources
    int filesRead = 0;       // extracted and chunked again (new or changed content)
    int filesUnchanged = 0;  // same size and mtime, or same hash: not re-read
    int filesRemoved = 0;    // no longer in the sources: dropped with their chunks
    int filesWithProblems = 0;  // ended Empty, Skipped, Failed or Missing
    int chunksWritten = 0;
    bool cancelled = false;
    QString error;  // the index itself failed (disk full, locked): indexing stopped; empty when fine
};

struct IndexingCallbacks {
    std::function<void(int filesDone, int filesTotal, const QString& currentFile)> progress;
    std::function<void(const QString& path, FileStatus status, const QString& message)> fileDone;
    std::function<bool()> cancelled;  // polled often; true stops soon, leaving every file in its old or new state
    // Called where the index holds no transaction: before each file and between the committed batches of a file's
    // chunks (about every kBatchMs). The indexer runs the jobs posted meanwhile there. Returns true when it ran
    // any: they may have removed the collection being indexed, which then ends the job as cancelled.
    std::function<bool()> idle;
};

class Indexing {
    Q_DECLARE_TR_FUNCTIONS(Indexing)
public:
    // How long a file's staged chunks are written before the batch is committed and idle() runs: the longest a
    // posted write or a retrieval waits for a file being indexed (plus the commit, and the swap at its end).
    static constexpr int kBatchMs = 100;

    // Every file under the sources, absolute, sorted, without duplicates. A source that does not exist is listed
    // itself, so that it ends as Missing.
    static QStringList listFiles(const QStringList& sources);
    static IndexingSummary indexCollection(DocumentIndex& index, qint64 collectionId, const ChunkerOptions& options,
                                           const IndexingCallbacks& callbacks);
};

// The documents' worker: one QThread with the index's only writing connection. Everything that touches the index
// file for writing or ranks chunks goes through it, so nothing on the GUI thread ever waits for SQLite's write lock:
//  - indexCollection(): (re-)indexing jobs, one after another, cancellable;
//  - post(): small jobs (create/rename/remove a collection, add/remove a source, attach/detach), run in the order
//    posted; never behind a long indexing job: the indexing loop runs them between files and between the ~100 ms
//    batches of a big file (see FileUpdate), where it holds no transaction;
//  - retrieve(): the ranking for a question, answered the same way (so within about a batch while indexing runs).
// Results come back through queued signals (receivers on the GUI thread get them there) or, for post(), through
// whatever the job sends back (a queued call or signal of the caller's own).
class DocumentIndexer : public QObject {
    Q_OBJECT
public:
    // databasePath: the index file the worker thread opens its own connection to (at its first job, when it also
    // drops what an interrupted update left: see DocumentIndex::discardUnfinished).
    explicit DocumentIndexer(const QString& databasePath, QObject* parent = nullptr);
    ~DocumentIndexer() override;  // cancels indexing, runs the jobs already posted, and joins the thread

    // Used by the jobs queued after this call. The counter runs on the indexing thread: it must be thread-safe.
    void setChunkerOptions(const ChunkerOptions& options);
    // Queues a (re-)indexing of the collection; jobs run one after another.
    void indexCollection(qint64 collectionId);
    // Cancels the running indexing job and every queued one; each ends with finished(summary.cancelled = true).
    // Posted jobs and retrievals are not cancelled.
    void cancel();
    bool isBusy() const { return jobs_.load() > 0; }

    // Runs job on the indexing thread with the indexer's connection (the index's only writer). Jobs run in the
    // order posted; a job posted before indexCollection() runs before that indexing starts; one posted while an
    // indexing job runs, at its next file or batch boundary. Keep jobs short (they delay indexing and retrievals),
    // and send results back with a queued call or signal: job runs on the indexing thread. If the index cannot be
    // opened, job is not run and indexUnavailable() says why.
    void post(std::function<void(DocumentIndex&)> job);

    // Ranks the chunks of the given collections (all when empty) for question and emits retrieved() with the same
    // request id and at most k hits, best first (DocumentIndex::search). With an embedding model the ranking is
    // hybrid: the question is embedded and the nearest chunk vectors fused with BM25 by reciprocal rank (hits carry
    // bm25Rank, vectorRank, fusedScore); without one, BM25 alone. Thread-safe; ids start at 1.
    quint64 retrieve(const QString& question, const QList<qint64>& collectionIds, int k);

    // The embedding model (a bert or nomic-bert GGUF; empty: none), loaded on the indexing thread in order with the
    // jobs queued before. Then embeddingModelChanged(), and on success: the vectors of any other model are dropped,
    // every chunk without a vector of this one is embedded (embeddingProgress, cancel() stops it; the next
    // indexing job or setEmbeddingModel resumes it), retrievals become hybrid and indexing jobs size chunks with
    // its WordPiece tokenizer, below what it accepts (replacing the options' counter). Chunks cut before keep
    // their size: re-index to re-cut them. Each indexing job ends (after finished()) by embedding its new chunks.
    void setEmbeddingModel(const QString& ggufPath);

signals:
    void progress(qint64 collectionId, int filesDone, int filesTotal, const QString& currentFile);
    // status: a FileStatus value.
    void fileIndexed(qint64 collectionId, const QString& path, int status, const QString& message);
    void finished(const hearth::app::docs::IndexingSummary& summary);
    // error: empty when the search ran (hits may still be empty: nothing matched).
    void retrieved(quint64 requestId, const QList<hearth::app::docs::SearchHit>& hits, const QString& error);
    // A posted job was dropped because the index could not be opened.
    void indexUnavailable(const QString& error);
    // path: the model now in use (empty: none); error: why the requested file was not used (the previous model,
    // if any, stays), empty on success.
    void embeddingModelChanged(const QString& path, const QString& error);
    // Chunks embedded so far of those without a vector when the embedding began.
    void embeddingProgress(qint64 done, qint64 total);
    // The embedding pass ended: embedded chunks, whether cancel() stopped it, what failed (empty when fine).
    void embeddingFinished(qint64 embedded, bool cancelled, const QString& error);

private:
    struct Worker;
    // On the indexing thread: runs the posted jobs waiting; true when it ran any.
    bool runPosted();
    // On the indexing thread: embeds the chunks without a vector of the current model, if there is one.
    void embedMissing(const std::function<bool()>& cancelled);
    void enqueue(std::function<void()> job);

    QThread* thread_ = nullptr;
    QObject* context_ = nullptr;  // lives on thread_; jobs run as its queued calls
    std::shared_ptr<ChunkerOptions> options_;
    std::shared_ptr<Worker> worker_;  // opened and used on thread_ only
    std::atomic<quint64> generation_{0};
    std::atomic<int> jobs_{0};
    std::atomic<quint64> nextRequest_{1};
    QMutex postedMutex_;
    std::deque<std::function<void()>> posted_;  // guarded by postedMutex_; each runs on thread_
};

}  // namespace hearth::app::docs

Q_DECLARE_METATYPE(hearth::app::docs::IndexingSummary)
Q_DECLARE_METATYPE(hearth::app::docs::SearchHit)
