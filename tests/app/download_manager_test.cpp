// DownloadManager against a local HTTP server (test_http_server.h) that serves a generated GGUF with the hub's
// headers and misbehaves on request. What a user would notice is asserted: the file in place with identical bytes
// and nothing else left behind, or no file and an error that says why; resumes that really resume (the server saw
// the Range request start where the part file ended); no network object before the first download.
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QLocale>
#include <QSignalSpy>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

#include "app/core/download_manager.h"
#include "app/core/download_part.h"
#include "engine/gguf_writer.h"
#include "test_http_server.h"

using hearth::app::DownloadManager;
using hearth::test::TestHttpServer;
using State = DownloadManager::State;

namespace {

constexpr int kWaitMs = 15000;  // generous on a shared machine; the tests normally take milliseconds each

// A valid GGUF of about 300 KB: two F32 tensors with varied values (so a flipped byte changes the hash).
QByteArray makeGguf() {
    hearth::engine::GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("general.name", "download-test");
    std::vector<float> a(256 * 200), b(256 * 96);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 977) * 0.5f - 100.0f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 131) * 0.25f;
    w.addTensorF32("a.weight", {256, 200}, a);
    w.addTensorF32("b.weight", {256, 96}, b);
    auto bytes = w.toBytes();
    if (!bytes) qFatal("cannot build the test GGUF: %s", bytes.message().c_str());
    return QByteArray(reinterpret_cast<const char*>(bytes->data()), static_cast<qsizetype>(bytes->size()));
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool ended(State s) {
    return s == State::Done || s == State::Failed || s == State::Cancelled || s == State::Paused;
}

// A manager tuned for tests: millisecond backoff, a short transfer timeout.
std::unique_ptr<DownloadManager> makeManager() {
    auto m = std::make_unique<DownloadManager>();
    m->setRetryBaseDelay(std::chrono::milliseconds(10));
    m->setTransferTimeout(std::chrono::milliseconds(3000));
    m->setMaxRetries(3);
    return m;
}

}  // namespace

class DownloadManagerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void fullDownload();
    void droppedConnectionResumes();
    void stalledTransferTimesOutAndResumes();
    void wholeFileAnswerToRangeRestarts();
    void appRestartResumes();
    void pauseAndResume();
    void corruptedByteRejected();
    void catalogHashMismatchRejected();
    void notFoundFailsAtOnce();
    void gatedRepositoryExplained();
    void serverErrorRetriedThenFails();
    void serverErrorRecovers();
    void slowServerCancelled();
    void tricklingServerCutAndResumed();
    void tricklingServerEndsInAClearError();
    void systemProxyUsed();
    void truncatedFileRejected();
    void truncatedFileWithoutHashRejectedByReader();
    void redirectFollowed();
    void sameTargetDownloadedOnce();
    void sameTargetInAnotherProcessRefused();
    void insufficientDiskSpaceRefused();

private:
    QString target() const { return dir_->filePath(QStringLiteral("models/test.gguf")); }
    void expectNothingLeft() {
        QVERIFY2(!QFileInfo::exists(target()), "a rejected download must not be at the target");
        QVERIFY2(!QFileInfo::exists(hearth::app::partPath(target())), "the part file must be deleted");
        QVERIFY2(!QFileInfo::exists(hearth::app::sidecarPath(target())), "the sidecar must be deleted");
    }

    QByteArray gguf_;
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<TestHttpServer> server_;
};

void DownloadManagerTest::initTestCase() {
    // The manager uses the system proxy; a proxy in the environment must not catch requests to 127.0.0.1.
    for (const char* name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        qunsetenv(name);
    }
    gguf_ = makeGguf();
    QVERIFY(gguf_.size() > 200 * 1024);
}

void DownloadManagerTest::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    server_ = std::make_unique<TestHttpServer>(gguf_, QStringLiteral("model.gguf"));
    QVERIFY(server_->listen());
}

void DownloadManagerTest::cleanup() {
    server_.reset();
    dir_.reset();
}

