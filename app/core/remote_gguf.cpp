#include "app/core/remote_gguf.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QCoroNetworkReply>
#include <QCoroTask>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>

#include "app/core/download_integrity.h"
#include "engine/gguf_reader.h"
#include "engine/model_config.h"

namespace hearth::app {

namespace {

constexpr int kMaxRedirects = 10;
constexpr qint64 kMinPrefix = 4096;  // smaller first requests only cost round trips

QString shownUrl(const QUrl& url) { return url.toDisplayString(QUrl::RemoveUserInfo); }

bool sameOrigin(const QUrl& a, const QUrl& b) {
    const auto port = [](const QUrl& u) { return u.port(u.scheme() == QLatin1String("https") ? 443 : 80); };
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && port(a) == port(b);
}

// The total of "bytes 0-99/1000" (0 when absent or "*").
qint64 contentRangeTotal(const QByteArray& value) {
    static const QRegularExpression re(QStringLiteral(R"(^\s*bytes\s+(?:\d+-\d+|\*)/(\d+)\s*$)"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(value));
    return m.hasMatch() ? m.captured(1).toLongLong() : 0;
}

// Parses a prefix of a file of `fileSize` bytes (0: unknown, then only the prefix's own bounds are known).
Result<std::unique_ptr<engine::GgufFile>> parsePrefix(const QByteArray& prefix, qint64 fileSize, bool* needMore) {
    const auto* data = reinterpret_cast<const uint8_t*>(prefix.constData());
    const uint64_t size = fileSize > 0 ? static_cast<uint64_t>(fileSize) : std::numeric_limits<uint64_t>::max() / 2;
    return engine::GgufFile::parseHeader(std::span<const uint8_t>(data, static_cast<size_t>(prefix.size())), size,
                                         needMore);
}


// The hub's LFS hash, stated on its redirect or on the file's answer.
void takeHash(RemoteGgufResult& r, const QNetworkReply* reply) {
    const QString linked = sha256FromEntityTag(reply->rawHeader("X-Linked-Etag"));
    const QString etag = sha256FromEntityTag(reply->rawHeader("ETag"));
    if (!linked.isEmpty()) r.sha256 = linked;
    else if (!etag.isEmpty() && r.sha256.isEmpty()) r.sha256 = etag;
}

}  // namespace

void describeGgufHeader(RemoteGgufResult& r, const engine::GgufFile& file) {
    r.ok = true;
    if (auto arch = file.getString("general.architecture")) {
        r.architecture = QString::fromUtf8(arch->data(), static_cast<qsizetype>(arch->size()));
    }
    for (const engine::GgufTensor& t : file.tensors()) {
        RemoteGgufTensor info;
        info.name = QString::fromUtf8(t.name.data(), static_cast<qsizetype>(t.name.size()));
        const std::string_view type = kernels::typeName(t.type);
        info.type = QString::fromLatin1(type.data(), static_cast<qsizetype>(type.size()));
        for (uint32_t d = 0; d < t.nDims; ++d) info.shape.append(t.ne[d]);
        ++r.typeCounts[info.type];
        r.tensors.append(std::move(info));
    }
    auto config = engine::ModelConfig::fromGguf(file);
    if (!config) {
        r.configError = QString::fromStdString(config.message());
        return;
    }
    r.configOk = true;
    r.nLayer = config->nLayer;
    r.nHead = config->nHead;
    r.nHeadKv = config->nHeadKv;
    r.headDim = config->headDim;
    r.nEmbd = config->nEmbd;
    r.nCtxTrain = config->nCtxTrain;
    r.nVocab = config->nVocab;
}

RemoteGgufHeader::~RemoteGgufHeader() = default;

QCoro::Task<RemoteGgufResult> readRemoteGgufHeader(QNetworkAccessManager& network, QUrl url,
                                                   RemoteGgufOptions options) {
    RemoteGgufResult result;
    const QString shown = shownUrl(url);
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        result.error = QCoreApplication::translate("RemoteGguf", "Cannot read \"%1\": not an http or https address.")
                           .arg(url.toString());
        co_return result;
    }
    const qint64 cap = std::max(options.maxBytes, kMinPrefix);
    qint64 want = std::clamp(options.initialBytes, kMinPrefix, cap);
    // The bound on the whole read: each request gets what is left of it, and a timer aborts the one running when it
    // runs out (a server trickling a byte a second never trips the per-request transfer timeout).
    const QDeadlineTimer deadline(options.totalTimeoutMs > 0 ? qint64(options.totalTimeoutMs) : -1);
    const auto tooSlow = [&] {
        return QCoreApplication::translate("RemoteGguf",
                                           "Reading the header of %1 took longer than %2 s; the server is too slow "
                                           "or stalled.")
            .arg(shown)
            .arg(options.totalTimeoutMs / 1000.0);
    };

