// Model downloads: resumable, retried, verified, never two of the same file.
//
// Each download writes to `target.part` (with a sidecar `target.part.json`, download_part.h) and is renamed to the
// target only after its SHA-256 matched (the caller's, else the server's LFS hash header) and the engine's GGUF
// reader accepted it; a file that fails either check is deleted and the reason is reported. Transfers resume with
// HTTP Range + If-Range after a dropped connection, a pause or an app restart; transient failures (dropped
// connection, timeout, 5xx) are retried with exponential backoff; 4xx answers fail at once. Redirects are followed
// (never from https to http), TLS errors are never ignored, the system proxy is used. A transfer that stalls or
// trickles is cut and resumed (stall detection below) and, if it keeps doing so, fails with a reason. One download
// per target in this manager (start()), and one per target across processes (a lock file beside the part file).
//
// Privacy: the QNetworkAccessManager is created by the first download that needs the network, not before.
// Everything runs on the GUI thread's event loop except hashing and GGUF validation (a pool thread each).
#pragma once

#include <QCoroFwd>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <map>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace hearth::app {

class DownloadManager : public QObject {
    Q_OBJECT
public:
    // Queued -> Downloading -> Verifying -> Done; Failed, Paused and Cancelled on the way. Shown by QML (Q_ENUM).
    enum class State { Queued, Downloading, Verifying, Done, Failed, Paused, Cancelled };
    Q_ENUM(State)

    struct Info {
        int id = 0;                  // 0: no such download
        QUrl url;
        QString targetPath;          // absolute
        State state = State::Queued;
        qint64 bytes = 0;            // received so far (in the .part file)
        qint64 total = 0;            // whole file; 0 while unknown
        double bytesPerSecond = 0;   // smoothed over about a second
        qint64 etaSeconds = -1;      // -1: unknown
        qint64 verifiedBytes = 0;    // hashed so far while Verifying
        QString sha256;              // Done: the file's hash (lower-case hex)
        bool hashChecked = false;    // Done: the hash was compared with a known one (catalog or server)
        QString error;               // Failed: what went wrong, for the user
    };

    explicit DownloadManager(QObject* parent = nullptr);
    // Stops the transfers; their .part files and sidecars stay, so a new manager resumes them.
    ~DownloadManager() override;

    // Downloads url to targetPath. expectedSize (0: unknown) and expectedSha256 ("" unknown, hex) come from the
    // catalog. Returns the download's id; a download of the same target that is still queued, running or paused
    // keeps its id (a paused one is resumed), and a finished, failed or cancelled one starts over under its id.
    // Everything happens after this returns (on the event loop).
    int start(const QUrl& url, const QString& targetPath, qint64 expectedSize = 0,
              const QString& expectedSha256 = QString());
    // Stops and deletes the partial file. Not possible once Done.
    void cancel(int id);
    // Stops the transfer and keeps the partial file; resume() continues with a Range request.
    void pause(int id);
    void resume(int id);

    Info info(int id) const;  // Info{} (id 0) when unknown
    QList<int> ids() const;
    int idForTarget(const QString& targetPath) const;  // 0 when none

    // True once a network object exists (the first transfer created it).
    bool networkCreated() const { return nam_ != nullptr; }

    // Tuning (defaults in brackets). Retries [5] count consecutive attempts that made no progress; the delay
    // before retry k is base [1 s] * 2^(k-1), at most a minute. A transfer with no data for the transfer timeout
    // [30 s] is retried. A transfer that trickles — fewer than stallMinBytes [32 KiB] in any stall window [30 s],
    // i.e. under about 1 KiB/s — is cut and resumed with a Range request; such an attempt counts as one that made no
    // progress, so a server that keeps trickling ends in a clear error after the retries instead of never. At most
    // maxConcurrent [2] transfers run; more wait as Queued. Progress signals come at most once per progress
    // interval [100 ms] per download.
    void setMaxRetries(int retries) { maxRetries_ = retries; }
    void setRetryBaseDelay(std::chrono::milliseconds delay) { retryBaseDelay_ = delay; }
    void setTransferTimeout(std::chrono::milliseconds timeout) { transferTimeout_ = timeout; }
    void setStallDetection(std::chrono::milliseconds window, qint64 minBytes) {
        stallWindow_ = window;
        stallMinBytes_ = minBytes;
    }
    void setMaxConcurrent(int n) { maxConcurrent_ = n > 0 ? n : 1; }
    void setProgressInterval(std::chrono::milliseconds interval);

    // Credentials for one server (the hub token for gated repositories): `value` goes out as the Authorization
    // header on requests to origin's scheme, host and port only — never to a redirect target elsewhere (the hub
    // sends large files to a CDN, which must not see the token). An empty value sends none.
    void setAuthorization(const QUrl& origin, const QByteArray& value);

signals:
    void downloadAdded(int id);
    void stateChanged(int id, hearth::app::DownloadManager::State state);
    // bytes, total, speed, ETA or verifiedBytes changed (throttled).
    void progressChanged(int id);
    // Done (ok) or Failed (error says why). Not emitted for Paused or Cancelled.
    void finished(int id, bool ok, const QString& error);

private:
    struct Download;
    struct Attempt;
    enum class Outcome { Complete, Retry, Fatal, RestartFromZero, Stopped };

    QNetworkAccessManager* network();
    void schedule();
    QCoro::Task<void> run(int id, quint64 generation);
    QCoro::Task<Outcome> transfer(int id, quint64 generation, QString* message, bool* discardPart,
                                  bool* progressed);
    QCoro::Task<void> verify(int id, quint64 generation);
    Download* current(int id, quint64 generation) const;  // null when stopped, superseded or shutting down
    bool acceptHeaders(Download* d, Attempt* a, QNetworkReply* reply);
    void setState(Download* d, State state);
    // Another process holds the target's lock (it is downloading the same file): its part file is not ours.
    bool lockedElsewhere(const Download* d) const;
    void fail(Download* d, const QString& error, bool discardPart);
    void tick();
    QString freeSpaceProblem(const QString& targetPath, qint64 neededBytes) const;

    QNetworkAccessManager* nam_ = nullptr;
    std::map<int, std::unique_ptr<Download>> downloads_;
    int nextId_ = 1;
    bool shuttingDown_ = false;
    bool scheduleQueued_ = false;
    int maxRetries_ = 5;
    std::chrono::milliseconds retryBaseDelay_{1000};
    std::chrono::milliseconds transferTimeout_{30000};
    std::chrono::milliseconds stallWindow_{30000};
    qint64 stallMinBytes_ = 32 * 1024;
    int maxConcurrent_ = 2;
    QTimer progressTimer_;
    QUrl authOrigin_;
    QByteArray authValue_;
};

}  // namespace hearth::app
