// MachineController: the measured bandwidth comes from the cache file hearth-cli shares when it has a figure (no
// measurement), and is otherwise measured in the background while the event loop keeps running, then stored where
// hearth-cli finds it. Each test points HEARTH_CACHE_DIR at its own temporary directory.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "app/core/machine_controller.h"
#include "engine/membw_cache.h"

using namespace hearth::app;
namespace membw_cache = hearth::engine::membw_cache;

namespace {

constexpr int kWaitMs = 60000;  // the machine is shared: only "did it happen" and the stall bound are asserted

// A cache directory of the test's own for as long as it lives.
struct CacheDir {
    CacheDir() { qputenv("HEARTH_CACHE_DIR", dir.path().toUtf8()); }
    ~CacheDir() { qunsetenv("HEARTH_CACHE_DIR"); }
    QTemporaryDir dir;
};

void storeFigure(int threads, double gbps, const char* measuredAt = "2026-01-02T03:04:05Z") {
    membw_cache::Entry e;
    e.threads = threads;
    e.gbps = gbps;
    e.measuredAt = measuredAt;
    e.cpuModel = membw_cache::cpuModel();
    QVERIFY(membw_cache::store(e).ok());
}

// The longest gap between ticks of a 10 ms timer on this (the GUI) thread while it runs.
class StallMeter : public QObject {
public:
    StallMeter() {
        timer_.setInterval(10);
        connect(&timer_, &QTimer::timeout, this, [this] {
            maxGapMs_ = std::max(maxGapMs_, clock_.restart());
        });
        clock_.start();
        timer_.start();
    }
    qint64 maxGapMs() const { return maxGapMs_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 maxGapMs_ = 0;
};

}  // namespace

class MachineControllerTest : public QObject {
    Q_OBJECT

private slots:
    void cachedFigureIsUsedWithoutMeasuring() {
        CacheDir cache;
        storeFigure(3, 12.345);
        MachineController machine(3);
        QSignalSpy measuring(&machine, &MachineController::measuringChanged);
        QCOMPARE(machine.memoryGBps(), 0.0);  // nothing before start()
        machine.start();
        QTRY_COMPARE_WITH_TIMEOUT(machine.memoryGBps(), 12.345, kWaitMs);
        QVERIFY(!machine.measuredAt().isEmpty());
        QTest::qWait(300);  // a measurement would have started by now
        QCOMPARE(machine.measurementsRun(), 0);
        QCOMPARE(measuring.count(), 0);
        QCOMPARE(machine.memoryGBps(), 12.345);
    }

    void uncachedFigureIsMeasuredInTheBackgroundAndStored() {
        CacheDir cache;
        MachineController machine(1);  // one thread: the GUI thread keeps a core on a 2-core machine
        QSignalSpy measuring(&machine, &MachineController::measuringChanged);
        StallMeter stalls;
        QElapsedTimer clock;
        clock.start();
        machine.start();
        QVERIFY2(clock.elapsed() < 200, "start() must return at once (the cache is read in the background too)");
        QTRY_VERIFY_WITH_TIMEOUT(machine.memoryGBps() > 0 && !machine.measuring(), kWaitMs);
        const qint64 tookMs = clock.elapsed();
        QCOMPARE(measuring.count(), 2);  // on, then off
        QCOMPARE(machine.measurementsRun(), 1);
        qInfo("measured %.1f GB/s in %lld ms; longest GUI event-loop stall %lld ms", machine.memoryGBps(),
              static_cast<long long>(tookMs), static_cast<long long>(stalls.maxGapMs()));
        QVERIFY2(stalls.maxGapMs() < 200, qPrintable(QStringLiteral("the GUI thread stalled %1 ms while measuring")
                                                         .arg(stalls.maxGapMs())));
        QVERIFY(!machine.measuredAt().isEmpty());

        // Stored where hearth-cli's loader finds it, the very same figure.
        const auto cached = membw_cache::load(1);
        QVERIFY(cached.has_value());
        QCOMPARE(cached->gbps, machine.memoryGBps());

        // And hearth-cli itself predicts with it (bench says the figure is cached and uses it).
        const QString cli = QStringLiteral(HEARTH_CLI);
        const QString stories = QStringLiteral(HEARTH_SHARED_DIR "/models/stories260K.gguf");
        if (!QFile::exists(cli) || !QFile::exists(stories)) return;
        QProcess bench;
        bench.start(cli, {"bench", "-m", stories, "-t", "1", "-p", "4", "-n", "2", "-r", "1", "--json"});
        QVERIFY(bench.waitForFinished(kWaitMs));
        QCOMPARE(bench.exitCode(), 0);
        const QJsonObject doc = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
        QCOMPARE(doc.value("mem_cached").toBool(), true);
        QCOMPARE(doc.value("mem_gbps").toDouble(), machine.memoryGBps());
    }

