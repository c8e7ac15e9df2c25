#include "app/docs/document_indexer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>
#include <optional>

#include "app/docs/document_extractor.h"
#include "app/docs/embedding_model.h"

namespace hearth::app::docs {

namespace {

constexpr qint64 kHashBlock = 1024 * 1024;

// Hex SHA-256 of the file, streamed; nullopt when it cannot be read or when cancelled.
std::optional<QString> sha256Of(const QString& path, const std::function<bool()>& cancelled) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    while (!file.atEnd()) {
        if (cancelled && cancelled()) return std::nullopt;
        const QByteArray block = file.read(kHashBlock);
        if (block.isEmpty() && file.error() != QFile::NoError) return std::nullopt;
        hash.addData(block);
    }
    return QString::fromLatin1(hash.result().toHex());
}

FileStatus statusOf(Extraction::Outcome outcome) {
    switch (outcome) {
    case Extraction::Outcome::Ok: return FileStatus::Indexed;
    case Extraction::Outcome::Empty: return FileStatus::Empty;
    case Extraction::Outcome::Skipped: return FileStatus::Skipped;
    case Extraction::Outcome::Missing: return FileStatus::Missing;
    case Extraction::Outcome::Failed:
    case Extraction::Outcome::Cancelled: break;
    }
    return FileStatus::Failed;
}

}  // namespace

QStringList Indexing::listFiles(const QStringList& sources) {
    QSet<QString> seen;
    QStringList out;
    auto add = [&](const QString& path) {
        const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        if (!seen.contains(clean)) {
            seen.insert(clean);
            out << clean;
        }
    };
    for (const QString& source : sources) {
        const QFileInfo info(source);
        if (info.isDir()) {
            // Hidden entries (.git, .cache) are skipped: they are rarely documents and often huge.
            QDirIterator it(source, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext()) add(it.next());
        } else {
            add(source);
        }
    }
    out.sort();
    return out;
}

