// The documents side of the app. Everything here runs on the GUI thread except the bodies of the jobs handed to
// the indexer (post), which run on its thread with its connection and send their results back as queued calls to
// this object. The indexer is destroyed first in the destructor, so no job runs and no result is queued after it.
#include "app/core/documents_controller.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

#include "app/core/store.h"
#include "app/docs/document_index.h"
#include "app/docs/document_indexer.h"
#include "engine/gguf_reader.h"
#include "engine/vocab.h"

namespace hearth::app {

using docs::DocumentIndex;
using docs::FileStatus;

namespace {

QPointer<DocumentsController> g_instance;

const QString kBudgetKey = QStringLiteral("documentsTokenBudget");
const QString kEmbeddingKey = QStringLiteral("embeddingModel");
QString conversationKey(qint64 conversationId) {
    return QStringLiteral("documentsCollection/%1").arg(conversationId);
}

// How often the lists are re-read while files are being indexed (each file's state shows up within this).
constexpr int kRefreshDuringIndexingMs = 400;

// A path from a plain path, a file:// URL string or a QUrl (what QML drops and dialogs hand over).
QString localPathOf(const QVariant& value) {
    QUrl url = value.toUrl();
    if (!url.isValid() || url.scheme().isEmpty()) url = QUrl(value.toString());
    const QString path = url.isLocalFile() ? url.toLocalFile() : value.toString();
    return path.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

bool sameFiles(const QList<FileItem>& a, const QList<FileItem>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const FileItem& x, const FileItem& y) {
        return x.path == y.path && x.status == y.status && x.error == y.error && x.chunkCount == y.chunkCount &&
               x.isSource == y.isSource;
    });
}

// A name not used by any collection yet: "name", else "name (2)", "name (3)", ...
QString uniqueName(const DocumentIndex& index, const QString& name) {
    QSet<QString> used;
    for (const docs::CollectionRow& c : index.collections()) used.insert(c.name.toCaseFolded());
    QString candidate = name;
    for (int n = 2; used.contains(candidate.toCaseFolded()); ++n)
        candidate = QStringLiteral("%1 (%2)").arg(name).arg(n);
    return candidate;
}

bool nameTaken(const DocumentIndex& index, const QString& name, qint64 except) {
    const QList<docs::CollectionRow> rows = index.collections();
    return std::any_of(rows.begin(), rows.end(), [&](const docs::CollectionRow& c) {
        return c.id != except && c.name.compare(name, Qt::CaseInsensitive) == 0;
    });
}

}  // namespace

// What the GUI shows, read in one go on the index thread.
struct DocumentsController::Snapshot {
    QList<CollectionItem> collections;
    QHash<qint64, QList<FileItem>> files;
    qint64 conversationId = 0;
    quint64 attachedGeneration = 0;  // of attached_ when the read was asked for
    QList<qint64> attached;          // of conversationId
    QString error;
};

struct DocumentsController::PendingContext {
    QString question;
    QPointer<QObject> receiver;
    ContextCallback done;
};

struct DocumentsController::WriteOutcome {
    qint64 id = 0;
    QString error;  // for the user; empty: done
};

