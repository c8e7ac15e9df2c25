// The files of an unfinished download: the bytes so far in `target.part` and, beside them, a small sidecar
// `target.part.json` that remembers where they came from (URL, the server's validators, sizes and hashes). The
// sidecar is what lets a new DownloadManager (after an app restart) resume with an HTTP Range request that is safe:
// If-Range carries the remembered ETag, so a file that changed on the server is sent whole instead of spliced.
#pragma once

#include <QString>
#include <QUrl>
#include <optional>

namespace hearth::app {

QString partPath(const QString& targetPath);     // target + ".part"
QString sidecarPath(const QString& targetPath);  // target + ".part.json"

struct PartSidecar {
    QUrl url;
    QString etag;            // as the server sent it (quotes kept): replayed verbatim in If-Range
    QString lastModified;    // If-Range fallback when the ETag is weak or absent
    qint64 total = 0;        // whole file, from Content-Length / Content-Range; 0 unknown
    qint64 expectedSize = 0; // the caller's (catalog) size; 0 unknown
    QString expectedSha256;  // the caller's (catalog) hash, lower-case hex; "" unknown
    QString serverSha256;    // from X-Linked-Etag / ETag: a resumed 206 from a CDN may no longer carry it
    qint64 serverSize = 0;   // X-Linked-Size
};

// nullopt when the sidecar is missing or unreadable (the part file is then of unknown origin).
std::optional<PartSidecar> loadSidecar(const QString& targetPath);
bool saveSidecar(const QString& targetPath, const PartSidecar& sidecar);
// Deletes target.part and target.part.json (whichever exist).
void removePartFiles(const QString& targetPath);

}  // namespace hearth::app