    for (;;) {
        // One round: bytes 0..want-1, redirects followed by hand (see DownloadManager::transfer for why).
        QUrl at = url;
        QByteArray body;
        int status = 0;
        bool cut = false;  // we aborted the answer on purpose: enough bytes (or a parsable header) arrived
        QNetworkReply* reply = nullptr;
        for (int hop = 0;; ++hop) {
            QNetworkRequest request(at);
            request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
            request.setTransferTimeout(options.transferTimeoutMs);
            request.setRawHeader("Accept-Encoding", "identity");  // offsets are the file's
            request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Hearth"));
            request.setRawHeader("Range", "bytes=0-" + QByteArray::number(want - 1));
            if (!options.authorization.isEmpty() && sameOrigin(at, options.authOrigin)) {
                request.setRawHeader("Authorization", options.authorization);
            }
            if (deadline.hasExpired()) {
                result.error = tooSlow();
                co_return result;
            }
            reply = network.get(request);
            ++result.requests;
            body.clear();
            cut = false;
            bool expired = false;
            QTimer bound;
            if (!deadline.isForever()) {
                bound.setSingleShot(true);
                QObject::connect(&bound, &QTimer::timeout, reply, [reply, &expired] {
                    expired = true;
                    reply->abort();
                });
                bound.start(int(std::max<qint64>(deadline.remainingTime(), 1)));
            }
            // A server that ignores Range sends the whole file: read it as a stream, try the parser each time the
            // stream doubles, and stop at the first parsable header or at the cap.
            qint64 tryAt = want;
            QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, &body, &cut, &tryAt, &result, want, cap] {
                const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QByteArray data = reply->readAll();
                if (cut || code < 200 || code >= 300) return;
                result.bytesFetched += data.size();  // what came over the network, kept or not
                const qint64 limit = code == 206 ? want : cap;
                body += data.left(limit - body.size());  // never parse past what was asked for (or the cap)
                bool stop = body.size() >= limit;
                if (!stop && code == 200 && body.size() >= tryAt) {
                    bool needMore = false;
                    const qint64 total = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
                    stop = parsePrefix(body, total, &needMore).ok() || !needMore;
                    tryAt *= 2;
                }
                if (stop) {
                    cut = true;
                    // From the event loop: abort() finishes the reply at once, resuming the coroutine in this slot.
                    QTimer::singleShot(0, reply, &QNetworkReply::abort);
                }
            });
            co_await reply;
            bound.stop();
            reply->disconnect();
            reply->deleteLater();
            if (expired && !cut) {
                result.error = tooSlow();
                co_return result;
            }
            status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            takeHash(result, reply);
            const QUrl location = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
            if (status < 300 || status >= 400 || status == 304 || !location.isValid()) break;
            const QUrl next = at.resolved(location);
            if (hop + 1 >= kMaxRedirects) {
                result.error = QCoreApplication::translate("RemoteGguf", "Too many redirects from %1.").arg(shown);
                co_return result;
            }
            if (at.scheme() == QLatin1String("https") && next.scheme() != QLatin1String("https")) {
                result.error = QCoreApplication::translate("RemoteGguf",
                                                           "Refused the redirect from %1 to the insecure address %2.")
                                   .arg(shownUrl(at), shownUrl(next));
                co_return result;
            }
            at = next;
        }
        const QString where = shownUrl(at);

        if (status >= 400) {
            const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
            result.error = QCoreApplication::translate("RemoteGguf", "The server answered HTTP %1 %2 for %3.")
                               .arg(status)
                               .arg(reason, where)
                               .simplified();
            if (status == 401 || status == 403)  // gated repositories: say what to do
                result.error += QLatin1Char(' ') +
                                QCoreApplication::translate("RemoteGguf",
                                                            "The repository may be gated: accept its terms on the "
                                                            "hub's page, then set an access token on the Models page.");
            co_return result;
        }
        if (!cut && reply->error() != QNetworkReply::NoError) {
            result.error = QCoreApplication::translate("RemoteGguf", "Reading the header of %1 failed: %2.")
                               .arg(where, reply->errorString());
            co_return result;
        }
        if (status != 200 && status != 206) {
            result.error =
                QCoreApplication::translate("RemoteGguf", "The server answered HTTP %1 for %2, which is not a file.")
                    .arg(status)
                    .arg(where);
            co_return result;
        }
        if (status == 206) {
            result.fileSize = contentRangeTotal(reply->rawHeader("Content-Range"));
        } else {
            result.rangeSupported = false;
            result.fileSize = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        }

        bool needMore = false;
        auto file = parsePrefix(body, result.fileSize, &needMore);
        if (file) {
            describeGgufHeader(result, **file);
            result.finalUrl = at;
            // The parsed file keeps views into the bytes: both move into one holder, parsed there again (cheap: the
            // header is already known to parse).
            auto header = std::make_shared<RemoteGgufHeader>();
            header->prefix = std::move(body);
            auto kept = parsePrefix(header->prefix, result.fileSize, nullptr);
            if (kept) header->file = std::move(*kept);
            result.header = std::move(header);
            co_return result;
        }
        const bool wholeFile = result.fileSize > 0 && body.size() >= result.fileSize;
        if (!needMore || wholeFile) {
            result.error = QCoreApplication::translate("RemoteGguf", "%1 is not a usable GGUF file: %2")
                               .arg(where, QString::fromStdString(file.message()));
            co_return result;
        }
        if (status == 200) {
            result.error = QCoreApplication::translate(
                               "RemoteGguf",
                               "The server at %1 does not support range requests, and the GGUF header was not "
                               "within the first %2 it sent.")
                               .arg(where, QLocale().formattedDataSize(body.size()));
            co_return result;
        }
        if (want >= cap) {
            result.error =
                QCoreApplication::translate("RemoteGguf", "The GGUF header of %1 is larger than %2; not read.")
                    .arg(where, QLocale().formattedDataSize(cap));
            co_return result;
        }
        want = std::min(want * 2, cap);
    }
}

}  // namespace hearth::app
