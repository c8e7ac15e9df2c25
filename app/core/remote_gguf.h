// Reads a remote GGUF's header (metadata + tensor infos) with HTTP Range requests, so the exact tensor types and
// shapes of a model are known before its gigabytes are downloaded (fit check, type mix, unknown catalog entries).
//
// The first request asks for bytes=0-(N-1) with N = initialBytes; while the engine's parser reports that the
// prefix ended before the tensor infos did, N doubles, up to maxBytes. Redirects are followed by hand as
// DownloadManager does (never from https to http; credentials only for their origin). A server that ignores Range
// (200) is read as a stream and cut off once the header parses or maxBytes arrived.
//
// Two time limits keep a slow server from holding the caller forever: a request that receives nothing for
// transferTimeoutMs fails (Qt's transfer timeout restarts with every byte), and the whole read, all requests and
// redirects together, ends after totalTimeoutMs however the bytes trickle in.
#pragma once

#include <QByteArray>
#include <QCoroFwd>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>
#include <memory>

class QNetworkAccessManager;

namespace hearth::engine {
class GgufFile;
}

namespace hearth::app {

struct RemoteGgufOptions {
    qint64 initialBytes = 256 * 1024;
    qint64 maxBytes = 64 * 1024 * 1024;
    int transferTimeoutMs = 30000;
    int totalTimeoutMs = 120000;  // the whole read; 0: no bound
    QUrl authOrigin;            // the Authorization header goes to this scheme/host/port only
    QByteArray authorization;   // "" : none
};

struct RemoteGgufTensor {
    QString name;
    QString type;           // ggml type name, e.g. "Q4_K"
    QList<qint64> shape;    // ne[0] (row length) first
};

// The parsed header with the bytes it points into (GgufFile keeps views into its prefix): what the fit check and the
// type mix read, the same code as for a local file. Immutable, shared by the rows that show it.
struct RemoteGgufHeader {
    QByteArray prefix;
    std::unique_ptr<engine::GgufFile> file;  // header only: tensors have no data; fileBytes() is the remote size
    ~RemoteGgufHeader();
};

struct RemoteGgufResult {
    bool ok = false;
    QString error;                 // !ok: why, for the user
    qint64 fileSize = 0;           // the whole file (Content-Range total, else Content-Length)
    qint64 bytesFetched = 0;       // body bytes received over all requests
    int requests = 0;              // HTTP requests made (redirect hops included)
    bool rangeSupported = true;    // false: the server answered 200 to a Range request
    QString architecture;          // general.architecture
    QList<RemoteGgufTensor> tensors;
    QMap<QString, int> typeCounts; // ggml type name -> number of tensors
    // From ModelConfig::fromGguf when the metadata is complete for the architecture (configError says why not).
    bool configOk = false;
    QString configError;
    qint64 nLayer = 0, nHead = 0, nHeadKv = 0, headDim = 0, nEmbd = 0, nCtxTrain = 0, nVocab = 0;
    QUrl finalUrl;                 // where the bytes came from (after redirects)
    QString sha256;                // the hub's LFS hash (X-Linked-Etag / ETag) when a response stated it
    std::shared_ptr<const RemoteGgufHeader> header;  // ok: the parsed header
};

// The facts of a parsed header (architecture, tensors, type counts, ModelConfig's shape or why not), as a header
// read sets them; also for a header read back from elsewhere (the models page's saved entries). Sets ok.
void describeGgufHeader(RemoteGgufResult& result, const engine::GgufFile& file);

QCoro::Task<RemoteGgufResult> readRemoteGgufHeader(QNetworkAccessManager& network, QUrl url,
                                                   RemoteGgufOptions options = {});

}  // namespace hearth::app
