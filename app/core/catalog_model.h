// The catalog for the models page: one row per downloadable file (a model's quantizations are neighbouring rows,
// so the QML delegate is flat and a filter can hide single files), with this machine's fit check, the kernel note,
// the file's download and whether it is installed. CatalogFilterModel on top holds the page's filters.
// A row may carry the file's own header, read over HTTP Range (a catalog row marked unverified, refined on the
// user's request, or a file added from a URL): its fit check then runs on the exact tensor types and shapes, with
// the same code as a local file's (inspectGguf), instead of the catalog's shape estimate.
// ModelsController owns both and feeds them (machine figures, the models folder scan, download progress).
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>
#include <optional>

#include "app/core/catalog.h"
#include "app/core/download_manager.h"
#include "app/core/remote_gguf.h"

namespace hearth::app {

class CatalogModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ModelsController")
    Q_PROPERTY(int count READ count CONSTANT)

public:
    // Roles (QML names in brackets). Sizes and byte counts are doubles in QML (qint64 would not bind to numbers).
    enum Role {
        KeyRole = Qt::UserRole + 1,  // [key] "<modelId>/<quantization>": what ModelsController's actions take
        ModelIdRole,                 // [modelId]
        NameRole,                    // [name] "Qwen2.5 0.5B Instruct"
        DescriptionRole,             // [description] one line
        FamilyRole,                  // [family] "Qwen2.5"
        QuantizationRole,            // [quantization] "Q4_K_M"
        IsDefaultRole,               // [isDefault] the model's recommended file
        FileNameRole,                // [fileName] the name in the models folder
        RepoRole,                    // [repo] hub repository
        SizeBytesRole,               // [sizeBytes] file size (rounded unless sizeExact)
        SizeTextRole,                // [sizeText] "469 MB"
        LicenseRole,                 // [license] SPDX id or LicenseRef-...
        LicenseUrlRole,              // [licenseUrl]
        HomepageRole,                // [homepage]
        ArchitectureRole,            // [architecture] "qwen2"
        ParametersRole,              // [parameters] count
        ParametersTextRole,          // [parametersText] "494M", "8.0B"
        ContextLengthRole,           // [contextLength] trained context
        SupportedRole,               // [supported] the engine loads this architecture (else greyed, no download)
        ReasonRole,                  // [reason] why not supported
        VerifiedRole,                // [verified] size and SHA-256 confirmed from the hub's file page
        ChatRole,                    // [chat] chat model (false: embeddings)
        FitRole,                     // [fit] "fits", "tight", "no"; "" when the machine's memory is unknown
        FitTextRole,                 // [fitText] "Needs 1.2 GB of 7.8 GB available · up to 32,768 tokens..."
        NeededBytesRole,             // [neededBytes] RAM at the settings' context and KV type
        AvailableBytesRole,          // [availableBytes] RAM available now
        MaxCtxFitRole,               // [maxCtxFit] largest context that fits (capped at the trained one)
        PredictedTpsRole,            // [predictedTgTps] predicted generation speed; 0 unknown
        SpeedTextRole,               // [speedText] "~45 tokens/s"
        FastKernelsRole,             // [fastKernels] this CPU has SIMD kernels for the file's weight type
        KernelTextRole,              // [kernelText] "fast AVX2 kernels" / "no fast kernels on this CPU"
        DownloadStateRole,           // [downloadState] "", "queued", "downloading", "verifying", "paused",
                                     //   "failed", "cancelled", "done"; "partial" = a part file from an earlier run
        DownloadProgressRole,        // [downloadProgress] 0..1 (of the transfer, or of the hash while verifying)
        DownloadedBytesRole,         // [downloadedBytes]
        BytesPerSecondRole,          // [bytesPerSecond]
        EtaSecondsRole,              // [etaSeconds] -1 unknown
        DownloadTextRole,            // [downloadText] "120 MB of 469 MB · 3.2 MB/s · 2 min left"
        DownloadErrorRole,           // [downloadError] why the download failed
        InstalledRole,               // [installed] the file is in the models folder
        LocalPathRole,               // [localPath] its path there ("" when not installed)
        HeaderStateRole,             // [headerState] the file's own header: "" not read, "reading", "read", "failed"
        HeaderErrorRole,             // [headerError] why reading it failed
        TypeMixRole,                 // [typeMix] "Q4_K ×120, Q6_K ×25, F32 ×49" once the header is read, else ""
        AddedFromUrlRole,            // [addedFromUrl] the user added this file by its URL (not in the catalog)
        UrlRole,                     // [url] the file's address as the catalog (or the user) gave it
    };
    Q_ENUM(Role)