DocumentsController::DocumentsController(const QString& databasePath, Store& store, QObject* parent)
    : QObject(parent), store_(store), indexer_(std::make_unique<docs::DocumentIndexer>(databasePath)) {
    using docs::DocumentIndexer;
    connect(indexer_.get(), &DocumentIndexer::progress, this,
            [this](qint64 collectionId, int done, int total, const QString& file) {
                filesDone_ = done;
                filesTotal_ = total;
                currentFile_ = file;
                collections_.setIndexing(collectionId, true, done, total);
                emit indexingChanged();
                if (!refreshTimer_.isActive()) refreshTimer_.start();
            });
    connect(indexer_.get(), &DocumentIndexer::fileIndexed, this, [this] {
        if (!refreshTimer_.isActive()) refreshTimer_.start();
    });
    connect(indexer_.get(), &DocumentIndexer::finished, this, &DocumentsController::onFinished);
    connect(indexer_.get(), &DocumentIndexer::retrieved, this, &DocumentsController::onRetrieved);
    connect(indexer_.get(), &DocumentIndexer::indexUnavailable, this, [this](const QString& error) {
        const QString message = tr("The documents index cannot be opened: %1").arg(error);
        setError(message);
        // The read of the attachments was dropped with the job: turns waiting for it go on without snippets.
        if (!attachedLoaded_) {
            attachedLoaded_ = true;
            std::vector<PendingContext> waiting;
            waiting.swap(waitingForAttached_);
            for (PendingContext& p : waiting)
                if (p.receiver) p.done(docs::RetrievedContext{}, 0, message);
        }
    });
    connect(indexer_.get(), &DocumentIndexer::embeddingModelChanged, this,
            [this](const QString& path, const QString& error) {
                // The model in use is the indexer's word; the setting follows it only when a choice worked.
                const bool asked = embeddingModelPending_;
                embeddingModelPending_ = false;
                embeddingModel_ = path;
                embeddingModelError_ = error;
                if (asked && error.isEmpty())
                    store_.setSetting(kEmbeddingKey, path.isEmpty() ? QVariant() : QVariant(path));
                emit embeddingModelChanged();
                previewQuestion(previewText_);  // the ranking changed
            });
    connect(indexer_.get(), &DocumentIndexer::embeddingProgress, this, [this](qint64 done, qint64 total) {
        embedding_ = true;
        embeddingDone_ = done;
        embeddingTotal_ = total;
        emit embeddingProgressChanged();
    });
    connect(indexer_.get(), &DocumentIndexer::embeddingFinished, this,
            [this](qint64, bool, const QString& error) {
                embedding_ = false;
                embeddingDone_ = embeddingTotal_ = 0;
                if (!error.isEmpty()) setError(tr("Computing the documents' vectors stopped: %1").arg(error));
                emit embeddingProgressChanged();
            });

    refreshTimer_.setSingleShot(true);
    refreshTimer_.setInterval(kRefreshDuringIndexingMs);
    connect(&refreshTimer_, &QTimer::timeout, this, &DocumentsController::refresh);

    previewTimer_.setSingleShot(true);
    previewTimer_.setInterval(kPreviewDelayMs);
    connect(&previewTimer_, &QTimer::timeout, this, &DocumentsController::runPreview);

    tokenBudget_ = std::clamp(store_.setting(kBudgetKey, kDefaultTokenBudget).toInt(), kMinTokenBudget,
                              kMaxTokenBudget);
    // The saved embedding model is loaded on the index thread; embeddingModel shows it once it is in use.
    const QString savedModel = store_.setting(kEmbeddingKey, QString()).toString();
    if (!savedModel.isEmpty()) {
        embeddingModelPending_ = true;
        indexer_->setEmbeddingModel(savedModel);
    }
    refresh();
}

DocumentsController::~DocumentsController() {
    // Joins the index thread: the jobs it still runs queue their results to this object, which drops them when it
    // goes (QObject removes its posted events).
    indexer_.reset();
    if (g_instance == this) g_instance = nullptr;
}

void DocumentsController::setInstance(DocumentsController* documents) { g_instance = documents; }

DocumentsController* DocumentsController::instance() { return g_instance.data(); }

DocumentsController* DocumentsController::create(QQmlEngine*, QJSEngine* js) {
    DocumentsController* d = g_instance.data();
    // The QML engine must not take ownership of (and delete) the controller app_setup owns.
    if (d && js) QJSEngine::setObjectOwnership(d, QJSEngine::CppOwnership);
    return d;
}

// --- Reading and writing through the index thread -------------------------------------------------------------

template <typename Result>
void DocumentsController::onIndexThread(std::function<Result(DocumentIndex&)> job, std::function<void(Result)> then) {
    // `this` outlives every job (see the destructor), so the queued call below always has a live receiver.
    indexer_->post([this, job = std::move(job), then = std::move(then)](DocumentIndex& index) {
        Result result = job(index);
        QMetaObject::invokeMethod(
            this, [then, result = std::move(result)] { then(result); }, Qt::QueuedConnection);
    });
}

void DocumentsController::refresh() {
    const qint64 conversationId = conversationId_;
    const quint64 generation = attachedGeneration_;
    onIndexThread<Snapshot>(
        [conversationId, generation](DocumentIndex& index) { return readSnapshot(index, conversationId, generation); },
        [this](const Snapshot& s) { applySnapshot(s); });
}