void DownloadManagerTest::fullDownload() {
    auto m = makeManager();
    QVERIFY2(!m->networkCreated(), "no network object before the first download (privacy promise)");
    QSignalSpy finished(m.get(), &DownloadManager::finished);
    const int id = m->start(server_->fileUrl(), target(), gguf_.size(), QString::fromLatin1(server_->sha256Hex()));
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);

    const DownloadManager::Info info = m->info(id);
    QCOMPARE(info.error, QString());
    QCOMPARE(info.state, State::Done);
    QVERIFY(m->networkCreated());
    QCOMPARE(readFile(target()), gguf_);
    QVERIFY(!QFileInfo::exists(hearth::app::partPath(target())));
    QVERIFY(!QFileInfo::exists(hearth::app::sidecarPath(target())));
    QCOMPARE(info.sha256, QString::fromLatin1(server_->sha256Hex()));
    QVERIFY(info.hashChecked);
    QCOMPARE(info.bytes, gguf_.size());
    QCOMPARE(info.total, gguf_.size());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(1).toBool(), true);
    QCOMPARE(server_->requests().size(), 1);
    QCOMPARE(server_->requests().at(0).rangeStart, -1);
}

void DownloadManagerTest::droppedConnectionResumes() {
    const qint64 dropAt = 123457;
    server_->dropOnceAt(dropAt);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).error, QString());
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);

    const auto requests = server_->requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).rangeStart, -1);
    QCOMPARE(requests.at(1).rangeStart, dropAt);  // resumed exactly where the connection dropped
    QCOMPARE(requests.at(1).ifRange, QByteArray('"' + server_->sha256Hex() + '"'));
    QVERIFY(m->info(id).hashChecked);  // the server's X-Linked-Etag
}

void DownloadManagerTest::stalledTransferTimesOutAndResumes() {
    const qint64 stallAt = 65536;
    server_->stallOnceAt(stallAt);
    auto m = makeManager();
    m->setTransferTimeout(std::chrono::milliseconds(300));
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).error, QString());
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QCOMPARE(server_->requests().size(), 2);
    QCOMPARE(server_->requests().at(1).rangeStart, stallAt);
}

void DownloadManagerTest::wholeFileAnswerToRangeRestarts() {
    // A server that ignores Range answers 200 with the whole file: it is written from the start, not appended.
    server_->setIgnoreRange(true);
    server_->dropOnceAt(100000);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).error, QString());
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QCOMPARE(server_->requests().size(), 2);
    QCOMPARE(server_->requests().at(1).rangeStart, 100000);  // asked for the rest, got the whole
}

void DownloadManagerTest::appRestartResumes() {
    server_->setTrickle(4096, 3);
    qint64 partBytes = 0;
    {
        auto first = makeManager();
        const int id = first->start(server_->fileUrl(), target());
        QTRY_VERIFY_WITH_TIMEOUT(first->info(id).bytes >= 64 * 1024, kWaitMs);
        QCOMPARE(first->info(id).state, State::Downloading);
    }  // the app quits mid-download
    partBytes = QFileInfo(hearth::app::partPath(target())).size();
    QVERIFY(partBytes >= 64 * 1024);
    QVERIFY(partBytes < gguf_.size());
    QVERIFY(QFileInfo::exists(hearth::app::sidecarPath(target())));
    QVERIFY(!QFileInfo::exists(target()));
    QCOMPARE(readFile(hearth::app::partPath(target())), gguf_.left(partBytes));

    server_->setTrickle(0, 0);
    auto second = makeManager();  // the app starts again
    const int id = second->start(server_->fileUrl(), target());
    QCOMPARE(second->info(id).bytes, partBytes);
    QTRY_VERIFY_WITH_TIMEOUT(ended(second->info(id).state), kWaitMs);
    QCOMPARE(second->info(id).error, QString());
    QCOMPARE(second->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    const auto requests = server_->requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).rangeStart, partBytes);
}

void DownloadManagerTest::pauseAndResume() {
    server_->setTrickle(4096, 3);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(m->info(id).bytes >= 32 * 1024, kWaitMs);
    m->pause(id);
    QCOMPARE(m->info(id).state, State::Paused);
    const qint64 partBytes = QFileInfo(hearth::app::partPath(target())).size();
    QVERIFY(partBytes >= 32 * 1024);
    QTest::qWait(50);  // nothing more arrives while paused
    QCOMPARE(QFileInfo(hearth::app::partPath(target())).size(), partBytes);

    server_->setTrickle(0, 0);
    m->resume(id);
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QCOMPARE(server_->requests().size(), 2);
    QCOMPARE(server_->requests().at(1).rangeStart, partBytes);
}

