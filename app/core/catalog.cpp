#include "app/core/catalog.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <cmath>

#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace hearth::app {

namespace {

qint64 integer(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toInteger(); }
QString text(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }

}  // namespace

engine::ModelShape CatalogEntry::shape() const {
    engine::ModelShape s;
    s.fileBytes = uint64_t(std::max<qint64>(sizeBytes, 0));
    s.nLayer = nLayers;
    s.nHead = nHeads;
    s.nHeadKv = nKvHeads;
    s.headDim = headDim;
    s.nEmbd = nEmbd;
    s.nFf = nFf;
    s.nVocab = nVocab;
    s.nCtxTrain = contextLength;
    s.tiedOutput = tiedEmbeddings;
    return s;
}

QList<CatalogEntry> parseCatalog(const QByteArray& json, QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    auto failed = [error](const QString& why) {
        if (error) *error = why;
        return QList<CatalogEntry>();
    };
    if (doc.isNull()) {
        return failed(
            QCoreApplication::translate("Catalog", "The catalog is not valid JSON: %1.").arg(parseError.errorString()));
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("version")).toInt() != 1) {
        return failed(QCoreApplication::translate("Catalog", "The catalog has version %1; this app reads version 1.")
                          .arg(root.value(QLatin1String("version")).toInt()));
    }
    QList<CatalogEntry> out;
    const QJsonArray models = root.value(QLatin1String("models")).toArray();
    for (const QJsonValue& mv : models) {
        const QJsonObject m = mv.toObject();
        CatalogEntry base;
        base.modelId = text(m, "id");
        base.name = text(m, "name");
        base.description = text(m, "description");
        base.family = text(m, "family");
        base.license = text(m, "license");
        base.licenseUrl = text(m, "license_url");
        base.homepage = text(m, "homepage");
        base.gated = m.value(QLatin1String("gated")).toBool();
        base.architecture = text(m, "architecture");
        base.supported = m.value(QLatin1String("supported")).toBool();
        base.reason = text(m, "reason");
        base.chat = m.value(QLatin1String("chat")).toBool(true);
        base.parameters = integer(m, "parameters");
        base.contextLength = integer(m, "context_length");
        base.nLayers = integer(m, "n_layers");
        base.nHeads = integer(m, "n_heads");
        base.nKvHeads = integer(m, "n_kv_heads");
        base.headDim = integer(m, "head_dim");
        base.nEmbd = integer(m, "n_embd");
        base.nFf = integer(m, "n_ff");
        base.nVocab = integer(m, "n_vocab");
        base.tiedEmbeddings = m.value(QLatin1String("tied_embeddings")).toBool();
        if (base.modelId.isEmpty() || base.nLayers <= 0 || base.nKvHeads <= 0 || base.headDim <= 0) {
            return failed(QCoreApplication::translate("Catalog", "The catalog entry \"%1\" lacks its id or shapes.")
                              .arg(base.name));
        }
        const QString defaultQuant = text(m, "default_quantization");
        for (const QJsonValue& fv : m.value(QLatin1String("files")).toArray()) {
            const QJsonObject f = fv.toObject();
            CatalogEntry e = base;
            e.quantization = text(f, "quantization");
            e.isDefault = e.quantization == defaultQuant;
            e.repo = text(f, "repo");
            e.fileName = text(f, "file");
            e.url = QUrl(text(f, "url"));
            e.sizeBytes = integer(f, "size_bytes");
            e.sizeExact = f.value(QLatin1String("size_exact")).toBool();
            e.sha256 = text(f, "sha256").toLower();
            e.verified = f.value(QLatin1String("verified")).toBool();
            // The file name becomes a path in the models folder: nothing that could leave it.
            if (e.fileName.isEmpty() || e.fileName.contains(QLatin1Char('/')) ||
                e.fileName.contains(QLatin1Char('\\')) || e.fileName.startsWith(QLatin1Char('.')) ||
                !e.url.isValid() || e.sizeBytes <= 0) {
                return failed(QCoreApplication::translate(
                                  "Catalog", "The catalog file \"%1\" of %2 has no usable name, URL or size.")
                                  .arg(e.fileName, base.modelId));
            }
            out.append(std::move(e));
        }
    }
    if (error) error->clear();
    return out;
}