    void measurementWaitsForTheGenerationToEnd() {
        CacheDir cache;
        MachineController machine(1);
        machine.setMeasureSize(quint64{64} << 20, 3);
        machine.setGenerating(true);
        machine.start();
        QTest::qWait(500);  // the cache read is done; a measurement would be running or finished
        QCOMPARE(machine.measurementsRun(), 0);
        QVERIFY(!machine.measuring());
        QCOMPARE(machine.memoryGBps(), 0.0);
        QVERIFY(!membw_cache::load(1).has_value());

        machine.setGenerating(false);
        QTRY_VERIFY_WITH_TIMEOUT(machine.memoryGBps() > 0 && !machine.measuring(), kWaitMs);
        QCOMPARE(machine.measurementsRun(), 1);
        QCOMPARE(membw_cache::load(1)->gbps, machine.memoryGBps());
    }

    void remeasureReplacesTheCachedFigure() {
        CacheDir cache;
        storeFigure(1, 1.5);
        MachineController machine(1);
        machine.setMeasureSize(quint64{64} << 20, 3);
        machine.start();
        QTRY_COMPARE_WITH_TIMEOUT(machine.memoryGBps(), 1.5, kWaitMs);
        QCOMPARE(machine.measurementsRun(), 0);

        machine.remeasure();
        QTRY_VERIFY_WITH_TIMEOUT(machine.measurementsRun() == 1 && !machine.measuring(), kWaitMs);
        QVERIFY(machine.memoryGBps() > 0);
        QVERIFY(machine.memoryGBps() != 1.5);  // a real measurement, not the old figure
        QCOMPARE(membw_cache::load(1)->gbps, machine.memoryGBps());
        QVERIFY(machine.measuredAt() != QString());
    }

    void otherThreadCountHasItsOwnFigure() {
        CacheDir cache;
        storeFigure(1, 7.25);
        storeFigure(2, 13.5);
        MachineController machine(1);
        machine.start();
        QTRY_COMPARE_WITH_TIMEOUT(machine.memoryGBps(), 7.25, kWaitMs);
        QSignalSpy threads(&machine, &MachineController::threadsChanged);
        machine.setThreads(2);
        QCOMPARE(threads.count(), 1);
        QCOMPARE(machine.threads(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(machine.memoryGBps(), 13.5, kWaitMs);
        QCOMPARE(machine.measurementsRun(), 0);
    }

    void threadCountChangedWhileReadingShowsTheNewCountsFigure() {
        CacheDir cache;
        storeFigure(1, 7.25);
        storeFigure(2, 13.5);
        MachineController machine(1);
        // Every figure shown must be the one of the thread count current at that moment.
        QStringList wrong;
        connect(&machine, &MachineController::bandwidthChanged, this, [&] {
            const double want = machine.threads() == 1 ? 7.25 : 13.5;
            if (machine.memoryGBps() != 0 && machine.memoryGBps() != want)
                wrong << QStringLiteral("%1 GB/s for %2 threads").arg(machine.memoryGBps()).arg(machine.threads());
        });
        machine.start();      // the read for 1 thread is in flight...
        machine.setThreads(2);  // ...when the engine's count changes: its answer must not be shown
        QTRY_COMPARE_WITH_TIMEOUT(machine.memoryGBps(), 13.5, kWaitMs);
        QTest::qWait(200);
        QCOMPARE(machine.memoryGBps(), 13.5);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QStringLiteral(", "))));
        QCOMPARE(machine.measurementsRun(), 0);
    }
};

QTEST_GUILESS_MAIN(MachineControllerTest)
#include "machine_controller_test.moc"
