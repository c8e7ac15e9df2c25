#include "test_http_server.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace hearth::test {

namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 302: return "Found";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray statusLine(int status) {
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
}

}  // namespace

TestHttpServer::TestHttpServer(QByteArray body, QString fileName, QObject* parent)
    : QObject(parent), body_(std::move(body)), fileName_(std::move(fileName)) {
    sha256_ = QCryptographicHash::hash(body_, QCryptographicHash::Sha256).toHex();
    connect(&server_, &QTcpServer::newConnection, this, &TestHttpServer::onNewConnection);
}

TestHttpServer::~TestHttpServer() = default;

bool TestHttpServer::listen() { return server_.listen(QHostAddress::LocalHost, 0); }

QUrl TestHttpServer::url(const QString& path) const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(path));
}

QUrl TestHttpServer::fileUrl() const { return url(QLatin1Char('/') + fileName_); }

QUrl TestHttpServer::redirectUrl() const { return url(QStringLiteral("/redirect/") + fileName_); }

int TestHttpServer::requestCount(const QByteArray& path) const {
    int n = 0;
    for (const Request& r : requests_) n += r.path == path;
    return n;
}

void TestHttpServer::onNewConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    }
}

void TestHttpServer::onReadyRead(QTcpSocket* socket) {
    QByteArray buffer = socket->property("request").toByteArray() + socket->readAll();
    const int end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        socket->setProperty("request", buffer);
        return;
    }
    socket->setProperty("request", QByteArray());
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    Request request;
    request.method = first.value(0);
    request.path = first.value(1);
    // The absolute form ("GET http://host/path") is what a client sends to a proxy: this server then acts as the
    // proxy for that host, and answers as if it were it.
    if (request.path.startsWith("http://")) {
        const QUrl target(QString::fromLatin1(request.path));
        request.proxiedHost = target.host().toLatin1();
        request.path = target.path(QUrl::FullyEncoded).toLatin1();
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const int colon = line.indexOf(':');
        if (colon < 0) continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "range" && value.startsWith("bytes=") && value.count('-') == 1) {
            const QList<QByteArray> bounds = value.mid(6).split('-');
            request.rangeStart = bounds[0].toLongLong();
            if (!bounds[1].isEmpty()) request.rangeEnd = bounds[1].toLongLong();
        } else if (name == "if-range") {
            request.ifRange = value;
        } else if (name == "authorization") {
            request.authorization = value;
        }
    }
    requests_.append(request);
    answer(socket, request);
}

void TestHttpServer::answer(QTcpSocket* socket, const Request& request) {
    const QByteArray filePath = '/' + fileName_.toUtf8();
    const QByteArray hashTag = '"' + sha256_ + '"';
    const QByteArray etag = hashHeaders_ ? hashTag : QByteArray("\"v1-not-a-hash\"");
    QByteArray head;
    auto hubHeaders = [&] {
        if (!hashHeaders_) return;
        head += "X-Linked-Etag: " + hashTag + "\r\n";
        head += "X-Linked-Size: " + QByteArray::number(body_.size()) + "\r\n";
    };

    if (request.path == "/redirect" + filePath) {
        head = statusLine(302);
        head += "Location: " + (redirectTarget_.isValid() ? redirectTarget_ : fileUrl()).toEncoded() + "\r\n";
        hubHeaders();
        head += "ETag: " + etag + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        socket->write(head);
        socket->disconnectFromHost();
        return;
    }
    if (request.path != filePath || (failStatus_ != 0 && failTimes_ != 0)) {
        const int status = request.path != filePath ? 404 : failStatus_;
        if (request.path == filePath && failTimes_ > 0) --failTimes_;
        const QByteArray text = reasonPhrase(status) + '\n';
        head = statusLine(status) + "Content-Type: text/plain\r\nContent-Length: " + QByteArray::number(text.size()) +
               "\r\nConnection: close\r\n\r\n";
        socket->write(head + text);
        socket->disconnectFromHost();
        return;
    }

    QByteArray served = body_;
    if (corruptAt_ >= 0 && corruptAt_ < served.size()) {
        served[corruptAt_] = static_cast<char>(served[corruptAt_] ^ 0x5a);
    }
    if (truncateTo_ >= 0) served.truncate(truncateTo_);
    const qint64 size = served.size();

    qint64 start = 0;
    qint64 end = size;  // exclusive
    int status = 200;
    // If-Range: the rest only while the client's copy is of this very file, else the whole file.
    const QByteArray fileEtag = hashHeadersOnFile_ ? etag : QByteArray("\"cdn-object-17\"");
    if (request.rangeStart >= 0 && !ignoreRange_ && (request.ifRange.isEmpty() || request.ifRange == fileEtag)) {
        if (request.rangeStart >= size) {
            head = statusLine(416) + "Content-Range: bytes */" + QByteArray::number(size) +
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            socket->write(head);
            socket->disconnectFromHost();
            return;
        }
        status = 206;
        start = request.rangeStart;
        if (request.rangeEnd >= start) end = std::min(size, request.rangeEnd + 1);
    }
    head = statusLine(status);
    head += "Content-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\n";
    head += "Content-Length: " + QByteArray::number(end - start) + "\r\n";
    if (status == 206) {
        head += "Content-Range: bytes " + QByteArray::number(start) + '-' + QByteArray::number(end - 1) + '/' +
                QByteArray::number(size) + "\r\n";
    }
    // A CDN's answer: its own ETag, not the hash, and none of the hub's headers.
    head += "ETag: " + fileEtag + "\r\n";
    if (hashHeadersOnFile_) hubHeaders();
    head += "Connection: close\r\n\r\n";
    socket->write(head);

    QByteArray bytes = served.mid(start, end - start);
    bool close = true;
    if (dropAt_ >= start && dropAt_ < end) {
        bytes.truncate(dropAt_ - start);  // fewer than Content-Length, then the connection closes (or stalls)
        dropAt_ = -1;
        close = !stall_;
    }
    sendBody(socket, std::move(bytes), close);
}

void TestHttpServer::sendBody(QTcpSocket* socket, QByteArray bytes, bool close) {
    if (intervalMs_ <= 0 || chunkBytes_ <= 0) {
        socket->write(bytes);
        if (close) socket->disconnectFromHost();  // after the pending bytes went out
        return;
    }
    auto* timer = new QTimer(socket);  // dies with the socket when the client goes away
    auto sent = std::make_shared<qint64>(0);
    connect(timer, &QTimer::timeout, socket, [socket, timer, sent, bytes, close, chunk = chunkBytes_] {
        if (socket->state() != QAbstractSocket::ConnectedState) {
            timer->stop();
            return;
        }
        const qint64 n = std::min<qint64>(chunk, bytes.size() - *sent);
        socket->write(bytes.constData() + *sent, n);
        *sent += n;
        if (*sent >= bytes.size()) {
            timer->stop();
            if (close) socket->disconnectFromHost();
        }
    });
    timer->start(intervalMs_);
}

}  // namespace hearth::test
