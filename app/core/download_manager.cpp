// One coroutine per running download (run): transfer attempts with backoff between them, then verification.
// Everything it touches after a co_await is looked up again through current(): pause, cancel, a restart of the
// same target and the manager's destruction all bump the download's generation, which ends the old coroutine at
// its next step without it touching files or state any more. The reply's readyRead slot writes the body straight
// to the .part file, so what arrived survives a crash, a pause or an app restart.
#include "app/core/download_manager.h"

#include <QCoroFuture>
#include <QCoroNetworkReply>
#include <QCoroTask>
#include <QCoroTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QLocale>
#include <QLockFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "app/core/download_integrity.h"
#include "app/core/download_part.h"

Q_LOGGING_CATEGORY(lcDownload, "hearth.download")

namespace hearth::app {

struct DownloadManager::Download {
    Info info;
    qint64 expectedSize = 0;   // the caller's; 0 unknown
    QString expectedSha256;    // the caller's, lower-case; "" unknown
    PartSidecar part;          // what the server told us so far; persisted beside the .part file
    quint64 generation = 0;    // bumped by every (re)start, pause, cancel and by the destructor
    QPointer<QNetworkReply> reply;  // the running request, if any
    std::shared_ptr<std::atomic<bool>> stopHash;    // stops a running hash (cancel, destruction)
    std::shared_ptr<std::atomic<qint64>> hashedBytes;
    // Speed: bytes at the last progress tick and the time since.
    qint64 sampleBytes = 0;
    QElapsedTimer sampleClock;
    bool dirty = false;        // bytes changed since the last progressChanged
    // Held while the download runs (not while paused or ended): another Hearth process writing the same part file
    // would splice two streams into it.
    std::unique_ptr<QLockFile> lock;
};

// One request: shared by the coroutine and the reply's readyRead slot (which may run after the coroutine moved on).
struct DownloadManager::Attempt {
    QFile part;
    qint64 offset = 0;        // bytes already in the part file when the answer's body starts
    qint64 received = 0;      // body bytes written by this attempt
    bool headersSeen = false;
    bool accept = false;      // the body belongs in the part file
    bool restart = false;     // a 206 that does not start where we asked: start over from zero
    QString fatal;            // found in the headers: stop without retrying
    bool discard = false;     // ...and delete the part file (it belongs to another file)
    QString writeError;
    qint64 receivedAtCheck = 0;  // `received` at the last stall check
    bool stalled = false;        // cut by the stall check: the server sent too little for too long
};

namespace {

constexpr int kMaxRestarts = 3;                     // 206 answers at the wrong offset in a row
constexpr int kMaxRedirects = 10;
constexpr std::chrono::milliseconds kMaxBackoff{60000};

// Connection-level failures worth another attempt. OperationCanceledError is a transfer timeout here: our own
// aborts (pause, cancel, destruction) end the coroutine before the error is looked at.
bool isTransient(QNetworkReply::NetworkError e) {
    switch (e) {
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

// "bytes 100-199/1000" -> {100, 1000}; "bytes 100-199/*" -> {100, 0}; "bytes */1000" -> {-1, 1000}.
struct ContentRange {
    qint64 first = -1;
    qint64 total = 0;
    bool valid = false;
};
ContentRange parseContentRange(const QByteArray& value) {
    static const QRegularExpression re(QStringLiteral(R"(^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$)"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(value));
    ContentRange r;
    if (!m.hasMatch()) return r;
    r.valid = true;
    if (m.capturedLength(1) > 0) r.first = m.captured(1).toLongLong();
    if (m.captured(3) != QLatin1String("*")) r.total = m.captured(3).toLongLong();
    return r;
}

// The hub's facts about a large file, sent with the redirect and often with the final answer too.
void takeHubHeaders(PartSidecar& part, const QNetworkReply* reply) {
    const QString linked = sha256FromEntityTag(reply->rawHeader("X-Linked-Etag"));
    const QString etagSha = sha256FromEntityTag(reply->rawHeader("ETag"));
    if (!linked.isEmpty()) part.serverSha256 = linked;
    else if (!etagSha.isEmpty()) part.serverSha256 = etagSha;
    bool ok = false;
    const qint64 size = reply->rawHeader("X-Linked-Size").trimmed().toLongLong(&ok);
    if (ok && size > 0) part.serverSize = size;
}

QString shownUrl(const QUrl& url) { return url.toDisplayString(QUrl::RemoveUserInfo); }

// Same scheme, host and port (the default one when absent): where credentials for `b` may go.
bool sameOrigin(const QUrl& a, const QUrl& b) {
    const auto port = [](const QUrl& u) { return u.port(u.scheme() == QLatin1String("https") ? 443 : 80); };
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && port(a) == port(b);
}

}  // namespace

DownloadManager::DownloadManager(QObject* parent) : QObject(parent) {
    progressTimer_.setInterval(100);
    connect(&progressTimer_, &QTimer::timeout, this, &DownloadManager::tick);
}

DownloadManager::~DownloadManager() {
    shuttingDown_ = true;
    progressTimer_.stop();
    for (auto& [id, d] : downloads_) {
        ++d->generation;
        if (d->stopHash) d->stopHash->store(true);
        // Ends the coroutine now (finished is emitted synchronously); the part file and its sidecar stay.
        if (d->reply) d->reply->abort();
    }
}

void DownloadManager::setProgressInterval(std::chrono::milliseconds interval) {
    progressTimer_.setInterval(static_cast<int>(std::max<qint64>(interval.count(), 1)));
}

void DownloadManager::setAuthorization(const QUrl& origin, const QByteArray& value) {
    authOrigin_ = origin;
    authValue_ = value;
}

QNetworkAccessManager* DownloadManager::network() {
    if (!nam_) {
        // Created here, by the first transfer, so that an app that never downloads never touches the network stack.
        QNetworkProxyFactory::setUseSystemConfiguration(true);
        nam_ = new QNetworkAccessManager(this);
    }
    return nam_;
}

int DownloadManager::start(const QUrl& url, const QString& targetPath, qint64 expectedSize,
                           const QString& expectedSha256) {
    const QString target = QFileInfo(targetPath).absoluteFilePath();
    const QString sha = expectedSha256.trimmed().toLower();
    Download* d = nullptr;
    bool added = false;
    if (const int existing = idForTarget(target)) {
        d = downloads_.at(existing).get();
        switch (d->info.state) {
        case State::Queued:
        case State::Downloading:
        case State::Verifying:
            return existing;
        case State::Paused:
            resume(existing);
            return existing;
        case State::Done:
        case State::Failed:
        case State::Cancelled:
            break;  // starts over under the same id
        }
    } else {
        const int id = nextId_++;
        d = downloads_.emplace(id, std::make_unique<Download>()).first->second.get();
        d->info.id = id;
        added = true;
    }

    const int id = d->info.id;
    d->info = Info{};
    d->info.id = id;
    d->info.url = url;
    d->info.targetPath = target;
    d->info.total = expectedSize > 0 ? expectedSize : 0;
    d->expectedSize = std::max<qint64>(expectedSize, 0);
    d->expectedSha256 = sha;
    d->part = PartSidecar{};
    d->part.url = url;
    d->part.expectedSize = d->expectedSize;
    d->part.expectedSha256 = sha;

    // A part file left by an earlier run (of this manager or of an earlier process) is resumed only when its sidecar
    // says it is the same file; one of unknown origin is deleted rather than spliced with other bytes.
    const std::optional<PartSidecar> side = loadSidecar(target);
    const QFileInfo partInfo(partPath(target));
    const bool sameFile = side && partInfo.exists() &&
                          (side->url == url || (!sha.isEmpty() && side->expectedSha256 == sha)) &&
                          (sha.isEmpty() || side->expectedSha256.isEmpty() || side->expectedSha256 == sha) &&
                          (d->expectedSize == 0 || side->expectedSize == 0 || side->expectedSize == d->expectedSize);
    if (sameFile) {
        d->part.etag = side->etag;
        d->part.lastModified = side->lastModified;
        d->part.total = side->total;
        d->part.serverSha256 = side->serverSha256;
        d->part.serverSize = side->serverSize;
        d->info.bytes = partInfo.size();
        if (d->info.total == 0) d->info.total = side->total;
        qCInfo(lcDownload, "resuming %s from %lld bytes", qUtf8Printable(target), d->info.bytes);
    } else if (!lockedElsewhere(d)) {  // another process's part file is left to it (run() then refuses)
        removePartFiles(target);
    }

    ++d->generation;
    d->info.state = State::Queued;
    if (added) emit downloadAdded(id);
    emit stateChanged(id, State::Queued);
    schedule();
    return id;
}

void DownloadManager::cancel(int id) {
    auto it = downloads_.find(id);
    if (it == downloads_.end()) return;
    Download* d = it->second.get();
    if (d->info.state == State::Done || d->info.state == State::Cancelled) return;
    ++d->generation;
    if (d->stopHash) d->stopHash->store(true);
    if (d->reply) d->reply->abort();  // the coroutine sees the new generation and stops
    d->reply = nullptr;
    if (!lockedElsewhere(d)) removePartFiles(d->info.targetPath);
    d->info.bytes = 0;
    d->info.error.clear();
    setState(d, State::Cancelled);
    schedule();
}

void DownloadManager::pause(int id) {
    auto it = downloads_.find(id);
    if (it == downloads_.end()) return;
    Download* d = it->second.get();
    if (d->info.state != State::Queued && d->info.state != State::Downloading) return;
    ++d->generation;
    if (d->reply) d->reply->abort();
    d->reply = nullptr;
    setState(d, State::Paused);
    schedule();
}

void DownloadManager::resume(int id) {
    auto it = downloads_.find(id);
    if (it == downloads_.end()) return;
    Download* d = it->second.get();
    // A failed download resumes too (a "retry" button): its part file was kept unless it was proven bad.
    if (d->info.state != State::Paused && d->info.state != State::Failed) return;
    ++d->generation;
    d->info.error.clear();
    d->info.bytes = QFileInfo(partPath(d->info.targetPath)).size();
    setState(d, State::Queued);
    schedule();
}

DownloadManager::Info DownloadManager::info(int id) const {
    auto it = downloads_.find(id);
    return it == downloads_.end() ? Info{} : it->second->info;
}

QList<int> DownloadManager::ids() const {
    QList<int> out;
    for (const auto& [id, d] : downloads_) out.append(id);
    return out;
}

int DownloadManager::idForTarget(const QString& targetPath) const {
    const QString target = QFileInfo(targetPath).absoluteFilePath();
    for (const auto& [id, d] : downloads_) {
        if (d->info.targetPath == target) return id;
    }
    return 0;
}

DownloadManager::Download* DownloadManager::current(int id, quint64 generation) const {
    if (shuttingDown_) return nullptr;
    auto it = downloads_.find(id);
    if (it == downloads_.end() || it->second->generation != generation) return nullptr;
    return it->second.get();
}

void DownloadManager::schedule() {
    if (shuttingDown_ || scheduleQueued_) return;
    // Deferred to the event loop: start() returns before anything happens, and a download ending inside a
    // coroutine does not start the next one from within it.
    scheduleQueued_ = true;
    QTimer::singleShot(0, this, [this] {
        scheduleQueued_ = false;
        int active = 0;
        for (const auto& [id, d] : downloads_) {
            if (d->info.state == State::Downloading || d->info.state == State::Verifying) ++active;
        }
        for (auto& [id, d] : downloads_) {
            if (active >= maxConcurrent_) break;
            if (d->info.state != State::Queued) continue;
            ++active;
            (void)run(id, d->generation);  // fire and forget: runs to its first co_await now
        }
    });
}

bool DownloadManager::lockedElsewhere(const Download* d) const {
    if (d->lock) return false;
    QLockFile probe(partPath(d->info.targetPath) + QStringLiteral(".lock"));
    probe.setStaleLockTime(0);
    return !probe.tryLock(0);  // released again when probe goes
}

void DownloadManager::setState(Download* d, State state) {
    if (d->info.state == state) return;
    d->info.state = state;
    if (state != State::Downloading && state != State::Verifying) d->lock.reset();
    if (state == State::Downloading) {
        d->sampleBytes = d->info.bytes;
        d->sampleClock.start();
        d->info.bytesPerSecond = 0;
    }
    if (state != State::Downloading) {
        d->info.bytesPerSecond = 0;
        d->info.etaSeconds = -1;
    }
    if ((state == State::Downloading || state == State::Verifying) && !progressTimer_.isActive()) {
        progressTimer_.start();
    }
    emit stateChanged(d->info.id, state);
}

void DownloadManager::fail(Download* d, const QString& error, bool discardPart) {
    if (discardPart) {
        removePartFiles(d->info.targetPath);
        d->info.bytes = 0;
    }
    qCWarning(lcDownload, "%s: %s", qUtf8Printable(d->info.targetPath), qUtf8Printable(error));
    d->info.error = error;
    d->reply = nullptr;
    setState(d, State::Failed);
    emit finished(d->info.id, false, error);
    schedule();
}

QString DownloadManager::freeSpaceProblem(const QString& targetPath, qint64 neededBytes) const {
    if (neededBytes <= 0) return QString();
    const QStorageInfo storage(QFileInfo(targetPath).absolutePath());
    if (!storage.isValid()) return QString();
    const qint64 free = storage.bytesAvailable();
    if (free < 0 || neededBytes <= free) return QString();
    const QLocale locale;
    return tr("Not enough disk space for %1: it needs %2, but only %3 are free on %4.")
        .arg(QFileInfo(targetPath).fileName(), locale.formattedDataSize(neededBytes),
             locale.formattedDataSize(free), storage.rootPath());
}

QCoro::Task<void> DownloadManager::run(int id, quint64 generation) {
    QPointer<DownloadManager> self(this);
    Download* d = current(id, generation);
    if (!d) co_return;
    setState(d, State::Downloading);

    const QUrl url = d->info.url;
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        fail(d, tr("Cannot download from \"%1\": not an http or https address.").arg(url.toString()), false);
        co_return;
    }
    if (!d->expectedSha256.isEmpty() && !isSha256Hex(d->expectedSha256)) {
        fail(d, tr("The expected SHA-256 \"%1\" is not 64 hexadecimal digits.").arg(d->expectedSha256), false);
        co_return;
    }
    const QString target = d->info.targetPath;
    if (!QDir().mkpath(QFileInfo(target).absolutePath())) {
        fail(d, tr("Cannot create the folder %1.").arg(QFileInfo(target).absolutePath()), false);
        co_return;
    }
    // Never two downloads of one file: within this manager start() keeps one per target; across processes (a
    // second Hearth, hearth on two desktops sharing a home) a lock file beside the part file says who writes it.
    // A lock whose process is gone (a crash, kill -9) is stale and taken over.
    if (!d->lock) {
        auto lock = std::make_unique<QLockFile>(partPath(target) + QStringLiteral(".lock"));
        lock->setStaleLockTime(0);  // never stale by age: a download may run for hours
        if (!lock->tryLock(0)) {
            fail(d, tr("Another Hearth window or process is already downloading %1.").arg(QFileInfo(target).fileName()),
                 false);
            co_return;
        }
        d->lock = std::move(lock);
    }
    // Free space first, when the size is known before asking the server (catalog or an earlier answer).
    const qint64 knownSize = d->expectedSize > 0 ? d->expectedSize : d->part.total;
    if (knownSize > 0) {
        const QString problem = freeSpaceProblem(target, knownSize - QFileInfo(partPath(target)).size());
        if (!problem.isEmpty()) {
            fail(d, problem, false);
            co_return;
        }
    }

    int failures = 0;  // consecutive attempts that made no progress
    int restarts = 0;
    for (;;) {
        QString message;
        bool discard = false;
        bool progressed = false;
        QCoro::Task<Outcome> attempt = transfer(id, generation, &message, &discard, &progressed);
        const Outcome outcome = co_await attempt;
        if (!self) co_return;
        d = current(id, generation);
        if (!d || outcome == Outcome::Stopped) co_return;
        if (outcome == Outcome::Complete) break;
        if (outcome == Outcome::Fatal) {
            fail(d, message, discard);
            co_return;
        }
        if (outcome == Outcome::RestartFromZero) {
            QFile::remove(partPath(target));
            d->info.bytes = 0;
            if (++restarts > kMaxRestarts) {
                fail(d, tr("The server keeps answering with other parts of the file than asked for (%1).")
                            .arg(shownUrl(url)), true);
                co_return;
            }
            continue;
        }
        // Retry: a connection that delivered data resets the count, so a long download over a flaky link goes on.
        failures = progressed ? 1 : failures + 1;
        if (failures > maxRetries_) {
            fail(d, tr("%1 Gave up after %2 attempts.").arg(message).arg(failures), false);
            co_return;
        }
        const std::chrono::milliseconds delay =
            std::min<std::chrono::milliseconds>(retryBaseDelay_ * (1 << std::min(failures - 1, 16)), kMaxBackoff);
        qCInfo(lcDownload, "%s; retrying in %lld ms", qUtf8Printable(message), static_cast<long long>(delay.count()));
        QTimer backoff;
        backoff.setSingleShot(true);
        backoff.start(delay);
        co_await backoff;
        if (!self || !current(id, generation)) co_return;
    }
    QCoro::Task<void> verifying = verify(id, generation);
    co_await verifying;
}

QCoro::Task<DownloadManager::Outcome> DownloadManager::transfer(int id, quint64 generation, QString* message,
                                                                bool* discardPart, bool* progressed) {
    QPointer<DownloadManager> self(this);
    Download* d = current(id, generation);
    if (!d) co_return Outcome::Stopped;
    const QString target = d->info.targetPath;

    // The part file is opened (created) only once an answer with the file's bytes arrives: an error leaves none.
    auto a = std::make_shared<Attempt>();
    a->part.setFileName(partPath(target));
    a->offset = QFileInfo(a->part.fileName()).size();
    const qint64 total = d->part.total;
    if (total > 0 && a->offset == total) co_return Outcome::Complete;  // all there before a pause or restart
    // Resuming needs a validator (If-Range) or a known hash, or else bytes of a changed file could be spliced in
    // unnoticed; without either, and when the part is longer than the file, start over.
    const bool canResume = !d->part.etag.isEmpty() || !d->part.lastModified.isEmpty() ||
                           !d->expectedSha256.isEmpty() || !d->part.serverSha256.isEmpty();
    if (a->offset > 0 && (!canResume || (total > 0 && a->offset > total))) {
        QFile::remove(a->part.fileName());
        a->offset = 0;
    }
    d->info.bytes = a->offset;

    // Redirects are followed here rather than by Qt: the hub states the LFS hash and size (X-Linked-Etag,
    // X-Linked-Size) on its 302 to the CDN, whose answer may not repeat them, and Qt 6.4 does not expose the headers
    // of a redirect it follows itself. The policy is Qt's NoLessSafeRedirectPolicy: never from https to http.
    QUrl url = d->info.url;
    QNetworkReply* reply = nullptr;
    for (int hop = 0;; ++hop) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(static_cast<int>(transferTimeout_.count()));
        // Offsets are the file's: no transparent compression.
        request.setRawHeader("Accept-Encoding", "identity");
        request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Hearth"));
        // Checked per hop: a redirect to another host gets a request without the credentials.
        if (!authValue_.isEmpty() && sameOrigin(url, authOrigin_)) request.setRawHeader("Authorization", authValue_);
        if (a->offset > 0) {
            request.setRawHeader("Range", "bytes=" + QByteArray::number(a->offset) + '-');
            // If the file changed, If-Range makes the server send it whole (200), not the rest of the new one.
            if (!d->part.etag.isEmpty() && !d->part.etag.startsWith(QLatin1String("W/"))) {
                request.setRawHeader("If-Range", d->part.etag.toLatin1());
            } else if (!d->part.lastModified.isEmpty()) {
                request.setRawHeader("If-Range", d->part.lastModified.toLatin1());
            }
        }
        reply = network()->get(request);
        d->reply = reply;
        a->headersSeen = false;
        // The stall check: Qt's transfer timeout only notices silence, not a server that sends a byte now and then.
        QTimer stallCheck;
        stallCheck.setInterval(stallWindow_);
        a->receivedAtCheck = a->received;
        connect(&stallCheck, &QTimer::timeout, reply, [this, a, reply] {
            if (a->received - a->receivedAtCheck >= stallMinBytes_) {
                a->receivedAtCheck = a->received;
                return;
            }
            a->stalled = true;
            reply->abort();
        });
        if (stallWindow_.count() > 0) stallCheck.start();
        connect(reply, &QNetworkReply::readyRead, this, [this, id, generation, reply, a] {
            Download* d = current(id, generation);
            if (!d) return;
            if (!a->headersSeen) {
                a->headersSeen = true;
                a->accept = acceptHeaders(d, a.get(), reply);
                // Aborted from the event loop: abort() finishes the reply at once, which would resume the
                // coroutine inside this slot.
                if (!a->fatal.isEmpty() || a->restart) QTimer::singleShot(0, reply, &QNetworkReply::abort);
            }
            const QByteArray data = reply->readAll();
            if (!a->accept || !a->writeError.isEmpty()) return;
            if (a->part.write(data) != data.size()) {
                a->writeError = a->part.errorString();
                QTimer::singleShot(0, reply, &QNetworkReply::abort);
                return;
            }
            a->received += data.size();
            d->info.bytes += data.size();
            d->dirty = true;
        });

        co_await reply;
        stallCheck.stop();
        a->part.close();
        reply->disconnect(this);
        reply->deleteLater();
        if (!self) co_return Outcome::Stopped;
        d = current(id, generation);
        if (!d) co_return Outcome::Stopped;
        d->reply = nullptr;

        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QUrl location = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (status < 300 || status >= 400 || status == 304 || !location.isValid()) break;
        const QUrl next = url.resolved(location);
        if (hop + 1 >= kMaxRedirects) {
            *message = tr("Too many redirects from %1.").arg(shownUrl(d->info.url));
            co_return Outcome::Fatal;
        }
        if (url.scheme() == QLatin1String("https") && next.scheme() != QLatin1String("https")) {
            *message =
                tr("Refused the redirect from %1 to the insecure address %2.").arg(shownUrl(url), shownUrl(next));
            co_return Outcome::Fatal;
        }
        takeHubHeaders(d->part, reply);
        url = next;
    }
    if (!a->headersSeen) {  // an answer without a body (416, an empty 404...)
        a->headersSeen = true;
        a->accept = acceptHeaders(d, a.get(), reply);
    }
    // A trickle is not progress: the attempts of a server that keeps trickling are counted until the retries end.
    *progressed = a->stalled ? a->received >= stallMinBytes_ : a->received > 0;

    const QString where = shownUrl(url);  // the address that answered (after redirects)
    if (a->stalled && a->writeError.isEmpty() && a->fatal.isEmpty()) {
        *message = tr("%1 sent less than %2 in %3 s: the server is too slow or stalled.")
                       .arg(where, QLocale().formattedDataSize(stallMinBytes_))
                       .arg(stallWindow_.count() / 1000.0);
        co_return Outcome::Retry;
    }
    if (!a->writeError.isEmpty()) {
        *message = tr("Cannot write %1: %2").arg(a->part.fileName(), a->writeError);
        co_return Outcome::Fatal;
    }
    if (!a->fatal.isEmpty()) {
        *message = a->fatal;
        *discardPart = a->discard;
        co_return Outcome::Fatal;
    }
    if (a->restart) co_return Outcome::RestartFromZero;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 416) {
        // Range not satisfiable: complete if the part already holds the whole file, else it is not this file.
        const ContentRange range = parseContentRange(reply->rawHeader("Content-Range"));
        if (range.total > 0 && a->offset == range.total) {
            d->part.total = d->info.total = range.total;
            co_return Outcome::Complete;
        }
        co_return Outcome::RestartFromZero;
    }
    if (status >= 400) {
        // HTTP/2 has no reason phrase: then the number alone (simplified() drops the double space; URLs have none).
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
        *message = tr("The server answered HTTP %1 %2 for %3.").arg(status).arg(reason, where).simplified();
        // The hub answers 401/403 for gated repositories: say what to do rather than only the status.
        if (status == 401 || status == 403)
            *message += QLatin1Char(' ') + tr("The repository may be gated: accept its terms on the hub's page, "
                                               "then set an access token on the Models page.");
        const bool transient = status >= 500 || status == 408 || status == 429;
        co_return transient ? Outcome::Retry : Outcome::Fatal;
    }
    if (reply->error() != QNetworkReply::NoError) {
        *message = tr("Downloading %1 failed: %2.").arg(where, reply->errorString());
        co_return isTransient(reply->error()) ? Outcome::Retry : Outcome::Fatal;
    }
    if (status != 200 && status != 206) {
        *message = tr("The server answered HTTP %1 for %2, which is not a file.").arg(status).arg(where);
        co_return Outcome::Fatal;
    }
    // A transfer that ended early is never complete, whatever the connection said.
    const qint64 whole = d->part.total;
    if (whole > 0 && d->info.bytes < whole) {
        *message = tr("The connection to %1 ended after %2 of %3 bytes.").arg(where).arg(d->info.bytes).arg(whole);
        co_return Outcome::Retry;
    }
    if (whole > 0 && d->info.bytes > whole) co_return Outcome::RestartFromZero;
    co_return Outcome::Complete;
}

bool DownloadManager::acceptHeaders(Download* d, Attempt* a, QNetworkReply* reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206) return false;
    const QString where = shownUrl(d->info.url);
    takeHubHeaders(d->part, reply);
    d->part.etag = QString::fromLatin1(reply->rawHeader("ETag"));
    d->part.lastModified = QString::fromLatin1(reply->rawHeader("Last-Modified"));

