// SQLite persistence through Qt Sql. Layout (schema version 2):
//   conversations(id, title, system_prompt, model_path, active_leaf_id, created, updated)
//   messages(id, conversation_id -> conversations ON DELETE CASCADE, parent_id -> messages (NULL: a root), role,
//            text, complete, stats, created, sources (version 2))
//   settings(key PRIMARY KEY, value: a one-element JSON array holding a string, integer, double or bool)
// Times are UTC milliseconds since the epoch. Crash safety comes from WAL with synchronous=NORMAL: a committed
// transaction is in the WAL file before commit returns, so killing the process never loses it (only a power
// cut may lose the last commits, never corrupt older ones), and an interrupted transaction is simply not there.
#include "app/core/store.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <array>
#include <limits>
#include <span>
#include <utility>

#include <spdlog/spdlog.h>

#include "app/core/logging.h"
#include "app/core/sql_support.h"

namespace hearth::app {

namespace {

using sql::nowMs;
using sql::reasonOf;
using sql::run;
using sql::userVersion;
using sql::WriteTransaction;

// Version 1: conversations, messages as a tree, settings.
constexpr const char* kToVersion1[] = {
    "CREATE TABLE conversations ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " title TEXT NOT NULL,"
    " system_prompt TEXT NOT NULL DEFAULT '',"
    " model_path TEXT NOT NULL DEFAULT '',"
    " active_leaf_id INTEGER,"  // no FK: messages go only with their conversation (cascade)
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL)",
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    " parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),"
    " text TEXT NOT NULL,"
    " complete INTEGER NOT NULL DEFAULT 1,"
    " stats TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL)",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // children(): the branches under one parent of one conversation.
    "CREATE INDEX messages_by_parent ON messages(conversation_id, parent_id)",
    // The parent_id foreign key looks children up by parent_id alone when a message is deleted; without this
    // each deleted message would scan the table.
    "CREATE INDEX messages_by_parent_only ON messages(parent_id)",
    // The sidebar order and the monotonic "updated" (touchConversation) read it.
    "CREATE INDEX conversations_by_updated ON conversations(updated)",
};

// Version 2: the document snippets an answer was given (retrieval), as a JSON array (MessageRow::sources).
constexpr const char* kToVersion2[] = {
    "ALTER TABLE messages ADD COLUMN sources TEXT NOT NULL DEFAULT ''",
};

// Append-only (sql_support.h).
constexpr std::array kMigrations = {
    sql::Migration{1, kToVersion1},
    sql::Migration{2, kToVersion2},
};
static_assert(sql::consecutive(kMigrations), "migration steps must go 1, 2, 3, ...");

QVariant idOrNull(qint64 id) { return id == 0 ? QVariant() : QVariant(id); }

constexpr const char* kConversationColumns =
    "id, title, system_prompt, model_path, active_leaf_id, created, updated";
constexpr const char* kMessageColumns =
    "id, conversation_id, parent_id, role, text, complete, stats, created, sources";

ConversationRow conversationFrom(const QSqlQuery& q) {
    ConversationRow row;
    row.id = q.value(0).toLongLong();
    row.title = q.value(1).toString();
    row.systemPrompt = q.value(2).toString();
    row.modelPath = q.value(3).toString();
    row.activeLeafId = q.value(4).toLongLong();  // NULL reads as 0
    row.created = sql::timeFromMs(q.value(5));
    row.updated = sql::timeFromMs(q.value(6));
    return row;
}

MessageRow messageFrom(const QSqlQuery& q) {
    MessageRow row;
    row.id = q.value(0).toLongLong();
    row.conversationId = q.value(1).toLongLong();
    row.parentId = q.value(2).toLongLong();
    row.role = q.value(3).toString();
    row.text = q.value(4).toString();
    row.complete = q.value(5).toLongLong() != 0;
    row.stats = q.value(6).toString();
    row.created = sql::timeFromMs(q.value(7));
    row.sources = q.value(8).toString();
    return row;
}

// Makes the conversation the most recently updated one. The stored time is at least one millisecond after every
// other conversation's, so the sidebar order follows the order of writes even when two land in the same
// millisecond or the clock steps back.
bool touchConversation(QSqlDatabase& db, qint64 id, QString* error) {
    QSqlQuery q(db);
    return run(q,
               QStringLiteral("UPDATE conversations SET updated ="
                              " MAX(?, (SELECT COALESCE(MAX(updated), 0) + 1 FROM conversations))"
                              " WHERE id = ?"),
               {nowMs(), id}, QStringLiteral("update the conversation's time"), error);
}

// The conversation a message belongs to (0: no such message).
qint64 conversationOfMessage(QSqlDatabase& db, qint64 messageId, QString* error, bool* ok) {
    QSqlQuery q(db);
    *ok = run(q, QStringLiteral("SELECT conversation_id FROM messages WHERE id = ?"), {messageId},
              QStringLiteral("look up message %1").arg(messageId), error);
    return *ok && q.next() ? q.value(0).toLongLong() : 0;
}

bool conversationExists(QSqlDatabase& db, qint64 id, QString* error, bool* ok) {
    QSqlQuery q(db);
    *ok = run(q, QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), {id},
              QStringLiteral("look up conversation %1").arg(id), error);
    return *ok && q.next();
}

