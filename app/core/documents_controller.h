// The documents side of the app for QML (a singleton): collections of files and folders the user added (by drop or
// dialog), their indexing state, progress and errors, re-index / cancel, which collections the conversation on
// screen uses, the token budget of the snippets a prompt gets, the embedding model, and — for ChatController — the
// prompt context of a question (the best snippets of the attached collections that fit the budget, numbered with
// their sources) and the live preview of what that context will cost before the user sends.
//
// Threads: every read and write of the index goes through the DocumentIndexer's thread (post() and retrieve()), and
// the results come back as queued calls; the GUI thread never opens the database, so it never waits on a
// transaction the indexer holds. The GUI keeps snapshots (the two list models, the attached ids) for binding.
//
// Settings (the Store's settings table): "documentsTokenBudget" (tokens, default kDefaultTokenBudget),
// "embeddingModel" (a .gguf path, empty: BM25 only), "documentsCollection/<conversation id>" (the collection a
// drop onto that conversation adds to).
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <memory>

#include "app/core/documents_models.h"
#include "app/docs/retrieval.h"

class QQmlEngine;
class QJSEngine;

namespace hearth::app {

namespace docs {
class DocumentIndexer;
struct IndexingSummary;
}  // namespace docs

class Store;

class DocumentsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(hearth::app::CollectionListModel* collections READ collections CONSTANT)
    // The files of the selected collection (the page's right-hand list).
    Q_PROPERTY(hearth::app::DocumentFileListModel* files READ files CONSTANT)
    Q_PROPERTY(qint64 selectedCollectionId READ selectedCollectionId WRITE setSelectedCollectionId
                   NOTIFY selectedCollectionChanged)
    // What the user added to the selected collection (files and folders; each can be removed).
    Q_PROPERTY(QStringList selectedSources READ selectedSources NOTIFY selectedSourcesChanged)
    // Indexing: a job runs (or is queued); progress of the running one.
    Q_PROPERTY(bool indexing READ indexing NOTIFY indexingChanged)
    Q_PROPERTY(int filesDone READ filesDone NOTIFY indexingChanged)
    Q_PROPERTY(int filesTotal READ filesTotal NOTIFY indexingChanged)
    Q_PROPERTY(QString currentFile READ currentFile NOTIFY indexingChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QString lastNotice READ lastNotice NOTIFY lastNoticeChanged)

    // The conversation on screen: how many collections it uses.
    Q_PROPERTY(int attachedCount READ attachedCount NOTIFY attachedChanged)
    Q_PROPERTY(QStringList attachedNames READ attachedNames NOTIFY attachedChanged)

    // Settings.
    Q_PROPERTY(int tokenBudget READ tokenBudget WRITE setTokenBudget NOTIFY tokenBudgetChanged)
    Q_PROPERTY(int minTokenBudget READ minTokenBudget CONSTANT)
    Q_PROPERTY(int maxTokenBudget READ maxTokenBudget CONSTANT)
    // The embedding model in use (a bert / nomic-bert GGUF; empty: keyword search only). Setting it loads it on the
    // index thread: the property changes once it is in use; a refused file leaves it and says why in the error.
    Q_PROPERTY(QString embeddingModel READ embeddingModel WRITE setEmbeddingModel NOTIFY embeddingModelChanged)
    Q_PROPERTY(QString embeddingModelError READ embeddingModelError NOTIFY embeddingModelChanged)
    Q_PROPERTY(bool embeddingModelLoading READ embeddingModelLoading NOTIFY embeddingModelChanged)
    // The chunks' vectors being computed (after indexing, or for a new model): progress of the pass.
    Q_PROPERTY(bool embedding READ embedding NOTIFY embeddingProgressChanged)
    Q_PROPERTY(double embeddingDone READ embeddingDone NOTIFY embeddingProgressChanged)
    Q_PROPERTY(double embeddingTotal READ embeddingTotal NOTIFY embeddingProgressChanged)

    // Before sending: what the retrieved context for the text being typed will add to the prompt (previewText()).
    Q_PROPERTY(bool previewActive READ previewActive NOTIFY previewChanged)   // attached collections, text typed
    Q_PROPERTY(bool previewPending READ previewPending NOTIFY previewChanged) // a search for the latest text runs
    Q_PROPERTY(int previewTokens READ previewTokens NOTIFY previewChanged)    // tokens the prompt grows by
    Q_PROPERTY(double previewKvBytes READ previewKvBytes NOTIFY previewChanged)  // KV cache bytes they take
    Q_PROPERTY(int previewSnippets READ previewSnippets NOTIFY previewChanged)   // snippets that fit the budget
    // Tokens are counted with the loaded chat model's own tokenizer (its vocabulary read from the file on a pool
    // thread, counted off the GUI thread): exact. Without it (no model yet, or while it is read) with
    // docs::approximateTokenCount, and the page says "≈". The budget is measured with the same counter.
    Q_PROPERTY(bool previewExact READ previewExact NOTIFY previewChanged)

public:
    static constexpr int kDefaultTokenBudget = 1024;
    static constexpr int kMinTokenBudget = 128;
    static constexpr int kMaxTokenBudget = 16384;
    // Hits asked of the index per question: more than a budget usually takes, so that RetrievalContext::build can
    // skip a long one for a shorter one that fits.
    static constexpr int kRetrieveHits = 12;
    static constexpr int kPreviewDelayMs = 300;  // typing pause before the preview searches