IndexingSummary Indexing::indexCollection(DocumentIndex& index, qint64 collectionId, const ChunkerOptions& options,
                                          const IndexingCallbacks& callbacks) {
    IndexingSummary summary;
    summary.collectionId = collectionId;
    const auto cancelled = [&] { return callbacks.cancelled && callbacks.cancelled(); };
    const QStringList paths = listFiles(index.sources(collectionId));
    summary.filesTotal = int(paths.size());

    auto record = [&](const QString& path, qint64 size, qint64 mtime, const QString& sha, FileStatus status,
                      const QString& message) {
        if (!index.setFileState(collectionId, path, size, mtime, sha, status, message)) {
            summary.error = index.lastError();
            return false;
        }
        ++summary.filesWithProblems;
        if (callbacks.fileDone) callbacks.fileDone(path, status, message);
        return true;
    };
    const QString vanished = tr("%1 disappeared before it could be read");

    // Posted jobs run where no transaction is open; one may remove this very collection.
    const auto idle = [&] { return callbacks.idle && callbacks.idle(); };
    for (int i = 0; i < paths.size(); ++i) {
        const QString& path = paths[i];
        if (cancelled() || (idle() && !index.collectionExists(collectionId))) {
            summary.cancelled = true;
            break;
        }
        if (callbacks.progress) callbacks.progress(i, summary.filesTotal, path);
        const QFileInfo info(path);
        const std::optional<FileRow> existing = index.file(collectionId, path);
        // A file that was Missing last time is read again whatever its size and time say.
        const bool known = existing && existing->status != FileStatus::Missing;
        if (!info.exists() || !info.isFile()) {
            if (!record(path, 0, 0, {}, FileStatus::Missing, vanished.arg(path))) break;
            continue;
        }
        const qint64 size = info.size();
        const qint64 mtime = info.lastModified().toMSecsSinceEpoch();
        if (known && existing->size == size && existing->mtimeMs == mtime) {
            ++summary.filesUnchanged;
            if (callbacks.fileDone) callbacks.fileDone(path, existing->status, existing->error);
            continue;
        }
        const std::optional<QString> sha = sha256Of(path, callbacks.cancelled);
        if (!sha) {
            if (cancelled()) {
                summary.cancelled = true;
                break;
            }
            const bool gone = !QFileInfo::exists(path);
            if (!record(path, 0, 0, {}, gone ? FileStatus::Missing : FileStatus::Failed,
                        gone ? vanished.arg(path) : tr("%1 could not be read").arg(path)))
                break;
            continue;
        }
        if (known && existing->sha256 == *sha) {  // touched, not changed
            if (!index.touchFile(existing->id, size, mtime)) {
                summary.error = index.lastError();
                break;
            }
            ++summary.filesUnchanged;
            if (callbacks.fileDone) callbacks.fileDone(path, existing->status, existing->error);
            continue;
        }

        ++summary.filesRead;
        std::optional<DocumentIndex::FileUpdate> update(index.beginFileUpdate(collectionId, path, size, mtime, *sha));
        if (!update->isValid()) {
            summary.error = index.lastError();
            break;
        }
        bool storeFailed = false;
        bool collectionGone = false;
        QElapsedTimer batch;
        batch.start();
        Chunker chunker(options, [&](Chunk&& chunk) {
            if (cancelled()) return false;
            if (!update->addChunk(chunk)) {
                storeFailed = true;
                return false;
            }
            if (batch.elapsed() >= kBatchMs) {
                if (!update->flush()) {
                    storeFailed = true;
                    return false;
                }
                if (idle() && !index.collectionExists(collectionId)) {
                    collectionGone = true;
                    return false;
                }
                batch.restart();
            }
            return true;
        });
        Extraction extraction =
            DocumentExtractor::extract(path, [&](TextSegment&& segment) { return chunker.add(segment); });
        if (extraction.outcome == Extraction::Outcome::Ok && !chunker.finish())
            extraction.outcome = Extraction::Outcome::Cancelled;
        if (storeFailed) {
            summary.error = index.lastError();
            break;
        }
        if (extraction.outcome == Extraction::Outcome::Cancelled || cancelled() || collectionGone) {
            summary.cancelled = true;  // the update rolls back: the file keeps its previous chunks and state
            break;
        }
        if (extraction.outcome == Extraction::Outcome::Ok && !QFileInfo::exists(path)) {
            // Deleted while it was read (Unix keeps an open file readable): what was read is no longer there.
            extraction = {Extraction::Outcome::Missing, tr("%1 disappeared while it was being read").arg(path)};
        }
        if (extraction.outcome == Extraction::Outcome::Ok) {
            const int chunks = update->chunkCount();
            if (!update->commit()) {
                summary.error = index.lastError();
                break;
            }
            summary.chunksWritten += chunks;
            if (callbacks.fileDone) callbacks.fileDone(path, FileStatus::Indexed, {});
            continue;
        }
        update.reset();  // roll back before recording the state in a transaction of its own
        const FileStatus status = statusOf(extraction.outcome);
        const bool keepIdentity = status != FileStatus::Missing;
        if (!record(path, keepIdentity ? size : 0, keepIdentity ? mtime : 0, keepIdentity ? *sha : QString(), status,
                    extraction.message))
            break;
    }
    if (!summary.cancelled && summary.error.isEmpty()) {
        const int removed = index.removeFilesExcept(collectionId, QSet<QString>(paths.begin(), paths.end()));
        if (removed < 0)
            summary.error = index.lastError();
        else
            summary.filesRemoved = removed;
    }
    if (callbacks.progress && !summary.cancelled && summary.error.isEmpty())
        callbacks.progress(summary.filesTotal, summary.filesTotal, {});
    return summary;
}

// What the indexing thread owns: the connection (and, with an embedding model, the model).
struct DocumentIndexer::Worker {
    QString databasePath;
    std::unique_ptr<DocumentIndex> index;
    std::unique_ptr<EmbeddingModel> embedding;  // none: BM25 only

    // The index, opened at the first use; nullptr and *error when it cannot be opened (tried again next time).
    DocumentIndex* open(QString* error) {
        if (index) return index.get();
        auto opened = DocumentIndex::open(databasePath, error);
        if (!opened) return nullptr;
        index = std::make_unique<DocumentIndex>(std::move(*opened));
        // This is the only writer and nothing runs yet: staged rows are an interrupted update's (a crash, a kill).
        // Invisible to searches, so a failure here only leaves them for the next start.
        index->discardUnfinished();
        return index.get();
    }
};

