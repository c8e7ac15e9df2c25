// EngineWorker implementations driven the way the app drives them: the worker on its own QThread, requests sent as
// queued calls, signals received through queued connections on the test's (GUI) thread.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <QLocale>

#include <memory>

#include "app/core/engine_worker.h"
#include "engine/gguf_reader.h"
#include "engine/kv_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model_config.h"
#include "kernels/gemm.h"

using namespace hearth::app;

namespace {

const QString kStories = QStringLiteral(HEARTH_SHARED_DIR "/models/stories260K.gguf");
constexpr int kWaitMs = 60000;  // generous: the machine is shared; only "did it arrive" is asserted

// Lives on the test thread; re-emits the worker's signals there (queued), so spies and checks never race the
// worker thread.
class Relay : public QObject {
    Q_OBJECT
signals:
    void loadProgress(double fraction);
    void modelLoaded(const hearth::app::ModelInfo& info);
    void modelLoadFailed(const QString& path, const QString& error);
    void modelUnloaded();
    void generationProgress(const hearth::app::GenerationProgress& progress);
    void generationFinished(const hearth::app::GenerationResult& result);
    void modelTooLarge(const QString& path, qint64 neededBytes, qint64 availableBytes, const QString& message);
};

struct Harness {
    explicit Harness(EngineWorker* w) : worker(w) {
        registerEngineTypes();
        worker->moveToThread(&thread);
        QObject::connect(worker, &EngineWorker::loadProgress, &relay, &Relay::loadProgress, Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::modelLoaded, &relay, &Relay::modelLoaded, Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::modelLoadFailed, &relay, &Relay::modelLoadFailed,
                         Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::modelUnloaded, &relay, &Relay::modelUnloaded, Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::generationProgress, &relay, &Relay::generationProgress,
                         Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::generationFinished, &relay, &Relay::generationFinished,
                         Qt::QueuedConnection);
        QObject::connect(worker, &EngineWorker::modelTooLarge, &relay, &Relay::modelTooLarge, Qt::QueuedConnection);
        thread.start();
    }
    ~Harness() {
        thread.quit();
        thread.wait();
        delete worker;
    }

    void load(const LoadOptions& options) {
        QMetaObject::invokeMethod(worker, [w = worker, options] { w->loadModel(options); }, Qt::QueuedConnection);
    }
    void submit(const TurnRequest& request) {
        QMetaObject::invokeMethod(worker, [w = worker, request] { w->submitTurn(request); }, Qt::QueuedConnection);
    }

    QThread thread;
    EngineWorker* worker;
    Relay relay;
    QSignalSpy progress{&relay, &Relay::loadProgress};
    QSignalSpy loaded{&relay, &Relay::modelLoaded};
    QSignalSpy failed{&relay, &Relay::modelLoadFailed};
    QSignalSpy pieces{&relay, &Relay::generationProgress};
    QSignalSpy finished{&relay, &Relay::generationFinished};
    QSignalSpy tooLarge{&relay, &Relay::modelTooLarge};
};

QString streamedText(const QSignalSpy& spy) {
    QString text;
    for (const QList<QVariant>& args : spy) text += args.at(0).value<GenerationProgress>().text;
    return text;
}

GenerationResult lastResult(const QSignalSpy& spy) {
    return spy.last().at(0).value<GenerationResult>();
}

TurnRequest turn(quint64 id, QList<ChatTurn> messages) {
    TurnRequest request;
    request.id = id;
    request.messages = std::move(messages);
    return request;
}

// Stops the worker from its own thread as soon as it has streamed `after` pieces: deterministic, whatever the
// speed of the machine.
void stopAfterPieces(EngineWorker* worker, int after) {
    auto count = std::make_shared<int>(0);
    QObject::connect(worker, &EngineWorker::generationProgress, worker,
                     [worker, count, after](const GenerationProgress&) {
                         if (++*count == after) worker->requestStop();
                     },
                     Qt::DirectConnection);
}

}  // namespace

