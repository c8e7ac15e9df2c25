// The checks a finished download passes before it is renamed into place: its SHA-256 (against the catalog's or the
// server's) and the engine's GGUF reader. Both read the whole file, so they are blocking functions meant for a
// background thread (DownloadManager runs them with QtConcurrent and awaits the future).
#pragma once

#include <QByteArray>
#include <QString>
#include <atomic>

namespace hearth::app {

// The SHA-256 a server states in an ETag-style header, as lower-case hex, or "" when the value is not one. The
// Hugging Face hub sends the LFS object's sha256 as X-Linked-Etag (and often as ETag) of large files, quoted and
// sometimes weak (W/"…"); small git-stored files get a 40-hex git hash instead, which is not a SHA-256.
QString sha256FromEntityTag(const QByteArray& tag);

// True for 64 hex digits (either case).
bool isSha256Hex(const QString& text);

struct FileHash {
    QString sha256;  // lower-case hex; "" on error or when stopped
    QString error;   // readable; "" on success (and when stopped)
    bool stopped = false;
};

// Hashes the file in 1 MiB reads. `stop` is polled between reads; `hashedBytes` (may be null) follows progress.
FileHash sha256OfFile(const QString& path, const std::atomic<bool>& stop, std::atomic<qint64>* hashedBytes);

// "" when the engine's reader accepts the file (every tensor inside it, offsets and sizes consistent), else the
// reader's message (e.g. "tensor 'b': data [offset …] ends past the end of the file (…)").
QString ggufProblem(const QString& path);

}  // namespace hearth::app
