#include "app/core/conversation_list_model.h"

namespace hearth::app {

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ConversationRow& c = rows_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole: return c.title;
        case IdRole: return c.id;
        case UpdatedRole: return c.updated;
        case ModelPathRole: return c.modelPath;
        default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "id"}, {TitleRole, "title"}, {UpdatedRole, "updated"}, {ModelPathRole, "modelPath"}};
}

void ConversationListModel::reset(const QList<ConversationRow>& rows) {
    beginResetModel();
    rows_ = rows;
    endResetModel();
}

int ConversationListModel::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return i;
    return -1;
}

void ConversationListModel::updateRow(const ConversationRow& row) {
    const int i = rowOf(row.id);
    if (i < 0) return;
    rows_[i] = row;
    const QModelIndex at = index(i);
    emit dataChanged(at, at);
}

void ConversationListModel::removeId(qint64 id) {
    const int i = rowOf(id);
    if (i < 0) return;
    beginRemoveRows({}, i, i);
    rows_.removeAt(i);
    endRemoveRows();
}

void ConversationListModel::prepend(const ConversationRow& row) {
    beginInsertRows({}, 0, 0);
    rows_.prepend(row);
    endInsertRows();
}

}  // namespace hearth::app