class EngineWorkerTest : public QObject {
    Q_OBJECT
private slots:
    void fakeLoads();
    void fakeLoadOfMissingFileFails();
    void fakeTurnStreamsWords();
    void fakeStopEndsCancelled();
    void fakeContextFull();
    void realLoadReportsModel();
    void realTurnStreamsAndReusesCache();
    void realStopEndsCancelled();
    void realCorruptFileFailsAndWorkerRecovers();
    void realEmbeddingModelIsRefused();
    void fakeTooLargeIsRefusedUnlessAllowed();
    void realTooLargeIsRefusedWithNumbersUnlessAllowed();
    void realLoadProgressRisesThroughTheRepacking();
};

void EngineWorkerTest::fakeLoads() {
    QTemporaryDir dir;
    const QString path = dir.filePath("tiny.gguf");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
    f.close();

    Harness h(new FakeEngineWorker);
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);
    QCOMPARE(h.failed.count(), 0);
    const ModelInfo info = h.loaded.at(0).at(0).value<ModelInfo>();
    QCOMPARE(info.path, path);
    QCOMPARE(info.name, QStringLiteral("tiny"));
    QVERIFY(info.nCtx > 0);
    QVERIFY(h.progress.count() >= 2);
    QCOMPARE(h.progress.last().at(0).toDouble(), 1.0);
}

void EngineWorkerTest::fakeLoadOfMissingFileFails() {
    Harness h(new FakeEngineWorker);
    const QString path = QStringLiteral("/nonexistent/dir/model.gguf");
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.loaded.count(), 0);
    QCOMPARE(h.failed.at(0).at(0).toString(), path);
    QVERIFY2(h.failed.at(0).at(1).toString().contains(path), qPrintable(h.failed.at(0).at(1).toString()));
}

void EngineWorkerTest::fakeTurnStreamsWords() {
    QTemporaryDir dir;
    const QString path = dir.filePath("m.gguf");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();

    auto* fake = new FakeEngineWorker;
    fake->setTokenIntervalMs(1);
    Harness h(fake);
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);

    h.submit(turn(7, {{"system", "Be brief"}, {"user", "hello there world"}}));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    QCOMPARE(h.pieces.count(), 4);
    QCOMPARE(streamedText(h.pieces), QStringLiteral("Echo: hello there world"));
    const GenerationResult result = lastResult(h.finished);
    QCOMPARE(result.id, quint64(7));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.stopReason, QStringLiteral("end of generation"));
    QCOMPARE(result.last.promptTokens, 5);
    QCOMPARE(result.last.generatedTokens, 4);
    QCOMPARE(result.last.nPast, 5 + 4);
    QCOMPARE(fake->requestsSeen(), 1);
}

void EngineWorkerTest::fakeStopEndsCancelled() {
    QTemporaryDir dir;
    const QString path = dir.filePath("m.gguf");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();

    auto* fake = new FakeEngineWorker;
    fake->setTokenIntervalMs(2);
    fake->setReply(QStringLiteral("one two three four five six seven eight nine ten"));
    Harness h(fake);
    stopAfterPieces(fake, 3);
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);

    h.submit(turn(1, {{"user", "count"}}));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    QCOMPARE(lastResult(h.finished).stopReason, QStringLiteral("cancelled"));
    QCOMPARE(h.pieces.count(), 3);
    QCOMPARE(streamedText(h.pieces), QStringLiteral("one two three"));

    // The stop flag is cleared by the next request.
    h.submit(turn(2, {{"user", "again"}}));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 2, kWaitMs);
    QCOMPARE(lastResult(h.finished).stopReason, QStringLiteral("end of generation"));
}

void EngineWorkerTest::fakeContextFull() {
    QTemporaryDir dir;
    const QString path = dir.filePath("m.gguf");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();

    auto* fake = new FakeEngineWorker;
    fake->setTokenIntervalMs(0);
    fake->setContextLength(6);
    Harness h(fake);
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);
    h.submit(turn(1, {{"user", "a b c d e"}}));  // 5 prompt words: room for one more
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    const GenerationResult result = lastResult(h.finished);
    QCOMPARE(result.stopReason, QStringLiteral("context full"));
    QCOMPARE(result.last.nPast, 6);
    QCOMPARE(h.pieces.count(), 1);
}