void DocumentsController::write(std::function<WriteOutcome(DocumentIndex&)> job,
                                std::function<void(const WriteOutcome&)> then) {
    const qint64 conversationId = conversationId_;
    const quint64 generation = attachedGeneration_;
    onIndexThread<std::pair<WriteOutcome, Snapshot>>(
        [job = std::move(job), conversationId, generation](DocumentIndex& index) {
            WriteOutcome out = job(index);
            return std::pair{std::move(out), readSnapshot(index, conversationId, generation)};
        },
        [this, then = std::move(then)](const std::pair<WriteOutcome, Snapshot>& result) {
            applySnapshot(result.second);
            then(result.first);
        });
}

DocumentsController::Snapshot DocumentsController::readSnapshot(DocumentIndex& index, qint64 conversationId,
                                                                quint64 attachedGeneration) {
    Snapshot s;
    s.conversationId = conversationId;
    s.attachedGeneration = attachedGeneration;
    for (const docs::CollectionRow& row : index.collections()) {
        CollectionItem item;
        item.id = row.id;
        item.name = row.name;
        item.sources = index.sources(row.id);
        QList<FileItem> files;
        for (const docs::FileRow& f : index.files(row.id)) {
            FileItem file;
            file.path = f.path;
            file.status = int(f.status);
            file.error = f.error;
            file.chunkCount = f.chunkCount;
            file.isSource = item.sources.contains(f.path);
            files << file;
            ++item.fileCount;
            item.chunkCount += f.chunkCount;
            if (f.status == FileStatus::Indexed) ++item.indexedCount;
            else if (f.status != FileStatus::Pending) ++item.problemCount;
        }
        s.files.insert(row.id, files);
        s.collections << item;
    }
    if (conversationId != 0) s.attached = index.attachedCollections(conversationId);
    return s;
}

void DocumentsController::applySnapshot(const Snapshot& s) {
    // The attached collections' names come from the collections' rows: a new or renamed collection changes them
    // even when the attached ids stay the same.
    const QStringList namesBefore = attachedNames();
    // The attachments are the GUI's own (only it changes them): a read asked for before a local change is stale.
    if (s.conversationId == conversationId_ && s.attachedGeneration == attachedGeneration_) {
        const bool changed = s.attached != attached_;
        attached_ = s.attached;
        const bool wasLoaded = attachedLoaded_;
        attachedLoaded_ = true;
        if (changed) emit attachedChanged();
        if (!wasLoaded) {
            std::vector<PendingContext> waiting;
            waiting.swap(waitingForAttached_);
            for (PendingContext& p : waiting) dispatchContext(std::move(p));
        }
        if (changed) previewQuestion(previewText_);
    }
    QList<CollectionItem> items = s.collections;
    for (CollectionItem& item : items) item.attached = attached_.contains(item.id);
    collections_.update(items);
    if (attachedNames() != namesBefore) emit attachedChanged();
    filesByCollection_ = s.files;
    if (collections_.rowOf(selectedId_) < 0) {
        selectedId_ = collections_.items().isEmpty() ? 0 : collections_.items().first().id;
        emit selectedCollectionChanged();
    }
    const QList<FileItem> files = filesByCollection_.value(selectedId_);
    if (!sameFiles(files, files_.items())) files_.reset(files);
    emit selectedSourcesChanged();
    emit refreshed();
}

void DocumentsController::setSelectedCollectionId(qint64 id) {
    if (id == selectedId_) return;
    selectedId_ = id;
    files_.reset(filesByCollection_.value(id));
    emit selectedCollectionChanged();
    emit selectedSourcesChanged();
}

QStringList DocumentsController::selectedSources() const {
    const int row = collections_.rowOf(selectedId_);
    return row < 0 ? QStringList() : collections_.items().at(row).sources;
}

QStringList DocumentsController::attachedNames() const {
    QStringList names;
    for (const CollectionItem& c : collections_.items())
        if (attached_.contains(c.id)) names << c.name;
    return names;
}

// --- The page's actions ---------------------------------------------------------------------------------------

void DocumentsController::createCollection(const QString& name) {
    const QString n = name.trimmed();
    if (n.isEmpty()) {
        setError(tr("A collection needs a name"));
        return;
    }
    write(
        [n](DocumentIndex& index) {
            WriteOutcome out;
            if (nameTaken(index, n, 0)) {
                out.error = tr("A collection named “%1” already exists").arg(n);
                return out;
            }
            out.id = index.createCollection(n);
            if (out.id <= 0) out.error = tr("Could not create the collection: %1").arg(index.lastError());
            return out;
        },
        [this, n](const WriteOutcome& out) {
            if (!out.error.isEmpty()) {
                setError(out.error);
                return;
            }
            setSelectedCollectionId(out.id);
            emit collectionCreated(out.id, n);
            setNotice(tr("Created the collection “%1”").arg(n));
        });
}