    explicit CatalogModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(rows_.size()); }

    // A new catalog (model reset).
    void setEntries(QList<CatalogEntry> entries);
    // New machine figures or settings: every row's fit check again (one dataChanged over the fit roles).
    void setMachine(const MachineFit& machine);
    // The models folder's content: the .gguf files present and the .part files of unfinished downloads (bytes).
    void setFolderContents(const QString& folder, const QSet<QString>& files, const QHash<QString, qint64>& parts);
    // A download's new state or progress, for the row whose file it writes (ignored for other targets).
    void setDownload(const DownloadManager::Info& info);
    // A file added by its URL: inserted first (or replacing the row with the same key). Returns the key.
    QString addEntry(CatalogEntry entry);
    // Forgets a row added by its URL (the row goes; its download state with it). False for a catalog row or an
    // unknown key: the shipped catalog is not the user's to shorten.
    bool removeEntry(const QString& key);
    // The file's own header: being read, failed (why), or read (the row's facts are replaced by the header's:
    // exact size, architecture, shapes, parameters, type mix, and whether the engine loads it).
    void setHeaderReading(const QString& key);
    void setHeaderFailed(const QString& key, const QString& error);
    void setHeader(const QString& key, const RemoteGgufResult& result);

    int rowOfKey(const QString& key) const;  // -1 when absent
    // The file's own header when it was read (nullptr otherwise): what ModelsController keeps of an added file.
    std::shared_ptr<const RemoteGgufHeader> headerOf(const QString& key) const;
    const CatalogEntry* entry(const QString& key) const;
    const CatalogEntry& entryAt(int row) const { return rows_.at(row).entry; }
    std::optional<engine::FitReport> fitAt(int row) const { return rows_.at(row).fit; }
    QString folder() const { return folder_; }

private:
    struct Row {
        CatalogEntry entry;
        std::optional<engine::FitReport> fit;
        KernelPath kernel;
        bool installed = false;
        qint64 partBytes = -1;  // an unfinished download's part file from an earlier run (-1: none)
        std::optional<DownloadManager::Info> download;
        QString headerState;  // "", "reading", "read", "failed"
        QString headerError;
        std::shared_ptr<const RemoteGgufHeader> header;
        QString typeMix;
    };
    std::optional<engine::FitReport> fitOf(const Row& row) const;
    QString downloadStateName(const Row& row) const;
    QString downloadText(const Row& row) const;
    void emitRowsChanged(const QList<int>& roles);

    QList<Row> rows_;
    QString folder_;
    MachineFit machine_;
};

// The catalog as the page shows it: text filter (name, family, quantization, licence, file name), "fits only"
// (verdict fits), "hide unsupported" and "up to N GiB" (file size). Re-filters when a row's fit changes (dynamic
// filter).
class CatalogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ModelsController")
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterChanged)
    Q_PROPERTY(bool fitsOnly READ fitsOnly WRITE setFitsOnly NOTIFY filterChanged)
    Q_PROPERTY(bool hideUnsupported READ hideUnsupported WRITE setHideUnsupported NOTIFY filterChanged)
    // Files of at most this many GiB (2^30 bytes: the unit the page's sizes are shown in); 0: any size.
    Q_PROPERTY(int maxSizeGiB READ maxSizeGiB WRITE setMaxSizeGiB NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit CatalogFilterModel(CatalogModel* source, QObject* parent = nullptr);

    QString filterText() const { return filterText_; }
    void setFilterText(const QString& text);
    bool fitsOnly() const { return fitsOnly_; }
    void setFitsOnly(bool on);
    bool hideUnsupported() const { return hideUnsupported_; }
    void setHideUnsupported(bool on);
    int maxSizeGiB() const { return maxSizeGiB_; }
    void setMaxSizeGiB(int gib);
    int count() const { return rowCount(); }

signals:
    void filterChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void refilter();

    QString filterText_;
    bool fitsOnly_ = false;
    bool hideUnsupported_ = false;
    int maxSizeGiB_ = 0;
};

}  // namespace hearth::app