namespace {

LoadOptions storiesOptions() {
    LoadOptions options;
    options.path = kStories;
    options.threads = 1;  // the test machine is shared
    options.nCtx = 256;
    return options;
}

TurnRequest greedyTurn(quint64 id, QList<ChatTurn> messages, int maxTokens) {
    TurnRequest request = turn(id, std::move(messages));
    request.sampler.temperature = 0;
    request.sampler.maxTokens = maxTokens;
    request.sampler.seed = 1;
    return request;
}

}  // namespace

void EngineWorkerTest::realLoadReportsModel() {
    if (!QFile::exists(kStories)) QSKIP("stories260K.gguf is not in the shared directory");
    Harness h(new LocalEngineWorker);
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QVERIFY2(h.failed.isEmpty(), qPrintable(h.failed.isEmpty() ? QString() : h.failed.at(0).at(1).toString()));
    const ModelInfo info = h.loaded.at(0).at(0).value<ModelInfo>();
    QCOMPARE(info.path, kStories);
    QVERIFY(!info.name.isEmpty());
    QCOMPARE(info.architecture, QStringLiteral("llama"));
    QCOMPARE(info.chatFormat, QStringLiteral("raw"));
    QVERIFY(info.nCtxTrain > 0);
    QCOMPARE(info.nCtx, std::min(256, info.nCtxTrain));
    QCOMPARE(info.threads, 1);
    QVERIFY(info.fileBytes > 0);
    QVERIFY(info.bytesPerToken > 0 && info.bytesPerToken <= info.fileBytes);
    QCOMPARE(info.kvBytesPerToken, qint64(640));  // 5 layers * 4 KV heads * (8 + 8) * 2 bytes (F16)
    QCOMPARE(info.kvBytesAllocated, info.kvBytesPerToken * info.nCtx);
    QVERIFY(h.progress.count() >= 2);
    QCOMPARE(h.progress.first().at(0).toDouble(), 0.0);
    QCOMPARE(h.progress.last().at(0).toDouble(), 1.0);
}

void EngineWorkerTest::realTurnStreamsAndReusesCache() {
    if (!QFile::exists(kStories)) QSKIP("stories260K.gguf is not in the shared directory");
    Harness h(new LocalEngineWorker);
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.loaded.count(), 1);

    h.submit(greedyTurn(1, {{"user", "Once upon a time"}}, 24));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    const GenerationResult first = lastResult(h.finished);
    QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
    QVERIFY(!first.stopReason.isEmpty());
    QVERIFY(first.last.generatedTokens > 0);
    QVERIFY(first.last.promptTokens > 0);
    QCOMPARE(first.last.promptEvaluated, first.last.promptTokens);  // nothing cached yet
    QVERIFY(first.last.nPast > first.last.promptTokens);
    QCOMPARE(first.last.nCtx, 256);
    QCOMPARE(first.last.kvBytesUsed, qint64(first.last.nPast) * 640);
    const QString reply = streamedText(h.pieces);
    QVERIFY(!reply.isEmpty());
    QVERIFY(h.pieces.count() > 0);
    const GenerationProgress live = h.pieces.last().at(0).value<GenerationProgress>();
    QCOMPARE(live.id, quint64(1));
    QVERIFY(live.generatedTokens > 0);
    QVERIFY(live.timeToFirstTokenMs > 0);

    // The same conversation one turn longer: its prefix is in the KV cache.
    h.pieces.clear();
    h.submit(greedyTurn(2, {{"user", "Once upon a time"}, {"assistant", reply}, {"user", "The end."}}, 8));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 2, kWaitMs);
    const GenerationResult second = lastResult(h.finished);
    QVERIFY2(second.error.isEmpty(), qPrintable(second.error));
    QVERIFY(second.last.promptTokens > first.last.promptTokens);
    QVERIFY2(second.last.promptEvaluated < second.last.promptTokens,
             qPrintable(QStringLiteral("%1 of %2 evaluated").arg(second.last.promptEvaluated)
                            .arg(second.last.promptTokens)));
    // More than BOS was reused: at least the first prompt's text.
    QVERIFY(second.last.promptTokens - second.last.promptEvaluated >= first.last.promptTokens - 1);
}