void DocumentsController::renameCollection(qint64 id, const QString& name) {
    const QString n = name.trimmed();
    if (n.isEmpty()) {
        setError(tr("A collection needs a name"));
        return;
    }
    write(
        [id, n](DocumentIndex& index) {
            WriteOutcome out;
            out.id = id;
            if (nameTaken(index, n, id))
                out.error = tr("A collection named “%1” already exists").arg(n);
            else if (!index.renameCollection(id, n))
                out.error = tr("Could not rename the collection: %1").arg(index.lastError());
            return out;
        },
        [this](const WriteOutcome& out) {
            if (!out.error.isEmpty()) setError(out.error);
        });
}

void DocumentsController::removeCollection(qint64 id) {
    if (attached_.contains(id)) {
        attached_.removeAll(id);
        ++attachedGeneration_;
        emit attachedChanged();
        previewQuestion(previewText_);
    }
    indexer_->cancel();  // its indexing (if running) would only re-create rows that are going
    write(
        [id](DocumentIndex& index) {
            WriteOutcome out;
            if (!index.removeCollection(id))
                out.error = tr("Could not remove the collection: %1").arg(index.lastError());
            return out;
        },
        [this](const WriteOutcome& out) {
            if (!out.error.isEmpty()) setError(out.error);
        });
}

void DocumentsController::addPaths(qint64 collectionId, const QVariantList& pathsOrUrls) {
    QStringList paths;
    for (const QVariant& v : pathsOrUrls) {
        const QString p = localPathOf(v);
        if (!p.isEmpty() && !paths.contains(p)) paths << p;
    }
    if (paths.isEmpty()) {
        setError(tr("Nothing to add: drop files or folders from this computer"));
        return;
    }
    write(
        [collectionId, paths](DocumentIndex& index) {
            WriteOutcome out;
            // No collection chosen: a new one, named after the first item (a folder's name says what it holds).
            out.id = collectionId > 0 ? collectionId
                                      : index.createCollection(uniqueName(index, QFileInfo(paths.first()).fileName()));
            if (out.id <= 0) {
                out.error = tr("Could not create the collection: %1").arg(index.lastError());
                return out;
            }
            const QStringList known = index.sources(out.id);
            for (const QString& p : paths) {
                if (known.contains(p)) continue;
                if (!index.addSource(out.id, p)) {
                    out.error = tr("Could not add %1: %2").arg(p, index.lastError());
                    break;
                }
            }
            return out;
        },
        [this, n = int(paths.size()), created = collectionId <= 0](const WriteOutcome& out) {
            if (!out.error.isEmpty()) setError(out.error);
            else setNotice(tr("Indexing what was added (%1)…").arg(n));
            if (created && out.id > 0) setSelectedCollectionId(out.id);
            startIndexing(out.id);
        });
}

void DocumentsController::removePath(qint64 collectionId, const QString& path) {
    write(
        [collectionId, path](DocumentIndex& index) {
            WriteOutcome out;
            out.id = collectionId;
            if (!index.sources(collectionId).contains(path))
                out.error = tr("%1 is part of an added folder: remove that folder instead").arg(path);
            else if (!index.removeSource(collectionId, path))
                out.error = tr("Could not remove %1: %2").arg(path, index.lastError());
            return out;
        },
        [this](const WriteOutcome& out) {
            if (!out.error.isEmpty()) {
                setError(out.error);
                return;
            }
            startIndexing(out.id);  // drops the files that are no longer in the sources
        });
}

void DocumentsController::reindex(qint64 collectionId) { startIndexing(collectionId); }

void DocumentsController::cancelIndexing() {
    // Also stops a pass computing vectors (the next indexing job resumes it).
    if (jobsRunning_ > 0 || embedding_) indexer_->cancel();
}

void DocumentsController::startIndexing(qint64 collectionId) {
    if (collectionId <= 0) return;
    ++jobsRunning_;
    collections_.setIndexing(collectionId, true, 0, 0);
    indexer_->indexCollection(collectionId);
    emit indexingChanged();
}

