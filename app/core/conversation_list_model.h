// The sidebar's conversations (Store rows), filtered by title. Mutated only on the GUI thread by ChatController.
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "app/core/store.h"

namespace hearth::app {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ChatController")
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UpdatedRole, ModelPathRole };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;  // id, title, updated, modelPath

    void reset(const QList<ConversationRow>& rows);
    int rowOf(qint64 id) const;  // -1 if absent
    void updateRow(const ConversationRow& row);  // replaces the row with the same id (dataChanged)
    void removeId(qint64 id);
    void prepend(const ConversationRow& row);

private:
    QList<ConversationRow> rows_;
};

}  // namespace hearth::app