QUrl defaultHubBaseUrl() { return QUrl(QStringLiteral("https://huggingface.co")); }

bool isValidHubBase(const QUrl& url) {
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

QUrl hubUrl(const QUrl& catalogUrl, const QUrl& hubBase) {
    if (!isValidHubBase(hubBase)) return catalogUrl;
    QUrl out = catalogUrl;
    out.setScheme(hubBase.scheme());
    out.setHost(hubBase.host());
    out.setPort(hubBase.port());
    out.setUserInfo(QString());
    QString prefix = hubBase.path();
    while (prefix.endsWith(QLatin1Char('/'))) prefix.chop(1);
    out.setPath(prefix + catalogUrl.path());
    return out;
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    const auto defaultPort = [](const QUrl& u) { return u.scheme() == QLatin1String("https") ? 443 : 80; };
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(defaultPort(a)) == b.port(defaultPort(b));
}

std::optional<kernels::GgmlType> weightTypeOfQuantization(const QString& quantization) {
    // llama.cpp's file types name the main type plus a size suffix for the K-quant mixes (_S, _M, _L, _XS...).
    QString name = quantization.toUpper();
    static const QRegularExpression suffix(QStringLiteral("^(Q\\d_K)_(XS|S|M|L)$"));
    if (const QRegularExpressionMatch m = suffix.match(name); m.hasMatch()) name = m.captured(1);
    return kernels::typeFromName(name.toStdString());
}

KernelPath kernelPathFor(kernels::GgmlType type) {
    KernelPath p;
    const kernels::Isa isa = kernels::activeIsa();
    p.isa = QString::fromLatin1(kernels::isaName(isa).data(), qsizetype(kernels::isaName(isa).size()));
    p.fast = isa != kernels::Isa::Scalar &&
             (kernels::repackedGemmFor(type) != nullptr || kernels::gemmKernelsFor(type) != nullptr);
    return p;
}

std::optional<engine::FitReport> fitCatalogEntry(const CatalogEntry& entry, const MachineFit& machine) {
    if (!machine.memory) return std::nullopt;
    int64_t nCtx = std::max<int64_t>(machine.nCtx, 1);
    if (entry.contextLength > 0) nCtx = std::min<int64_t>(nCtx, entry.contextLength);
    std::optional<double> bandwidth;
    if (machine.bandwidthGbps > 0) bandwidth = machine.bandwidthGbps;
    return engine::fitCheck(entry.shape(), nCtx, machine.kvType, *machine.memory, bandwidth);
}

QString fitName(const engine::FitReport& report) {
    const std::string_view n = engine::fitVerdictName(report.verdict);
    return QString::fromLatin1(n.data(), qsizetype(n.size()));
}

QString fitDescription(const engine::FitReport& report) {
    const QLocale locale;
    const QString needed = locale.formattedDataSize(qint64(report.neededBytes()));
    const QString available = locale.formattedDataSize(qint64(report.availableBytes));
    if (report.maxCtxFit <= 0) {
        return QCoreApplication::translate("Catalog", "Needs %1 of %2 available · the weights alone do not fit")
            .arg(needed, available);
    }
    return QCoreApplication::translate("Catalog", "Needs %1 of %2 available · up to %3 tokens of context")
        .arg(needed, available, locale.toString(qlonglong(report.maxCtxFit)));
}

QString speedDescription(const engine::FitReport& report) {
    if (report.predictedTgTps <= 0) return QCoreApplication::translate("Catalog", "Speed not known yet");
    const double tps = report.predictedTgTps;
    const QLocale locale;
    return QCoreApplication::translate("Catalog", "~%1 tokens/s")
        .arg(locale.toString(tps, 'f', tps < 10 ? 1 : 0));
}

}  // namespace hearth::app