void DocumentsController::onFinished(const docs::IndexingSummary& summary) {
    jobsRunning_ = std::max(0, jobsRunning_ - 1);
    collections_.setIndexing(summary.collectionId, false, 0, 0);
    if (jobsRunning_ == 0) {
        filesDone_ = filesTotal_ = 0;
        currentFile_.clear();
    }
    if (!summary.error.isEmpty())
        setError(tr("Indexing stopped: %1").arg(summary.error));
    else if (summary.cancelled)
        setNotice(tr("Indexing cancelled"));
    else
        setNotice(tr("Indexed %1 files: %2 read, %3 unchanged, %4 with problems")
                      .arg(summary.filesTotal)
                      .arg(summary.filesRead)
                      .arg(summary.filesUnchanged)
                      .arg(summary.filesWithProblems));
    emit indexingChanged();
    refreshTimer_.stop();
    refresh();
    emit indexingFinished(summary.collectionId, summary.cancelled, summary.error);
    // New snippets may change what the text being typed would get.
    previewQuestion(previewText_);
}

void DocumentsController::setAttached(qint64 collectionId, bool attached) {
    if (conversationId_ == 0) {
        setError(tr("Start or open a conversation first: collections are used per conversation"));
        return;
    }
    if (attached == attached_.contains(collectionId)) return;
    if (attached) attached_ << collectionId;
    else attached_.removeAll(collectionId);
    ++attachedGeneration_;
    emit attachedChanged();
    QList<CollectionItem> items = collections_.items();
    for (CollectionItem& item : items) item.attached = attached_.contains(item.id);
    collections_.update(items);
    previewQuestion(previewText_);
    const qint64 conversationId = conversationId_;
    write(
        [conversationId, collectionId, attached](DocumentIndex& index) {
            WriteOutcome out;
            const bool ok = attached ? index.attach(conversationId, collectionId)
                                     : index.detach(conversationId, collectionId);
            if (!ok) out.error = tr("Could not change which collections the chat uses: %1").arg(index.lastError());
            return out;
        },
        [this](const WriteOutcome& out) {
            if (!out.error.isEmpty()) setError(out.error);
        });
}

bool DocumentsController::openSource(const QString& path) {
    if (!QFileInfo::exists(path)) {
        setError(tr("%1 is no longer there").arg(path));
        return false;
    }
    if (!QDesktopServices::openUrl(sourceUrl(path))) {
        setError(tr("No application could open %1").arg(path));
        return false;
    }
    return true;
}

void DocumentsController::clearMessages() {
    setError(QString());
    setNotice(QString());
}

void DocumentsController::setError(const QString& message) {
    if (message == lastError_) return;
    lastError_ = message;
    emit lastErrorChanged();
}

void DocumentsController::setNotice(const QString& message) {
    if (message == lastNotice_) return;
    lastNotice_ = message;
    emit lastNoticeChanged();
}

// --- Settings -------------------------------------------------------------------------------------------------

void DocumentsController::setTokenBudget(int tokens) {
    const int t = std::clamp(tokens, kMinTokenBudget, kMaxTokenBudget);
    if (t == tokenBudget_) return;
    tokenBudget_ = t;
    store_.setSetting(kBudgetKey, t);
    emit tokenBudgetChanged();
    previewQuestion(previewText_);
}

void DocumentsController::setEmbeddingModel(const QString& pathOrUrl) {
    const QString path = pathOrUrl.trimmed().isEmpty() ? QString() : localPathOf(pathOrUrl.trimmed());
    if (path == embeddingModel_ && !embeddingModelPending_) return;
    if (!path.isEmpty() && !path.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) {
        embeddingModelError_ = tr("%1 is not a model: expected a .gguf file").arg(QFileInfo(path).fileName());
        emit embeddingModelChanged();
        return;
    }
    embeddingModelPending_ = true;
    embeddingModelError_.clear();
    indexer_->setEmbeddingModel(path);
    emit embeddingModelChanged();
}

// --- The conversation on screen -------------------------------------------------------------------------------

void DocumentsController::setConversation(qint64 conversationId) {
    if (conversationId == conversationId_) return;
    conversationId_ = conversationId;
    ++attachedGeneration_;
    const bool had = !attached_.isEmpty();
    attached_.clear();
    attachedLoaded_ = conversationId == 0;
    if (had) emit attachedChanged();
    if (conversationId != 0) refresh();
    else applySnapshot(Snapshot{collections_.items(), filesByCollection_, 0, attachedGeneration_, {}, {}});
    previewQuestion(previewText_);
}

