#include "app/core/documents_models.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <algorithm>

#include "app/docs/document_text.h"

namespace hearth::app {

// --- Collections ----------------------------------------------------------------------------------------------

int CollectionListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(items_.size());
}

QVariant CollectionListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const CollectionItem& c = items_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole: return c.name;
        case IdRole: return c.id;
        case SourcesRole: return c.sources;
        case FileCountRole: return c.fileCount;
        case IndexedCountRole: return c.indexedCount;
        case ProblemCountRole: return c.problemCount;
        case ChunkCountRole: return c.chunkCount;
        case AttachedRole: return c.attached;
        case IndexingRole: return c.indexing;
        case ProgressRole: return c.filesTotal > 0 ? double(c.filesDone) / c.filesTotal : 0.0;
        default: return {};
    }
}

QHash<int, QByteArray> CollectionListModel::roleNames() const {
    return {{IdRole, "collectionId"},         {NameRole, "name"},
            {SourcesRole, "sources"},         {FileCountRole, "fileCount"},
            {IndexedCountRole, "indexedCount"}, {ProblemCountRole, "problemCount"},
            {ChunkCountRole, "chunkCount"},   {AttachedRole, "attached"},
            {IndexingRole, "indexing"},       {ProgressRole, "progress"}};
}

int CollectionListModel::rowOf(qint64 id) const {
    for (int i = 0; i < items_.size(); ++i)
        if (items_[i].id == id) return i;
    return -1;
}

void CollectionListModel::update(const QList<CollectionItem>& items) {
    // Removed rows first (from the end, so earlier rows keep their numbers).
    for (int i = int(items_.size()) - 1; i >= 0; --i) {
        const bool kept = std::any_of(items.begin(), items.end(),
                                      [&](const CollectionItem& n) { return n.id == items_[i].id; });
        if (!kept) {
            beginRemoveRows({}, i, i);
            items_.removeAt(i);
            endRemoveRows();
        }
    }
    // Then each new row at its place: the survivors are in the same relative order (both are sorted by name), so
    // row i either is items[i] already or items[i] is new.
    for (int i = 0; i < items.size(); ++i) {
        const int at = rowOf(items[i].id);
        if (at == i) {
            CollectionItem next = items[i];
            // Progress comes from the indexer's signals, not from the snapshot.
            next.indexing = items_[i].indexing;
            next.filesDone = items_[i].filesDone;
            next.filesTotal = items_[i].filesTotal;
            const CollectionItem& old = items_[i];
            if (old.name != next.name || old.sources != next.sources || old.fileCount != next.fileCount ||
                old.indexedCount != next.indexedCount || old.problemCount != next.problemCount ||
                old.chunkCount != next.chunkCount || old.attached != next.attached) {
                items_[i] = next;
                emit dataChanged(index(i), index(i));
            }
        } else if (at < 0) {
            beginInsertRows({}, i, i);
            items_.insert(i, items[i]);
            endInsertRows();
        } else {
            // Renamed and so moved: take it out and put it back where it now belongs.
            beginRemoveRows({}, at, at);
            CollectionItem moved = items_.takeAt(at);
            endRemoveRows();
            beginInsertRows({}, i, i);
            CollectionItem next = items[i];
            next.indexing = moved.indexing;
            next.filesDone = moved.filesDone;
            next.filesTotal = moved.filesTotal;
            items_.insert(i, next);
            endInsertRows();
        }
    }
}

void CollectionListModel::setIndexing(qint64 id, bool indexing, int done, int total) {
    const int at = rowOf(id);
    if (at < 0) return;
    CollectionItem& c = items_[at];
    if (c.indexing == indexing && c.filesDone == done && c.filesTotal == total) return;
    c.indexing = indexing;
    c.filesDone = done;
    c.filesTotal = total;
    emit dataChanged(index(at), index(at), {IndexingRole, ProgressRole});
}

// --- Files ----------------------------------------------------------------------------------------------------

int DocumentFileListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(items_.size());
}

QString DocumentFileListModel::statusText(int status) {
    using docs::FileStatus;
    switch (FileStatus(status)) {
        case FileStatus::Pending: return QCoreApplication::translate("DocumentFileListModel", "Waiting");
        case FileStatus::Indexed: return QCoreApplication::translate("DocumentFileListModel", "Indexed");
        case FileStatus::Empty: return QCoreApplication::translate("DocumentFileListModel", "Empty");
        case FileStatus::Skipped: return QCoreApplication::translate("DocumentFileListModel", "Skipped");
        case FileStatus::Failed: return QCoreApplication::translate("DocumentFileListModel", "Failed");
        case FileStatus::Missing: return QCoreApplication::translate("DocumentFileListModel", "Missing");
    }
    return QString::number(status);
}

QVariant DocumentFileListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const FileItem& f = items_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole: return QFileInfo(f.path).fileName();
        case PathRole: return f.path;
        case StatusRole: return f.status;
        case StatusTextRole: return statusText(f.status);
        case ErrorRole: return f.error;
        case ChunkCountRole: return f.chunkCount;
        case IsSourceRole: return f.isSource;
        default: return {};
    }
}

QHash<int, QByteArray> DocumentFileListModel::roleNames() const {
    return {{PathRole, "path"},         {NameRole, "name"},       {StatusRole, "status"},
            {StatusTextRole, "statusText"}, {ErrorRole, "error"}, {ChunkCountRole, "chunkCount"},
            {IsSourceRole, "isSource"}};
}

void DocumentFileListModel::reset(const QList<FileItem>& items) {
    beginResetModel();
    items_ = items;
    endResetModel();
}

}  // namespace hearth::app