void DownloadManagerTest::corruptedByteRejected() {
    server_->corruptByteAt(gguf_.size() / 2);
    QByteArray corrupted = gguf_;
    corrupted[gguf_.size() / 2] = static_cast<char>(corrupted[gguf_.size() / 2] ^ 0x5a);
    const QString gotHash =
        QString::fromLatin1(QCryptographicHash::hash(corrupted, QCryptographicHash::Sha256).toHex());

    auto m = makeManager();
    QSignalSpy finished(m.get(), &DownloadManager::finished);
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const DownloadManager::Info info = m->info(id);
    QCOMPARE(info.state, State::Failed);
    QVERIFY2(info.error.contains(QLatin1String("SHA-256")), qPrintable(info.error));
    QVERIFY2(info.error.contains(gotHash), qPrintable(info.error));
    QVERIFY2(info.error.contains(QString::fromLatin1(server_->sha256Hex())), qPrintable(info.error));
    expectNothingLeft();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(1).toBool(), false);
    QCOMPARE(finished.at(0).at(2).toString(), info.error);
}

void DownloadManagerTest::catalogHashMismatchRejected() {
    // The catalog's hash wins over the server's: a file the server vouches for but the catalog does not is refused.
    const QString catalogHash(64, QLatin1Char('a'));
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target(), gguf_.size(), catalogHash);
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(m->info(id).error.contains(catalogHash), qPrintable(m->info(id).error));
    QVERIFY2(m->info(id).error.contains(QString::fromLatin1(server_->sha256Hex())), qPrintable(m->info(id).error));
    expectNothingLeft();
}

void DownloadManagerTest::notFoundFailsAtOnce() {
    auto m = makeManager();
    const QUrl url = server_->url(QStringLiteral("/missing.gguf"));
    const int id = m->start(url, target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QLatin1String("404")), qPrintable(error));
    QVERIFY2(error.contains(url.toString()), qPrintable(error));
    QCOMPARE(server_->requests().size(), 1);  // no retries
    expectNothingLeft();
}

void DownloadManagerTest::gatedRepositoryExplained() {
    server_->failWith(401);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QLatin1String("401")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("access token")), qPrintable(error));
    QCOMPARE(server_->requests().size(), 1);  // not retried: a token is needed, not patience
    expectNothingLeft();
}

void DownloadManagerTest::serverErrorRetriedThenFails() {
    server_->failWith(500);
    auto m = makeManager();  // 3 retries
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QLatin1String("500")), qPrintable(error));
    QVERIFY2(error.contains(server_->fileUrl().toString()), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("4 attempts")), qPrintable(error));
    QCOMPARE(server_->requests().size(), 4);  // the first try and 3 retries
    expectNothingLeft();
}

void DownloadManagerTest::serverErrorRecovers() {
    server_->failWith(503, 2);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QCOMPARE(server_->requests().size(), 3);
}

void DownloadManagerTest::slowServerCancelled() {
    server_->setTrickle(2048, 5);  // about 400 KB/s: the 300 KB file would take most of a second
    auto m = makeManager();
    QSignalSpy progress(m.get(), &DownloadManager::progressChanged);
    QSignalSpy finished(m.get(), &DownloadManager::finished);
    QElapsedTimer clock;
    clock.start();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(m->info(id).bytes >= 64 * 1024 && m->info(id).bytesPerSecond > 0, kWaitMs);
    const DownloadManager::Info during = m->info(id);
    QCOMPARE(during.state, State::Downloading);
    QCOMPARE(during.total, gguf_.size());
    QVERIFY(during.etaSeconds >= 0);
    // Throttled: at most one progress signal per 100 ms tick (plus one in flight).
    QVERIFY2(progress.count() <= clock.elapsed() / 100 + 1,
             qPrintable(QStringLiteral("%1 signals in %2 ms").arg(progress.count()).arg(clock.elapsed())));

    m->cancel(id);
    QCOMPARE(m->info(id).state, State::Cancelled);
    QTest::qWait(50);  // late bytes must not bring anything back
    QCOMPARE(m->info(id).state, State::Cancelled);
    expectNothingLeft();
    QCOMPARE(finished.count(), 0);
}