// Settings hold simple values only, so the file stays readable and never depends on QVariant's binary format.
// The value is wrapped in a one-element array because QJsonDocument accepts only arrays and objects.
std::optional<QString> encodeSetting(const QVariant& value) {
    QJsonValue json;
    switch (value.typeId()) {
    case QMetaType::QString: json = value.toString(); break;
    case QMetaType::Bool: json = value.toBool(); break;
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong: json = value.toLongLong(); break;
    case QMetaType::Float:
    case QMetaType::Double: json = value.toDouble(); break;
    default: return std::nullopt;
    }
    return QString::fromUtf8(QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact));
}

std::optional<QVariant> decodeSetting(const QString& text) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1) return {};
    const QJsonValue json = doc.array().at(0);
    switch (json.type()) {
    case QJsonValue::String: return QVariant(json.toString());
    case QJsonValue::Bool: return QVariant(json.toBool());
    case QJsonValue::Double: {
        // Qt keeps integers written as integers apart from doubles; give back int when it fits, as most callers
        // stored an int (threads, context length).
        const QVariant number = json.toVariant();
        if (number.typeId() == QMetaType::LongLong) {
            const qint64 v = number.toLongLong();
            if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max())
                return QVariant(int(v));
            return QVariant(v);
        }
        return QVariant(json.toDouble());
    }
    default: return {};
    }
}

}  // namespace

std::optional<Store> Store::open(const QString& path, QString* error) {
    QString localError;
    if (!error) error = &localError;
    // Whatever stops the open below is logged once with its reason (the caller shows it to the user too).
    struct LogFailure {
        const QString* error;
        bool opened = false;
        ~LogFailure() {
            if (!opened) moduleLogger("store")->error("{}", error->toStdString());
        }
    } logFailure{error};

    const bool inMemory = path == QStringLiteral(":memory:");
    if (!inMemory) {
        const QFileInfo info(path);
        if (!QDir().mkpath(info.absolutePath())) {
            *error = QStringLiteral("Could not create the folder %1 for the database").arg(info.absolutePath());
            return std::nullopt;
        }
    }

    Store store;  // from here on its destructor removes the connection on every failure path
    store.connection_ = sql::newConnectionName(QStringLiteral("hearth-store"));
    const int version =
        sql::openVersioned(store.connection_, path, QString(), QStringLiteral("database"), schemaVersion(), error);
    if (version < 0) return std::nullopt;
    QSqlDatabase db = sql::database(store.connection_);
    const auto what = [&](int to) { return QStringLiteral("upgrade %1 to schema version %2").arg(path).arg(to); };
    // A new file's creation is no news; an existing database changing format is worth a line.
    const auto logged = [&](int to) {
        if (version > 0) moduleLogger("store")->info("{}: upgraded to schema version {}", path.toStdString(), to);
    };
    if (!sql::migrate(db, kMigrations, version, what, logged, error)) return std::nullopt;
    logFailure.opened = true;
    return std::optional<Store>(std::move(store));
}

