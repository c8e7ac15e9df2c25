// The chat's logic for QML (a singleton): conversations and the branch on screen, sending a turn to the engine
// worker, streaming its text into the last message in ~40 ms batches, stop / regenerate / edit-and-resend (the old
// continuation stays as a branch), and the live speed panel and context meter. All list-model mutation happens
// here, on the GUI thread; the worker is reached only through queued signals (engine_worker.h).
//
// Documents (setDocuments): when the conversation uses collections, a turn first asks DocumentsController for the
// question's context (searched on the index thread; the turn shows as generating meanwhile and Stop ends it), and
// the engine receives the last user turn as DocumentsController::promptWithContext — the numbered snippets with
// their sources, then the question. The snippets go into the user turn rather than the system prompt so that the
// system prompt and the earlier turns stay a common prefix the worker's KV cache reuses; earlier turns are sent as
// typed (their snippets are not repeated), which keeps the prompt within one budget per turn. The stored user
// message stays as typed; the answer stores its sources (Store::setMessageSources).
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <memory>
#include <optional>

#include "app/core/conversation_list_model.h"
#include "app/core/engine_types.h"
#include "app/core/engine_worker.h"
#include "app/core/message_list_model.h"
#include "app/core/store.h"

class QQmlEngine;
class QJSEngine;