DocumentIndexer::DocumentIndexer(const QString& databasePath, QObject* parent)
    : QObject(parent), options_(std::make_shared<ChunkerOptions>()), worker_(std::make_shared<Worker>()) {
    qRegisterMetaType<IndexingSummary>();
    qRegisterMetaType<SearchHit>();
    qRegisterMetaType<QList<SearchHit>>();
    worker_->databasePath = databasePath;
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("hearth-docs-indexer"));
    context_ = new QObject;
    context_->moveToThread(thread_);
    connect(thread_, &QThread::finished, context_, &QObject::deleteLater);
    thread_->start(QThread::LowPriority);  // indexing yields the CPU to the chat
}

DocumentIndexer::~DocumentIndexer() {
    cancel();
    // The index's connection belongs to the thread: closed there, after the (now cancelled) queued jobs and the
    // posted ones.
    auto worker = worker_;
    QThread* thread = thread_;
    QMetaObject::invokeMethod(
        context_,
        [this, worker, thread] {
            runPosted();
            worker->embedding.reset();
            worker->index.reset();
            thread->quit();
        },
        Qt::QueuedConnection);
    thread_->wait();
}

void DocumentIndexer::setChunkerOptions(const ChunkerOptions& options) {
    options_ = std::make_shared<ChunkerOptions>(options);
}

void DocumentIndexer::cancel() { generation_.fetch_add(1); }

bool DocumentIndexer::runPosted() {
    bool ran = false;
    for (;;) {
        std::function<void()> job;
        {
            QMutexLocker lock(&postedMutex_);
            if (posted_.empty()) break;
            job = std::move(posted_.front());
            posted_.pop_front();
        }
        job();
        ran = true;
    }
    return ran;
}

void DocumentIndexer::enqueue(std::function<void()> job) {
    {
        QMutexLocker lock(&postedMutex_);
        posted_.push_back(std::move(job));
    }
    // Runs it when the thread is idle; while an indexing job runs, its idle() gets there first.
    QMetaObject::invokeMethod(context_, [this] { runPosted(); }, Qt::QueuedConnection);
}

void DocumentIndexer::post(std::function<void(DocumentIndex&)> job) {
    enqueue([this, job = std::move(job)] {
        QString error;
        if (DocumentIndex* index = worker_->open(&error))
            job(*index);
        else
            emit indexUnavailable(error);
    });
}

quint64 DocumentIndexer::retrieve(const QString& question, const QList<qint64>& collectionIds, int k) {
    const quint64 id = nextRequest_.fetch_add(1);
    enqueue([this, id, question, collectionIds, k] {
        QString error;
        QList<SearchHit> hits;
        if (DocumentIndex* index = worker_->open(&error)) {
            std::optional<QueryVector> dense;
            if (EmbeddingModel* model = worker_->embedding.get()) {
                QString embedError;
                if (auto vector = model->embedQuery(question, &embedError))
                    dense = QueryVector{model->identity(), std::move(*vector)};
                else  // the words still rank: BM25 alone rather than nothing
                    qWarning("documents: the question could not be embedded: %s", qPrintable(embedError));
            }
            hits = index->search(question, collectionIds, k, dense ? &*dense : nullptr);
            error = index->lastError();
        }
        emit retrieved(id, hits, error);
    });
    return id;
}

