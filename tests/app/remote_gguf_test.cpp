// readRemoteGgufHeader against the local HTTP server (test_http_server.h): a generated GGUF whose metadata is too
// large for the first Range request, so the prefix must grow; a server without Range support; a file that is not a
// GGUF; a 404. Asserted is what a caller would rely on: the exact tensor types and shapes and the model's shape from
// the metadata, the file size, and that only the header was fetched (requests and bytes counted on both sides).
#include <QCoroTask>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTest>

#include <string>
#include <vector>

#include "app/core/remote_gguf.h"
#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "test_http_server.h"

using hearth::app::readRemoteGgufHeader;
using hearth::app::RemoteGgufOptions;
using hearth::app::RemoteGgufResult;
using hearth::test::TestHttpServer;

namespace {

constexpr qint64 kFirst = 256 * 1024;

// A llama-shaped GGUF: about 400 KB of metadata (a vocabulary of long tokens: more than the first 256 KiB request,
// less than the second's 512 KiB), then 2 MB of tensor data that the header read must not fetch.
QByteArray makeGguf() {
    hearth::engine::GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addUint32("llama.embedding_length", 256);
    w.addUint32("llama.block_count", 2);
    w.addUint32("llama.attention.head_count", 8);
    w.addUint32("llama.attention.head_count_kv", 2);
    w.addUint32("llama.feed_forward_length", 512);
    w.addUint32("llama.context_length", 4096);
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    std::vector<std::string> tokens;
    for (int i = 0; i < 1000; ++i) tokens.push_back("token-" + std::to_string(i) + std::string(400, 'x'));
    w.addStringArray("tokenizer.ggml.tokens", std::span<const std::string>(tokens));
    std::vector<float> embd(256 * 1000, 0.5f);
    w.addTensorF32("token_embd.weight", {256, 1000}, embd);
    std::vector<float> norm(256, 1.0f);
    w.addTensorF32("output_norm.weight", {256}, norm);
    std::vector<float> out(256 * 1000, 0.25f);
    w.addTensorF32("output.weight", {256, 1000}, out);
    auto bytes = w.toBytes();
    if (!bytes) qFatal("cannot build the test GGUF: %s", bytes.message().c_str());
    return QByteArray(reinterpret_cast<const char*>(bytes->data()), static_cast<qsizetype>(bytes->size()));
}

RemoteGgufResult read(QNetworkAccessManager& network, const QUrl& url, RemoteGgufOptions options = {}) {
    auto task = readRemoteGgufHeader(network, url, options);
    return QCoro::waitFor(task);
}

}  // namespace

class RemoteGgufTest : public QObject {
    Q_OBJECT
private slots:
    void growsThePrefixUntilTheHeaderParses() {
        const QByteArray gguf = makeGguf();
        QVERIFY(gguf.size() > 2 * 1024 * 1024);
        TestHttpServer server(gguf, QStringLiteral("model.gguf"));
        QVERIFY(server.listen());
        QNetworkAccessManager network;

        const RemoteGgufResult r = read(network, server.redirectUrl());
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.architecture, QStringLiteral("llama"));
        QCOMPARE(r.fileSize, qint64(gguf.size()));
        QVERIFY(r.rangeSupported);
        QCOMPARE(r.tensors.size(), 3);
        QCOMPARE(r.tensors[0].name, QStringLiteral("token_embd.weight"));
        QCOMPARE(r.tensors[0].type, QStringLiteral("F32"));
        QCOMPARE(r.tensors[0].shape, (QList<qint64>{256, 1000}));
        QCOMPARE(r.tensors[1].shape, (QList<qint64>{256}));
        QCOMPARE(r.typeCounts.value(QStringLiteral("F32")), 3);
        QVERIFY2(r.configOk, qPrintable(r.configError));
        QCOMPARE(r.nLayer, qint64(2));
        QCOMPARE(r.nHead, qint64(8));
        QCOMPARE(r.nHeadKv, qint64(2));
        QCOMPARE(r.headDim, qint64(32));
        QCOMPARE(r.nEmbd, qint64(256));
        QCOMPARE(r.nCtxTrain, qint64(4096));
        QCOMPARE(r.nVocab, qint64(1000));
        // The parsed header is kept for the fit check (with the bytes it points into), and the hub's hash.
        QVERIFY(r.header && r.header->file);
        QCOMPARE(r.header->file->tensors().size(), size_t(3));
        QCOMPARE(r.header->file->fileBytes(), uint64_t(gguf.size()));
        QCOMPARE(r.sha256, QString::fromLatin1(server.sha256Hex()));
        QCOMPARE(r.finalUrl, server.fileUrl());

