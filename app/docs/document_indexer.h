// Indexing a collection: list its files (folders walked recursively, hidden entries skipped), and for each one
// whose size or mtime changed and whose SHA-256 differs, extract, chunk and store it in one transaction; files
// gone from the sources are dropped. indexCollection() does the work on the calling thread; DocumentIndexer runs
// it on its own QThread with its own database connection, reports progress through queued signals and cancels
// through an atomic generation counter checked between files, blocks and chunks.
#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
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
};

class Indexing {
    Q_DECLARE_TR_FUNCTIONS(Indexing)
public:
    // Every file under the sources, absolute, sorted, without duplicates. A source that does not exist is listed
    // itself, so that it ends as Missing.
    static QStringList listFiles(const QStringList& sources);
    static IndexingSummary indexCollection(DocumentIndex& index, qint64 collectionId, const ChunkerOptions& options,
                                           const IndexingCallbacks& callbacks);
};

class DocumentIndexer : public QObject {
    Q_OBJECT
public:
    // databasePath: the index file the worker thread opens its own connection to.
    explicit DocumentIndexer(const QString& databasePath, QObject* parent = nullptr);
    ~DocumentIndexer() override;  // cancels and joins the thread

    // Used by the jobs queued after this call. The counter runs on the indexing thread: it must be thread-safe.
    void setChunkerOptions(const ChunkerOptions& options);
    // Queues a (re-)indexing of the collection; jobs run one after another.
    void indexCollection(qint64 collectionId);
    // Cancels the running job and every queued one; each ends with finished(summary.cancelled = true).
    void cancel();
    bool isBusy() const { return jobs_.load() > 0; }

signals:
    void progress(qint64 collectionId, int filesDone, int filesTotal, const QString& currentFile);
    // status: a FileStatus value.
    void fileIndexed(qint64 collectionId, const QString& path, int status, const QString& message);
    void finished(const hearth::app::docs::IndexingSummary& summary);

private:
    QString databasePath_;
    QThread* thread_ = nullptr;
    QObject* context_ = nullptr;  // lives on thread_; jobs run as its queued calls
    std::shared_ptr<ChunkerOptions> options_;
    std::shared_ptr<std::unique_ptr<DocumentIndex>> index_;  // opened and used on thread_ only
    std::atomic<quint64> generation_{0};
    std::atomic<int> jobs_{0};
};

}  // namespace hearth::app::docs

Q_DECLARE_METATYPE(hearth::app::docs::IndexingSummary)