void EngineWorkerTest::realStopEndsCancelled() {
    if (!QFile::exists(kStories)) QSKIP("stories260K.gguf is not in the shared directory");
    auto* worker = new LocalEngineWorker;
    Harness h(worker);
    stopAfterPieces(worker, 2);
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.loaded.count(), 1);

    h.submit(greedyTurn(3, {{"user", "Once upon a time"}}, -1));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    const GenerationResult result = lastResult(h.finished);
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.stopReason, QStringLiteral("cancelled"));
    QCOMPARE(h.pieces.count(), 2);
    QVERIFY(result.last.nPast < 256);
}

void EngineWorkerTest::realCorruptFileFailsAndWorkerRecovers() {
    if (!QFile::exists(kStories)) QSKIP("stories260K.gguf is not in the shared directory");
    QTemporaryDir dir;
    const QString bad = dir.filePath("corrupt.gguf");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray garbage("GGUF");
    for (int i = 0; i < 4096; ++i) garbage.append(char((i * 7919) % 251));
    f.write(garbage);
    f.close();

    Harness h(new LocalEngineWorker);
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);

    LoadOptions options = storiesOptions();
    options.path = bad;
    h.load(options);
    QTRY_COMPARE_WITH_TIMEOUT(h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.failed.at(0).at(0).toString(), bad);
    const QString message = h.failed.at(0).at(1).toString();
    QVERIFY(!message.isEmpty());
    QVERIFY2(message.contains(QStringLiteral("corrupt.gguf")), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));

    // The failed load unloaded the previous model: a turn now fails cleanly...
    h.submit(greedyTurn(1, {{"user", "Hi"}}, 4));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    QVERIFY(!lastResult(h.finished).error.isEmpty());

    // ...and a good file still loads and generates.
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 2, kWaitMs);
    h.submit(greedyTurn(2, {{"user", "Once upon a time"}}, 4));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 2, kWaitMs);
    const GenerationResult result = lastResult(h.finished);
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(result.last.generatedTokens > 0);
}

// An embedding model (bert) cannot chat: the load fails with that reason instead of crashing in a turn.
void EngineWorkerTest::realEmbeddingModelIsRefused() {
    const QString bert = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/arch-bert.gguf");
    if (!QFile::exists(bert)) QSKIP("arch-bert.gguf is not in the shared directory");
    Harness h(new LocalEngineWorker);
    LoadOptions options = storiesOptions();
    options.path = bert;
    h.load(options);
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.failed.count(), 1);
    const QString message = h.failed.at(0).at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("embedding model")), qPrintable(message));
    h.submit(greedyTurn(1, {{"user", "Hi"}}, 4));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    QVERIFY(!lastResult(h.finished).error.isEmpty());
}

void EngineWorkerTest::fakeTooLargeIsRefusedUnlessAllowed() {
    QTemporaryDir dir;
    const QString path = dir.filePath("big.gguf");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(100, 'x'));
    f.close();

    auto* fake = new FakeEngineWorker;
    fake->setAvailableBytes(60);
    Harness h(fake);
    h.load(LoadOptions{path});
    QTRY_COMPARE_WITH_TIMEOUT(h.tooLarge.count(), 1, kWaitMs);
    QCOMPARE(h.tooLarge.at(0).at(0).toString(), path);
    QCOMPARE(h.tooLarge.at(0).at(1).toLongLong(), 100);  // the file's size stands in for the estimate
    QCOMPARE(h.tooLarge.at(0).at(2).toLongLong(), 60);
    QCOMPARE(h.loaded.count(), 0);

    LoadOptions anyway{path};
    anyway.allowOverMemory = true;
    h.load(anyway);
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count(), 1, kWaitMs);
    QCOMPARE(h.tooLarge.count(), 1);
}