    qint64 total = 0;
    if (status == 206) {
        const ContentRange range = parseContentRange(reply->rawHeader("Content-Range"));
        if (!range.valid || range.first != a->offset) {
            a->restart = true;
            return false;
        }
        total = range.total;
    } else {
        if (a->offset > 0) {  // the Range was ignored or the file changed (If-Range): it comes whole
            qCInfo(lcDownload, "%s: the server sent the whole file; starting over", qUtf8Printable(where));
            a->offset = 0;
            d->info.bytes = 0;
        }
        bool ok = false;
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        if (ok && length >= 0) total = length;
    }

    // A size that disagrees with the catalog's or the hub's is a truncated or different file: not worth the bytes.
    const qint64 known = d->expectedSize > 0 ? d->expectedSize : d->part.serverSize;
    if (total > 0 && known > 0 && total != known) {
        a->fatal = tr("The server sends %1 bytes for %2, but the file has %3 bytes; the download was discarded.")
                       .arg(total).arg(where).arg(known);
        a->discard = true;
        return false;
    }
    if (total == 0) total = known;
    d->part.total = total;
    d->info.total = total;
    if (total > 0) {
        const QString problem = freeSpaceProblem(d->info.targetPath, total - a->offset);
        if (!problem.isEmpty()) {
            a->fatal = problem;
            return false;
        }
    }
    if (!a->part.open(QIODevice::ReadWrite) || !a->part.resize(a->offset) || !a->part.seek(a->offset)) {
        a->fatal = tr("Cannot write %1: %2").arg(a->part.fileName(), a->part.errorString());
        return false;
    }
    if (!saveSidecar(d->info.targetPath, d->part)) {
        qCWarning(lcDownload, "cannot write %s: an app restart will download from the start",
                  qUtf8Printable(sidecarPath(d->info.targetPath)));
    }
    return true;
}