void DocumentsController::forgetConversation(qint64 conversationId) {
    store_.setSetting(conversationKey(conversationId), QVariant());
    write(
        [conversationId](DocumentIndex& index) {
            WriteOutcome out;
            if (!index.detachAll(conversationId))
                out.error = tr("Could not detach the deleted chat's collections: %1").arg(index.lastError());
            return out;
        },
        [this](const WriteOutcome& out) {
            if (!out.error.isEmpty()) setError(out.error);
        });
}

void DocumentsController::addToConversation(qint64 conversationId, const QString& title, const QStringList& paths) {
    QStringList clean;
    for (const QString& path : paths) {
        const QString p = localPathOf(path);
        if (!p.isEmpty() && !clean.contains(p)) clean << p;
    }
    if (conversationId <= 0 || clean.isEmpty()) return;
    const qint64 known = store_.setting(conversationKey(conversationId), 0).toLongLong();
    const QString name = title.trimmed().isEmpty() ? tr("Chat documents") : title.trimmed();
    write(
        [conversationId, known, name, clean](DocumentIndex& index) {
            WriteOutcome out;
            const QList<docs::CollectionRow> rows = index.collections();
            const bool exists = std::any_of(rows.begin(), rows.end(),
                                            [&](const docs::CollectionRow& c) { return c.id == known; });
            out.id = exists ? known : index.createCollection(uniqueName(index, name));
            if (out.id <= 0) {
                out.error = tr("Could not create a collection for this chat: %1").arg(index.lastError());
                return out;
            }
            const QStringList sources = index.sources(out.id);
            for (const QString& p : clean) {
                if (!sources.contains(p) && !index.addSource(out.id, p)) {
                    out.error = tr("Could not add %1: %2").arg(p, index.lastError());
                    return out;
                }
            }
            if (!index.attachedCollections(conversationId).contains(out.id) && !index.attach(conversationId, out.id))
                out.error = tr("Could not attach the collection to this chat: %1").arg(index.lastError());
            return out;
        },
        [this, conversationId, n = int(clean.size())](const WriteOutcome& out) {
            if (out.id > 0) store_.setSetting(conversationKey(conversationId), out.id);
            if (!out.error.isEmpty()) {
                setError(out.error);
            } else {
                setNotice(tr("Indexing what was added to this chat's documents (%1)…").arg(n));
                if (conversationId == conversationId_ && !attached_.contains(out.id)) {
                    attached_ << out.id;
                    ++attachedGeneration_;
                    emit attachedChanged();
                }
            }
            startIndexing(out.id);
        });
}

void DocumentsController::setKvBytesPerToken(qint64 bytes) {
    if (bytes == kvBytesPerToken_) return;
    kvBytesPerToken_ = bytes;
    emit previewChanged();
}

void DocumentsController::setChatModel(const QString& path) {
    if (path == chatModelPath_) return;
    chatModelPath_ = path;
    exactCounter_ = {};
    emit previewChanged();
    if (path.isEmpty()) return;
    // Only the vocabulary is read (the file is mapped, the weights untouched): a few ms, on a pool thread. A file
    // the engine cannot read leaves the approximate counter (the chat reports its own load errors).
    QtConcurrent::run([path]() -> docs::TokenCounter {
        auto file = engine::GgufFile::open(path.toStdString());
        if (!file) return {};
        auto vocab = engine::Vocab::fromGguf(**file);
        if (!vocab) return {};
        auto shared = std::make_shared<const engine::Vocab>(std::move(*vocab));
        return [shared](QStringView text) {
            const QByteArray utf8 = text.toUtf8();
            return int(shared->tokenize(std::string_view(utf8.constData(), size_t(utf8.size())), false, false).size());
        };
    }).then(this, [this, path](const docs::TokenCounter& counter) {
        if (path != chatModelPath_ || !counter) return;  // another model meanwhile, or unreadable
        exactCounter_ = counter;
        emit previewChanged();
        previewQuestion(previewText_);
    });
}

// --- Context for the chat -------------------------------------------------------------------------------------

bool DocumentsController::requestContext(qint64 conversationId, const QString& question, QObject* receiver,
                                         ContextCallback done) {
    if (conversationId != conversationId_ || conversationId == 0) return false;
    if (attachedLoaded_ && attached_.isEmpty()) return false;
    PendingContext request{question, QPointer<QObject>(receiver), std::move(done)};
    if (!attachedLoaded_) {
        // The conversation was just opened: its attachments are on the way.
        waitingForAttached_.push_back(std::move(request));
        return true;
    }
    dispatchContext(std::move(request));
    return true;
}

