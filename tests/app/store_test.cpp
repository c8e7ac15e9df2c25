// Store: what a user would notice if persistence went wrong — conversations that do not rename or come back,
// search that misses "über" for "Über", branches lost after an edit or a regenerate, the wrong branch shown after a
// restart, settings that reset, a file from a newer Hearth damaged by an older one, and earlier messages lost when
// the app is killed while an answer streams (the crash test runs this binary as a child process and SIGKILLs it).
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>
#include <optional>

#include "app/core/store.h"

using hearth::app::ConversationRow;
using hearth::app::MessageRow;
using hearth::app::Store;

namespace {

// argv[1] that turns this binary into the crash test's child: it writes into argv[2] until it is killed.
constexpr char kCrashChildArg[] = "--store-crash-child";

const QString kQuestion1 = QStringLiteral("Wie heißt die Hauptstadt von Frankreich?");
const QString kAnswer1 = QStringLiteral("Paris. 巴黎。");
const QString kQuestion2 = QStringLiteral("And of Italy?");

// One line per message so a failing comparison shows the whole row.
QString describe(const MessageRow& m) {
    return QStringLiteral("#%1 conv=%2 parent=%3 %4 complete=%5 stats=%6 text=%7")
        .arg(m.id)
        .arg(m.conversationId)
        .arg(m.parentId)
        .arg(m.role)
        .arg(m.complete)
        .arg(m.stats, m.text);
}

QStringList describe(const QList<MessageRow>& rows) {
    QStringList lines;
    for (const MessageRow& m : rows) lines << describe(m);
    return lines;
}

QList<qint64> idsOf(const QList<MessageRow>& rows) {
    QList<qint64> ids;
    for (const MessageRow& m : rows) ids << m.id;
    return ids;
}

QStringList titlesOf(const QList<ConversationRow>& rows) {
    QStringList titles;
    for (const ConversationRow& c : rows) titles << c.title;
    return titles;
}

// A plain connection for looking at (or preparing) a file behind the Store's back; removed when it goes.
class RawConnection {
public:
    explicit RawConnection(const QString& path) : name_(QStringLiteral("store-test-raw-%1").arg(++counter_)) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name_);
        db.setDatabaseName(path);
        opened_ = db.open();
    }
    ~RawConnection() {
        QSqlDatabase::database(name_, false).close();
        QSqlDatabase::removeDatabase(name_);
    }
    bool opened() const { return opened_; }
    // The first column of the first row of sql (invalid on error).
    QVariant scalar(const QString& sql) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        if (!q.exec(sql) || !q.next()) return {};
        return q.value(0);
    }
    bool exec(const QString& sql) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        return q.exec(sql);
    }

private:
    static inline int counter_ = 0;
    QString name_;
    bool opened_ = false;
};

// The crash test's child: a conversation with a finished exchange, then an answer that streams until the parent
// kills us. Prints "streaming" once the answer exists and "tick" every few hundred updates, so the parent knows
// it kills a process that is busy writing.
int runCrashChild(const QString& path) {
    QTextStream out(stdout);
    QString error;
    std::optional<Store> store = Store::open(path, &error);
    if (!store) {
        out << "error " << error << Qt::endl;
        return 2;
    }
    const qint64 conv = store->createConversation(QStringLiteral("Killed mid-answer"), {}, {});
    const qint64 u1 = store->addMessage(conv, 0, QStringLiteral("user"), kQuestion1);
    const qint64 a1 = store->addMessage(conv, u1, QStringLiteral("assistant"), kAnswer1);
    const qint64 u2 = store->addMessage(conv, a1, QStringLiteral("user"), kQuestion2);
    const qint64 a2 = store->addMessage(conv, u2, QStringLiteral("assistant"), {}, /*complete=*/false);
    if (conv == 0 || u1 == 0 || a1 == 0 || u2 == 0 || a2 == 0) {
        out << "error " << store->lastError() << Qt::endl;
        return 3;
    }
    out << "streaming " << conv << ' ' << a2 << Qt::endl;
    // The text restarts every 500 tokens so each update stays small; the parent checks the tokens are consecutive.
    // The bound only ends an orphan whose parent died; the parent kills us long before.
    QString text;
    for (int i = 0; i < 20'000'000; ++i) {
        if (i % 500 == 0) text.clear();
        text += QStringLiteral("tok%1 ").arg(i);
        if (!store->updateMessage(a2, text, /*complete=*/false)) {
            out << "error " << store->lastError() << Qt::endl;
            return 4;
        }
        if (i % 200 == 199) out << "tick" << Qt::endl;
    }
    return 0;
}

}  // namespace

class StoreTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    int files_ = 0;

    // A fresh database path per test so tests never see each other's rows.
    QString newPath() { return dir_.filePath(QStringLiteral("hearth-%1.sqlite").arg(++files_)); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void cleanup() {
        // Every Store closed and removed its connection (a leak would keep the file open and warn at exit).
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    void createRenameDeleteConversations() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->conversations().size(), 0);

        const qint64 a = store->createConversation(QStringLiteral("Trip"), QStringLiteral("Be brief."),
                                                   QStringLiteral("/models/a.gguf"));
        const qint64 b = store->createConversation(QStringLiteral("Recipes"), {}, {});
        QVERIFY2(a > 0 && b > 0 && a != b, qPrintable(store->lastError()));
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"Recipes", "Trip"}));  // newest first

        std::optional<ConversationRow> row = store->conversation(a);
        QVERIFY(row);
        QCOMPARE(row->title, QStringLiteral("Trip"));
        QCOMPARE(row->systemPrompt, QStringLiteral("Be brief."));
        QCOMPARE(row->modelPath, QStringLiteral("/models/a.gguf"));
        QCOMPARE(row->activeLeafId, 0);
        QVERIFY(row->created.isValid() && row->updated >= row->created);

        QVERIFY2(store->renameConversation(a, QStringLiteral("Trip to Rome")), qPrintable(store->lastError()));
        QVERIFY(store->setSystemPrompt(a, QStringLiteral("Answer in German.")));
        QVERIFY(store->setConversationModel(a, QStringLiteral("/models/b.gguf")));
        row = store->conversation(a);
        QVERIFY(row);
        QCOMPARE(row->title, QStringLiteral("Trip to Rome"));
        QCOMPARE(row->systemPrompt, QStringLiteral("Answer in German."));
        QCOMPARE(row->modelPath, QStringLiteral("/models/b.gguf"));

        // Deleting a conversation takes its whole message tree, and only its own.
        const qint64 u = store->addMessage(a, 0, QStringLiteral("user"), QStringLiteral("hi"));
        store->addMessage(a, u, QStringLiteral("assistant"), QStringLiteral("hello"));
        store->addMessage(a, u, QStringLiteral("assistant"), QStringLiteral("hello again"));
        const qint64 other = store->addMessage(b, 0, QStringLiteral("user"), QStringLiteral("pasta?"));
        QCOMPARE(store->messages(a).size(), 3);
        QVERIFY2(store->deleteConversation(a), qPrintable(store->lastError()));
        QCOMPARE(titlesOf(store->conversations()), QStringList{"Recipes"});
        QVERIFY(!store->conversation(a));
        QCOMPARE(store->messages(a).size(), 0);
        QCOMPARE(store->path(u).size(), 0);
        QCOMPARE(idsOf(store->messages(b)), QList<qint64>{other});

        // Acting on a conversation that is gone fails and says so.
        QVERIFY(!store->deleteConversation(a));
        QVERIFY(store->lastError().contains(QString::number(a)));
        QVERIFY(!store->renameConversation(a, QStringLiteral("x")));
        QCOMPARE(store->addMessage(a, 0, QStringLiteral("user"), QStringLiteral("x")), 0);
        QVERIFY(!store->lastError().isEmpty());
    }

    void listFollowsActivity() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 a = store->createConversation(QStringLiteral("A"), {}, {});
        const qint64 b = store->createConversation(QStringLiteral("B"), {}, {});
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"B", "A"}));

        // A new message, or an answer finishing, moves its conversation to the top of the sidebar at once (even
        // within the same millisecond).
        const QDateTime before = store->conversation(a).value().updated;
        const qint64 m = store->addMessage(a, 0, QStringLiteral("user"), QStringLiteral("hi"));
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"A", "B"}));
        QVERIFY(store->conversation(a).value().updated > before);
        store->addMessage(b, 0, QStringLiteral("user"), QStringLiteral("hi"));
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"B", "A"}));
        QVERIFY(store->updateMessage(m, QStringLiteral("hi there"), true));
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"A", "B"}));
    }

    void searchIgnoresCase() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        for (const char* title : {"Rust lifetimes", "Über Katzen", "Kochrezepte", "中文对话练习", "trust issues"})
            QVERIFY(store->createConversation(QString::fromUtf8(title), {}, {}) > 0);

        QCOMPARE(store->conversations().size(), 5);
        QCOMPARE(titlesOf(store->conversations(QStringLiteral("RUST"))),
                 (QStringList{"trust issues", "Rust lifetimes"}));
        // Beyond ASCII: SQLite's LIKE would miss these.
        QCOMPARE(titlesOf(store->conversations(QStringLiteral("über"))), QStringList{"Über Katzen"});
        QCOMPARE(titlesOf(store->conversations(QStringLiteral("ÜBER KATZEN"))), QStringList{"Über Katzen"});
        QCOMPARE(titlesOf(store->conversations(QStringLiteral("对话"))), QStringList{"中文对话练习"});
        // Characters LIKE would treat as wildcards match only themselves.
        QCOMPARE(store->conversations(QStringLiteral("%")).size(), 0);
        QCOMPARE(store->conversations(QStringLiteral("_")).size(), 0);
        QCOMPARE(store->conversations(QStringLiteral("no such title")).size(), 0);
    }

    void editStartsUserBranch() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 conv = store->createConversation(QStringLiteral("Branches"), {}, {});
        const qint64 u1 = store->addMessage(conv, 0, QStringLiteral("user"), QStringLiteral("Hi"));
        const qint64 a1 = store->addMessage(conv, u1, QStringLiteral("assistant"), QStringLiteral("Hello!"));
        const qint64 u2 = store->addMessage(conv, a1, QStringLiteral("user"), QStringLiteral("Tell a joke"));
        const qint64 a2 = store->addMessage(conv, u2, QStringLiteral("assistant"), QStringLiteral("Knock knock"));
        QCOMPARE(store->conversation(conv).value().activeLeafId, a2);
        QCOMPARE(idsOf(store->path(a2)), (QList<qint64>{u1, a1, u2, a2}));  // root first

        // The user edits "Tell a joke" and resends: a sibling of u2 under a1, and the new branch is shown.
        const qint64 u2b = store->addMessage(conv, a1, QStringLiteral("user"), QStringLiteral("Tell a pun"));
        const qint64 a2b = store->addMessage(conv, u2b, QStringLiteral("assistant"), QStringLiteral("A pun"));
        QCOMPARE(idsOf(store->children(conv, a1)), (QList<qint64>{u2, u2b}));  // oldest first
        QCOMPARE(store->conversation(conv).value().activeLeafId, a2b);
        QCOMPARE(idsOf(store->path(a2b)), (QList<qint64>{u1, a1, u2b, a2b}));
        // The old continuation is still there to switch back to.
        QCOMPARE(idsOf(store->path(a2)), (QList<qint64>{u1, a1, u2, a2}));
        QCOMPARE(store->path(a2).value(3).text, QStringLiteral("Knock knock"));
        QCOMPARE(idsOf(store->children(conv, 0)), QList<qint64>{u1});
        QCOMPARE(idsOf(store->messages(conv)), (QList<qint64>{u1, a1, u2, a2, u2b, a2b}));
        const MessageRow edited = store->path(a2b).value(2);
        QCOMPARE(edited.parentId, a1);
        QCOMPARE(edited.conversationId, conv);
        QCOMPARE(edited.role, QStringLiteral("user"));
    }

    void regenerateStartsAnswerBranch() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 conv = store->createConversation(QStringLiteral("Regenerate"), {}, {});
        const qint64 u1 = store->addMessage(conv, 0, QStringLiteral("user"), QStringLiteral("Name a colour"));
        const qint64 a1 = store->addMessage(conv, u1, QStringLiteral("assistant"), QStringLiteral("Blue"));

        // Regenerate: a new answer under the same question streams in, then finishes with its figures.
        const qint64 a1b = store->addMessage(conv, u1, QStringLiteral("assistant"), {}, /*complete=*/false);
        QVERIFY(a1b > 0);
        QCOMPARE(store->path(a1b).value(1).complete, false);
        QVERIFY(store->updateMessage(a1b, QStringLiteral("Gr"), false));
        const QString stats = QStringLiteral(R"({"tg_tps":41.5,"tokens":2,"stop":"eos"})");
        QVERIFY2(store->updateMessage(a1b, QStringLiteral("Green"), true, stats), qPrintable(store->lastError()));

        QCOMPARE(idsOf(store->children(conv, u1)), (QList<qint64>{a1, a1b}));
        const QList<MessageRow> answers = store->children(conv, u1);
        QCOMPARE(answers.at(0).text, QStringLiteral("Blue"));
        QCOMPARE(answers.at(1).text, QStringLiteral("Green"));
        QCOMPARE(answers.at(1).complete, true);
        QCOMPARE(answers.at(1).stats, stats);
        QCOMPARE(answers.at(1).role, QStringLiteral("assistant"));
        QCOMPARE(store->conversation(conv).value().activeLeafId, a1b);
        QCOMPARE(idsOf(store->path(a1b)), (QList<qint64>{u1, a1b}));
    }

    void activeLeafPersists() {
        const QString path = newPath();
        qint64 conv = 0, oldLeaf = 0, newLeaf = 0;
        {
            QString error;
            std::optional<Store> store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            conv = store->createConversation(QStringLiteral("Switch"), {}, {});
            const qint64 u = store->addMessage(conv, 0, QStringLiteral("user"), QStringLiteral("q"));
            oldLeaf = store->addMessage(conv, u, QStringLiteral("assistant"), QStringLiteral("first"));
            newLeaf = store->addMessage(conv, u, QStringLiteral("assistant"), QStringLiteral("second"));
            QCOMPARE(store->conversation(conv).value().activeLeafId, newLeaf);
            // The user switches back to the first answer.
            QVERIFY2(store->setActiveLeaf(conv, oldLeaf), qPrintable(store->lastError()));

            // A message of another conversation is refused and the choice kept.
            const qint64 other = store->createConversation(QStringLiteral("Other"), {}, {});
            const qint64 foreign = store->addMessage(other, 0, QStringLiteral("user"), QStringLiteral("x"));
            QVERIFY(!store->setActiveLeaf(conv, foreign));
            QVERIFY(!store->lastError().isEmpty());
            QCOMPARE(store->conversation(conv).value().activeLeafId, oldLeaf);
        }
        QString error;
        std::optional<Store> store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->conversation(conv).value().activeLeafId, oldLeaf);
        QCOMPARE(store->path(oldLeaf).value(1).text, QStringLiteral("first"));
    }

    void settingsRoundTrip() {
        const QString path = newPath();
        {
            QString error;
            std::optional<Store> store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->setting(QStringLiteral("threads"), 4), QVariant(4));  // the fallback when unset
            QVERIFY(!store->setting(QStringLiteral("threads")).isValid());

            QVERIFY2(store->setSetting(QStringLiteral("threads"), 6), qPrintable(store->lastError()));
            QVERIFY(store->setSetting(QStringLiteral("temperature"), 0.7));
            QVERIFY(store->setSetting(QStringLiteral("darkTheme"), true));
            QVERIFY(store->setSetting(QStringLiteral("language"), QStringLiteral("zh_CN")));
            QVERIFY(store->setSetting(QStringLiteral("modelsFolder"), QStringLiteral("/home/李/模型 \"x\"")));
            QVERIFY(store->setSetting(QStringLiteral("kvBytes"), qint64(1) << 40));
            QVERIFY(store->setSetting(QStringLiteral("empty"), QString()));
            QVERIFY(store->setSetting(QStringLiteral("contextLength"), 2048));
            QVERIFY(store->setSetting(QStringLiteral("contextLength"), 4096));  // overwrites
            QVERIFY(store->setSetting(QStringLiteral("removed"), 1));
            QVERIFY(store->setSetting(QStringLiteral("removed"), QVariant()));  // back to the fallback

            // Anything but a string, number or bool is refused rather than stored in an opaque form.
            QVERIFY(!store->setSetting(QStringLiteral("size"), QSize(3, 4)));
            QVERIFY(store->lastError().contains(QStringLiteral("size")));
        }
        QString error;
        std::optional<Store> store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const QVariant threads = store->setting(QStringLiteral("threads"));
        QCOMPARE(threads.typeId(), QMetaType::Int);
        QCOMPARE(threads.toInt(), 6);
        const QVariant temperature = store->setting(QStringLiteral("temperature"));
        QCOMPARE(temperature.typeId(), QMetaType::Double);
        QCOMPARE(temperature.toDouble(), 0.7);
        QCOMPARE(store->setting(QStringLiteral("darkTheme")), QVariant(true));
        QCOMPARE(store->setting(QStringLiteral("language")), QVariant(QStringLiteral("zh_CN")));
        QCOMPARE(store->setting(QStringLiteral("modelsFolder")).toString(), QStringLiteral("/home/李/模型 \"x\""));
        QCOMPARE(store->setting(QStringLiteral("kvBytes")).toLongLong(), qint64(1) << 40);
        QCOMPARE(store->setting(QStringLiteral("empty"), QStringLiteral("fallback")), QVariant(QString()));
        QCOMPARE(store->setting(QStringLiteral("contextLength")), QVariant(4096));
        QCOMPARE(store->setting(QStringLiteral("removed"), 7), QVariant(7));
        QVERIFY(!store->setting(QStringLiteral("size")).isValid());
    }

    void reopenFindsEverything() {
        const QString path = newPath();
        QList<MessageRow> before;
        qint64 conv = 0;
        {
            QString error;
            std::optional<Store> opened = Store::open(path, &error);
            QVERIFY2(opened, qPrintable(error));
            // The store as the controller holds it: moved in; the moved-from one owns no connection.
            Store store(std::move(*opened));
            opened.reset();
            conv = store.createConversation(QStringLiteral("Keep me"), QStringLiteral("You are terse."),
                                            QStringLiteral("/m/stories260K.gguf"));
            const qint64 u = store.addMessage(conv, 0, QStringLiteral("user"), QStringLiteral("Once upon"));
            const qint64 a = store.addMessage(conv, u, QStringLiteral("assistant"), QStringLiteral("a time"), false);
            QVERIFY(store.updateMessage(a, QStringLiteral("a time\n```\ncode\n```"), true,
                                        QStringLiteral("{\"tokens\":5}")));
            store.addMessage(conv, u, QStringLiteral("assistant"), QStringLiteral("half an answ"), false);
            store.createConversation(QStringLiteral("Second"), {}, {});
            QVERIFY(store.setSetting(QStringLiteral("theme"), QStringLiteral("dark")));
            before = store.messages(conv);
            QCOMPARE(before.size(), 3);
        }
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());  // closed: nothing left open on the file

        QString error;
        std::optional<Store> store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->fileSchemaVersion(), Store::schemaVersion());
        QCOMPARE(titlesOf(store->conversations()), (QStringList{"Second", "Keep me"}));
        const ConversationRow row = store->conversation(conv).value();
        QCOMPARE(row.systemPrompt, QStringLiteral("You are terse."));
        QCOMPARE(row.modelPath, QStringLiteral("/m/stories260K.gguf"));
        QCOMPARE(row.activeLeafId, before.last().id);
        QCOMPARE(describe(store->messages(conv)), describe(before));
        for (int i = 0; i < before.size(); ++i) QCOMPARE(store->messages(conv).at(i).created, before.at(i).created);
        QCOMPARE(store->setting(QStringLiteral("theme")), QVariant(QStringLiteral("dark")));

        // Two stores at once (e.g. a test and the app) each have their own connection.
        std::optional<Store> second = Store::open(path, &error);
        QVERIFY2(second, qPrintable(error));
        QCOMPARE(QSqlDatabase::connectionNames().size(), 2);
        QCOMPARE(second->conversations().size(), 2);
    }

    void failedWriteChangesNothing() {
        QString error;
        std::optional<Store> store = Store::open(newPath(), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 a = store->createConversation(QStringLiteral("A"), {}, {});
        const qint64 b = store->createConversation(QStringLiteral("B"), {}, {});
        const qint64 ua = store->addMessage(a, 0, QStringLiteral("user"), QStringLiteral("in A"));
        const ConversationRow bBefore = store->conversation(b).value();

        // A reply hung under a message of another conversation would mix two chats: refused, nothing written.
        QCOMPARE(store->addMessage(b, ua, QStringLiteral("assistant"), QStringLiteral("wrong")), 0);
        QVERIFY(store->lastError().contains(QString::number(ua)));
        QCOMPARE(store->messages(b).size(), 0);
        QCOMPARE(store->conversation(b).value().activeLeafId, bBefore.activeLeafId);
        QCOMPARE(store->conversation(b).value().updated, bBefore.updated);

        QCOMPARE(store->addMessage(a, ua, QStringLiteral("system"), QStringLiteral("x")), 0);
        QVERIFY(store->lastError().contains(QStringLiteral("system")));
        QCOMPARE(store->addMessage(a, 987654, QStringLiteral("user"), QStringLiteral("x")), 0);
        QVERIFY(!store->updateMessage(987654, QStringLiteral("x"), true));
        QVERIFY(store->lastError().contains(QStringLiteral("987654")));
        QCOMPARE(idsOf(store->messages(a)), QList<qint64>{ua});
        QCOMPARE(store->conversation(a).value().activeLeafId, ua);

        // After failures the store still writes.
        QVERIFY(store->addMessage(a, ua, QStringLiteral("assistant"), QStringLiteral("ok")) > 0);
    }

    void migratesEmptyFile() {
        // An empty file is a SQLite database of version 0 (as is a path that does not exist yet, in a folder that
        // does not exist yet).
        const QString empty = newPath();
        {
            QFile file(empty);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        for (const QString& path : {empty, dir_.filePath(QStringLiteral("new/folder/hearth.sqlite"))}) {
            QString error;
            std::optional<Store> store = Store::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->fileSchemaVersion(), Store::schemaVersion());
            const qint64 conv = store->createConversation(QStringLiteral("After migration"), {}, {});
            QVERIFY(store->addMessage(conv, 0, QStringLiteral("user"), QStringLiteral("hi")) > 0);
            QVERIFY(store->setSetting(QStringLiteral("k"), 1));
        }
        RawConnection raw(empty);
        QVERIFY(raw.opened());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), Store::schemaVersion());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                                           "tbl_name = 'messages' AND sql LIKE '%conversation_id, parent_id%'"))
                     .toInt(),
                 1);
    }

    void refusesNewerOrForeignFile() {
        const QString future = newPath();
        const int futureVersion = Store::schemaVersion() + 1;
        {
            RawConnection raw(future);
            QVERIFY(raw.opened());
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE from_the_future (x)")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(futureVersion)));
        }
        QString error;
        QVERIFY(!Store::open(future, &error));
        QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
        QVERIFY2(error.contains(future), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        {
            // Left exactly as it was for the newer Hearth.
            RawConnection raw(future);
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), futureVersion);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master")).toInt(), 1);
        }

        const QString notDatabase = newPath();
        {
            QFile file(notDatabase);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray("This is a note, not a database.\n").repeated(64));
        }
        error.clear();
        QVERIFY(!Store::open(notDatabase, &error));
        QVERIFY2(error.contains(notDatabase), qPrintable(error));
        QFile file(notDatabase);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().startsWith("This is a note"));
    }

    void killedWhileStreamingKeepsEarlierMessages_data() {
        QTest::addColumn<int>("ticks");  // how long the answer streams before the kill, in hundreds of updates
        QTest::newRow("early") << 1;
        QTest::newRow("later") << 10;
    }

    void killedWhileStreamingKeepsEarlierMessages() {
        QFETCH(int, ticks);
        const QString path = newPath();
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(kCrashChildArg), path});
        QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));

        // Wait (no time limit worth asserting on, just a bound against a hung child) until the answer has
        // streamed for a while, so the kill lands in the middle of the update loop.
        qint64 conv = 0, streamingId = 0;
        int seenTicks = 0;
        QByteArray pending;
        while (seenTicks < ticks) {
            if (!child.canReadLine() && !child.waitForReadyRead(60'000)) break;
            while (child.canReadLine()) {
                const QByteArray line = child.readLine().trimmed();
                if (line.startsWith("streaming ")) {
                    const QList<QByteArray> parts = line.split(' ');
                    conv = parts.value(1).toLongLong();
                    streamingId = parts.value(2).toLongLong();
                } else if (line == "tick") {
                    ++seenTicks;
                } else {
                    QFAIL(qPrintable(QStringLiteral("child: ") + QString::fromUtf8(line)));
                }
            }
        }
        QVERIFY2(seenTicks >= ticks && streamingId > 0, "the child never reached its streaming loop");
        QCOMPARE(child.state(), QProcess::Running);
        child.kill();  // SIGKILL: no destructor, no rollback, no WAL checkpoint
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        // The killed process left its write-ahead log behind: reopening below has to recover from it.
        QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() > 0);

        QString error;
        std::optional<Store> store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        {
            RawConnection raw(path);
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA foreign_key_check")), QVariant());  // no rows
        }

        // Everything before the streaming answer is there and complete.
        const QList<MessageRow> messages = store->messages(conv);
        QVERIFY2(messages.size() == 3 || messages.size() == 4, qPrintable(describe(messages).join('\n')));
        QCOMPARE(messages.at(0).role, QStringLiteral("user"));
        QCOMPARE(messages.at(0).text, kQuestion1);
        QCOMPARE(messages.at(1).role, QStringLiteral("assistant"));
        QCOMPARE(messages.at(1).text, kAnswer1);
        QCOMPARE(messages.at(1).parentId, messages.at(0).id);
        QCOMPARE(messages.at(2).text, kQuestion2);
        QCOMPARE(messages.at(2).parentId, messages.at(1).id);
        for (int i = 0; i < 3; ++i) QVERIFY(messages.at(i).complete);

        // The streaming answer was made before the first tick, so it is there: marked incomplete, holding one of
        // the texts the child wrote (consecutive tokens), never a torn or mixed one.
        QCOMPARE(messages.size(), 4);
        const MessageRow& streamed = messages.at(3);
        QCOMPARE(streamed.id, streamingId);
        QCOMPARE(streamed.parentId, messages.at(2).id);
        QCOMPARE(streamed.complete, false);
        const QStringList tokens = streamed.text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QVERIFY(!tokens.isEmpty());
        for (int i = 0; i < tokens.size(); ++i) {
            QVERIFY2(tokens.at(i).startsWith(QStringLiteral("tok")), qPrintable(streamed.text));
            QCOMPARE(tokens.at(i).mid(3).toInt(), tokens.at(0).mid(3).toInt() + i);
        }
        QCOMPARE(tokens.at(0).mid(3).toInt() % 500, 0);
        QCOMPARE(store->conversation(conv).value().activeLeafId, streamingId);

        // The user can carry on in the same conversation.
        QVERIFY2(store->addMessage(conv, streamingId, QStringLiteral("user"), QStringLiteral("Go on")) > 0,
                 qPrintable(store->lastError()));
    }

    // A file of version 1 (before answers had sources) opens, keeps its messages, and then stores sources.
    void migratesVersion1ToSources() {
        const QString path = newPath();
        {
            RawConnection raw(path);
            QVERIFY(raw.opened());
            // Version 1's tables as that version wrote them (the columns the migration must keep).
            for (const char* sql :
                 {"CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
                  " system_prompt TEXT NOT NULL DEFAULT '', model_path TEXT NOT NULL DEFAULT '',"
                  " active_leaf_id INTEGER, created INTEGER NOT NULL, updated INTEGER NOT NULL)",
                  "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                  " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                  " parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
                  " role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), text TEXT NOT NULL,"
                  " complete INTEGER NOT NULL DEFAULT 1, stats TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL)",
                  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                  "INSERT INTO conversations VALUES (1, 'Old chat', '', '', 2, 1000, 1000)",
                  "INSERT INTO messages VALUES (1, 1, NULL, 'user', 'Old question', 1, '', 1000)",
                  "INSERT INTO messages VALUES (2, 1, 1, 'assistant', 'Old answer', 1, '{}', 1001)",
                  "PRAGMA user_version = 1"})
                QVERIFY2(raw.exec(QString::fromUtf8(sql)), sql);
        }
        QString error;
        std::optional<Store> store = Store::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->fileSchemaVersion(), Store::schemaVersion());
        QVERIFY(Store::schemaVersion() >= 2);
        const QList<MessageRow> old = store->path(2);
        QCOMPARE(old.size(), 2);
        QCOMPARE(old.at(1).text, QStringLiteral("Old answer"));
        QCOMPARE(old.at(1).stats, QStringLiteral("{}"));
        QVERIFY(old.at(1).sources.isEmpty());

        const QString sources = QStringLiteral(R"([{"path":"/docs/a.txt","label":"a.txt, lines 1–3"}])");
        QVERIFY2(store->setMessageSources(2, sources), qPrintable(store->lastError()));
        QCOMPARE(store->path(2).at(1).sources, sources);
        QCOMPARE(store->messages(1).at(1).sources, sources);
        QCOMPARE(store->children(1, 1).at(0).sources, sources);
        QVERIFY(store->path(2).at(0).sources.isEmpty());
        // Saving the answer's text again keeps them.
        QVERIFY(store->updateMessage(2, QStringLiteral("Old answer, edited"), true, QStringLiteral("{}")));
        QCOMPARE(store->path(2).at(1).sources, sources);
        QVERIFY(!store->setMessageSources(99, sources));
        QVERIFY(store->lastError().contains(QStringLiteral("no such message")));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], kCrashChildArg) == 0) return runCrashChild(QString::fromLocal8Bit(argv[2]));
    // As QTEST_GUILESS_MAIN, plus the child mode above.
    StoreTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "store_test.moc"
