// The .gguf files in the models folder, for the models page's "On this computer" tab. Reading a file's header
// touches the disk (and a network folder can take seconds), so inspectModelFile/scanModelsFolder are blocking
// functions for a pool thread; ModelsController runs them and hands the result to setEntries on the GUI thread.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QString>
#include <QtQml/qqmlregistration.h>
#include <optional>

#include "app/core/catalog.h"

namespace hearth::engine {
class GgufFile;
}

namespace hearth::app {

// What the page shows about one local file.
struct LocalModelInfo {
    QString path;          // absolute
    QString fileName;
    qint64 sizeBytes = 0;
    QString architecture;  // general.architecture ("" when unreadable)
    QString name;          // general.name, else the file's base name
    QString typeMix;       // tensors per type, most frequent first: "Q4_K ×120, Q6_K ×25, F32 ×49"
    QString error;         // the reader's or the config's message: the file cannot be loaded ("" when fine)
    std::optional<engine::FitReport> fit;  // nullopt: unreadable file or unknown memory
    bool fastKernels = false;  // this CPU has SIMD kernels for the file's dominant weight type
    QString dominantType;      // the weight type holding the most bytes ("Q4_K")
    qint64 parameters = 0;     // elements of all tensors: the exact parameter count
};

// Opens the GGUF at path (header and tensor table only) and runs the fit check with `machine`. Blocking.
LocalModelInfo inspectModelFile(const QString& path, const MachineFit& machine);
// The same for a parsed GGUF, local or a remote header (RemoteGgufHeader): architecture, name (general.name, else
// fallbackName), type mix, kernel note and fit check. Path and file name are left empty; sizeBytes is
// file.fileBytes(). One code path, so a file shows the same numbers before and after its download.
LocalModelInfo inspectGguf(const engine::GgufFile& file, const QString& fallbackName, const MachineFit& machine);
// Every *.gguf directly in folder (not the .part files of running downloads), sorted by name. Blocking.
QList<LocalModelInfo> scanModelsFolder(const QString& folder, const MachineFit& machine);

class LocalModelsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ModelsController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    // Roles (QML names in brackets):
    enum Role {
        PathRole = Qt::UserRole + 1,  // [path] absolute path, what load and delete take
        FileNameRole,                 // [fileName]
        NameRole,                     // [name] general.name or the base name
        SizeBytesRole,                // [sizeBytes] file size (double in QML)
        SizeTextRole,                 // [sizeText] "469 MB"
        ArchitectureRole,             // [architecture] "llama", "qwen2"; "" when unreadable
        TypeMixRole,                  // [typeMix] "Q4_K ×120, Q6_K ×25, F32 ×49"
        ErrorRole,                    // [error] why the file cannot be loaded; "" when fine
        FitRole,                      // [fit] "fits", "tight", "no"; "" unknown
        FitTextRole,                  // [fitText] "Needs 1.2 GB of 7.8 GB available · up to 32,768 tokens..."
        NeededBytesRole,              // [neededBytes] RAM at the settings' context
        MaxCtxFitRole,                // [maxCtxFit] largest context that fits (0: none / unknown)
        PredictedTpsRole,             // [predictedTgTps] predicted generation speed (0: unknown)
        SpeedTextRole,                // [speedText] "~45 tokens/s"
        FastKernelsRole,              // [fastKernels] this CPU has SIMD kernels for the main weight type
    };
    Q_ENUM(Role)

    explicit LocalModelsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(entries_.size()); }

    // Replaces the rows with a new scan: rows whose path stays are updated in place (dataChanged), others are
    // removed or inserted, so a view keeps its scroll position and selection across rescans.
    void setEntries(QList<LocalModelInfo> entries);
    const QList<LocalModelInfo>& entries() const { return entries_; }
    int rowOfPath(const QString& path) const;  // -1 when absent
    Q_INVOKABLE QString pathAt(int row) const;

signals:
    void countChanged();

private:
    QList<LocalModelInfo> entries_;
};

}  // namespace hearth::app
