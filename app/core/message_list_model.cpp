#include "app/core/message_list_model.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hearth::app {

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = rows_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case TextRole: return r.message.text;
        case IdRole: return r.message.id;
        case RoleRole: return r.message.role;
        case CompleteRole: return r.message.complete;
        case StatsRole: return r.message.stats;
        case BranchIndexRole: return r.branchIndex;
        case BranchCountRole: return r.branchCount;
        case SourcesRole:
            // Parsed when asked: only answers with sources carry any, and the delegate asks once.
            return r.message.sources.isEmpty()
                       ? QVariantList()
                       : QJsonDocument::fromJson(r.message.sources.toUtf8()).array().toVariantList();
        default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "id"},           {RoleRole, "role"},
            {TextRole, "text"},       {CompleteRole, "complete"},
            {StatsRole, "stats"},     {BranchIndexRole, "branchIndex"},
            {BranchCountRole, "branchCount"}, {SourcesRole, "sources"}};
}

void MessageListModel::reset(const QList<Row>& rows) {
    beginResetModel();
    rows_ = rows;
    endResetModel();
}

void MessageListModel::append(const Row& row) {
    const int at = int(rows_.size());
    beginInsertRows({}, at, at);
    rows_.append(row);
    endInsertRows();
}

void MessageListModel::appendText(int row, const QString& text) {
    if (row < 0 || row >= rows_.size() || text.isEmpty()) return;
    rows_[row].message.text += text;
    const QModelIndex at = index(row);
    emit dataChanged(at, at, {TextRole});
}

void MessageListModel::setComplete(int row, bool complete, const QString& stats) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].message.complete = complete;
    rows_[row].message.stats = stats;
    const QModelIndex at = index(row);
    emit dataChanged(at, at, {CompleteRole, StatsRole});
}

void MessageListModel::setSources(int row, const QString& sourcesJson) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].message.sources = sourcesJson;
    const QModelIndex at = index(row);
    emit dataChanged(at, at, {SourcesRole});
}

void MessageListModel::setId(int row, qint64 id) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].message.id = id;
    const QModelIndex at = index(row);
    emit dataChanged(at, at, {IdRole});
}

}  // namespace hearth::app