QCoro::Task<void> DownloadManager::verify(int id, quint64 generation) {
    QPointer<DownloadManager> self(this);
    Download* d = current(id, generation);
    if (!d) co_return;
    setState(d, State::Verifying);
    const QString target = d->info.targetPath;
    const QString part = partPath(target);
    d->info.verifiedBytes = 0;
    auto stop = d->stopHash = std::make_shared<std::atomic<bool>>(false);
    auto hashed = d->hashedBytes = std::make_shared<std::atomic<qint64>>(0);

    // Futures and tasks are named before co_await: GCC 12 destroys temporaries of a co_await full-expression twice
    // (a lambda's captured QString freed while still in use).
    QFuture<FileHash> hashing =
        QtConcurrent::run([part, stop, hashed] { return sha256OfFile(part, *stop, hashed.get()); });
    const FileHash hash = co_await hashing;
    if (!self) co_return;
    d = current(id, generation);
    if (!d || hash.stopped) co_return;
    if (!hash.error.isEmpty()) {
        fail(d, tr("Cannot read %1: %2").arg(part, hash.error), false);
        co_return;
    }
    d->info.verifiedBytes = hashed->load();
    const bool fromCatalog = !d->expectedSha256.isEmpty();
    const QString expected = fromCatalog ? d->expectedSha256 : d->part.serverSha256;
    if (!expected.isEmpty() && hash.sha256 != expected) {
        fail(d,
             fromCatalog
                 ? tr("The download is damaged: its SHA-256 is %1, but the catalog expects %2. It was deleted.")
                       .arg(hash.sha256, expected)
                 : tr("The download is damaged: its SHA-256 is %1, but the server states %2. It was deleted.")
                       .arg(hash.sha256, expected),
             true);
        co_return;
    }

    QFuture<QString> reading = QtConcurrent::run([part] { return ggufProblem(part); });
    const QString problem = co_await reading;
    if (!self) co_return;
    d = current(id, generation);
    if (!d) co_return;
    if (!problem.isEmpty()) {
        fail(d, tr("The download is not a usable GGUF model (%1). It was deleted.").arg(problem), true);
        co_return;
    }

    // Into place in one step (an older copy is replaced atomically), only now that it is known good.
    std::error_code ec;
    std::filesystem::rename(std::filesystem::path(part.toStdU16String()),
                            std::filesystem::path(target.toStdU16String()), ec);
    if (ec) {
        fail(d, tr("Cannot move the download to %1: %2").arg(target, QString::fromStdString(ec.message())), false);
        co_return;
    }
    QFile::remove(sidecarPath(target));
    d->info.sha256 = hash.sha256;
    d->info.hashChecked = !expected.isEmpty();
    d->info.bytes = d->info.total = QFileInfo(target).size();
    d->info.error.clear();
    qCInfo(lcDownload, "%s: done, sha256 %s (%s)", qUtf8Printable(target), qUtf8Printable(hash.sha256),
           expected.isEmpty() ? "no hash to compare with" : "verified");
    setState(d, State::Done);
    emit progressChanged(id);
    emit finished(id, true, QString());
    schedule();
}