    // databasePath: the index file (documents.sqlite in the data folder), opened on the indexer's thread. store: the
    // settings table (GUI thread); must outlive this object.
    DocumentsController(const QString& databasePath, Store& store, QObject* parent = nullptr);
    ~DocumentsController() override;  // stops the indexer thread first, so no result arrives afterwards

    // QML_SINGLETON: the instance app_setup made (setInstance), handed to the QML engine (which must not delete it).
    static void setInstance(DocumentsController* documents);
    static DocumentsController* create(QQmlEngine* qml, QJSEngine* js);
    static DocumentsController* instance();

    CollectionListModel* collections() { return &collections_; }
    DocumentFileListModel* files() { return &files_; }
    qint64 selectedCollectionId() const { return selectedId_; }
    void setSelectedCollectionId(qint64 id);
    QStringList selectedSources() const;
    bool indexing() const { return jobsRunning_ > 0; }
    int filesDone() const { return filesDone_; }
    int filesTotal() const { return filesTotal_; }
    QString currentFile() const { return currentFile_; }
    QString lastError() const { return lastError_; }
    QString lastNotice() const { return lastNotice_; }
    int attachedCount() const { return int(attached_.size()); }
    QStringList attachedNames() const;
    QList<qint64> attachedCollections() const { return attached_; }

    int tokenBudget() const { return tokenBudget_; }
    void setTokenBudget(int tokens);
    int minTokenBudget() const { return kMinTokenBudget; }
    int maxTokenBudget() const { return kMaxTokenBudget; }
    QString embeddingModel() const { return embeddingModel_; }
    void setEmbeddingModel(const QString& pathOrUrl);  // "" : none (BM25 only)
    QString embeddingModelError() const { return embeddingModelError_; }
    bool embeddingModelLoading() const { return embeddingModelPending_; }
    bool embedding() const { return embedding_; }
    double embeddingDone() const { return double(embeddingDone_); }
    double embeddingTotal() const { return double(embeddingTotal_); }

    bool previewActive() const { return previewActive_; }
    bool previewPending() const { return previewPending_; }
    int previewTokens() const { return previewTokens_; }
    double previewKvBytes() const { return double(previewTokens_) * double(kvBytesPerToken_); }
    int previewSnippets() const { return previewSnippets_; }
    bool previewExact() const { return bool(exactCounter_); }

    // The page's actions. Each write runs on the index thread; lastError / lastNotice report the outcome.
    Q_INVOKABLE void createCollection(const QString& name);
    Q_INVOKABLE void renameCollection(qint64 id, const QString& name);
    Q_INVOKABLE void removeCollection(qint64 id);  // the page asks first; the files on disk are not touched
    // Files or folders (paths or file:// URLs, as a drop or a dialog gives them) join the collection and are indexed.
    // collectionId <= 0: a new collection named after the first item.
    Q_INVOKABLE void addPaths(qint64 collectionId, const QVariantList& pathsOrUrls);
    // A file or folder the user added goes (a file found in an added folder cannot go alone: lastError says so).
    Q_INVOKABLE void removePath(qint64 collectionId, const QString& path);
    Q_INVOKABLE void reindex(qint64 collectionId);
    Q_INVOKABLE void cancelIndexing();
    Q_INVOKABLE void setAttached(qint64 collectionId, bool attached);  // to / from the conversation on screen
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void clearMessages();
    // Opens a source file in the desktop's viewer (QDesktopServices): the URL is the file's own file:// URL.
    Q_INVOKABLE bool openSource(const QString& path);
    Q_INVOKABLE QUrl sourceUrl(const QString& path) const { return QUrl::fromLocalFile(path); }
    // The input's text as the user types: after a short pause, the context it would get is searched and measured.
    Q_INVOKABLE void previewQuestion(const QString& text);

    // --- For ChatController (GUI thread) ---
    // The conversation on screen (0: none): its attached collections are read, the preview is reset.
    void setConversation(qint64 conversationId);
    void forgetConversation(qint64 conversationId);  // deleted: its attachments and drop collection go
    // Dropped onto the chat: paths join the conversation's own collection (created, named after the conversation,
    // and attached on the first drop) and are indexed.
    void addToConversation(qint64 conversationId, const QString& title, const QStringList& paths);
    // The loaded chat model's KV bytes per token (0: none), for the preview's bytes.
    void setKvBytesPerToken(qint64 bytes);
    // The loaded chat model's file ("" : none): its tokenizer counts the snippets' tokens once it is read.
    void setChatModel(const QString& path);

