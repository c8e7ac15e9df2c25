#include "app/core/sql_support.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlQuery>

namespace hearth::app::sql {

QString newConnectionName(const QString& prefix) {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("%1-%2").arg(prefix).arg(counter.fetchAndAddRelaxed(1));
}

QSqlDatabase database(const QString& connection) { return QSqlDatabase::database(connection, false); }

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QDateTime timeFromMs(const QVariant& ms) { return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC); }

QString reasonOf(const QSqlError& error) {
    const QString db = error.databaseText().trimmed();
    return db.isEmpty() ? error.text().trimmed() : db;
}

bool run(QSqlQuery& query, const QString& sql, const QVariantList& args, const QString& what, QString* error) {
    if (!query.prepare(sql)) {
        *error = QStringLiteral("Could not %1: %2").arg(what, reasonOf(query.lastError()));
        return false;
    }
    for (const QVariant& arg : args) {
        // Qt binds a null QString (QString()) as SQL NULL; texts are NOT NULL columns where "no text" is ''.
        if (arg.typeId() == QMetaType::QString && arg.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(arg);
    }
    if (!query.exec()) {
        *error = QStringLiteral("Could not %1: %2").arg(what, reasonOf(query.lastError()));
        return false;
    }
    return true;
}

int userVersion(QSqlDatabase& db, const QString& what, QString* error) {
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("PRAGMA user_version"), {}, what, error)) return -1;
    return q.next() ? q.value(0).toInt() : 0;
}

int openVersioned(const QString& connection, const QString& path, const QString& connectOptions,
                  const QString& kind, int schemaVersion, QString* error) {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
    if (!db.isValid()) {
        *error = QStringLiteral("Could not open %1: the Qt SQLite driver (QSQLITE) is not available").arg(path);
        return -1;
    }
    db.setDatabaseName(path);
    if (!connectOptions.isEmpty()) db.setConnectOptions(connectOptions);
    if (!db.open()) {
        *error = QStringLiteral("Could not open %1: %2").arg(path, reasonOf(db.lastError()));
        return -1;
    }
    const QString opening = QStringLiteral("open %1").arg(path);
    const int version = userVersion(db, opening, error);
    if (version < 0) return -1;
    if (version > schemaVersion) {
        *error = QStringLiteral("The %1 %2 was written by a newer Hearth (schema version %3; this build knows up to "
                                "%4): update Hearth or move the file away")
                     .arg(kind, path)
                     .arg(version)
                     .arg(schemaVersion);
        return -1;
    }
    if (!applyConnectionPragmas(db, opening, error)) return -1;
    return version;
}

bool applyConnectionPragmas(QSqlDatabase& db, const QString& what, QString* error) {
    for (const char* pragma :
         {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
        QSqlQuery q(db);
        if (!run(q, QString::fromLatin1(pragma), {}, what, error)) return false;
    }
    return true;
}

bool migrate(QSqlDatabase& db, std::span<const Migration> steps, int fromVersion,
             const std::function<QString(int)>& what, const std::function<void(int)>& onStep, QString* error) {
    for (const Migration& step : steps) {
        if (step.toVersion <= fromVersion) continue;
        const QString action = what(step.toVersion);
        WriteTransaction tx(db, action, error);
        if (!tx.began()) return false;
        for (const char* statement : step.statements) {
            QSqlQuery q(db);
            if (!run(q, QString::fromLatin1(statement), {}, action, error)) return false;
        }
        // user_version lives in the file header and is part of the transaction.
        QSqlQuery q(db);
        if (!run(q, QStringLiteral("PRAGMA user_version = %1").arg(step.toVersion), {}, action, error) ||
            !tx.commit(action, error))
            return false;
        if (onStep) onStep(step.toVersion);
    }
    return true;
}

WriteTransaction::WriteTransaction(QSqlDatabase db, const QString& what, QString* error) : db_(std::move(db)) {
    began_ = db_.transaction();
    if (!began_) *error = QStringLiteral("Could not %1: %2").arg(what, reasonOf(db_.lastError()));
}

WriteTransaction::~WriteTransaction() {
    if (began_ && !committed_) db_.rollback();
}

bool WriteTransaction::commit(const QString& what, QString* error) {
    committed_ = db_.commit();
    if (!committed_) *error = QStringLiteral("Could not %1: %2").arg(what, reasonOf(db_.lastError()));
    return committed_;
}

}  // namespace hearth::app::sql
