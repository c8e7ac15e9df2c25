// Persistence of conversations in SQLite (Qt Sql) under QStandardPaths::AppDataLocation: conversations, messages
// as a tree (parent_id: an edited user message or a regenerated answer starts a sibling branch; each conversation
// remembers the leaf of the branch on screen), and settings. Every write is one transaction; the answer being
// generated is written when it finishes (and at most every few seconds while it streams), so a crash or kill -9
// loses at most that answer. The schema is versioned (PRAGMA user_version) and migrated forward on open.
// Used from the GUI thread only (one connection per Store, named uniquely).
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariant>
#include <optional>

namespace hearth::app {

struct ConversationRow {
    qint64 id = 0;
    QString title;
    QString systemPrompt;
    QString modelPath;      // the model last used in it
    qint64 activeLeafId = 0;  // the message at the end of the branch shown (0: none yet)
    QDateTime created;
    QDateTime updated;
};

struct MessageRow {
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0;    // 0: first message of the conversation
    QString role;           // "user", "assistant" (the system prompt lives on the conversation)
    QString text;
    bool complete = true;   // false while an answer streams (and for one cut short by a crash)
    QString stats;          // JSON of the generation figures of an answer (tok/s, tokens, stop reason), may be empty
    // JSON array of the document snippets an answer was given (retrieval): [{path, label, page, lineStart, lineEnd,
    // snippet, bm25Rank, vectorRank}], numbered as in the prompt ([1] first); empty: none.
    QString sources;
    QDateTime created;
};

class Store {
public:
    // Opens (creating and migrating as needed) the database at path. nullopt + *error on failure.
    static std::optional<Store> open(const QString& path, QString* error);
    Store(Store&& other) noexcept;
    Store& operator=(Store&& other) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    ~Store();

    static int schemaVersion();  // the version this build writes
    int fileSchemaVersion() const;

    qint64 createConversation(const QString& title, const QString& systemPrompt, const QString& modelPath);
    bool renameConversation(qint64 id, const QString& title);
    bool setSystemPrompt(qint64 id, const QString& text);
    bool setConversationModel(qint64 id, const QString& modelPath);
    bool setActiveLeaf(qint64 conversationId, qint64 messageId);
    bool deleteConversation(qint64 id);  // and its messages
    // Most recently updated first; titleFilter (case-insensitive substring) empty: all.
    QList<ConversationRow> conversations(const QString& titleFilter = {}) const;
    std::optional<ConversationRow> conversation(qint64 id) const;

    // Appends a message under parentId (0: a root) and makes it the conversation's active leaf.
    qint64 addMessage(qint64 conversationId, qint64 parentId, const QString& role, const QString& text,
                      bool complete = true);
    bool updateMessage(qint64 id, const QString& text, bool complete, const QString& stats = {});
    // The answer's sources (MessageRow::sources), written once when its prompt is built.
    bool setMessageSources(qint64 id, const QString& sources);
    // Every message of the conversation (all branches), in id order.
    QList<MessageRow> messages(qint64 conversationId) const;
    // The path from the root to leafId (inclusive), root first.
    QList<MessageRow> path(qint64 leafId) const;
    // Children of parentId (0: roots) in the conversation, oldest first: the branches the user can switch between.
    QList<MessageRow> children(qint64 conversationId, qint64 parentId) const;

    QVariant setting(const QString& key, const QVariant& fallback = {}) const;
    bool setSetting(const QString& key, const QVariant& value);

    QString lastError() const;

private:
    Store() = default;
    QString connection_;  // QSqlDatabase connection name
    mutable QString lastError_;  // why the last failed call failed (reads may fail too, hence mutable)
};

}  // namespace hearth::app