    // The context for a question asked in a conversation: false when the conversation uses no collection (nothing
    // to wait for; done is never called). Else done(context, error) is called later on the GUI thread (unless
    // receiver is gone): the snippets of its attached collections that fit the token budget. error: the search
    // failed (the turn goes on without context). addedTokens: what promptWithContext(context, question) adds to
    // the question, by the same counter as the budget.
    using ContextCallback =
        std::function<void(const docs::RetrievedContext& context, int addedTokens, const QString& error)>;
    bool requestContext(qint64 conversationId, const QString& question, QObject* receiver, ContextCallback done);

    // The user turn the engine receives when snippets were found: an instruction, the numbered snippets with their
    // sources, then the question as typed. (The stored message stays as typed.)
    static QString promptWithContext(const docs::RetrievedContext& context, const QString& question);
    // The sources of an answer as stored with it (Store's messages.sources): a JSON array.
    static QString sourcesJson(const docs::RetrievedContext& context);

    docs::DocumentIndexer* indexer() const { return indexer_.get(); }

signals:
    void selectedCollectionChanged();
    void selectedSourcesChanged();
    void indexingChanged();
    void lastErrorChanged();
    void lastNoticeChanged();
    void attachedChanged();
    void tokenBudgetChanged();
    void embeddingModelChanged();
    void embeddingProgressChanged();
    void previewChanged();
    // A snapshot of the index arrived (after any write or indexing job): tests wait for it.
    void refreshed();
    void collectionCreated(qint64 id, const QString& name);
    // An indexing job ended (also cancelled or failed).
    void indexingFinished(qint64 collectionId, bool cancelled, const QString& error);

private:
    struct Snapshot;
    struct PendingContext;
    struct WriteOutcome;
    // Runs job on the index thread; then(result) on the GUI thread. Both in posting order.
    template <typename Result>
    void onIndexThread(std::function<Result(docs::DocumentIndex&)> job, std::function<void(Result)> then);
    // A write on the index thread, followed there by a read of the lists, which the GUI applies before then(): what
    // the page shows after a write always includes it.
    void write(std::function<WriteOutcome(docs::DocumentIndex&)> job, std::function<void(const WriteOutcome&)> then);
    static Snapshot readSnapshot(docs::DocumentIndex& index, qint64 conversationId, quint64 attachedGeneration);
    void applySnapshot(const Snapshot& snapshot);
    void startIndexing(qint64 collectionId);
    void onFinished(const docs::IndexingSummary& summary);
    void onRetrieved(quint64 requestId, const QList<docs::SearchHit>& hits, const QString& error);
    void runPreview();
    void setPreview(bool active, bool pending, int tokens, int snippets);
    void setError(const QString& message);
    void setNotice(const QString& message);
    void loadAttached();
    void dispatchContext(PendingContext request);

    Store& store_;
    std::unique_ptr<docs::DocumentIndexer> indexer_;
    CollectionListModel collections_;
    DocumentFileListModel files_;
    QHash<qint64, QList<FileItem>> filesByCollection_;
    qint64 selectedId_ = 0;
    int jobsRunning_ = 0;
    int filesDone_ = 0;
    int filesTotal_ = 0;
    QString currentFile_;
    QString lastError_;
    QString lastNotice_;
    QTimer refreshTimer_;  // coalesces the refreshes that indexing progress asks for

    qint64 conversationId_ = 0;
    QList<qint64> attached_;           // of conversationId_
    bool attachedLoaded_ = true;       // false while its read is on the way
    quint64 attachedGeneration_ = 0;   // drops a stale read after a quick switch
    std::vector<PendingContext> waitingForAttached_;
    QHash<quint64, std::function<void(const QList<docs::SearchHit>&, const QString&)>> retrievals_;

    int tokenBudget_ = kDefaultTokenBudget;
    QString embeddingModel_;           // in use (as the indexer last confirmed)
    QString embeddingModelError_;
    bool embeddingModelPending_ = false;  // a model (or none) was asked for and not confirmed yet
    bool embedding_ = false;
    qint64 embeddingDone_ = 0;
    qint64 embeddingTotal_ = 0;
    qint64 kvBytesPerToken_ = 0;
    QString chatModelPath_;
    docs::TokenCounter exactCounter_;  // the chat model's tokenizer (empty: none yet); thread-safe

    QTimer previewTimer_;
    QString previewText_;
    quint64 previewGeneration_ = 0;
    bool previewActive_ = false;
    bool previewPending_ = false;
    int previewTokens_ = 0;
    int previewSnippets_ = 0;
};

}  // namespace hearth::app
