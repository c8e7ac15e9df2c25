// The Documents page's two lists: the collections (with their counts, whether the current conversation uses them,
// and indexing progress) and the files of the selected collection (with their indexing state). Both are plain
// snapshots that DocumentsController fills on the GUI thread from what the index thread read.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

struct CollectionItem {
    qint64 id = 0;
    QString name;
    QStringList sources;     // what the user added: files and folders
    int fileCount = 0;       // files listed in the index
    int indexedCount = 0;    // of which searchable (state Indexed)
    int problemCount = 0;    // ended Empty, Skipped, Failed or Missing
    int chunkCount = 0;
    bool attached = false;   // used by the conversation on screen
    bool indexing = false;   // a job of this collection runs now
    int filesDone = 0;       // progress of that job
    int filesTotal = 0;
};

class CollectionListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by DocumentsController")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // "collectionId"
        NameRole,                   // "name"
        SourcesRole,                // "sources": list of paths
        FileCountRole,              // "fileCount"
        IndexedCountRole,           // "indexedCount"
        ProblemCountRole,           // "problemCount"
        ChunkCountRole,             // "chunkCount"
        AttachedRole,               // "attached"
        IndexingRole,               // "indexing"
        ProgressRole,               // "progress": 0..1 of the running job (0 when none)
    };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<CollectionItem>& items() const { return items_; }
    int rowOf(qint64 id) const;  // -1: none
    // Rows are matched by id: a changed row emits dataChanged, a new or removed one inserts/removes, so the page's
    // delegates (and their expanded state) survive a refresh.
    void update(const QList<CollectionItem>& items);
    void setIndexing(qint64 id, bool indexing, int done, int total);

private:
    QList<CollectionItem> items_;
};

struct FileItem {
    QString path;
    int status = 0;        // docs::FileStatus
    QString error;         // why, for Empty/Skipped/Failed/Missing
    int chunkCount = 0;
    bool isSource = false; // added by itself (removable alone), not found in an added folder
};

class DocumentFileListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by DocumentsController")
public:
    enum Role {
        PathRole = Qt::UserRole + 1,  // "path"
        NameRole,                     // "name": the file name
        StatusRole,                   // "status": docs::FileStatus value
        StatusTextRole,               // "statusText": "Indexed", "Skipped", ... (translated)
        ErrorRole,                    // "error": why, for the user
        ChunkCountRole,               // "chunkCount"
        IsSourceRole,                 // "isSource"
    };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<FileItem>& items() const { return items_; }
    void reset(const QList<FileItem>& items);

    static QString statusText(int status);

private:
    QList<FileItem> items_;
};

}  // namespace hearth::app