void DocumentIndexer::indexCollection(qint64 collectionId) {
    const quint64 generation = generation_.load();
    ++jobs_;
    auto options = options_;
    QMetaObject::invokeMethod(
        context_,
        [this, collectionId, generation, options] {
            const auto cancelled = [this, generation] { return generation_.load() != generation; };
            IndexingSummary summary;
            summary.collectionId = collectionId;
            if (cancelled()) {
                summary.cancelled = true;
            } else if (DocumentIndex* index = worker_->open(&summary.error)) {
                IndexingCallbacks callbacks;
                callbacks.cancelled = cancelled;
                callbacks.idle = [this] { return runPosted(); };
                callbacks.progress = [this, collectionId](int done, int total, const QString& file) {
                    emit progress(collectionId, done, total, file);
                };
                callbacks.fileDone = [this, collectionId](const QString& path, FileStatus status,
                                                          const QString& message) {
                    emit fileIndexed(collectionId, path, int(status), message);
                };
                ChunkerOptions chunking = *options;
                if (const EmbeddingModel* model = worker_->embedding.get()) {
                    // Chunks in the model's own tokens, never more than it takes with its prefix and specials.
                    chunking.countTokens = model->tokenCounter();
                    chunking.targetTokens = std::min(chunking.targetTokens, model->maxChunkTokens());
                    chunking.overlapTokens = std::min(chunking.overlapTokens, chunking.targetTokens / 4);
                }
                summary = Indexing::indexCollection(*index, collectionId, chunking, callbacks);
            }
            emit finished(summary);
            // The new chunks' vectors, after every file's words are searchable: embedding costs far more than
            // chunking (2 MB of text: under a second to chunk, ~15 s to embed with a tiny model on this VM), so
            // BM25 gets all files first. Outside the files' transactions: a crash before the vectors are written
            // leaves chunks without vectors, which the next pass embeds.
            if (summary.error.isEmpty()) embedMissing(cancelled);
            --jobs_;
        },
        Qt::QueuedConnection);
}

void DocumentIndexer::setEmbeddingModel(const QString& ggufPath) {
    ++jobs_;
    const quint64 generation = generation_.load();
    QMetaObject::invokeMethod(
        context_,
        [this, ggufPath, generation] {
            QString error;
            if (ggufPath.isEmpty()) {
                worker_->embedding.reset();
            } else if (auto model = EmbeddingModel::load(
                           // Half the cores: the backfill is background work and the chat model needs the rest.
                           ggufPath, std::max(1, QThread::idealThreadCount() / 2), &error)) {
                worker_->embedding = std::move(model);
                // Vectors of another model are never compared with this one's questions: they only take room.
                if (DocumentIndex* index = worker_->open(&error)) {
                    if (index->dropEmbeddingsExcept(worker_->embedding->identity()) < 0) error = index->lastError();
                }
            }
            emit embeddingModelChanged(worker_->embedding ? worker_->embedding->path() : QString(), error);
            embedMissing([this, generation] { return generation_.load() != generation; });
            --jobs_;
        },
        Qt::QueuedConnection);
}

void DocumentIndexer::embedMissing(const std::function<bool()>& cancelled) {
    EmbeddingModel* model = worker_->embedding.get();
    DocumentIndex* index = worker_->index.get();
    if (!model || !index || cancelled()) return;  // cancelled before it began: the next pass does it all
    const QString identity = model->identity();
    qint64 total = index->countChunksWithoutEmbedding(identity);
    if (total == 0) return;
    if (total < 0) {
        emit embeddingFinished(0, false, index->lastError());
        return;
    }
    qint64 done = 0;
    qint64 lastId = 0;
    emit embeddingProgress(0, total);
    constexpr int kSelect = 32;  // chunks read at a time; written when done or after kBatchMs, whichever first
    for (;;) {
        if (cancelled()) {
            emit embeddingFinished(done, true, {});
            return;
        }
        const QList<ChunkText> chunks = index->chunksWithoutEmbedding(identity, lastId, kSelect);
        if (chunks.isEmpty()) {
            if (!index->lastError().isEmpty()) {
                emit embeddingFinished(done, false, index->lastError());
                return;
            }
            break;
        }
        QList<ChunkVector> vectors;
        QElapsedTimer batch;
        batch.start();
        for (const ChunkText& chunk : chunks) {
            QString error;
            std::optional<std::vector<float>> vector = model->embedDocument(chunk.text, &error);
            if (!vector) {
                emit embeddingFinished(done, false, error);
                return;
            }
            vectors << ChunkVector{chunk.id, std::move(*vector)};
            lastId = chunk.id;
            if (cancelled() || batch.elapsed() >= Indexing::kBatchMs) break;
        }
        if (!index->storeEmbeddings(identity, vectors)) {
            emit embeddingFinished(done, false, index->lastError());
            return;
        }
        done += vectors.size();
        total = std::max(total, done);  // chunks committed since the count (a posted job cannot add any, but be safe)
        emit embeddingProgress(done, total);
        runPosted();  // retrievals and small writes wait a batch at most
    }
    emit embeddingFinished(done, false, {});
}

}  // namespace hearth::app::docs
