// Reading the cache and measuring both run on a background std::thread that fulfils a QPromise; the GUI thread
// awaits the QFuture with QCoro, so the whole sequence (cache -> maybe measure -> store -> show) reads as one
// function while the event loop keeps running.
#include "app/core/machine_controller.h"

#include <QCoroFuture>
#include <QCoroTask>
#include <QDateTime>
#include <QFuture>
#include <QJSEngine>
#include <QLocale>
#include <QPointer>
#include <QPromise>

#include <string>
#include <type_traits>
#include <utility>

#include <spdlog/spdlog.h>

#include "app/core/cpu_cores.h"
#include "app/core/logging.h"
#include "engine/membw.h"
#include "engine/membw_cache.h"

namespace hearth::app {
namespace {

QPointer<MachineController> g_instance;

// What a background measurement hands back to the GUI thread.
struct Measurement {
    double gbps = 0;
    std::string measuredAt;  // UTC ISO 8601
    std::string error;       // non-empty: the measurement failed
    std::string storeError;  // non-empty: measured, but the cache file could not be written
};

// Runs f on a new thread (joining the previous job's thread first: it has finished, since every job is awaited
// before the next starts) and returns a future of its result.
template <class F>
QFuture<std::invoke_result_t<F>> runInBackground(std::thread& thread, F f) {
    using T = std::invoke_result_t<F>;
    if (thread.joinable()) thread.join();
    QPromise<T> promise;
    QFuture<T> future = promise.future();
    thread = std::thread([promise = std::move(promise), f = std::move(f)]() mutable {
        promise.start();
        promise.addResult(f());
        promise.finish();
    });
    return future;
}

}  // namespace

MachineController::MachineController(int threads, QObject* parent)
    : QObject(parent), threads_(threads > 0 ? threads : physicalCores()) {}

MachineController::~MachineController() {
    if (thread_.joinable()) thread_.join();
}

void MachineController::setInstance(MachineController* machine) { g_instance = machine; }

MachineController* MachineController::instance() { return g_instance.data(); }

MachineController* MachineController::create(QQmlEngine*, QJSEngine* js) {
    MachineController* m = g_instance.data();
    // The QML engine must not take ownership of (and delete) the controller app_setup owns.
    if (m && js) QJSEngine::setObjectOwnership(m, QJSEngine::CppOwnership);
    return m;
}

void MachineController::start() {
    if (started_) return;
    started_ = true;
    request(Source::CacheThenMeasure);
}

void MachineController::setThreads(int threads) {
    if (threads <= 0) threads = physicalCores();
    if (threads == threads_) return;
    threads_ = threads;
    emit threadsChanged();
    // The figure was for the old count: unknown until the new one's is read or measured.
    setFigure(0, QString());
    if (started_) request(Source::CacheThenMeasure);
}

void MachineController::setGenerating(bool generating) {
    generating_ = generating;
    if (!generating_ && deferred_) {
        deferred_ = false;
        request(Source::Measure);
    }
}

void MachineController::remeasure() {
    started_ = true;
    request(Source::Measure);
}

void MachineController::setMeasureSize(quint64 bufferBytes, int passes) {
    bufferBytes_ = bufferBytes;
    passes_ = passes;
}

void MachineController::request(Source source) {
    if (busy_) {
        // One run at a time; a measurement request outranks a cache read.
        if (!queued_ || source == Source::Measure) queued_ = source;
        return;
    }
    run(source);  // fire and forget: the task runs to its first co_await now and finishes on the event loop
}

QCoro::Task<void> MachineController::run(Source source) {
    QPointer<MachineController> self(this);
    busy_ = true;
    const int threads = threads_;
    bool needMeasure = source == Source::Measure;
    if (!needMeasure) {
        // Futures are named rather than awaited as temporaries: GCC 12 has mis-compiled temporaries that live
        // across a co_await (seen as a use-after-free in download_manager.cpp).
        auto loading = runInBackground(thread_, [threads] { return engine::membw_cache::load(threads); });
        const std::optional<engine::membw_cache::Entry> cached = co_await loading;
        if (!self) co_return;  // destroyed while the file was read
        // When the thread count changed meanwhile this answer is stale: the queued run reads the new count's.
        if (threads == threads_) {
            if (cached) setFigure(cached->gbps, QString::fromStdString(cached->measuredAt));
            needMeasure = !cached;
        }
    }
    if (needMeasure && generating_) {
        deferred_ = true;  // setGenerating(false) asks again
        needMeasure = false;
    }
    if (needMeasure) {
        setMeasuring(true);
        ++measurementsRun_;
        engine::MembwParams params;
        params.nThreads = threads;
        params.bufferBytes = bufferBytes_;
        params.passes = passes_;
        auto measuring = runInBackground(thread_, [params] {
            Measurement out;
            auto r = engine::measureReadBandwidth(params);
            if (!r) {
                out.error = r.message();
                return out;
            }
            out.gbps = r->gbps;
            auto stored = engine::membw_cache::store(*r);
            if (stored) out.measuredAt = stored->measuredAt;
            else out.storeError = stored.message();
            return out;
        });
        const Measurement m = co_await measuring;
        if (!self) co_return;
        setMeasuring(false);
        if (!m.error.empty()) {
            moduleLogger("app")->error("memory bandwidth measurement failed: {}", m.error);
            lastError_ = tr("Could not measure the memory bandwidth: %1").arg(QString::fromStdString(m.error));
            emit lastErrorChanged();
        } else {
            moduleLogger("app")->info("memory read bandwidth: {:.1f} GB/s with {} thread(s)", m.gbps, threads);
            if (!m.storeError.empty()) moduleLogger("app")->warn("memory bandwidth not cached: {}", m.storeError);
            // A figure for a thread count that changed meanwhile is not shown (the queued run fetches the right one).
            if (threads == threads_) {
                setFigure(m.gbps, m.measuredAt.empty() ? QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
                                                       : QString::fromStdString(m.measuredAt));
            }
            if (!lastError_.isEmpty()) {
                lastError_.clear();
                emit lastErrorChanged();
            }
        }
    }
    busy_ = false;
    if (queued_) {
        const Source next = *queued_;
        queued_.reset();
        request(next);
    }
}

void MachineController::setMeasuring(bool measuring) {
    if (measuring == measuring_) return;
    measuring_ = measuring;
    emit measuringChanged();
}

void MachineController::setFigure(double gbps, const QString& measuredAtUtc) {
    QString shown;
    if (!measuredAtUtc.isEmpty()) {
        // Stored in UTC (the file is shared and may be read in another time zone); shown in local time.
        const QDateTime t = QDateTime::fromString(measuredAtUtc, Qt::ISODate);
        shown = t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : measuredAtUtc;
    }
    if (gbps == gbps_ && shown == measuredAt_) return;
    gbps_ = gbps;
    measuredAt_ = shown;
    emit bandwidthChanged();
}

}  // namespace hearth::app
