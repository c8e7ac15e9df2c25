// The chat's logic for QML. Everything here runs on the GUI thread; the worker is reached only through the queued
// requestLoad/requestUnload/requestTurn signals and its own signals back (plus the atomic stop flag).
#include "app/core/chat_controller.h"

#include <QCoreApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJSEngine>
#include <QSaveFile>
#include <QUrl>
#include <algorithm>

#include "app/core/documents_controller.h"
#include "app/core/settings_controller.h"

namespace hearth::app {
namespace {

QPointer<ChatController> g_instance;

const QString kDefaultTitle = QStringLiteral("New chat");
// How many tok/s samples the sparkline keeps (at one per ~40 ms flush: the last ~5 s of an answer).
constexpr int kSparklinePoints = 120;
// The streaming answer is saved this often, so a crash loses at most this much of its tail.
constexpr qint64 kPersistIntervalMs = 2000;

// A path from either a plain path or a URL (QML file dialogs and drag and drop hand over file:// URLs).
QString localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    if (url.isLocalFile()) return url.toLocalFile();
    return pathOrUrl;
}

// The first line of the user's first message, shortened, names a new conversation.
QString titleFrom(const QString& text) {
    constexpr int kMaxTitle = 48;
    QString line = text.trimmed().section(QLatin1Char('\n'), 0, 0).trimmed();
    if (line.size() > kMaxTitle) line = line.left(kMaxTitle - 1).trimmed() + QChar(0x2026);
    return line.isEmpty() ? kDefaultTitle : line;
}

// An answer's figures and what produced it: the model, the sampler and the load options (threads, context, KV
// cache type), stored with the message so a conversation records the settings each answer used.
QString statsJson(const GenerationResult& r, const QString& model, const SamplerSettings& sampler,
                  const LoadOptions& load) {
    const GenerationProgress& p = r.last;
    QJsonObject o{{"promptTokens", p.promptTokens},
                  {"promptEvaluated", p.promptEvaluated},
                  {"promptTokensPerSecond", p.promptTokensPerSecond},
                  {"timeToFirstTokenMs", p.timeToFirstTokenMs},
                  {"generatedTokens", p.generatedTokens},
                  {"generateTokensPerSecond", p.generateTokensPerSecond},
                  {"nPast", p.nPast},
                  {"nCtx", p.nCtx},
                  {"stopReason", r.stopReason},
                  {"model", model},
                  {"sampler", QJsonObject{{"temperature", sampler.temperature},
                                          {"topK", sampler.topK},
                                          {"topP", sampler.topP},
                                          {"minP", sampler.minP},
                                          {"repeatPenalty", sampler.repeatPenalty},
                                          {"seed", QString::number(sampler.seed)},
                                          {"maxTokens", sampler.maxTokens}}},
                  {"threads", load.threads},
                  {"contextLength", load.nCtx},
                  {"kvType", load.kvType}};
    if (!r.error.isEmpty()) o.insert("error", r.error);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

}  // namespace

ChatController::ChatController(std::unique_ptr<EngineWorker> worker, Store store, QObject* parent)
    : QObject(parent), store_(std::move(store)) {
    registerEngineTypes();

    worker_ = worker.release();
    worker_->setParent(nullptr);  // moveToThread needs a parentless object
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

    connect(this, &ChatController::requestLoad, worker_, &EngineWorker::loadModel, Qt::QueuedConnection);
    connect(this, &ChatController::requestUnload, worker_, &EngineWorker::unloadModel, Qt::QueuedConnection);
    connect(this, &ChatController::requestTurn, worker_, &EngineWorker::submitTurn, Qt::QueuedConnection);

    connect(worker_, &EngineWorker::loadProgress, this, [this](double fraction) {
        loadProgress_ = fraction;
        emit loadProgressChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::modelLoaded, this, [this](const ModelInfo& info) {
        modelInfo_ = info;
        loading_ = false;
        loadProgress_ = 1.0;
        live_ = GenerationProgress{};
        live_.nCtx = info.nCtx;
        contextFull_ = false;
        store_.setSetting(QStringLiteral("lastModelPath"), info.path);
        emit loadProgressChanged();
        emit modelChanged();
        emit statsChanged();
        emit contextChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::modelLoadFailed, this, [this](const QString& path, const QString& error) {
        loading_ = false;
        modelInfo_.reset();
        emit modelChanged();
        setError(error.isEmpty() ? QStringLiteral("Could not load %1").arg(path) : error);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::modelUnloaded, this, [this] {
        modelInfo_.reset();
        live_ = GenerationProgress{};
        emit modelChanged();
        emit statsChanged();
        emit contextChanged();
    }, Qt::QueuedConnection);
    connectFitCheck();
    connect(worker_, &EngineWorker::generationProgress, this, &ChatController::onProgress, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationFinished, this, &ChatController::onFinished, Qt::QueuedConnection);

    flushTimer_.setInterval(40);
    connect(&flushTimer_, &QTimer::timeout, this, &ChatController::flushPending);

    thread_.setObjectName(QStringLiteral("hearth-engine"));
    thread_.start();

    const QList<ConversationRow> rows = store_.conversations();
    conversations_.reset(rows);
    if (!rows.isEmpty()) selectConversation(rows.first().id);
}

ChatController::~ChatController() {
    flushTimer_.stop();
    if (generating_ && streamingMessageId_ != 0) {
        // Keep what was streamed so far, marked incomplete: the answer was cut by closing the app.
        store_.updateMessage(streamingMessageId_, streamedText_ + pending_, false);
    }
    worker_->requestStop();
    thread_.quit();
    thread_.wait();
    if (g_instance == this) g_instance = nullptr;
}

void ChatController::setInstance(ChatController* controller) { g_instance = controller; }

ChatController* ChatController::create(QQmlEngine*, QJSEngine* js) {
    ChatController* c = g_instance.data();
    // The QML engine must not take ownership of (and delete) the controller main() owns.
    if (c && js) QJSEngine::setObjectOwnership(c, QJSEngine::CppOwnership);
    return c;
}

void ChatController::setSettings(SettingsController* settings) {
    if (settings_) {
        disconnect(settings_, nullptr, this, nullptr);
        disconnect(this, nullptr, settings_, nullptr);
    }
    settings_ = settings;
    if (!settings) return;
    // needsReload compares the settings with what the loaded model was given (not with ModelInfo, whose context
    // is capped at the model's training length). While another model loads there is nothing to reload yet.
    const auto report = [this] {
        if (settings_)
            settings_->setLoadedOptions(modelLoaded() && !loading_ ? std::optional(lastLoadOptions_) : std::nullopt);
    };
    connect(this, &ChatController::modelChanged, settings, report);
    report();
    // Without a conversation the system prompt shown is the settings' default.
    connect(settings, &SettingsController::defaultSystemPromptChanged, this, [this] {
        if (currentId_ == 0) emit currentConversationChanged();
    });
}

void ChatController::setDocuments(DocumentsController* documents) {
    if (documents_) {
        disconnect(documents_, nullptr, this, nullptr);
        disconnect(this, nullptr, documents_, nullptr);
    }
    documents_ = documents;
    if (!documents) return;
    connect(this, &ChatController::currentConversationChanged, documents,
            [this] { documents_->setConversation(currentId_); });
    connect(this, &ChatController::conversationDeleted, documents, &DocumentsController::forgetConversation);
    const auto model = [this] {
        documents_->setKvBytesPerToken(kvBytesPerToken());
        documents_->setChatModel(modelPath());
    };
    connect(this, &ChatController::modelChanged, documents, model);
    documents->setConversation(currentId_);
    model();
}

// --- Conversation ---------------------------------------------------------------------------------------------

QString ChatController::systemPrompt() const {
    if (currentId_ == 0)
        return settings_ ? settings_->defaultSystemPrompt() : store_.setting(QStringLiteral("systemPrompt")).toString();
    const auto c = store_.conversation(currentId_);
    return c ? c->systemPrompt : QString();
}

void ChatController::setSystemPrompt(const QString& text) {
    if (text == systemPrompt()) return;
    // Without a conversation the prompt is the default for the next new one.
    if (currentId_ == 0 && settings_)
        settings_->setDefaultSystemPrompt(text);
    else if (currentId_ == 0)
        store_.setSetting(QStringLiteral("systemPrompt"), text);
    else
        store_.setSystemPrompt(currentId_, text);
    emit currentConversationChanged();
}

void ChatController::setSearchText(const QString& text) {
    if (text == searchText_) return;
    searchText_ = text;
    conversations_.reset(store_.conversations(searchText_));
    emit searchTextChanged();
}

void ChatController::touchConversation(qint64 id) {
    const auto row = store_.conversation(id);
    if (!row) {
        conversations_.removeId(id);
        return;
    }
    const bool visible = searchText_.isEmpty() || row->title.contains(searchText_, Qt::CaseInsensitive);
    const int at = conversations_.rowOf(id);
    if (!visible) {
        conversations_.removeId(id);
    } else if (at == 0) {
        conversations_.updateRow(*row);
    } else {
        // Most recently updated first: a touched conversation moves to the top.
        conversations_.removeId(id);
        conversations_.prepend(*row);
    }
}

qint64 ChatController::newConversation() {
    const QString model = modelInfo_ ? modelInfo_->path : QString();
    const QString system =
        settings_ ? settings_->defaultSystemPrompt() : store_.setting(QStringLiteral("systemPrompt")).toString();
    const qint64 id = store_.createConversation(kDefaultTitle, system, model);
    if (id <= 0) {
        setError(QStringLiteral("Could not create a conversation: %1").arg(store_.lastError()));
        return 0;
    }
    touchConversation(id);
    selectConversation(id);
    return id;
}

void ChatController::selectConversation(qint64 id) {
    if (id != 0 && !store_.conversation(id)) {
        setError(QStringLiteral("Conversation %1 does not exist").arg(id));
        return;
    }
    const bool changed = id != currentId_;
    currentId_ = id;
    if (changed) firstMessageToSend_ = 0;
    reloadMessages();
    if (changed) {
        contextFull_ = false;
        emit contextChanged();
    }
    emit currentConversationChanged();
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    const QString t = title.trimmed();
    if (t.isEmpty()) {
        setError(QStringLiteral("A conversation title cannot be empty"));
        return;
    }
    if (!store_.renameConversation(id, t)) {
        setError(QStringLiteral("Could not rename the conversation: %1").arg(store_.lastError()));
        return;
    }
    touchConversation(id);
    if (id == currentId_) emit currentConversationChanged();
}

void ChatController::deleteConversation(qint64 id) {
    if (generating_ && id == generatingConversationId_) {
        // Its answer has nowhere to go: stop it and forget the message (deleted with the conversation).
        stop();
        streamingMessageId_ = 0;
    }
    if (!store_.deleteConversation(id)) {
        setError(QStringLiteral("Could not delete the conversation: %1").arg(store_.lastError()));
        return;
    }
    conversations_.removeId(id);
    emit conversationDeleted(id);
    if (id == currentId_) {
        currentId_ = 0;
        firstMessageToSend_ = 0;
        reloadMessages();
        emit currentConversationChanged();
    }
}

void ChatController::reloadMessages() {
    QList<MessageListModel::Row> rows;
    if (currentId_ != 0) {
        const auto conv = store_.conversation(currentId_);
        if (conv && conv->activeLeafId != 0) {
            for (const MessageRow& m : store_.path(conv->activeLeafId)) {
                const QList<MessageRow> siblings = store_.children(currentId_, m.parentId);
                MessageListModel::Row row;
                row.message = m;
                row.branchCount = std::max(1, int(siblings.size()));
                for (int i = 0; i < siblings.size(); ++i)
                    if (siblings[i].id == m.id) row.branchIndex = i;
                // The answer streaming now: the store holds only its last periodic save, the controller all of it.
                if (generating_ && m.id == streamingMessageId_) {
                    row.message.text = streamedText_;
                    row.message.complete = false;
                }
                rows.append(row);
            }
        }
    }
    messages_.reset(rows);
}

// --- Model ----------------------------------------------------------------------------------------------------

QString ChatController::modelName() const { return modelInfo_ ? modelInfo_->name : QString(); }
QString ChatController::modelPath() const { return modelInfo_ ? modelInfo_->path : QString(); }

void ChatController::loadModel(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl.trimmed());
    if (path.isEmpty()) {
        setError(QStringLiteral("No model file was given"));
        return;
    }
    if (!path.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) {
        setError(QStringLiteral("%1 is not a model: expected a .gguf file").arg(QFileInfo(path).fileName()));
        return;
    }
    if (generating_) {
        setError(QStringLiteral("Wait for the answer to finish (or stop it) before loading another model"));
        return;
    }
    LoadOptions options;
    options.path = path;
    if (settings_) {
        options = settings_->loadOptions(path);
    } else {
        options.threads = store_.setting(QStringLiteral("threads"), options.threads).toInt();
        options.nCtx = store_.setting(QStringLiteral("nCtx"), options.nCtx).toInt();
        options.kvType = store_.setting(QStringLiteral("kvType"), options.kvType).toString();
    }
    lastLoadOptions_ = options;
    loading_ = true;
    loadProgress_ = 0;
    emit modelChanged();
    emit loadProgressChanged();
    emit requestLoad(options);
}

void ChatController::unloadModel() {
    if (generating_) worker_->requestStop();
    emit requestUnload();
}

// --- Turns ----------------------------------------------------------------------------------------------------

bool ChatController::canStartTurn() {
    if (!modelInfo_) {
        setError(QStringLiteral("No model is loaded: load a .gguf model first"));
        return false;
    }
    if (generating_) {
        setError(QStringLiteral("An answer is still being generated: stop it first"));
        return false;
    }
    if (contextFull_) {
        setError(QStringLiteral("The context is full: drop the oldest turns or start a new conversation"));
        return false;
    }
    return true;
}

bool ChatController::send(const QString& text) {
    if (!canStartTurn()) return false;
    if (text.trimmed().isEmpty()) {
        setError(QStringLiteral("The message is empty"));
        return false;
    }
    if (currentId_ == 0 && newConversation() == 0) return false;

    const QList<MessageListModel::Row>& rows = messages_.rows();
    const qint64 parent = rows.isEmpty() ? 0 : rows.last().message.id;
    if (rows.isEmpty()) {
        const auto conv = store_.conversation(currentId_);
        if (conv && conv->title == kDefaultTitle) store_.renameConversation(currentId_, titleFrom(text));
    }
    const qint64 userId = store_.addMessage(currentId_, parent, QStringLiteral("user"), text);
    if (userId <= 0) {
        setError(QStringLiteral("Could not save the message: %1").arg(store_.lastError()));
        return false;
    }
    MessageListModel::Row row;
    if (const auto saved = store_.path(userId); !saved.isEmpty()) row.message = saved.last();
    row.message.id = userId;
    row.message.role = QStringLiteral("user");
    row.message.text = text;
    row.branchCount = std::max(1, int(store_.children(currentId_, parent).size()));
    row.branchIndex = row.branchCount - 1;
    messages_.append(row);
    startTurn(userId);
    return generating_;
}

void ChatController::startTurn(qint64 userMessageId) {
    const qint64 answerId =
        store_.addMessage(currentId_, userMessageId, QStringLiteral("assistant"), QString(), false);
    if (answerId <= 0) {
        setError(QStringLiteral("Could not save the answer: %1").arg(store_.lastError()));
        return;
    }
    if (modelInfo_) store_.setConversationModel(currentId_, modelInfo_->path);

    MessageListModel::Row row;
    row.message.id = answerId;
    row.message.conversationId = currentId_;
    row.message.parentId = userMessageId;
    row.message.role = QStringLiteral("assistant");
    row.message.complete = false;
    row.message.created = QDateTime::currentDateTime();
    row.branchCount = std::max(1, int(store_.children(currentId_, userMessageId).size()));
    row.branchIndex = row.branchCount - 1;
    messages_.append(row);

    TurnRequest request;
    request.id = nextRequestId_++;
    const QString system = systemPrompt();
    if (!system.trimmed().isEmpty()) request.messages.append({QStringLiteral("system"), system});
    const QList<MessageRow> path = store_.path(userMessageId);
    // dropOldestTurns() skips whole user/assistant pairs at the start, never the message being answered.
    const int skip = std::clamp(firstMessageToSend_, 0, std::max(0, int(path.size()) - 1));
    for (int i = skip; i < path.size(); ++i) request.messages.append({path[i].role, path[i].text});

    if (settings_) {
        request.sampler = settings_->sampler();
    } else {
        const SamplerSettings d;
        request.sampler.temperature = store_.setting(QStringLiteral("temperature"), d.temperature).toDouble();
        request.sampler.topK = store_.setting(QStringLiteral("topK"), d.topK).toInt();
        request.sampler.topP = store_.setting(QStringLiteral("topP"), d.topP).toDouble();
        request.sampler.minP = store_.setting(QStringLiteral("minP"), d.minP).toDouble();
        request.sampler.repeatPenalty = store_.setting(QStringLiteral("repeatPenalty"), d.repeatPenalty).toDouble();
        request.sampler.seed = store_.setting(QStringLiteral("seed"), d.seed).toULongLong();
        request.sampler.maxTokens = store_.setting(QStringLiteral("maxTokens"), d.maxTokens).toInt();
    }

    activeSampler_ = request.sampler;
    streamingMessageId_ = answerId;
    generatingConversationId_ = currentId_;
    activeRequestId_ = request.id;
    pending_.clear();
    streamedText_.clear();
    sparkline_.clear();
    live_ = GenerationProgress{};
    live_.nCtx = modelInfo_ ? modelInfo_->nCtx : 0;
    contextFull_ = false;
    stopRequested_ = false;
    generating_ = true;
    persistClock_.start();
    flushTimer_.start();
    touchConversation(currentId_);

    // With documents attached the request waits for the question's snippets (found on the index thread).
    awaitingContext_ = request;
    const quint64 id = request.id;
    const bool waits =
        documents_ && documents_->requestContext(
                          currentId_, request.messages.last().text, this,
                          [this, id](const docs::RetrievedContext& context, int, const QString& error) {
                              if (!awaitingContext_ || awaitingContext_->id != id) return;  // stopped meanwhile
                              TurnRequest ready = std::move(*awaitingContext_);
                              awaitingContext_.reset();
                              if (!error.isEmpty())
                                  setError(tr("Your documents could not be searched: %1").arg(error));
                              if (!context.used.isEmpty()) {
                                  ChatTurn& question = ready.messages.last();
                                  question.text = DocumentsController::promptWithContext(context, question.text);
                                  const QString sources = DocumentsController::sourcesJson(context);
                                  if (streamingMessageId_ != 0) {
                                      store_.setMessageSources(streamingMessageId_, sources);
                                      const QList<MessageListModel::Row>& rows = messages_.rows();
                                      for (int i = int(rows.size()) - 1; i >= 0; --i) {
                                          if (rows[i].message.id == streamingMessageId_) {
                                              messages_.setSources(i, sources);
                                              break;
                                          }
                                      }
                                  }
                              }
                              emit generatingChanged();  // searchingDocuments
                              sendRequest(std::move(ready));
                          });
    if (!waits) awaitingContext_.reset();
    emit generatingChanged();
    emit statsChanged();
    emit contextChanged();
    if (!waits) sendRequest(std::move(request));
}

void ChatController::sendRequest(TurnRequest request) {
    lastTurnRequest_ = request;
    emit requestTurn(request);
}

void ChatController::onProgress(const GenerationProgress& p) {
    if (p.id != activeRequestId_) return;  // a late signal of an earlier turn
    if (stopRequested_) worker_->requestStop();
    pending_ += p.text;
    // Only the figures are kept here; the GUI hears about them at the next flush, not per token.
    live_ = p;
    live_.text.clear();
    statsDirty_ = true;
}

void ChatController::flushPending() {
    if (!pending_.isEmpty()) {
        streamedText_ += pending_;
        if (generatingConversationId_ == currentId_) {
            const QList<MessageListModel::Row>& rows = messages_.rows();
            for (int i = int(rows.size()) - 1; i >= 0; --i) {
                if (rows[i].message.id == streamingMessageId_) {
                    messages_.appendText(i, pending_);
                    break;
                }
            }
        }
        pending_.clear();
    }
    if (generating_ && streamingMessageId_ != 0 && persistClock_.elapsed() >= kPersistIntervalMs) {
        store_.updateMessage(streamingMessageId_, streamedText_, false);
        persistClock_.restart();
    }
    if (statsDirty_) {
        statsDirty_ = false;
        if (live_.generatedTokens > 0) {
            sparkline_.append(live_.generateTokensPerSecond);
            while (sparkline_.size() > kSparklinePoints) sparkline_.removeFirst();
        }
        emit statsChanged();
        emit contextChanged();
    }
}

void ChatController::onFinished(const GenerationResult& r) {
    if (r.id != activeRequestId_) return;
    flushTimer_.stop();
    onProgressFigures(r.last);
    flushPending();

    const QString stats = statsJson(r, modelPath(), activeSampler_, lastLoadOptions_);
    if (streamingMessageId_ != 0) {
        store_.updateMessage(streamingMessageId_, streamedText_, true, stats);
        const QList<MessageListModel::Row>& rows = messages_.rows();
        for (int i = int(rows.size()) - 1; i >= 0; --i) {
            if (rows[i].message.id == streamingMessageId_) {
                messages_.setComplete(i, true, stats);
                break;
            }
        }
        touchConversation(generatingConversationId_);
    }
    activeRequestId_ = 0;
    streamingMessageId_ = 0;
    pending_.clear();
    streamedText_.clear();
    generating_ = false;
    stopRequested_ = false;
    contextFull_ = r.stopReason == QLatin1String("context full");
    if (!r.error.isEmpty()) setError(r.error);
    emit generatingChanged();
    emit statsChanged();
    emit contextChanged();
}

// The final figures (a result may carry fewer fields than the last progress, e.g. after an early stop: keep
// whatever the progress already reported).
void ChatController::onProgressFigures(const GenerationProgress& last) {
    if (last.generatedTokens >= live_.generatedTokens) {
        live_ = last;
        live_.text.clear();
    } else {
        live_.nPast = std::max(live_.nPast, last.nPast);
    }
    if (live_.nCtx == 0 && modelInfo_) live_.nCtx = modelInfo_->nCtx;
}

void ChatController::stop() {
    if (!generating_) return;
    if (awaitingContext_) {
        // Nothing reached the engine yet: the turn ends here, as a stopped one would.
        GenerationResult stopped;
        stopped.id = awaitingContext_->id;
        stopped.stopReason = QStringLiteral("cancelled");
        awaitingContext_.reset();
        onFinished(stopped);
        return;
    }
    stopRequested_ = true;
    worker_->requestStop();
}

bool ChatController::regenerate() {
    if (!canStartTurn()) return false;
    const QList<MessageListModel::Row>& rows = messages_.rows();
    if (rows.isEmpty() || rows.last().message.role != QLatin1String("assistant") || rows.last().message.parentId == 0) {
        setError(QStringLiteral("There is no answer to regenerate"));
        return false;
    }
    const qint64 userId = rows.last().message.parentId;
    // Show the branch up to the question, then the new answer is its newest child.
    store_.setActiveLeaf(currentId_, userId);
    reloadMessages();
    startTurn(userId);
    return generating_;
}

bool ChatController::editAndResend(int row, const QString& text) {
    if (!canStartTurn()) return false;
    const QList<MessageListModel::Row>& rows = messages_.rows();
    if (row < 0 || row >= rows.size() || rows[row].message.role != QLatin1String("user")) {
        setError(QStringLiteral("Only a message of yours can be edited"));
        return false;
    }
    if (text.trimmed().isEmpty()) {
        setError(QStringLiteral("The message is empty"));
        return false;
    }
    const qint64 parent = rows[row].message.parentId;
    const qint64 userId = store_.addMessage(currentId_, parent, QStringLiteral("user"), text);
    if (userId <= 0) {
        setError(QStringLiteral("Could not save the message: %1").arg(store_.lastError()));
        return false;
    }
    reloadMessages();
    startTurn(userId);
    return generating_;
}

void ChatController::switchBranch(int row, int delta) {
    if (generating_) return;  // the streaming answer must stay on screen
    const QList<MessageListModel::Row>& rows = messages_.rows();
    if (row < 0 || row >= rows.size() || delta == 0) return;
    const MessageRow& m = rows[row].message;
    const QList<MessageRow> siblings = store_.children(currentId_, m.parentId);
    int at = -1;
    for (int i = 0; i < siblings.size(); ++i)
        if (siblings[i].id == m.id) at = i;
    const int to = at + delta;
    if (at < 0 || to < 0 || to >= siblings.size()) return;
    // Follow the newest child down to a leaf: the continuation the user saw last on that branch.
    qint64 leaf = siblings[to].id;
    for (;;) {
        const QList<MessageRow> kids = store_.children(currentId_, leaf);
        if (kids.isEmpty()) break;
        leaf = kids.last().id;
    }
    store_.setActiveLeaf(currentId_, leaf);
    contextFull_ = false;
    reloadMessages();
    emit contextChanged();
}

void ChatController::dropOldestTurns() {
    // The offset is the controller's (not stored): the next request starts one more user/assistant pair later.
    // The messages stay in the conversation and on screen; only what is sent to the model shrinks.
    firstMessageToSend_ += 2;
    const int onScreen = int(messages_.rows().size());
    if (firstMessageToSend_ > onScreen) firstMessageToSend_ = onScreen - onScreen % 2;
    contextFull_ = false;
    emit contextChanged();
}

// --- Figures --------------------------------------------------------------------------------------------------

double ChatController::effectiveGBps() const {
    if (!modelInfo_) return 0;
    return double(modelInfo_->bytesPerToken) * live_.generateTokensPerSecond / 1e9;
}

void ChatController::setMemoryGBps(double gbps) {
    if (gbps == memoryGBps_) return;
    memoryGBps_ = gbps;
    emit statsChanged();
}

double ChatController::bandwidthFraction() const {
    return memoryGBps_ > 0 ? effectiveGBps() / memoryGBps_ : 0;
}

int ChatController::contextLength() const {
    if (live_.nCtx > 0) return live_.nCtx;
    return modelInfo_ ? modelInfo_->nCtx : 0;
}

double ChatController::kvBytesAllocated() const { return modelInfo_ ? double(modelInfo_->kvBytesAllocated) : 0; }

bool ChatController::contextWarning() const {
    const int n = contextLength();
    return n > 0 && contextUsed() * 10 >= n * 9;
}

// --- Export and clipboard -------------------------------------------------------------------------------------

namespace {

bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString roleTitle(const QString& role) {
    if (role == QLatin1String("user")) return QStringLiteral("User");
    if (role == QLatin1String("assistant")) return QStringLiteral("Assistant");
    if (role == QLatin1String("system")) return QStringLiteral("System");
    return role;
}

}  // namespace

// A save dialog gives an absolute path with a name; anything else (a name left empty gives just ".md") would write
// into whatever folder the app runs in.
bool ChatController::checkExportPath(const QString& path) {
    const QFileInfo info(path);
    if (path.isEmpty() || info.isRelative() || info.completeBaseName().isEmpty()) {
        setError(tr("Choose a file name to export the chat to (got \"%1\").").arg(path));
        return false;
    }
    return true;
}

bool ChatController::exportMarkdown(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    if (!checkExportPath(path)) return false;
    const auto conv = currentId_ ? store_.conversation(currentId_) : std::nullopt;
    QString out = QStringLiteral("# %1\n\n").arg(conv ? conv->title : kDefaultTitle);
    if (conv && !conv->systemPrompt.trimmed().isEmpty())
        out += QStringLiteral("## System\n\n%1\n\n").arg(conv->systemPrompt);
    for (const MessageListModel::Row& r : messages_.rows()) {
        out += QStringLiteral("## %1\n\n%2\n\n").arg(roleTitle(r.message.role), r.message.text);
        // The documents the answer was given, numbered as it cites them.
        const QJsonArray sources = QJsonDocument::fromJson(r.message.sources.toUtf8()).array();
        for (qsizetype i = 0; i < sources.size(); ++i) {
            const QJsonObject source = sources[i].toObject();
            out += QStringLiteral("%1[%2] %3 (%4)\n")
                       .arg(i == 0 ? QStringLiteral("Sources:\n\n") : QString())
                       .arg(i + 1)
                       .arg(source.value("label").toString(), source.value("path").toString());
        }
        if (!sources.isEmpty()) out += QLatin1Char('\n');
    }
    QString error;
    if (!writeFile(path, out.toUtf8(), &error)) {
        setError(error);
        return false;
    }
    return true;
}

bool ChatController::exportJson(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    if (!checkExportPath(path)) return false;
    const auto conv = currentId_ ? store_.conversation(currentId_) : std::nullopt;
    QJsonArray messages;
    for (const MessageListModel::Row& r : messages_.rows()) {
        QJsonObject m{{"role", r.message.role}, {"text", r.message.text}, {"complete", r.message.complete}};
        if (!r.message.stats.isEmpty())
            m.insert("stats", QJsonDocument::fromJson(r.message.stats.toUtf8()).object());
        if (!r.message.sources.isEmpty())
            m.insert("sources", QJsonDocument::fromJson(r.message.sources.toUtf8()).array());
        messages.append(m);
    }
    QJsonObject root{{"title", conv ? conv->title : kDefaultTitle},
                     {"model", conv && !conv->modelPath.isEmpty() ? conv->modelPath : modelPath()},
                     {"systemPrompt", conv ? conv->systemPrompt : QString()},
                     {"messages", messages}};
    QString error;
    if (!writeFile(path, QJsonDocument(root).toJson(QJsonDocument::Indented), &error)) {
        setError(error);
        return false;
    }
    return true;
}

void ChatController::copyToClipboard(const QString& text) {
    // A QCoreApplication (tests, tools) has no clipboard.
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance())) QGuiApplication::clipboard()->setText(text);
}

void ChatController::dropUrls(const QList<QUrl>& urls) {
    QString model;
    QStringList documents;
    for (const QUrl& url : urls) {
        if (!url.isLocalFile() && !url.scheme().isEmpty()) {
            setError(tr("Only files on this computer can be added: %1").arg(url.toString()));
            continue;
        }
        const QString path = url.isLocalFile() ? url.toLocalFile() : url.toString();
        if (path.isEmpty()) continue;
        if (path.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) {
            if (model.isEmpty()) model = path;  // one model at a time: the first
        } else {
            documents << path;
        }
    }
    if (!model.isEmpty()) loadModel(model);
    if (documents.isEmpty()) return;
    if (!documents_) {
        setError(tr("Documents cannot be added in this window"));
        return;
    }
    if (currentId_ == 0 && newConversation() == 0) return;
    const auto conversation = store_.conversation(currentId_);
    documents_->addToConversation(currentId_, conversation ? conversation->title : QString(), documents);
}

void ChatController::setError(const QString& message) {
    lastError_ = message;
    emit lastErrorChanged();
}

// --- Fit check -------------------------------------------------------------------------------------------------

void ChatController::connectFitCheck() {
    connect(worker_, &EngineWorker::modelTooLarge, this,
            [this](const QString& path, qint64, qint64, const QString& message) {
                // The worker unloaded the previous model before checking, as for any load.
                loading_ = false;
                modelInfo_.reset();
                fitOptions_ = lastLoadOptions_;
                fitOptions_.path = path;
                emit modelChanged();
                setFitWarning(message);
            }, Qt::QueuedConnection);
    // Any new load (this one's retry included) or a loaded model makes an old refusal moot.
    connect(this, &ChatController::requestLoad, this, [this] { setFitWarning(QString()); });
    connect(worker_, &EngineWorker::modelLoaded, this, [this] { setFitWarning(QString()); }, Qt::QueuedConnection);
}

void ChatController::setFitWarning(const QString& message) {
    if (message == fitWarning_) return;
    fitWarning_ = message;
    emit fitWarningChanged();
}

void ChatController::loadAnyway() {
    if (fitWarning_.isEmpty() || fitOptions_.path.isEmpty()) return;
    if (generating_) {
        setError(tr("Wait for the answer to finish (or stop it) before loading another model"));
        return;
    }
    LoadOptions options = fitOptions_;
    options.allowOverMemory = true;
    loading_ = true;
    loadProgress_ = 0;
    emit modelChanged();
    emit loadProgressChanged();
    emit requestLoad(options);
}

void ChatController::dismissFit() {
    fitOptions_ = LoadOptions{};
    setFitWarning(QString());
}

}  // namespace hearth::app