        // Two rounds, each through the redirect: 256 KiB (the metadata does not fit), then 512 KiB.
        QCOMPARE(r.requests, 4);
        QCOMPARE(r.bytesFetched, kFirst + 2 * kFirst);
        QList<qint64> ends;
        for (const TestHttpServer::Request& q : server.requests()) {
            if (q.path != "/model.gguf") continue;
            QCOMPARE(q.rangeStart, qint64(0));
            ends.append(q.rangeEnd);
        }
        QCOMPARE(ends, (QList<qint64>{kFirst - 1, 2 * kFirst - 1}));
    }

    void withoutRangeSupportStopsAtTheCap() {
        const QByteArray gguf = makeGguf();
        TestHttpServer server(gguf, QStringLiteral("model.gguf"));
        server.setIgnoreRange(true);
        server.setTrickle(16 * 1024, 1);  // the whole file at once would arrive before any cut-off could act
        QVERIFY(server.listen());
        QNetworkAccessManager network;

        RemoteGgufOptions small;
        small.maxBytes = 300 * 1024;  // below the header's size
        RemoteGgufResult r = read(network, server.fileUrl(), small);
        QVERIFY(!r.ok);
        QVERIFY(!r.rangeSupported);
        QVERIFY2(r.error.contains(QStringLiteral("does not support range requests")), qPrintable(r.error));
        QCOMPARE(r.requests, 1);
        QVERIFY2(r.bytesFetched >= small.maxBytes && r.bytesFetched < small.maxBytes + 256 * 1024,
                 qPrintable(QString::number(r.bytesFetched)));

        // With room for the header, the stream is cut once it parses, well before the tensor data ends.
        r = read(network, server.fileUrl());
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!r.rangeSupported);
        QCOMPARE(r.tensors.size(), 3);
        QCOMPARE(r.fileSize, qint64(gguf.size()));
        QVERIFY2(r.bytesFetched < gguf.size() / 2, qPrintable(QString::number(r.bytesFetched)));
    }

    void tricklingServerHitsTheTotalBound() {
        // 64 bytes every 20 ms: never silent long enough for the transfer timeout, so only the bound on the whole
        // read ends it, with a message that says the server is too slow.
        const QByteArray gguf = makeGguf();
        TestHttpServer server(gguf, QStringLiteral("m.gguf"));
        QVERIFY(server.listen());
        server.setTrickle(64, 20);
        QNetworkAccessManager network;
        RemoteGgufOptions options;
        options.transferTimeoutMs = 5000;
        options.totalTimeoutMs = 600;
        QElapsedTimer clock;
        clock.start();
        const RemoteGgufResult r = read(network, server.fileUrl(), options);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("too slow")), qPrintable(r.error));
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
    }

    void notAGgufIsAClearError() {
        QByteArray html = "<!doctype html><title>Sign in</title>" + QByteArray(600 * 1024, 'x');
        TestHttpServer server(html, QStringLiteral("model.gguf"));
        QVERIFY(server.listen());
        QNetworkAccessManager network;
        const RemoteGgufResult r = read(network, server.fileUrl());
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("not a GGUF file")), qPrintable(r.error));
        QCOMPARE(r.requests, 1);  // the magic is wrong: no point asking for more
        QCOMPARE(r.bytesFetched, kFirst);
    }

    void notFoundNamesTheStatus() {
        TestHttpServer server(makeGguf(), QStringLiteral("model.gguf"));
        QVERIFY(server.listen());
        QNetworkAccessManager network;
        const RemoteGgufResult r = read(network, server.url(QStringLiteral("/missing.gguf")));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("HTTP 404")), qPrintable(r.error));
        QCOMPARE(r.bytesFetched, qint64(0));
        QVERIFY2(!r.error.contains(QStringLiteral("access token")), qPrintable(r.error));
    }

    void gatedRepositoryPointsToTheToken() {
        TestHttpServer server(makeGguf(), QStringLiteral("model.gguf"));
        QVERIFY(server.listen());
        server.failWith(403);
        QNetworkAccessManager network;
        const RemoteGgufResult r = read(network, server.fileUrl());
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("HTTP 403")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("access token")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(RemoteGgufTest)
#include "remote_gguf_test.moc"
