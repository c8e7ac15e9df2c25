#include "app/core/download_part.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace hearth::app {

QString partPath(const QString& targetPath) { return targetPath + QStringLiteral(".part"); }
QString sidecarPath(const QString& targetPath) { return targetPath + QStringLiteral(".part.json"); }

std::optional<PartSidecar> loadSidecar(const QString& targetPath) {
    QFile file(sidecarPath(targetPath));
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(64 * 1024), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    const QJsonObject o = doc.object();
    PartSidecar s;
    s.url = QUrl(o.value(QLatin1String("url")).toString());
    if (!s.url.isValid() || s.url.isEmpty()) return std::nullopt;
    s.etag = o.value(QLatin1String("etag")).toString();
    s.lastModified = o.value(QLatin1String("lastModified")).toString();
    // JSON numbers are doubles: exact for sizes up to 2^53 bytes.
    s.total = static_cast<qint64>(o.value(QLatin1String("total")).toDouble());
    s.expectedSize = static_cast<qint64>(o.value(QLatin1String("expectedSize")).toDouble());
    s.expectedSha256 = o.value(QLatin1String("expectedSha256")).toString();
    s.serverSha256 = o.value(QLatin1String("serverSha256")).toString();
    s.serverSize = static_cast<qint64>(o.value(QLatin1String("serverSize")).toDouble());
    if (s.total < 0 || s.expectedSize < 0 || s.serverSize < 0) return std::nullopt;
    return s;
}

bool saveSidecar(const QString& targetPath, const PartSidecar& s) {
    QJsonObject o;
    o.insert(QLatin1String("url"), s.url.toString());
    o.insert(QLatin1String("etag"), s.etag);
    o.insert(QLatin1String("lastModified"), s.lastModified);
    o.insert(QLatin1String("total"), static_cast<double>(s.total));
    o.insert(QLatin1String("expectedSize"), static_cast<double>(s.expectedSize));
    o.insert(QLatin1String("expectedSha256"), s.expectedSha256);
    o.insert(QLatin1String("serverSha256"), s.serverSha256);
    o.insert(QLatin1String("serverSize"), static_cast<double>(s.serverSize));
    // Written whole or not at all: a torn sidecar would make the part file look foreign and be thrown away.
    QSaveFile file(sidecarPath(targetPath));
    if (!file.open(QIODevice::WriteOnly)) return false;
    file.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return file.commit();
}

void removePartFiles(const QString& targetPath) {
    QFile::remove(partPath(targetPath));
    QFile::remove(sidecarPath(targetPath));
}

}  // namespace hearth::app
