// A small HTTP/1.1 server on 127.0.0.1 for the download tests, run on the test's own event loop. It serves one file
// the way the Hugging Face hub does (Content-Length, ETag and X-Linked-Etag holding the SHA-256, X-Linked-Size,
// Accept-Ranges, 206 answers to Range with If-Range honoured, a 302 from /redirect/<name> like the hub's jump to its
// CDN) and can misbehave on request: drop the connection once after N bytes, trickle, answer an error status,
// corrupt a byte, truncate. Asked as an HTTP proxy (absolute URLs), it answers for any host. Every request is
// recorded. One request per connection ("Connection: close").
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace hearth::test {

class TestHttpServer : public QObject {
    Q_OBJECT
public:
    struct Request {
        QByteArray method;
        QByteArray path;
        qint64 rangeStart = -1;  // from "Range: bytes=N-" or "bytes=N-M"; -1 without
        qint64 rangeEnd = -1;    // M (inclusive) from "bytes=N-M"; -1 without
        QByteArray ifRange;
        QByteArray authorization;  // the Authorization header ("" without)
        QByteArray proxiedHost;    // asked as a proxy (absolute URL): the host it was for ("" when asked directly)
    };

    // Serves `body` at /<fileName> (and the redirect at /redirect/<fileName>).
    TestHttpServer(QByteArray body, QString fileName, QObject* parent = nullptr);
    ~TestHttpServer() override;

    bool listen();  // on 127.0.0.1, a free port
    QUrl url(const QString& path) const;
    QUrl fileUrl() const;      // the file itself
    QUrl redirectUrl() const;  // the 302 to it
    QByteArray sha256Hex() const { return sha256_; }
    qint64 size() const { return body_.size(); }

    // The next answer with body stops (connection closed, after the bytes before it were sent) when it reaches file
    // offset `offset`; later answers are whole.
    void dropOnceAt(qint64 offset) {
        dropAt_ = offset;
        stall_ = false;
    }
    // Like dropOnceAt, but the connection stays open and silent (the client's transfer timeout must notice).
    void stallOnceAt(qint64 offset) {
        dropAt_ = offset;
        stall_ = true;
    }
    // Range requests are answered with the whole file (200), as by a server without range support.
    void setIgnoreRange(bool on) { ignoreRange_ = on; }
    // Bodies go out `chunkBytes` at a time every `intervalMs` (0: at once).
    void setTrickle(int chunkBytes, int intervalMs) {
        chunkBytes_ = chunkBytes;
        intervalMs_ = intervalMs;
    }
    // The file's path answers `status` (e.g. 404, 500) the next `times` requests (-1: always).
    void failWith(int status, int times = -1) {
        failStatus_ = status;
        failTimes_ = times;
    }
    // The bytes served have the byte at `offset` flipped (the headers still state the original's hash).
    void corruptByteAt(qint64 offset) { corruptAt_ = offset; }
    // Serves only the first `size` bytes, with a Content-Length to match (X-Linked-Size/hash stay the original's).
    void truncateTo(qint64 size) { truncateTo_ = size; }
    // Whether answers carry the hub's hash headers (X-Linked-Etag, X-Linked-Size; ETag then is a non-hash tag).
    void setHashHeaders(bool on) { hashHeaders_ = on; }
    // Whether the file's own answers (not the redirect) carry the hub's headers (the CDN's often do not).
    void setHashHeadersOnFile(bool on) { hashHeadersOnFile_ = on; }
    // Where /redirect/<fileName> points (default: this server's file), e.g. another server, as the hub's CDN is.
    void setRedirectTarget(const QUrl& url) { redirectTarget_ = url; }

    QList<Request> requests() const { return requests_; }
    int requestCount(const QByteArray& path) const;

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const Request& request);
    void sendBody(QTcpSocket* socket, QByteArray bytes, bool close);

    QTcpServer server_;
    QByteArray body_;
    QString fileName_;
    QByteArray sha256_;
    QList<Request> requests_;
    qint64 dropAt_ = -1;
    bool stall_ = false;
    bool ignoreRange_ = false;
    int chunkBytes_ = 0;
    int intervalMs_ = 0;
    int failStatus_ = 0;
    int failTimes_ = 0;
    qint64 corruptAt_ = -1;
    qint64 truncateTo_ = -1;
    bool hashHeaders_ = true;
    bool hashHeadersOnFile_ = true;
    QUrl redirectTarget_;
};

}  // namespace hearth::test