Store::Store(Store&& other) noexcept
    : connection_(std::exchange(other.connection_, QString())),
      lastError_(std::exchange(other.lastError_, QString())) {}

Store& Store::operator=(Store&& other) noexcept {
    if (this != &other) {
        Store old(std::move(*this));  // closes our connection at the end of this scope
        connection_ = std::exchange(other.connection_, QString());
        lastError_ = std::exchange(other.lastError_, QString());
    }
    return *this;
}

Store::~Store() {
    if (connection_.isEmpty()) return;  // moved from
    {
        // The handle must be gone before removeDatabase, which warns about (and breaks) connections still in use.
        QSqlDatabase db = sql::database(connection_);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection_);
}

int Store::schemaVersion() { return kMigrations.back().toVersion; }

int Store::fileSchemaVersion() const {
    QSqlDatabase db = sql::database(connection_);
    return userVersion(db, QStringLiteral("read the schema version"), &lastError_);
}

qint64 Store::createConversation(const QString& title, const QString& systemPrompt, const QString& modelPath) {
    const QString what = QStringLiteral("create the conversation \"%1\"").arg(title);
    QSqlDatabase db = sql::database(connection_);
    WriteTransaction tx(db, what, &lastError_);
    if (!tx.began()) return 0;
    const qint64 now = nowMs();
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("INSERT INTO conversations (title, system_prompt, model_path, created, updated)"
                            " VALUES (?, ?, ?, ?, ?)"),
             {title, systemPrompt, modelPath, now, now}, what, &lastError_))
        return 0;
    const qint64 id = q.lastInsertId().toLongLong();
    if (!touchConversation(db, id, &lastError_) || !tx.commit(what, &lastError_)) return 0;
    return id;
}

namespace {

// One UPDATE of one conversation column, failing when the conversation does not exist.
bool updateConversationColumn(const QString& connection, qint64 id, const char* column, const QVariant& value,
                              const QString& what, QString* error) {
    QSqlDatabase db = sql::database(connection);
    WriteTransaction tx(db, what, error);
    if (!tx.began()) return false;
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("UPDATE conversations SET %1 = ? WHERE id = ?").arg(QLatin1String(column)),
             {value, id}, what, error))
        return false;
    if (q.numRowsAffected() != 1) {
        *error = QStringLiteral("Could not %1: there is no conversation %2").arg(what).arg(id);
        return false;
    }
    return tx.commit(what, error);
}

}  // namespace

bool Store::renameConversation(qint64 id, const QString& title) {
    return updateConversationColumn(connection_, id, "title", title, QStringLiteral("rename the conversation"),
                                    &lastError_);
}

bool Store::setSystemPrompt(qint64 id, const QString& text) {
    return updateConversationColumn(connection_, id, "system_prompt", text,
                                    QStringLiteral("save the system prompt"), &lastError_);
}

bool Store::setConversationModel(qint64 id, const QString& modelPath) {
    return updateConversationColumn(connection_, id, "model_path", modelPath,
                                    QStringLiteral("save the conversation's model"), &lastError_);
}

bool Store::setActiveLeaf(qint64 conversationId, qint64 messageId) {
    const QString what = QStringLiteral("switch the branch shown");
    if (messageId != 0) {
        // A leaf from another conversation would show foreign messages; refuse it rather than store it.
        QSqlDatabase db = sql::database(connection_);
        bool ok = false;
        const qint64 owner = conversationOfMessage(db, messageId, &lastError_, &ok);
        if (!ok) return false;
        if (owner != conversationId) {
            lastError_ = QStringLiteral("Could not %1: message %2 is not in conversation %3")
                             .arg(what)
                             .arg(messageId)
                             .arg(conversationId);
            return false;
        }
    }
    return updateConversationColumn(connection_, conversationId, "active_leaf_id", idOrNull(messageId), what,
                                    &lastError_);
}