void EngineWorkerTest::realTooLargeIsRefusedWithNumbersUnlessAllowed() {
    if (!QFile::exists(kStories)) QSKIP("stories260K.gguf is not in the shared directory");
    // What the worker must find, from the same metadata.
    auto gguf = hearth::engine::GgufFile::open(kStories.toStdString());
    QVERIFY(gguf.ok());
    auto config = hearth::engine::ModelConfig::fromGguf(**gguf);
    QVERIFY(config.ok());
    const int64_t nCtx = std::min<int64_t>(256, config->nCtxTrain);  // storiesOptions() asks for 256
    const hearth::engine::MemoryEstimate want = hearth::engine::estimateMemory(**gguf, *config, nCtx);

    constexpr qint64 kAvailable = 1 << 20;  // 1 MiB: stories260K with its buffers needs far more
    auto* worker = new LocalEngineWorker;
    worker->setAvailableMemoryOverride(kAvailable);
    Harness h(worker);
    h.load(storiesOptions());
    QTRY_COMPARE_WITH_TIMEOUT(h.tooLarge.count() + h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QCOMPARE(h.tooLarge.count(), 1);
    QCOMPARE(h.loaded.count(), 0);
    QCOMPARE(h.tooLarge.at(0).at(0).toString(), kStories);
    QCOMPARE(h.tooLarge.at(0).at(1).toLongLong(), qint64(want.totalBytes()));
    QCOMPARE(h.tooLarge.at(0).at(2).toLongLong(), kAvailable);
    // The message names every number a user needs to decide, formatted as the UI shows sizes.
    const QString message = h.tooLarge.at(0).at(3).toString();
    const QLocale locale;
    auto size = [&](uint64_t bytes) { return locale.formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat); };
    for (const QString& part : {size(want.totalBytes()), QStringLiteral("weights ") + size(want.weightBytes),
                                QStringLiteral("KV cache ") + size(want.kvBytes),
                                QStringLiteral("buffers ") + size(want.computeBytes + want.overheadBytes),
                                size(kAvailable) + QStringLiteral(" is available")}) {
        QVERIFY2(message.contains(part), qPrintable(message + QStringLiteral(" lacks ") + part));
    }
    QVERIFY2(message.startsWith(QString::fromStdString(config->name.empty() ? "stories260K" : config->name)),
             qPrintable(message));

    // Nothing is loaded: a turn fails cleanly.
    h.submit(greedyTurn(1, {{"user", "Hi"}}, 4));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 1, kWaitMs);
    QVERIFY(!lastResult(h.finished).error.isEmpty());

    // The user's override loads it all the same, and it generates.
    LoadOptions anyway = storiesOptions();
    anyway.allowOverMemory = true;
    h.load(anyway);
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QVERIFY2(h.failed.isEmpty(), qPrintable(h.failed.isEmpty() ? QString() : h.failed.at(0).at(1).toString()));
    QCOMPARE(h.tooLarge.count(), 1);
    h.submit(greedyTurn(2, {{"user", "Once upon a time"}}, 4));
    QTRY_COMPARE_WITH_TIMEOUT(h.finished.count(), 2, kWaitMs);
    QVERIFY2(lastResult(h.finished).error.isEmpty(), qPrintable(lastResult(h.finished).error));
}

// The progress bar moves while the matrices are repacked for this CPU (the slow step of a real load), never
// backwards, and ends at 1.
void EngineWorkerTest::realLoadProgressRisesThroughTheRepacking() {
    const QString path = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/qcov-Q4_K_M.gguf");
    if (!QFile::exists(path)) QSKIP("qcov-Q4_K_M.gguf is not in the shared directory");
    Harness h(new LocalEngineWorker);
    LoadOptions options;
    options.path = path;
    options.threads = 1;
    options.nCtx = 128;
    h.load(options);
    QTRY_COMPARE_WITH_TIMEOUT(h.loaded.count() + h.failed.count(), 1, kWaitMs);
    QVERIFY2(h.failed.isEmpty(), qPrintable(h.failed.isEmpty() ? QString() : h.failed.at(0).at(1).toString()));
    QList<double> seen;
    for (const QList<QVariant>& args : h.progress) seen << args.at(0).toDouble();
    for (int i = 1; i < seen.size(); ++i) QVERIFY2(seen[i] >= seen[i - 1], "the load progress went backwards");
    QCOMPARE(seen.last(), 1.0);
    if (hearth::kernels::repackedGemmFor(hearth::kernels::GgmlType::Q4_K) != nullptr) {
        const auto during = std::count_if(seen.begin(), seen.end(), [](double p) { return p > 0.3 && p < 0.8; });
        QVERIFY2(during >= 1, "no progress was reported while the weights were repacked");
    }
}

QTEST_GUILESS_MAIN(EngineWorkerTest)
#include "engine_worker_test.moc"