namespace hearth::app {

class SettingsController;
class DocumentsController;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(hearth::app::ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(hearth::app::MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY currentConversationChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)

    // Model state.
    Q_PROPERTY(bool modelLoaded READ modelLoaded NOTIFY modelChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY modelChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    // A model refused because it will not fit in RAM: the message with the numbers ("stories needs 7.9 GB (weights
    // ...) but 5.1 GB is available"), empty when none. loadAnyway() / dismissFit() answer it.
    Q_PROPERTY(QString fitWarning READ fitWarning NOTIFY fitWarningChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    // The turn waits for its documents' snippets (part of generating).
    Q_PROPERTY(bool searchingDocuments READ searchingDocuments NOTIFY generatingChanged)

    // Live speed panel (of the answer streaming now, else the last one).
    Q_PROPERTY(double promptTokensPerSecond READ promptTokensPerSecond NOTIFY statsChanged)
    Q_PROPERTY(double generateTokensPerSecond READ generateTokensPerSecond NOTIFY statsChanged)
    Q_PROPERTY(double timeToFirstTokenMs READ timeToFirstTokenMs NOTIFY statsChanged)
    Q_PROPERTY(double effectiveGBps READ effectiveGBps NOTIFY statsChanged)       // bytesPerToken * tg tok/s
    Q_PROPERTY(double memoryGBps READ memoryGBps WRITE setMemoryGBps NOTIFY statsChanged)  // measured bandwidth (0: unknown)
    Q_PROPERTY(double bandwidthFraction READ bandwidthFraction NOTIFY statsChanged)  // effective / measured
    Q_PROPERTY(QVariantList sparkline READ sparkline NOTIFY statsChanged)  // tok/s samples over the answer

    // Context meter.
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextChanged)      // tokens in the KV cache
    Q_PROPERTY(int contextLength READ contextLength NOTIFY contextChanged)
    Q_PROPERTY(int contextLeft READ contextLeft NOTIFY contextChanged)
    Q_PROPERTY(double kvBytesUsed READ kvBytesUsed NOTIFY contextChanged)
    Q_PROPERTY(double kvBytesAllocated READ kvBytesAllocated NOTIFY contextChanged)
    Q_PROPERTY(bool contextWarning READ contextWarning NOTIFY contextChanged)  // >= 90 % full
    Q_PROPERTY(bool contextFull READ contextFull NOTIFY contextChanged)        // the last answer stopped on it

public:
    // worker: moved to an internal QThread owned by the controller; store: the open database.
    ChatController(std::unique_ptr<EngineWorker> worker, Store store, QObject* parent = nullptr);
    ~ChatController() override;  // stops the worker thread cleanly

    // QML_SINGLETON: the instance main() made (setInstance), handed to the QML engine (which must not delete it).
    static void setInstance(ChatController* controller);
    static ChatController* create(QQmlEngine* qml, QJSEngine* js);

    ConversationListModel* conversations() { return &conversations_; }
    MessageListModel* messages() { return &messages_; }
    qint64 currentConversationId() const { return currentId_; }
    QString systemPrompt() const;
    void setSystemPrompt(const QString& text);
    QString searchText() const { return searchText_; }
    void setSearchText(const QString& text);

    bool modelLoaded() const { return modelInfo_.has_value(); }
    bool loading() const { return loading_; }
    double loadProgress() const { return loadProgress_; }
    QString modelName() const;
    QString modelPath() const;
    QString lastError() const { return lastError_; }
    QString fitWarning() const { return fitWarning_; }
    bool generating() const { return generating_; }
    bool searchingDocuments() const { return awaitingContext_.has_value(); }

    double promptTokensPerSecond() const { return live_.promptTokensPerSecond; }
    double generateTokensPerSecond() const { return live_.generateTokensPerSecond; }
    double timeToFirstTokenMs() const { return live_.timeToFirstTokenMs; }
    double effectiveGBps() const;
    double memoryGBps() const { return memoryGBps_; }
    void setMemoryGBps(double gbps);
    double bandwidthFraction() const;
    QVariantList sparkline() const { return sparkline_; }

    int contextUsed() const { return live_.nPast; }
    int contextLength() const;
    int contextLeft() const { return contextLength() - contextUsed(); }
    double kvBytesUsed() const { return double(live_.kvBytesUsed); }
    double kvBytesAllocated() const;
    bool contextWarning() const;
    bool contextFull() const { return contextFull_; }

    Q_INVOKABLE void loadModel(const QString& pathOrUrl);  // a path or a file:// URL (drag and drop)
    Q_INVOKABLE void unloadModel();
    Q_INVOKABLE void loadAnyway();  // loads the refused model with the same options, allowing it over the RAM
    Q_INVOKABLE void dismissFit();  // the user keeps the refusal: the warning goes
    Q_INVOKABLE qint64 newConversation();
    Q_INVOKABLE void selectConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    Q_INVOKABLE bool send(const QString& text);  // false (and lastError) when no model or already generating
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool regenerate();  // a new sibling of the last answer
    Q_INVOKABLE bool editAndResend(int row, const QString& text);  // a new sibling of the user message at row
    Q_INVOKABLE void switchBranch(int row, int delta);  // show the previous (-1) / next (+1) sibling at row
    // When the context is full: drop the oldest turns (keeping the system prompt) and continue the conversation.
    Q_INVOKABLE void dropOldestTurns();
    Q_INVOKABLE bool exportMarkdown(const QString& pathOrUrl);
    Q_INVOKABLE bool exportJson(const QString& pathOrUrl);
    Q_INVOKABLE void copyToClipboard(const QString& text);
    // A drop onto the chat: a .gguf loads as the model; other files and folders join the conversation's documents
    // (a new conversation if none is open; DocumentsController::addToConversation).
    Q_INVOKABLE void dropUrls(const QList<QUrl>& urls);

    // The settings models are loaded and answers sampled with, and new chats' system prompt (nullptr: the
    // LoadOptions/SamplerSettings defaults and the store's keys). Not owned; it hears which options the loaded model
    // uses (for its needsReload). The store it needs is this controller's.
    void setSettings(SettingsController* settings);
    Store& store() { return store_; }
    // The documents whose snippets answers get (nullptr: none). Not owned. It follows the conversation on screen,
    // forgets deleted ones, and hears the loaded model's KV bytes per token (for its preview).
    void setDocuments(DocumentsController* documents);
    qint64 kvBytesPerToken() const { return modelInfo_ ? modelInfo_->kvBytesPerToken : 0; }
    // The request the engine worker was last sent (read-only; what the model was asked, snippets included).
    TurnRequest lastTurnRequest() const { return lastTurnRequest_; }

    // Tests: the streaming flush interval, and the worker (to script a fake).
    void setFlushIntervalMs(int ms) { flushTimer_.setInterval(ms); }
    EngineWorker* worker() const { return worker_; }

signals:
    void currentConversationChanged();
    void conversationDeleted(qint64 id);
    void searchTextChanged();
    void modelChanged();
    void loadProgressChanged();
    void lastErrorChanged();
    void fitWarningChanged();
    void generatingChanged();
    void statsChanged();
    void contextChanged();
    // To the worker (queued).
    void requestLoad(const hearth::app::LoadOptions& options);
    void requestUnload();
    void requestTurn(const hearth::app::TurnRequest& request);

private:
    // Implementation details are the implementer's (helpers below are suggestions).
    void onProgress(const GenerationProgress& p);
    void onFinished(const GenerationResult& r);
    void flushPending();
    void startTurn(qint64 userMessageId);
    void reloadMessages();
    void setError(const QString& message);
    bool checkExportPath(const QString& path);  // false (and lastError) for a relative or nameless path

    Store store_;
    ConversationListModel conversations_;
    MessageListModel messages_;
    QThread thread_;
    EngineWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
    QTimer flushTimer_;
    QString pending_;                 // streamed text not yet in the model
    qint64 streamingMessageId_ = 0;
    quint64 nextRequestId_ = 1;
    quint64 activeRequestId_ = 0;
    qint64 currentId_ = 0;
    QString searchText_;
    std::optional<ModelInfo> modelInfo_;
    bool loading_ = false;
    double loadProgress_ = 0;
    QString lastError_;
    bool generating_ = false;
    GenerationProgress live_;
    double memoryGBps_ = 0;
    QVariantList sparkline_;
    bool contextFull_ = false;

    // Added by the implementation.
    bool canStartTurn();                          // a model, no turn running, context not full (else lastError)
    void touchConversation(qint64 id);            // re-reads a conversation's row and moves it to the top
    void onProgressFigures(const GenerationProgress& last);
    QString streamedText_;                        // the streaming answer's text already flushed to the list
    QElapsedTimer persistClock_;                  // since the streaming answer was last written to the store
    qint64 generatingConversationId_ = 0;         // the conversation the streaming answer belongs to
    // dropOldestTurns(): the index in the branch's path of the first message sent to the model (a multiple of 2,
    // so whole user/assistant pairs are skipped). Kept in the controller only, reset when the conversation changes.
    int firstMessageToSend_ = 0;
    bool statsDirty_ = false;                     // progress figures arrived since the last flush
    // stop() was called for the running turn: repeated on its progress, since the worker clears the flag when a
    // turn starts and a stop pressed before that would otherwise be lost.
    bool stopRequested_ = false;
    QPointer<SettingsController> settings_;      // setSettings()
    LoadOptions lastLoadOptions_;                 // of the last loadModel(), reported to settings_ once loaded
    SamplerSettings activeSampler_;               // of the running (or last) turn, stored with its answer

    // Fit check: a model that will not fit in RAM is refused with the numbers; the user may load it anyway.
    void connectFitCheck();  // from the constructor: the worker's modelTooLarge and what clears the warning
    void setFitWarning(const QString& message);
    QString fitWarning_;
    LoadOptions fitOptions_;  // the refused load, for loadAnyway()

    // Documents: the turn's request waits here for its context (startTurn), then goes to the worker.
    void sendRequest(TurnRequest request);
    QPointer<DocumentsController> documents_;
    std::optional<TurnRequest> awaitingContext_;
    TurnRequest lastTurnRequest_;
};

}  // namespace hearth::app