bool Store::deleteConversation(qint64 id) {
    const QString what = QStringLiteral("delete the conversation");
    QSqlDatabase db = sql::database(connection_);
    WriteTransaction tx(db, what, &lastError_);
    if (!tx.began()) return false;
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id}, what, &lastError_)) return false;
    if (q.numRowsAffected() != 1) {
        lastError_ = QStringLiteral("Could not %1: there is no conversation %2").arg(what).arg(id);
        return false;
    }
    return tx.commit(what, &lastError_);  // its messages go by ON DELETE CASCADE
}

QList<ConversationRow> Store::conversations(const QString& titleFilter) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM conversations ORDER BY updated DESC, id DESC")
                 .arg(QLatin1String(kConversationColumns)),
             {}, QStringLiteral("list the conversations"), &lastError_))
        return {};
    // Filtered here rather than with LIKE, which folds case for ASCII only (titles are often German or Chinese).
    QList<ConversationRow> rows;
    while (q.next()) {
        ConversationRow row = conversationFrom(q);
        if (titleFilter.isEmpty() || row.title.contains(titleFilter, Qt::CaseInsensitive))
            rows.append(std::move(row));
    }
    return rows;
}

std::optional<ConversationRow> Store::conversation(qint64 id) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(QLatin1String(kConversationColumns)),
             {id}, QStringLiteral("read conversation %1").arg(id), &lastError_))
        return std::nullopt;
    if (!q.next()) {
        lastError_ = QStringLiteral("There is no conversation %1").arg(id);
        return std::nullopt;
    }
    return conversationFrom(q);
}

qint64 Store::addMessage(qint64 conversationId, qint64 parentId, const QString& role, const QString& text,
                         bool complete) {
    const QString what = QStringLiteral("save the message");
    if (role != QLatin1String("user") && role != QLatin1String("assistant")) {
        lastError_ = QStringLiteral("Could not %1: the role \"%2\" is neither user nor assistant").arg(what, role);
        return 0;
    }
    QSqlDatabase db = sql::database(connection_);
    WriteTransaction tx(db, what, &lastError_);
    if (!tx.began()) return 0;
    bool ok = false;
    if (!conversationExists(db, conversationId, &lastError_, &ok)) {
        if (ok) lastError_ = QStringLiteral("Could not %1: there is no conversation %2").arg(what).arg(conversationId);
        return 0;
    }
    if (parentId != 0) {
        // The foreign key only checks that the parent exists; a parent in another conversation would tie two
        // trees together.
        const qint64 owner = conversationOfMessage(db, parentId, &lastError_, &ok);
        if (!ok) return 0;
        if (owner != conversationId) {
            lastError_ = QStringLiteral("Could not %1: its parent message %2 is not in conversation %3")
                             .arg(what)
                             .arg(parentId)
                             .arg(conversationId);
            return 0;
        }
    }
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, text, complete, created)"
                            " VALUES (?, ?, ?, ?, ?, ?)"),
             {conversationId, idOrNull(parentId), role, text, complete ? 1 : 0, nowMs()}, what, &lastError_))
        return 0;
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery leaf(db);
    if (!run(leaf, QStringLiteral("UPDATE conversations SET active_leaf_id = ? WHERE id = ?"), {id, conversationId},
             what, &lastError_) ||
        !touchConversation(db, conversationId, &lastError_) || !tx.commit(what, &lastError_))
        return 0;
    return id;
}

bool Store::updateMessage(qint64 id, const QString& text, bool complete, const QString& stats) {
    const QString what = QStringLiteral("save message %1").arg(id);
    QSqlDatabase db = sql::database(connection_);
    WriteTransaction tx(db, what, &lastError_);
    if (!tx.began()) return false;
    bool ok = false;
    const qint64 conversationId = conversationOfMessage(db, id, &lastError_, &ok);
    if (!ok) return false;
    if (conversationId == 0) {
        lastError_ = QStringLiteral("Could not %1: there is no such message").arg(what);
        return false;
    }
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("UPDATE messages SET text = ?, complete = ?, stats = ? WHERE id = ?"),
             {text, complete ? 1 : 0, stats, id}, what, &lastError_) ||
        !touchConversation(db, conversationId, &lastError_))
        return false;
    return tx.commit(what, &lastError_);
}

