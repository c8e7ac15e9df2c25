#include "app/core/download_integrity.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>

#include "engine/gguf_reader.h"

namespace hearth::app {

bool isSha256Hex(const QString& text) {
    static const QRegularExpression re(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return re.match(text).hasMatch();
}

QString sha256FromEntityTag(const QByteArray& tag) {
    QByteArray t = tag.trimmed();
    if (t.startsWith("W/")) t = t.mid(2);
    if (t.size() >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.mid(1, t.size() - 2);
    const QString hex = QString::fromLatin1(t);
    return isSha256Hex(hex) ? hex.toLower() : QString();
}

FileHash sha256OfFile(const QString& path, const std::atomic<bool>& stop, std::atomic<qint64>* hashedBytes) {
    FileHash out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = file.errorString();
        return out;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        if (stop.load(std::memory_order_relaxed)) {
            out.stopped = true;
            return out;
        }
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0) {
            out.error = file.errorString();
            return out;
        }
        if (n == 0) break;
        hash.addData(QByteArrayView(buffer.constData(), n));
        done += n;
        if (hashedBytes) hashedBytes->store(done, std::memory_order_relaxed);
    }
    out.sha256 = QString::fromLatin1(hash.result().toHex());
    return out;
}

QString ggufProblem(const QString& path) {
    auto file = engine::GgufFile::open(path.toStdString());
    if (!file) return QString::fromStdString(file.message());
    return QString();
}

}  // namespace hearth::app
