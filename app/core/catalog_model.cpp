#include "app/core/catalog_model.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSet>
#include <algorithm>
#include <cmath>

#include "app/core/local_models_model.h"
#include "engine/gguf_reader.h"

namespace hearth::app {

namespace {

using State = DownloadManager::State;

QString parametersText(qint64 n) {
    const QLocale locale;
    if (n >= 1'000'000'000) return locale.toString(double(n) / 1e9, 'f', 1) + QLatin1Char('B');
    if (n >= 1'000'000) return locale.toString(double(n) / 1e6, 'f', 0) + QLatin1Char('M');
    return locale.toString(n);
}

QString etaText(qint64 seconds) {
    if (seconds < 0) return QString();
    if (seconds < 90) return CatalogModel::tr("%n s left", nullptr, int(seconds));
    if (seconds < 90 * 60) return CatalogModel::tr("%n min left", nullptr, int((seconds + 30) / 60));
    return CatalogModel::tr("%n h left", nullptr, int((seconds + 1800) / 3600));
}

// The roles that follow the machine, the folder and a download: what the setters report as changed.
const QList<int> kFitRoles{CatalogModel::FitRole,          CatalogModel::FitTextRole,
                           CatalogModel::NeededBytesRole,  CatalogModel::AvailableBytesRole,
                           CatalogModel::MaxCtxFitRole,    CatalogModel::PredictedTpsRole,
                           CatalogModel::SpeedTextRole};
const QList<int> kDownloadRoles{CatalogModel::DownloadStateRole,   CatalogModel::DownloadProgressRole,
                                CatalogModel::DownloadedBytesRole, CatalogModel::BytesPerSecondRole,
                                CatalogModel::EtaSecondsRole,      CatalogModel::DownloadTextRole,
                                CatalogModel::DownloadErrorRole,   CatalogModel::InstalledRole,
                                CatalogModel::LocalPathRole};

}  // namespace

CatalogModel::CatalogModel(QObject* parent) : QAbstractListModel(parent) {}

int CatalogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

QString CatalogModel::downloadStateName(const Row& row) const {
    if (!row.download) return row.partBytes >= 0 && !row.installed ? QStringLiteral("partial") : QString();
    switch (row.download->state) {
    case State::Queued: return QStringLiteral("queued");
    case State::Downloading: return QStringLiteral("downloading");
    case State::Verifying: return QStringLiteral("verifying");
    case State::Done: return QStringLiteral("done");
    case State::Failed: return QStringLiteral("failed");
    case State::Paused: return QStringLiteral("paused");
    case State::Cancelled: return QStringLiteral("cancelled");
    }
    return QString();
}

QString CatalogModel::downloadText(const Row& row) const {
    const QLocale locale;
    if (!row.download) {
        if (row.partBytes < 0 || row.installed) return QString();
        return tr("%1 of %2 downloaded").arg(locale.formattedDataSize(row.partBytes),
                                             locale.formattedDataSize(row.entry.sizeBytes));
    }
    const DownloadManager::Info& d = *row.download;
    const qint64 total = d.total > 0 ? d.total : row.entry.sizeBytes;
    switch (d.state) {
    case State::Downloading: {
        QString text = tr("%1 of %2").arg(locale.formattedDataSize(d.bytes), locale.formattedDataSize(total));
        if (d.bytesPerSecond >= 1) text += tr(" · %1/s").arg(locale.formattedDataSize(qint64(d.bytesPerSecond)));
        if (d.etaSeconds >= 0) text += QStringLiteral(" · ") + etaText(d.etaSeconds);
        return text;
    }
    case State::Queued: return tr("Waiting for another download to finish");
    case State::Verifying: return tr("Checking the file (SHA-256 and GGUF)…");
    case State::Paused:
        return tr("Paused at %1 of %2").arg(locale.formattedDataSize(d.bytes), locale.formattedDataSize(total));
    case State::Failed: return d.error;
    case State::Cancelled: return tr("Cancelled");
    case State::Done: return d.hashChecked ? tr("Downloaded and verified") : tr("Downloaded");
    }
    return QString();
}

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = rows_.at(index.row());
    const CatalogEntry& e = r.entry;
    const std::optional<engine::FitReport>& fit = r.fit;
    const std::optional<kernels::GgmlType> type = weightTypeOfQuantization(e.quantization);
    const QString typeName = type ? QString::fromLatin1(kernels::typeName(*type).data()) : e.quantization;
    switch (role) {
    case Qt::DisplayRole: return e.name + QLatin1Char(' ') + e.quantization;
    case KeyRole: return e.key();
    case ModelIdRole: return e.modelId;
    case NameRole: return e.name;
    case DescriptionRole: return e.description;
    case FamilyRole: return e.family;
    case QuantizationRole: return e.quantization;
    case IsDefaultRole: return e.isDefault;
    case FileNameRole: return e.fileName;
    case RepoRole: return e.repo;
    case SizeBytesRole: return double(e.sizeBytes);
    case SizeTextRole: return QLocale().formattedDataSize(e.sizeBytes);
    case LicenseRole: return e.license;
    case LicenseUrlRole: return e.licenseUrl;
    case HomepageRole: return e.homepage;
    case ArchitectureRole: return e.architecture;
    case ParametersRole: return double(e.parameters);
    case ParametersTextRole: return parametersText(e.parameters);
    case ContextLengthRole: return double(e.contextLength);
    case SupportedRole: return e.supported;
    case ReasonRole: return e.reason;
    case VerifiedRole: return e.verified;
    case ChatRole: return e.chat;
    case FitRole: return fit ? fitName(*fit) : QString();
    case FitTextRole: return fit ? fitDescription(*fit) : QString();
    case NeededBytesRole: return fit ? double(fit->neededBytes()) : 0.0;
    case AvailableBytesRole: return fit ? double(fit->availableBytes) : 0.0;
    case MaxCtxFitRole: return fit ? double(fit->maxCtxFit) : 0.0;
    case PredictedTpsRole: return fit ? fit->predictedTgTps : 0.0;
    case SpeedTextRole: return fit ? speedDescription(*fit) : QString();
    case FastKernelsRole: return r.kernel.fast;
    case KernelTextRole:
        return r.kernel.fast ? tr("Fast %1 kernels for %2").arg(r.kernel.isa.toUpper(), typeName)
                             : tr("No fast kernels for %1 on this CPU").arg(typeName);
    case DownloadStateRole: return downloadStateName(r);
    case DownloadProgressRole: {
        if (!r.download) return r.partBytes > 0 && e.sizeBytes > 0 ? double(r.partBytes) / double(e.sizeBytes) : 0.0;
        const DownloadManager::Info& d = *r.download;
        if (d.state == State::Done) return 1.0;
        if (d.state == State::Verifying) return d.total > 0 ? double(d.verifiedBytes) / double(d.total) : 0.0;
        const qint64 total = d.total > 0 ? d.total : e.sizeBytes;
        return total > 0 ? std::min(1.0, double(d.bytes) / double(total)) : 0.0;
    }
    case DownloadedBytesRole: return r.download ? double(r.download->bytes) : double(std::max<qint64>(r.partBytes, 0));
    case BytesPerSecondRole: return r.download ? r.download->bytesPerSecond : 0.0;
    case EtaSecondsRole: return r.download ? double(r.download->etaSeconds) : -1.0;
    case DownloadTextRole: return downloadText(r);
    case DownloadErrorRole:
        return r.download && r.download->state == State::Failed ? r.download->error : QString();
    case InstalledRole: return r.installed;
    case LocalPathRole: return r.installed ? QDir(folder_).filePath(e.fileName) : QString();
    case HeaderStateRole: return r.headerState;
    case HeaderErrorRole: return r.headerError;
    case TypeMixRole: return r.typeMix;
    case AddedFromUrlRole: return e.addedFromUrl;
    case UrlRole: return e.url.toString();
    default: return {};
    }
}

QHash<int, QByteArray> CatalogModel::roleNames() const {
    return {{KeyRole, "key"},
            {ModelIdRole, "modelId"},
            {NameRole, "name"},
            {DescriptionRole, "description"},
            {FamilyRole, "family"},
            {QuantizationRole, "quantization"},
            {IsDefaultRole, "isDefault"},
            {FileNameRole, "fileName"},
            {RepoRole, "repo"},
            {SizeBytesRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {LicenseRole, "license"},
            {LicenseUrlRole, "licenseUrl"},
            {HomepageRole, "homepage"},
            {ArchitectureRole, "architecture"},
            {ParametersRole, "parameters"},
            {ParametersTextRole, "parametersText"},
            {ContextLengthRole, "contextLength"},
            {SupportedRole, "supported"},
            {ReasonRole, "reason"},
            {VerifiedRole, "verified"},
            {ChatRole, "chat"},
            {FitRole, "fit"},
            {FitTextRole, "fitText"},
            {NeededBytesRole, "neededBytes"},
            {AvailableBytesRole, "availableBytes"},
            {MaxCtxFitRole, "maxCtxFit"},
            {PredictedTpsRole, "predictedTgTps"},
            {SpeedTextRole, "speedText"},
            {FastKernelsRole, "fastKernels"},
            {KernelTextRole, "kernelText"},
            {DownloadStateRole, "downloadState"},
            {DownloadProgressRole, "downloadProgress"},
            {DownloadedBytesRole, "downloadedBytes"},
            {BytesPerSecondRole, "bytesPerSecond"},
            {EtaSecondsRole, "etaSeconds"},
            {DownloadTextRole, "downloadText"},
            {DownloadErrorRole, "downloadError"},
            {InstalledRole, "installed"},
            {LocalPathRole, "localPath"},
            {HeaderStateRole, "headerState"},
            {HeaderErrorRole, "headerError"},
            {TypeMixRole, "typeMix"},
            {AddedFromUrlRole, "addedFromUrl"},
            {UrlRole, "url"}};
}

void CatalogModel::setEntries(QList<CatalogEntry> entries) {
    beginResetModel();
    rows_.clear();
    for (CatalogEntry& e : entries) {
        Row r;
        r.entry = std::move(e);
        if (const auto type = weightTypeOfQuantization(r.entry.quantization)) r.kernel = kernelPathFor(*type);
        rows_.append(std::move(r));
    }
    endResetModel();
}

void CatalogModel::emitRowsChanged(const QList<int>& roles) {
    if (rows_.isEmpty()) return;
    emit dataChanged(index(0), index(count() - 1), roles);
}

std::optional<engine::FitReport> CatalogModel::fitOf(const Row& row) const {
    // The file's own header when read: the numbers a local copy will show (same code), not the shape estimate.
    if (row.header && row.header->file) return inspectGguf(*row.header->file, row.entry.name, machine_).fit;
    return fitCatalogEntry(row.entry, machine_);
}

void CatalogModel::setMachine(const MachineFit& machine) {
    machine_ = machine;
    for (Row& r : rows_) r.fit = fitOf(r);
    emitRowsChanged(kFitRoles);
}

QString CatalogModel::addEntry(CatalogEntry entry) {
    Row r;
    r.entry = std::move(entry);
    if (const auto type = weightTypeOfQuantization(r.entry.quantization)) r.kernel = kernelPathFor(*type);
    r.fit = fitOf(r);
    const QString key = r.entry.key();
    const int existing = rowOfKey(key);
    if (existing >= 0) {
        rows_[existing] = std::move(r);
        emit dataChanged(index(existing), index(existing));
        return key;
    }
    beginInsertRows(QModelIndex(), 0, 0);
    rows_.prepend(std::move(r));
    endInsertRows();
    return key;
}

bool CatalogModel::removeEntry(const QString& key) {
    const int i = rowOfKey(key);
    if (i < 0 || !rows_.at(i).entry.addedFromUrl) return false;
    beginRemoveRows(QModelIndex(), i, i);
    rows_.removeAt(i);
    endRemoveRows();
    return true;
}

std::shared_ptr<const RemoteGgufHeader> CatalogModel::headerOf(const QString& key) const {
    const int i = rowOfKey(key);
    return i < 0 ? nullptr : rows_.at(i).header;
}

void CatalogModel::setHeaderReading(const QString& key) {
    const int i = rowOfKey(key);
    if (i < 0) return;
    rows_[i].headerState = QStringLiteral("reading");
    rows_[i].headerError.clear();
    emit dataChanged(index(i), index(i), {HeaderStateRole, HeaderErrorRole});
}

void CatalogModel::setHeaderFailed(const QString& key, const QString& error) {
    const int i = rowOfKey(key);
    if (i < 0) return;
    rows_[i].headerState = QStringLiteral("failed");
    rows_[i].headerError = error;
    emit dataChanged(index(i), index(i), {HeaderStateRole, HeaderErrorRole});
}

void CatalogModel::setHeader(const QString& key, const RemoteGgufResult& result) {
    const int i = rowOfKey(key);
    if (i < 0 || !result.ok || !result.header || !result.header->file) return;
    Row& r = rows_[i];
    CatalogEntry& e = r.entry;
    const LocalModelInfo info = inspectGguf(*result.header->file, e.name, machine_);
    r.header = result.header;
    r.headerState = QStringLiteral("read");
    r.headerError.clear();
    r.typeMix = info.typeMix;
    // The server's size is exact (Content-Range): the download is checked against it.
    if (result.fileSize > 0) {
        e.sizeBytes = result.fileSize;
        e.sizeExact = true;
    }
    if (!result.architecture.isEmpty()) e.architecture = result.architecture;
    e.parameters = info.parameters;
    if (info.error.isEmpty() && result.configOk) {
        e.nLayers = result.nLayer;
        e.nHeads = result.nHead;
        e.nKvHeads = result.nHeadKv;
        e.headDim = result.headDim;
        e.nEmbd = result.nEmbd;
        e.nVocab = result.nVocab;
        if (result.nCtxTrain > 0) e.contextLength = result.nCtxTrain;
    } else if (e.supported) {
        // The engine refuses this file (architecture or metadata): whatever the catalog said, it cannot be loaded.
        e.supported = false;
        e.reason = info.error.isEmpty() ? result.configError : info.error;
    }
    if (!info.dominantType.isEmpty()) {
        if (const auto type = weightTypeOfQuantization(info.dominantType)) r.kernel = kernelPathFor(*type);
    }
    r.fit = info.fit;
    emit dataChanged(index(i), index(i));
}

void CatalogModel::setFolderContents(const QString& folder, const QSet<QString>& files,
                                     const QHash<QString, qint64>& parts) {
    folder_ = folder;
    for (int i = 0; i < count(); ++i) {
        Row& r = rows_[i];
        const bool installed = files.contains(r.entry.fileName);
        const qint64 part = parts.value(r.entry.fileName, -1);
        if (installed == r.installed && part == r.partBytes) continue;
        r.installed = installed;
        r.partBytes = part;
        emit dataChanged(index(i), index(i), kDownloadRoles);
    }
}

void CatalogModel::setDownload(const DownloadManager::Info& info) {
    const QString target = QFileInfo(info.targetPath).fileName();
    const QString dir = QFileInfo(info.targetPath).absolutePath();
    if (QDir(dir) != QDir(folder_)) return;
    for (int i = 0; i < count(); ++i) {
        Row& r = rows_[i];
        if (r.entry.fileName != target) continue;
        r.download = info;
        if (info.state == State::Done) r.installed = true;
        if (info.state == State::Cancelled) r.partBytes = -1;
        emit dataChanged(index(i), index(i), kDownloadRoles);
    }
}

int CatalogModel::rowOfKey(const QString& key) const {
    for (int i = 0; i < count(); ++i) {
        if (rows_.at(i).entry.key() == key) return i;
    }
    return -1;
}

const CatalogEntry* CatalogModel::entry(const QString& key) const {
    const int row = rowOfKey(key);
    return row < 0 ? nullptr : &rows_.at(row).entry;
}

// ---- CatalogFilterModel ----

CatalogFilterModel::CatalogFilterModel(CatalogModel* source, QObject* parent) : QSortFilterProxyModel(parent) {
    setSourceModel(source);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &CatalogFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &CatalogFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &CatalogFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &CatalogFilterModel::countChanged);
}

void CatalogFilterModel::setFilterText(const QString& text) {
    if (text == filterText_) return;
    filterText_ = text;
    refilter();
}

void CatalogFilterModel::setFitsOnly(bool on) {
    if (on == fitsOnly_) return;
    fitsOnly_ = on;
    refilter();
}

void CatalogFilterModel::setHideUnsupported(bool on) {
    if (on == hideUnsupported_) return;
    hideUnsupported_ = on;
    refilter();
}

void CatalogFilterModel::setMaxSizeGiB(int gib) {
    gib = std::max(gib, 0);
    if (gib == maxSizeGiB_) return;
    maxSizeGiB_ = gib;
    refilter();
}

void CatalogFilterModel::refilter() {
    invalidateFilter();
    emit filterChanged();
    emit countChanged();
}

bool CatalogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (hideUnsupported_ && !i.data(CatalogModel::SupportedRole).toBool()) return false;
    if (fitsOnly_ && i.data(CatalogModel::FitRole).toString() != QLatin1String("fits")) return false;
    if (maxSizeGiB_ > 0 && i.data(CatalogModel::SizeBytesRole).toDouble() > double(maxSizeGiB_) * (1 << 30)) {
        return false;
    }
    const QString needle = filterText_.trimmed();
    if (needle.isEmpty()) return true;
    // Every word must appear in one of the fields a user would type (name, family, quantization, licence, file).
    // Not the architecture: "llama" would then find Mistral and SmolLM2 (llama architecture) too.
    const QString hay = QStringList{i.data(CatalogModel::NameRole).toString(),
                                    i.data(CatalogModel::FamilyRole).toString(),
                                    i.data(CatalogModel::QuantizationRole).toString(),
                                    i.data(CatalogModel::LicenseRole).toString(),
                                    i.data(CatalogModel::FileNameRole).toString()}
                            .join(QLatin1Char(' '));
    const QStringList words = needle.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return std::all_of(words.begin(), words.end(),
                       [&](const QString& w) { return hay.contains(w, Qt::CaseInsensitive); });
}

}  // namespace hearth::app
