// The messages of the branch on screen (the path from the root to the conversation's active leaf). Streaming
// text is appended to the last row in batches (ChatController flushes every ~40 ms: one dataChanged per flush).
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "app/core/store.h"

namespace hearth::app {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ChatController")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        RoleRole,        // "user" / "assistant"
        TextRole,
        CompleteRole,    // false while streaming
        StatsRole,       // JSON text of the answer's figures
        BranchIndexRole, // 0-based index of this message among its siblings
        BranchCountRole, // number of siblings (1: no other branch)
        // The document snippets an answer was given: a list of {path, label, page, lineStart, lineEnd, snippet,
        // bm25Rank, vectorRank} (numbered from 1 in this order, as in the prompt); empty: none.
        SourcesRole
    };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    // id, role, text, complete, stats, branchIndex, branchCount, sources
    QHash<int, QByteArray> roleNames() const override;

    struct Row {
        MessageRow message;
        int branchIndex = 0;
        int branchCount = 1;
    };
    void reset(const QList<Row>& rows);
    const QList<Row>& rows() const { return rows_; }
    void append(const Row& row);
    void appendText(int row, const QString& text);           // one dataChanged(TextRole)
    void setComplete(int row, bool complete, const QString& stats);
    void setId(int row, qint64 id);
    void setSources(int row, const QString& sourcesJson);  // one dataChanged(SourcesRole)

private:
    QList<Row> rows_;
};

}  // namespace hearth::app
