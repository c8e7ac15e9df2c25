#include "app/core/local_models_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <algorithm>
#include <map>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/model_config.h"

namespace hearth::app {

namespace {

QString qstr(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

}  // namespace

LocalModelInfo inspectModelFile(const QString& path, const MachineFit& machine) {
    const QFileInfo fi(path);
    auto file = engine::GgufFile::open(path.toStdString());
    if (!file) {
        LocalModelInfo info;
        info.error = qstr(file.message());
        info.name = fi.completeBaseName();
        info.path = fi.absoluteFilePath();
        info.fileName = fi.fileName();
        info.sizeBytes = fi.size();
        return info;
    }
    LocalModelInfo info = inspectGguf(**file, fi.completeBaseName(), machine);
    info.path = fi.absoluteFilePath();
    info.fileName = fi.fileName();
    info.sizeBytes = fi.size();
    return info;
}

LocalModelInfo inspectGguf(const engine::GgufFile& gguf, const QString& fallbackName, const MachineFit& machine) {
    LocalModelInfo info;
    info.name = fallbackName;
    info.sizeBytes = qint64(gguf.fileBytes());
    if (auto arch = gguf.getString("general.architecture")) info.architecture = qstr(*arch);
    if (auto name = gguf.getString("general.name"); name && !name->empty()) info.name = qstr(*name);

    // Tensors and bytes per type: the mix is shown by count (what llama.cpp's tools print), the dominant type (for
    // the kernel note) is the one holding the most bytes.
    std::map<kernels::GgmlType, std::pair<int, uint64_t>> perType;
    for (const engine::GgufTensor& t : gguf.tensors()) {
        auto& [count, bytes] = perType[t.type];
        ++count;
        bytes += t.nbytes;
        qint64 elements = 1;
        for (uint32_t d = 0; d < t.nDims; ++d) elements *= qint64(t.ne[d]);
        info.parameters += elements;
    }
    std::vector<std::pair<kernels::GgmlType, std::pair<int, uint64_t>>> sorted(perType.begin(), perType.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    QStringList parts;
    for (const auto& [type, stats] : sorted) {
        parts << QStringLiteral("%1 ×%2").arg(qstr(kernels::typeName(type))).arg(stats.first);
    }
    info.typeMix = parts.join(QStringLiteral(", "));
    const auto heaviest = std::max_element(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second.second < b.second.second;
    });
    if (heaviest != sorted.end()) {
        info.dominantType = qstr(kernels::typeName(heaviest->first));
        info.fastKernels = kernelPathFor(heaviest->first).fast;
    }

    // The loader's first check, with its words: a file of an architecture the engine has no code for is listed
    // with the reason, not offered for loading.
    if (!info.architecture.isEmpty() && engine::findArch(info.architecture.toStdString()) == nullptr) {
        info.error = QStringLiteral("architecture '%1' is not supported yet").arg(info.architecture);
        return info;
    }
    auto config = engine::ModelConfig::fromGguf(gguf);
    if (!config) {
        info.error = qstr(config.message());
        return info;
    }
    if (!machine.memory) return info;
    int64_t nCtx = std::max<int64_t>(machine.nCtx, 1);
    if (config->nCtxTrain > 0) nCtx = std::min<int64_t>(nCtx, config->nCtxTrain);
    std::optional<double> bandwidth;
    if (machine.bandwidthGbps > 0) bandwidth = machine.bandwidthGbps;
    info.fit = engine::fitCheck(gguf, *config, nCtx, machine.kvType, *machine.memory, bandwidth);
    return info;
}

QList<LocalModelInfo> scanModelsFolder(const QString& folder, const MachineFit& machine) {
    QList<LocalModelInfo> out;
    const QDir dir(folder);
    if (!dir.exists()) return out;
    const QFileInfoList files =
        dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& f : files) out.append(inspectModelFile(f.absoluteFilePath(), machine));
    return out;
}

LocalModelsModel::LocalModelsModel(QObject* parent) : QAbstractListModel(parent) {}

int LocalModelsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(entries_.size());
}

QVariant LocalModelsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const LocalModelInfo& e = entries_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return e.name;
    case PathRole: return e.path;
    case FileNameRole: return e.fileName;
    case SizeBytesRole: return double(e.sizeBytes);
    case SizeTextRole: return QLocale().formattedDataSize(e.sizeBytes);
    case ArchitectureRole: return e.architecture;
    case TypeMixRole: return e.typeMix;
    case ErrorRole: return e.error;
    case FitRole: return e.fit ? fitName(*e.fit) : QString();
    case FitTextRole: return e.fit ? fitDescription(*e.fit) : QString();
    case NeededBytesRole: return e.fit ? double(e.fit->neededBytes()) : 0.0;
    case MaxCtxFitRole: return e.fit ? double(e.fit->maxCtxFit) : 0.0;
    case PredictedTpsRole: return e.fit ? e.fit->predictedTgTps : 0.0;
    case SpeedTextRole: return e.fit ? speedDescription(*e.fit) : QString();
    case FastKernelsRole: return e.fastKernels;
    default: return {};
    }
}

QHash<int, QByteArray> LocalModelsModel::roleNames() const {
    return {{PathRole, "path"},
            {FileNameRole, "fileName"},
            {NameRole, "name"},
            {SizeBytesRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {ArchitectureRole, "architecture"},
            {TypeMixRole, "typeMix"},
            {ErrorRole, "error"},
            {FitRole, "fit"},
            {FitTextRole, "fitText"},
            {NeededBytesRole, "neededBytes"},
            {MaxCtxFitRole, "maxCtxFit"},
            {PredictedTpsRole, "predictedTgTps"},
            {SpeedTextRole, "speedText"},
            {FastKernelsRole, "fastKernels"}};
}

void LocalModelsModel::setEntries(QList<LocalModelInfo> entries) {
    std::sort(entries.begin(), entries.end(),
              [](const LocalModelInfo& a, const LocalModelInfo& b) { return a.path < b.path; });
    const int before = count();
    // Rows that went away, from the end so the indices stay valid.
    for (int row = count() - 1; row >= 0; --row) {
        const QString& path = entries_.at(row).path;
        const bool kept = std::any_of(entries.begin(), entries.end(),
                                      [&](const LocalModelInfo& e) { return e.path == path; });
        if (kept) continue;
        beginRemoveRows(QModelIndex(), row, row);
        entries_.removeAt(row);
        endRemoveRows();
    }
    // The rows left are in path order, a subsequence of the new list: walk both, updating or inserting.
    for (int row = 0; row < entries.size(); ++row) {
        if (row < count() && entries_.at(row).path == entries.at(row).path) {
            entries_[row] = entries.at(row);
            emit dataChanged(index(row), index(row));
        } else {
            beginInsertRows(QModelIndex(), row, row);
            entries_.insert(row, entries.at(row));
            endInsertRows();
        }
    }
    if (count() != before) emit countChanged();
}

int LocalModelsModel::rowOfPath(const QString& path) const {
    for (int i = 0; i < count(); ++i) {
        if (entries_.at(i).path == path) return i;
    }
    return -1;
}

QString LocalModelsModel::pathAt(int row) const {
    return row >= 0 && row < count() ? entries_.at(row).path : QString();
}

}  // namespace hearth::app