void DocumentsController::dispatchContext(PendingContext request) {
    if (attached_.isEmpty()) {
        if (request.receiver) request.done(docs::RetrievedContext{}, 0, QString());
        return;
    }
    const quint64 id = indexer_->retrieve(request.question, attached_, kRetrieveHits);
    retrievals_.insert(id, [this, request](const QList<docs::SearchHit>& hits, const QString& error) {
        if (!request.receiver) return;
        if (!error.isEmpty()) {
            request.done(docs::RetrievedContext{}, 0, error);
            return;
        }
        // Counting with a real tokenizer takes milliseconds per budget: on a pool thread.
        const docs::TokenCounter count =
            exactCounter_ ? exactCounter_ : docs::TokenCounter(docs::approximateTokenCount);
        const int budget = tokenBudget_;
        const QString question = request.question;
        QtConcurrent::run([hits, budget, count, question] {
            std::pair<docs::RetrievedContext, int> out{docs::RetrievalContext::build(hits, budget, count), 0};
            if (!out.first.used.isEmpty())
                out.second = count(promptWithContext(out.first, question)) - count(question);
            return out;
        }).then(this, [request](const std::pair<docs::RetrievedContext, int>& out) {
            if (request.receiver) request.done(out.first, out.second, QString());
        });
    });
}

void DocumentsController::onRetrieved(quint64 requestId, const QList<docs::SearchHit>& hits, const QString& error) {
    const auto handler = retrievals_.take(requestId);
    if (handler) handler(hits, error);
}

QString DocumentsController::promptWithContext(const docs::RetrievedContext& context, const QString& question) {
    if (context.used.isEmpty()) return question;
    // Instructions to the model, not UI text: English, which the models we run follow best.
    return QStringLiteral("Use the numbered excerpts from my documents below to answer, and cite them by number, "
                          "e.g. [1]. If they do not contain the answer, say so.\n\n%1\n\nQuestion: %2")
        .arg(context.text.trimmed(), question);
}

QString DocumentsController::sourcesJson(const docs::RetrievedContext& context) {
    if (context.used.isEmpty()) return QString();
    QJsonArray sources;
    for (const docs::SearchHit& hit : context.used) {
        sources.append(QJsonObject{{"path", hit.path},
                                   {"label", docs::RetrievalContext::sourceLabel(hit)},
                                   {"page", hit.page},
                                   {"lineStart", hit.lineStart},
                                   {"lineEnd", hit.lineEnd},
                                   {"snippet", hit.text},
                                   {"bm25Rank", hit.bm25Rank},
                                   {"vectorRank", hit.vectorRank}});
    }
    return QString::fromUtf8(QJsonDocument(sources).toJson(QJsonDocument::Compact));
}

// --- Preview --------------------------------------------------------------------------------------------------

void DocumentsController::previewQuestion(const QString& text) {
    previewText_ = text;
    ++previewGeneration_;
    if (text.trimmed().isEmpty() || conversationId_ == 0 || (attachedLoaded_ && attached_.isEmpty())) {
        previewTimer_.stop();
        setPreview(false, false, 0, 0);
        return;
    }
    // The old figures stay on screen until the new ones arrive (no flicker while typing).
    setPreview(true, true, previewTokens_, previewSnippets_);
    previewTimer_.start();
}

void DocumentsController::runPreview() {
    const quint64 generation = previewGeneration_;
    const QString question = previewText_;
    const bool asked = requestContext(
        conversationId_, question, this,
        [this, generation](const docs::RetrievedContext& context, int addedTokens, const QString&) {
            if (generation != previewGeneration_) return;  // the text changed meanwhile
            setPreview(true, false, addedTokens, int(context.used.size()));
        });
    if (!asked) setPreview(false, false, 0, 0);
}

void DocumentsController::setPreview(bool active, bool pending, int tokens, int snippets) {
    if (active == previewActive_ && pending == previewPending_ && tokens == previewTokens_ &&
        snippets == previewSnippets_)
        return;
    previewActive_ = active;
    previewPending_ = pending;
    previewTokens_ = tokens;
    previewSnippets_ = snippets;
    emit previewChanged();
}

}  // namespace hearth::app
