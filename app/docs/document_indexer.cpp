#include "app/docs/document_indexer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>
#include <optional>

#include "app/docs/document_extractor.h"

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

    for (int i = 0; i < paths.size(); ++i) {
        const QString& path = paths[i];
        if (cancelled()) {
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
        Chunker chunker(options, [&](Chunk&& chunk) {
            if (cancelled()) return false;
            if (!update->addChunk(chunk)) {
                storeFailed = true;
                return false;
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
        if (extraction.outcome == Extraction::Outcome::Cancelled || cancelled()) {
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

DocumentIndexer::DocumentIndexer(const QString& databasePath, QObject* parent)
    : QObject(parent), databasePath_(databasePath), options_(std::make_shared<ChunkerOptions>()),
      index_(std::make_shared<std::unique_ptr<DocumentIndex>>()) {
    qRegisterMetaType<IndexingSummary>();
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("hearth-docs-indexer"));
    context_ = new QObject;
    context_->moveToThread(thread_);
    connect(thread_, &QThread::finished, context_, &QObject::deleteLater);
    thread_->start(QThread::LowPriority);  // indexing yields the CPU to the chat
}

DocumentIndexer::~DocumentIndexer() {
    cancel();
    // The index's connection belongs to the thread: closed there, after the (now cancelled) queued jobs.
    auto index = index_;
    QThread* thread = thread_;
    QMetaObject::invokeMethod(
        context_,
        [index, thread] {
            index->reset();
            thread->quit();
        },
        Qt::QueuedConnection);
    thread_->wait();
}

void DocumentIndexer::setChunkerOptions(const ChunkerOptions& options) {
    options_ = std::make_shared<ChunkerOptions>(options);
}

void DocumentIndexer::cancel() { generation_.fetch_add(1); }

void DocumentIndexer::indexCollection(qint64 collectionId) {
    const quint64 generation = generation_.load();
    ++jobs_;
    auto options = options_;
    auto index = index_;
    QMetaObject::invokeMethod(
        context_,
        [this, collectionId, generation, options, index] {
            const auto cancelled = [this, generation] { return generation_.load() != generation; };
            IndexingSummary summary;
            summary.collectionId = collectionId;
            if (cancelled()) {
                summary.cancelled = true;
            } else {
                if (!*index) {
                    QString error;
                    if (auto opened = DocumentIndex::open(databasePath_, &error))
                        *index = std::make_unique<DocumentIndex>(std::move(*opened));
                    else
                        summary.error = error;
                }
                if (*index) {
                    IndexingCallbacks callbacks;
                    callbacks.cancelled = cancelled;
                    callbacks.progress = [this, collectionId](int done, int total, const QString& file) {
                        emit progress(collectionId, done, total, file);
                    };
                    callbacks.fileDone = [this, collectionId](const QString& path, FileStatus status,
                                                              const QString& message) {
                        emit fileIndexed(collectionId, path, int(status), message);
                    };
                    summary = Indexing::indexCollection(**index, collectionId, *options, callbacks);
                }
            }
            --jobs_;
            emit finished(summary);
        },
        Qt::QueuedConnection);
}

}  // namespace hearth::app::docs