void DownloadManagerTest::tricklingServerCutAndResumed() {
    // The server sends 8 bytes every 40 ms (200 B/s): never silent, so Qt's transfer timeout never fires. The stall
    // check cuts the attempt (less than 1 KiB in 300 ms) and the retry resumes where the part file ended; this time
    // the server is fast again.
    server_->setTrickle(8, 40);
    auto m = makeManager();
    m->setStallDetection(std::chrono::milliseconds(300), 1024);
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(server_->requests().size() >= 1, kWaitMs);
    server_->setTrickle(0, 0);  // later answers at once (the first keeps trickling)
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).error, QString());
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    // Usually two requests; a third if this process was slow to switch the trickle off before the first cut.
    QVERIFY(server_->requests().size() >= 2);
    // Resumed with what had trickled in, not started over.
    for (qsizetype i = 1; i < server_->requests().size(); ++i) {
        QVERIFY2(server_->requests().at(i).rangeStart > 0,
                 qPrintable(QStringLiteral("request %1 from %2").arg(i).arg(server_->requests().at(i).rangeStart)));
    }
}

void DownloadManagerTest::tricklingServerEndsInAClearError() {
    // A server that keeps trickling: every attempt is cut and counts as no progress, so after the retries the
    // download fails with a message that says why, instead of hanging for the hours 300 KB at 200 B/s would take.
    server_->setTrickle(8, 40);
    auto m = makeManager();
    m->setMaxRetries(2);
    m->setStallDetection(std::chrono::milliseconds(300), 1024);
    QElapsedTimer clock;
    clock.start();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).state, State::Failed);
    const QString error = m->info(id).error;
    QVERIFY2(error.contains(QStringLiteral("too slow or stalled")) && error.contains(QStringLiteral("3 attempts")),
             qPrintable(error));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
    QCOMPARE(server_->requests().size(), 3);
    // Every retry resumed from the part file, which stays for a later resume.
    QVERIFY(server_->requests().at(1).rangeStart > 0);
    QVERIFY(server_->requests().at(2).rangeStart > server_->requests().at(1).rangeStart);
    QVERIFY(!QFileInfo::exists(target()));
    QVERIFY(QFileInfo(hearth::app::partPath(target())).size() > 0);
}

void DownloadManagerTest::systemProxyUsed() {
    // The system's proxy setting (http_proxy here, as desktops and corporate setups export it) carries the download:
    // the "proxy" is the test server, asked for a host that does not exist.
    qputenv("http_proxy", server_->url(QString()).toString().toUtf8());
    const auto unset = qScopeGuard([] { qunsetenv("http_proxy"); });  // also when a check below fails
    auto m = makeManager();
    QUrl url(QStringLiteral("http://models.hearth.invalid"));
    url.setPath(server_->fileUrl().path());
    const int id = m->start(url, target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).error, QString());
    QCOMPARE(m->info(id).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QVERIFY(!server_->requests().isEmpty());
    for (const TestHttpServer::Request& r : server_->requests()) QCOMPARE(r.proxiedHost, QByteArray("models.hearth.invalid"));
}

void DownloadManagerTest::truncatedFileRejected() {
    // The server sends a shorter file than the hub's size header states: refused, not kept as complete.
    server_->truncateTo(gguf_.size() - 1000);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QString::number(gguf_.size() - 1000)), qPrintable(error));
    QVERIFY2(error.contains(QString::number(gguf_.size())), qPrintable(error));
    expectNothingLeft();
}

void DownloadManagerTest::truncatedFileWithoutHashRejectedByReader() {
    // No catalog entry and no hash headers: only the GGUF reader can tell, and it does.
    server_->setHashHeaders(false);
    server_->truncateTo(gguf_.size() - 1000);
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QLatin1String("GGUF")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("end of the file")), qPrintable(error));  // the reader's own words
    expectNothingLeft();
}

