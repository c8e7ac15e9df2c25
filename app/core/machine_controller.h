// The machine's measured memory read bandwidth for QML (a singleton): the ceiling the speed panel sets the
// answer's effective bandwidth against. Read from the cache file hearth-cli shares (engine/membw_cache.h); when it
// has no figure for this CPU and thread count, measured once in the background (a second or two of saturating the
// memory bus, never on the GUI thread and never while an answer is being generated) and stored there.
#pragma once

#include <QObject>
#include <QCoroFwd>
#include <QString>
#include <QtQml/qqmlregistration.h>
#include <optional>
#include <thread>

class QQmlEngine;
class QJSEngine;


namespace hearth::app {

class MachineController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(double memoryGBps READ memoryGBps NOTIFY bandwidthChanged)  // 0: not known yet
    Q_PROPERTY(QString measuredAt READ measuredAt NOTIFY bandwidthChanged)  // local date and time, "" when unknown
    Q_PROPERTY(bool measuring READ measuring NOTIFY measuringChanged)
    Q_PROPERTY(int threads READ threads NOTIFY threadsChanged)             // the thread count measured for
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)   // a failed measurement, readable

public:
    // threads: as many as the engine will use (<= 0: the physical cores). Nothing happens before start().
    explicit MachineController(int threads = 0, QObject* parent = nullptr);
    ~MachineController() override;  // waits for a running measurement (at most a few seconds)

    // QML_SINGLETON: the instance app_setup made (setInstance), handed to the QML engine (which must not delete it).
    static void setInstance(MachineController* machine);
    static MachineController* create(QQmlEngine* qml, QJSEngine* js);
    static MachineController* instance();

    double memoryGBps() const { return gbps_; }
    QString measuredAt() const { return measuredAt_; }
    bool measuring() const { return measuring_; }
    int threads() const { return threads_; }
    QString lastError() const { return lastError_; }

    // First start: the cached figure for this CPU and thread count, else a measurement in the background.
    void start();
    // The engine's thread count changed: the figure for the new count (cached or measured).
    void setThreads(int threads);
    // A generation is running (ChatController::generating): a measurement requested meanwhile waits until it ends,
    // since both would compete for the memory bus and the figure would be too low.
    void setGenerating(bool generating);
    // Measures again, ignoring the cache, and stores the new figure.
    Q_INVOKABLE void remeasure();

    // Tests: the measurement's size (defaults: 512 MiB, 21 passes, about a second on a desktop), and how many
    // measurements ran.
    void setMeasureSize(quint64 bufferBytes, int passes);
    int measurementsRun() const { return measurementsRun_; }

signals:
    void bandwidthChanged();
    void measuringChanged();
    void threadsChanged();
    void lastErrorChanged();

private:
    enum class Source { CacheThenMeasure, Measure };
    void request(Source source);
    QCoro::Task<void> run(Source source);
    void setMeasuring(bool measuring);
    void setFigure(double gbps, const QString& measuredAtUtc);

    int threads_ = 1;
    double gbps_ = 0;
    QString measuredAt_;
    QString lastError_;
    bool started_ = false;
    bool measuring_ = false;
    bool busy_ = false;            // a run (cache read or measurement) is in flight
    bool generating_ = false;
    bool deferred_ = false;        // a measurement waits for the generation to end
    std::optional<Source> queued_; // requested while busy_: runs after the current one
    quint64 bufferBytes_ = quint64{512} << 20;
    int passes_ = 21;
    int measurementsRun_ = 0;
    std::thread thread_;           // the current background job (joined before the next and on destruction)
};

}  // namespace hearth::app