void DownloadManager::tick() {
    bool active = false;
    for (auto& [id, d] : downloads_) {
        Info& info = d->info;
        if (info.state == State::Downloading) {
            active = true;
            const qint64 ms = d->sampleClock.restart();
            if (ms <= 0) continue;
            const double instant = static_cast<double>(info.bytes - d->sampleBytes) * 1000.0 / ms;
            d->sampleBytes = info.bytes;
            // Exponential smoothing with a time constant of about a second, whatever the tick interval.
            const double alpha = 1.0 - std::exp(-static_cast<double>(ms) / 1000.0);
            const double before = info.bytesPerSecond;
            info.bytesPerSecond = before <= 0 ? instant : before + alpha * (instant - before);
            info.etaSeconds = info.total > 0 && info.bytesPerSecond >= 1
                                  ? static_cast<qint64>(std::ceil((info.total - info.bytes) / info.bytesPerSecond))
                                  : -1;
            if (d->dirty || info.bytesPerSecond != before) {
                d->dirty = false;
                emit progressChanged(id);
            }
        } else if (info.state == State::Verifying) {
            active = true;
            const qint64 hashed = d->hashedBytes ? d->hashedBytes->load() : 0;
            if (hashed != info.verifiedBytes) {
                info.verifiedBytes = hashed;
                emit progressChanged(id);
            }
        }
    }
    if (!active) progressTimer_.stop();
}

}  // namespace hearth::app