void DownloadManagerTest::redirectFollowed() {
    // Like the hub: the hash is stated on the redirect only; the "CDN" answer has none. A corrupted byte is caught
    // with the redirect's hash, which shows the redirect's headers were read.
    // The connection drops once: the resume goes through the redirect again, with the CDN's validator.
    server_->setHashHeadersOnFile(false);
    server_->dropOnceAt(100000);
    {
        auto m = makeManager();
        const int id = m->start(server_->redirectUrl(), target());
        QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
        QCOMPARE(m->info(id).error, QString());
        QCOMPARE(m->info(id).state, State::Done);
        QVERIFY(m->info(id).hashChecked);
        QCOMPARE(readFile(target()), gguf_);
        const auto requests = server_->requests();
        QCOMPARE(requests.size(), 4);
        QCOMPARE(requests.at(0).path, QByteArray("/redirect/model.gguf"));
        QCOMPARE(requests.at(1).path, QByteArray("/model.gguf"));
        QCOMPARE(requests.at(2).path, QByteArray("/redirect/model.gguf"));
        QCOMPARE(requests.at(3).path, QByteArray("/model.gguf"));
        QCOMPARE(requests.at(3).rangeStart, 100000);
        QCOMPARE(requests.at(3).ifRange, QByteArray("\"cdn-object-17\""));
    }
    QVERIFY(QFile::remove(target()));
    server_->corruptByteAt(1000);
    auto m = makeManager();
    const int id = m->start(server_->redirectUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(m->info(id).error.contains(QString::fromLatin1(server_->sha256Hex())), qPrintable(m->info(id).error));
    expectNothingLeft();
}

void DownloadManagerTest::sameTargetDownloadedOnce() {
    auto m = makeManager();
    QSignalSpy added(m.get(), &DownloadManager::downloadAdded);
    const int first = m->start(server_->fileUrl(), target());
    const int second = m->start(server_->fileUrl(), target());
    // Spelled differently, same file.
    const int third = m->start(server_->fileUrl(), dir_->path() + QStringLiteral("/models/../models/test.gguf"));
    QCOMPARE(second, first);
    QCOMPARE(third, first);
    QCOMPARE(m->ids().size(), 1);
    QCOMPARE(added.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(first).state), kWaitMs);
    QCOMPARE(m->info(first).state, State::Done);
    QCOMPARE(server_->requests().size(), 1);
    QCOMPARE(readFile(target()), gguf_);
}

void DownloadManagerTest::sameTargetInAnotherProcessRefused() {
    // A second manager stands for a second Hearth process on the same models folder: while the first writes the
    // part file, the second is refused with a reason and touches nothing; once the first is done, the lock is gone.
    server_->setTrickle(4096, 3);
    auto first = makeManager();
    auto second = makeManager();
    const int a = first->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(first->info(a).bytes > 0, kWaitMs);
    const int b = second->start(server_->fileUrl(), target());
    QTRY_VERIFY_WITH_TIMEOUT(ended(second->info(b).state), kWaitMs);
    QCOMPARE(second->info(b).state, State::Failed);
    QVERIFY2(second->info(b).error.contains(QStringLiteral("already downloading")), qPrintable(second->info(b).error));
    second->cancel(b);  // and its cancel leaves the first's part file alone
    QVERIFY(QFileInfo::exists(hearth::app::partPath(target())));
    QTRY_VERIFY_WITH_TIMEOUT(ended(first->info(a).state), kWaitMs);
    QCOMPARE(first->info(a).error, QString());
    QCOMPARE(first->info(a).state, State::Done);
    QCOMPARE(readFile(target()), gguf_);
    QCOMPARE(server_->requests().size(), 1);  // the second never asked
    QVERIFY(!QFileInfo::exists(hearth::app::partPath(target()) + QStringLiteral(".lock")));
}

void DownloadManagerTest::insufficientDiskSpaceRefused() {
    const qint64 huge = qint64{1} << 60;  // an exbibyte: no test machine has that free
    auto m = makeManager();
    const int id = m->start(server_->fileUrl(), target(), huge);
    QTRY_VERIFY_WITH_TIMEOUT(ended(m->info(id).state), kWaitMs);
    const QString error = m->info(id).error;
    QCOMPARE(m->info(id).state, State::Failed);
    QVERIFY2(error.contains(QLocale().formattedDataSize(huge)), qPrintable(error));  // needed
    const QStorageInfo storage(dir_->path());
    QVERIFY2(error.contains(storage.rootPath()), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("free")), qPrintable(error));
    QCOMPARE(server_->requests().size(), 0);  // refused before asking the server
    QVERIFY(!m->networkCreated());
    expectNothingLeft();
}

QTEST_GUILESS_MAIN(DownloadManagerTest)
#include "download_manager_test.moc"
