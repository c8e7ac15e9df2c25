// The scripted engine: same signals, same stop behaviour, no model. Words stand in for tokens.
#include <QFileInfo>
#include <QThread>

#include "app/core/engine_worker.h"

namespace hearth::app {
namespace {

int countWords(const QString& text) {
    return int(text.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
}

}  // namespace

FakeEngineWorker::FakeEngineWorker(QObject* parent) : EngineWorker(parent) {
    registerEngineTypes();
}

void FakeEngineWorker::loadModel(const LoadOptions& options) {
    lastLoad_ = options;
    if (loaded_) unloadModel();
    emit loadProgress(0.0);
    const QFileInfo file(options.path);
    if (!options.path.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) {
        emit modelLoadFailed(options.path, QStringLiteral("%1 is not a .gguf file").arg(options.path));
        return;
    }
    if (!file.exists()) {
        emit modelLoadFailed(options.path, QStringLiteral("%1: no such file").arg(options.path));
        return;
    }
    // The fit check as the real worker does it, with scripted figures: all of the need counts as weights.
    const qint64 needed = neededBytes_ > 0 ? neededBytes_ : file.size();
    if (availableBytes_ >= 0 && needed > availableBytes_ && !options.allowOverMemory) {
        emit modelTooLarge(options.path, needed, availableBytes_,
                           tooLargeMessage(file.completeBaseName(), needed, 0, 0, availableBytes_));
        return;
    }
    loaded_ = true;
    nPast_ = 0;
    emit loadProgress(1.0);
    ModelInfo info;
    info.path = options.path;
    info.name = file.completeBaseName();
    info.architecture = QStringLiteral("fake");
    info.chatFormat = QStringLiteral("raw");
    info.fileBytes = file.size();
    info.nCtx = nCtx_;
    info.kvBytesPerToken = kvBytesPerToken_;
    info.nCtxTrain = nCtx_;
    info.threads = 1;
    emit modelLoaded(info);
}

void FakeEngineWorker::unloadModel() {
    if (!loaded_) return;
    loaded_ = false;
    nPast_ = 0;
    emit modelUnloaded();
}

void FakeEngineWorker::submitTurn(const TurnRequest& request) {
    clearStop();
    ++requests_;
    lastRequest_ = request;
    GenerationResult result;
    result.id = request.id;
    GenerationProgress& p = result.last;
    p.id = request.id;
    p.nCtx = nCtx_;
    if (!loaded_) {
        result.error = QStringLiteral("no model is loaded");
        emit generationFinished(result);
        return;
    }

    QString lastUser;
    int promptWords = 0;
    for (const ChatTurn& turn : request.messages) {
        promptWords += countWords(turn.text);
        if (turn.role == QLatin1String("user")) lastUser = turn.text;
    }
    const QString reply = reply_.isEmpty() ? QStringLiteral("Echo: ") + lastUser : reply_;
    const QStringList words = reply.split(QLatin1Char(' '), Qt::SkipEmptyParts);

    // Every turn re-reads the whole conversation here (no cache to reuse), capped like a real context.
    p.promptTokens = promptWords;
    p.promptEvaluated = promptWords;
    nPast_ = std::min(promptWords, nCtx_);
    p.nPast = nPast_;
    result.stopReason = QStringLiteral("end of generation");
    for (int i = 0; i < words.size(); ++i) {
        if (stopRequested()) {
            result.stopReason = QStringLiteral("cancelled");
            break;
        }
        if (nPast_ >= nCtx_) {
            result.stopReason = QStringLiteral("context full");
            break;
        }
        if (tokenIntervalMs_ > 0) QThread::msleep(tokenIntervalMs_);
        if (stopRequested()) {
            result.stopReason = QStringLiteral("cancelled");
            break;
        }
        ++nPast_;
        p.text = (i == 0 ? QString() : QStringLiteral(" ")) + words[i];
        p.generatedTokens = i + 1;
        p.nPast = nPast_;
        emit generationProgress(p);
    }
    p.text.clear();
    emit generationFinished(result);
}

}  // namespace hearth::app
