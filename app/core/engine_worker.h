// The engine behind the GUI: one EngineWorker object lives on its own QThread; the GUI talks to it only through
// queued signals/slots with the value types of engine_types.h (no BlockingQueuedConnection, no shared state
// except the stop flag). A fake implementation (FakeEngineWorker) lets UI and controller tests run without a model.
#pragma once

#include <QObject>
#include <atomic>

#include "app/core/engine_types.h"

namespace hearth::app {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~EngineWorker() override = default;

    // Thread-safe, callable directly from the GUI thread: the running generation (prompt evaluation included,
    // checked between prompt batches and between tokens) ends soon with stop reason "cancelled".
    void requestStop() { stop_.store(true, std::memory_order_relaxed); }

    // The text of modelTooLarge: "stories needs 7.9 GB (weights 7.2 GB, KV cache 0.5 GB, buffers 0.2 GB) but
    // 5.1 GB is available" (translated; sizes in the user's locale).
    static QString tooLargeMessage(const QString& modelName, qint64 weightBytes, qint64 kvBytes, qint64 bufferBytes,
                                   qint64 availableBytes);

public slots:
    // Loads a model (unloading the previous one first). Emits loadProgress, then modelLoaded or modelLoadFailed,
    // or modelTooLarge (nothing loaded) when its memory estimate exceeds the available RAM and
    // options.allowOverMemory is false.
    virtual void loadModel(const hearth::app::LoadOptions& options) = 0;
    virtual void unloadModel() = 0;
    // Generates the answer to request.messages. Emits generationProgress for each piece of text, then exactly
    // one generationFinished (also on errors and stops). Clears the stop flag when it starts.
    virtual void submitTurn(const hearth::app::TurnRequest& request) = 0;

signals:
    void loadProgress(double fraction);
    void modelLoaded(const hearth::app::ModelInfo& info);
    void modelLoadFailed(const QString& path, const QString& error);
    // The model was not loaded because it needs more RAM than is available; message names the numbers.
    void modelTooLarge(const QString& path, qint64 neededBytes, qint64 availableBytes, const QString& message);
    void modelUnloaded();
    void generationProgress(const hearth::app::GenerationProgress& progress);
    void generationFinished(const hearth::app::GenerationResult& result);

protected:
    // Returns and clears the stop flag's state at the start of a request.
    void clearStop() { stop_.store(false, std::memory_order_relaxed); }
    bool stopRequested() const { return stop_.load(std::memory_order_relaxed); }
    const std::atomic<bool>& stopFlag() const { return stop_; }

private:
    std::atomic<bool> stop_{false};
};

// The real engine (engine/session.h) on the worker thread.
class LocalEngineWorker : public EngineWorker {
    Q_OBJECT
public:
    explicit LocalEngineWorker(QObject* parent = nullptr);
    ~LocalEngineWorker() override;

public slots:
    void loadModel(const hearth::app::LoadOptions& options) override;
    void unloadModel() override;
    void submitTurn(const hearth::app::TurnRequest& request) override;

public:
    // Tests: the RAM the fit check sees as available (bytes; < 0: the machine's, engine::systemMemory()). Set it
    // before requesting a load.
    void setAvailableMemoryOverride(qint64 bytes) { availableOverride_.store(bytes, std::memory_order_relaxed); }

private:
    std::atomic<qint64> availableOverride_{-1};
    struct State;
    State* state_ = nullptr;  // model, vocab, session (owned)
};

// A scripted engine for tests: "loads" any path that ends in .gguf and exists (else fails with a message),
// answers each turn with a reply text (default: "Echo: " + the last user message), one word per token every
// tokenIntervalMs, counting prompt tokens as words, with the same signals and stop behaviour as the real one.
class FakeEngineWorker : public EngineWorker {
    Q_OBJECT
public:
    explicit FakeEngineWorker(QObject* parent = nullptr);

    void setReply(const QString& reply) { reply_ = reply; }  // empty: echo
    void setTokenIntervalMs(int ms) { tokenIntervalMs_ = ms; }
    void setContextLength(int nCtx) { nCtx_ = nCtx; }
    void setKvBytesPerToken(qint64 bytes) { kvBytesPerToken_ = bytes; }  // reported in ModelInfo (default 0)
    int requestsSeen() const { return requests_; }
    // What the controller asked for last (read while the worker is idle, like the setters above).
    LoadOptions lastLoadOptions() const { return lastLoad_; }
    TurnRequest lastRequest() const { return lastRequest_; }
    // The fit check: a model needs neededBytes (<= 0: its file size) and availableBytes are free (< 0: no
    // limit); when it does not fit and the load has no allowOverMemory, modelTooLarge instead of modelLoaded.
    void setAvailableBytes(qint64 bytes) { availableBytes_ = bytes; }
    void setNeededBytes(qint64 bytes) { neededBytes_ = bytes; }

public slots:
    void loadModel(const hearth::app::LoadOptions& options) override;
    void unloadModel() override;
    void submitTurn(const hearth::app::TurnRequest& request) override;

private:
    QString reply_;
    int tokenIntervalMs_ = 5;
    int nCtx_ = 2048;
    qint64 kvBytesPerToken_ = 0;
    int nPast_ = 0;
    int requests_ = 0;
    LoadOptions lastLoad_;
    TurnRequest lastRequest_;
    bool loaded_ = false;
    qint64 availableBytes_ = -1;
    qint64 neededBytes_ = 0;
};

}  // namespace hearth::app
