// What every SQLite database of the app (the chat store, the documents index) does the same way: one uniquely
// named Qt Sql connection per object, statements run with positional arguments and a one-line error that says what
// was being done, writes wrapped in a transaction that rolls back unless committed, and a schema versioned with
// PRAGMA user_version and migrated forward by append-only steps.
#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>
#include <array>
#include <cstddef>
#include <functional>
#include <span>

class QSqlError;
class QSqlQuery;

namespace hearth::app::sql {

// One step takes a file from version toVersion - 1 to toVersion. Steps are append-only: a shipped step is never
// edited, since files in the field were made by it.
struct Migration {
    int toVersion;
    std::span<const char* const> statements;
};

// Step i must lead to version i + 1, or a migration would skip or repeat one (checked with static_assert).
template <std::size_t N>
constexpr bool consecutive(const std::array<Migration, N>& steps) {
    for (std::size_t i = 0; i < N; ++i) {
        if (steps[i].toVersion != int(i) + 1) return false;
    }
    return true;
}

// "<prefix>-<n>", unique in the process: a connection per object, so objects on different threads never share one.
QString newConnectionName(const QString& prefix);

// The open connection of that name (not reopened: a closed one stays closed).
QSqlDatabase database(const QString& connection);

// Times are stored as UTC milliseconds since the epoch.
qint64 nowMs();
QDateTime timeFromMs(const QVariant& ms);

// The database's own message when it has one, else Qt's.
QString reasonOf(const QSqlError& error);

// Prepares and runs sql with positional arguments (an invalid QVariant binds NULL, a null QString ''). On failure
// *error says what was being done and why, in one line ("Could not <what>: <reason>").
bool run(QSqlQuery& query, const QString& sql, const QVariantList& args, const QString& what, QString* error);

// PRAGMA user_version; -1 (and *error) on failure, which is also how a file that is not a database shows.
int userVersion(QSqlDatabase& db, const QString& what, QString* error);

// Adds the SQLite connection `connection`, opens path with connectOptions (may be empty), reads its schema version
// (which also catches a file that is not a database before anything is written to it), refuses a file written by a
// newer build (`kind` names it in the message: "database", "documents index"), and applies the connection
// pragmas below. The file's version (0: new), or -1 and *error.
int openVersioned(const QString& connection, const QString& path, const QString& connectOptions,
                  const QString& kind, int schemaVersion, QString* error);

// Sets foreign_keys on, WAL journaling and synchronous NORMAL for this connection (before any transaction:
// journal_mode cannot change inside one).
bool applyConnectionPragmas(QSqlDatabase& db, const QString& what, QString* error);

// Applies every step above fromVersion, each in its own transaction together with its user_version (a step is
// applied whole or not at all). what(toVersion) names the action in errors. onStep is called after each applied
// step (for a log line), may be empty.
bool migrate(QSqlDatabase& db, std::span<const Migration> steps, int fromVersion,
             const std::function<QString(int)>& what, const std::function<void(int)>& onStep, QString* error);

// One write as one transaction: rolled back on destruction unless commit() succeeded, so every early return of a
// failing write leaves the file as it was.
class WriteTransaction {
public:
    WriteTransaction(QSqlDatabase db, const QString& what, QString* error);
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction();
    bool began() const { return began_; }
    bool commit(const QString& what, QString* error);

private:
    QSqlDatabase db_;
    bool began_ = false;
    bool committed_ = false;
};

}  // namespace hearth::app::sql