bool Store::setMessageSources(qint64 id, const QString& sources) {
    const QString what = QStringLiteral("save the sources of message %1").arg(id);
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("UPDATE messages SET sources = ? WHERE id = ?"), {sources, id}, what, &lastError_))
        return false;
    if (q.numRowsAffected() != 1) {
        lastError_ = QStringLiteral("Could not %1: there is no such message").arg(what);
        return false;
    }
    return true;
}

QList<MessageRow> Store::messages(qint64 conversationId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? ORDER BY id")
                 .arg(QLatin1String(kMessageColumns)),
             {conversationId}, QStringLiteral("read the messages"), &lastError_))
        return {};
    QList<MessageRow> rows;
    while (q.next()) rows.append(messageFrom(q));
    return rows;
}

QList<MessageRow> Store::path(qint64 leafId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // Walks parent links up from the leaf. A parent is always inserted before its child, so the links cannot form
    // a cycle in a file this code wrote; the depth bound keeps a hand-edited file from looping forever.
    const QString sql = QStringLiteral(
                            "WITH RECURSIVE chain(id, depth) AS ("
                            " SELECT id, 0 FROM messages WHERE id = ?"
                            " UNION ALL"
                            " SELECT m.parent_id, chain.depth + 1 FROM messages m JOIN chain ON m.id = chain.id"
                            " WHERE m.parent_id IS NOT NULL AND chain.depth < 1000000)"
                            " SELECT %1 FROM messages JOIN chain USING (id) ORDER BY chain.depth DESC")
                            .arg(QStringLiteral("messages.id, conversation_id, parent_id, role, text, complete, "
                                                "stats, created, sources"));
    if (!run(q, sql, {leafId}, QStringLiteral("read the branch ending at message %1").arg(leafId), &lastError_))
        return {};
    QList<MessageRow> rows;
    while (q.next()) rows.append(messageFrom(q));
    return rows;
}

QList<MessageRow> Store::children(qint64 conversationId, qint64 parentId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // "= NULL" never matches, so roots need their own condition.
    const QString condition = parentId == 0 ? QStringLiteral("parent_id IS NULL") : QStringLiteral("parent_id = ?");
    QVariantList args{conversationId};
    if (parentId != 0) args.append(parentId);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? AND %2 ORDER BY id")
                 .arg(QLatin1String(kMessageColumns), condition),
             args, QStringLiteral("read the branches"), &lastError_))
        return {};
    QList<MessageRow> rows;
    while (q.next()) rows.append(messageFrom(q));
    return rows;
}

QVariant Store::setting(const QString& key, const QVariant& fallback) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("SELECT value FROM settings WHERE key = ?"), {key},
             QStringLiteral("read the setting %1").arg(key), &lastError_) ||
        !q.next())
        return fallback;
    const std::optional<QVariant> value = decodeSetting(q.value(0).toString());
    if (!value) {
        lastError_ = QStringLiteral("The setting %1 holds an unreadable value; using the default").arg(key);
        return fallback;
    }
    return *value;
}

bool Store::setSetting(const QString& key, const QVariant& value) {
    const QString what = QStringLiteral("save the setting %1").arg(key);
    QSqlDatabase db = sql::database(connection_);
    // An invalid QVariant removes the setting, so setting() falls back to the caller's default again.
    if (!value.isValid()) {
        WriteTransaction tx(db, what, &lastError_);
        QSqlQuery q(db);
        return tx.began() &&
               run(q, QStringLiteral("DELETE FROM settings WHERE key = ?"), {key}, what, &lastError_) &&
               tx.commit(what, &lastError_);
    }
    const std::optional<QString> text = encodeSetting(value);
    if (!text) {
        lastError_ = QStringLiteral("Could not %1: a %2 is not a string, number or bool")
                         .arg(what, QString::fromLatin1(value.typeName()));
        return false;
    }
    WriteTransaction tx(db, what, &lastError_);
    if (!tx.began()) return false;
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
             {key, *text}, what, &lastError_))
        return false;
    return tx.commit(what, &lastError_);
}

QString Store::lastError() const { return lastError_; }

}  // namespace hearth::app
