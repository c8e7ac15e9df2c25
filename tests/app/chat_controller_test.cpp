// ChatController over the scripted FakeEngineWorker and a Store in a temporary directory: streaming into the last
// message in batches, stop, branches (regenerate, edit and resend, switching), conversations, persistence, the
// context-full path and the errors a user sees. Both list models run under QAbstractItemModelTester throughout.
#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/settings_controller.h"

using namespace hearth::app;

namespace {

// The GUI-less platform, before QTEST_MAIN makes the QGuiApplication.
const bool kOffscreen = [] {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return true;
}();

QString words(int n, const QString& stem = QStringLiteral("w")) {
    QStringList out;
    for (int i = 0; i < n; ++i) out << stem + QString::number(i);
    return out.join(QLatin1Char(' '));
}

// One controller on a database in dir, with a fake worker answering one word per 1 ms, and both models under test.
struct Fixture {
    explicit Fixture(const QTemporaryDir& dir, int nCtx = 0) {
        QString error;
        auto store = Store::open(dir.filePath(QStringLiteral("hearth.sqlite")), &error);
        if (!store) qFatal("store: %s", qPrintable(error));
        auto worker = std::make_unique<FakeEngineWorker>();
        fake = worker.get();
        fake->setTokenIntervalMs(1);
        if (nCtx > 0) fake->setContextLength(nCtx);
        controller = std::make_unique<ChatController>(std::move(worker), std::move(*store));
        messagesTester = std::make_unique<QAbstractItemModelTester>(
            controller->messages(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        conversationsTester = std::make_unique<QAbstractItemModelTester>(
            controller->conversations(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        modelPath = dir.filePath(QStringLiteral("fake-model.gguf"));
        QFile file(modelPath);
        if (!file.exists() && file.open(QIODevice::WriteOnly)) file.write("GGUF");
    }
    ~Fixture() {
        // The testers watch the controller's models: they go first.
        messagesTester.reset();
        conversationsTester.reset();
    }

    bool load() {
        controller->loadModel(QUrl::fromLocalFile(modelPath).toString());
        return QTest::qWaitFor([&] { return controller->modelLoaded(); }, 5000);
    }
    bool waitIdle() {
        return QTest::qWaitFor([&] { return !controller->generating(); }, 20000);
    }
    const QList<MessageListModel::Row>& rows() const { return controller->messages()->rows(); }
    QString text(int row) const { return rows().at(row).message.text; }

    std::unique_ptr<ChatController> controller;
    FakeEngineWorker* fake = nullptr;  // owned by the controller's thread; scripted only while it is idle
    QString modelPath;
    std::unique_ptr<QAbstractItemModelTester> messagesTester;
    std::unique_ptr<QAbstractItemModelTester> conversationsTester;
};

}  // namespace

class ChatControllerTest : public QObject {
    Q_OBJECT

private slots:
    void sendWithoutModelFails() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(!f.controller->send(QStringLiteral("hello")));
        QVERIFY(!f.controller->lastError().isEmpty());
        QVERIFY(!f.controller->generating());
    }

    void loadRefusesNonGguf() {
        QTemporaryDir dir;
        Fixture f(dir);
        f.controller->loadModel(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(f.controller->lastError().contains(QStringLiteral(".gguf")));
        QVERIFY(!f.controller->loading());
        QVERIFY(f.load());
        QCOMPARE(f.controller->modelPath(), f.modelPath);
        QCOMPARE(f.controller->contextLength(), 2048);
    }

    void sendStreamsIntoLastMessage() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        QSignalSpy generating(f.controller.get(), &ChatController::generatingChanged);
        QVERIFY(f.controller->send(QStringLiteral("hello there")));
        QVERIFY(f.controller->generating());
        QCOMPARE(f.rows().size(), 2);
        QCOMPARE(f.rows()[0].message.role, QStringLiteral("user"));
        QCOMPARE(f.rows()[1].message.role, QStringLiteral("assistant"));
        QVERIFY(!f.rows()[1].message.complete);
        QVERIFY(f.waitIdle());
        QCOMPARE(generating.count(), 2);
        QCOMPARE(f.text(1), QStringLiteral("Echo: hello there"));
        QVERIFY(f.rows()[1].message.complete);
        QVERIFY(f.rows()[1].message.stats.contains(QStringLiteral("end of generation")));
        QCOMPARE(f.controller->conversations()->rowCount(), 1);
        // The first message names the conversation.
        QCOMPARE(f.controller->conversations()->data(f.controller->conversations()->index(0),
                                                     ConversationListModel::TitleRole).toString(),
                 QStringLiteral("hello there"));
        QVERIFY(f.controller->contextUsed() > 0);
        QVERIFY(!f.controller->contextFull());
        // The fake reports no weight bytes per token, and the bandwidth is unknown: both figures stay 0.
        QCOMPARE(f.controller->effectiveGBps(), 0.0);
        QCOMPARE(f.controller->bandwidthFraction(), 0.0);
    }

    void streamingIsBatched() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        f.controller->setFlushIntervalMs(40);
        const QString reply = words(50);
        f.fake->setReply(reply);
        QVERIFY(f.controller->send(QStringLiteral("talk")));
        QSignalSpy changed(f.controller->messages(), &QAbstractItemModel::dataChanged);
        QVERIFY(f.waitIdle());
        QCOMPARE(f.text(1), reply);
        int textChanges = 0;
        for (const QList<QVariant>& args : changed)
            if (args.at(2).value<QList<int>>().contains(MessageListModel::TextRole)) ++textChanges;
        QVERIFY2(textChanges >= 1 && textChanges < 20,
                 qPrintable(QStringLiteral("%1 text changes for 50 words").arg(textChanges)));
        QVERIFY(!f.controller->sparkline().isEmpty());
    }

    void stopCutsTheAnswer() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        const QString reply = words(2000);
        f.fake->setReply(reply);
        QVERIFY(f.controller->send(QStringLiteral("go on")));
        QTRY_VERIFY_WITH_TIMEOUT(!f.text(1).isEmpty(), 10000);
        f.controller->stop();
        QVERIFY(f.waitIdle());
        QVERIFY(f.rows()[1].message.complete);
        QVERIFY(f.text(1).size() < reply.size());
        QVERIFY(reply.startsWith(f.text(1)));
        QVERIFY(f.rows()[1].message.stats.contains(QStringLiteral("cancelled")));
        QVERIFY(!f.controller->contextFull());
    }

    void stopRightAfterSend() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        const QString reply = words(2000);
        f.fake->setReply(reply);
        QVERIFY(f.controller->send(QStringLiteral("never mind")));
        f.controller->stop();  // before the worker has even started the turn
        QVERIFY(f.waitIdle());
        QVERIFY(f.rows()[1].message.complete);
        QVERIFY(f.text(1).size() < reply.size());
    }

    // Closing the app mid-answer keeps what was streamed, marked incomplete.
    void closingMidAnswerKeepsThePartialAnswer() {
        QTemporaryDir dir;
        {
            Fixture f(dir);
            QVERIFY(f.load());
            f.fake->setReply(words(5000));
            QVERIFY(f.controller->send(QStringLiteral("long story")));
            QTRY_VERIFY_WITH_TIMEOUT(!f.text(1).isEmpty(), 10000);
        }
        Fixture g(dir);
        QCOMPARE(g.rows().size(), 2);
        QVERIFY(!g.rows()[1].message.complete);
        QVERIFY(g.text(1).startsWith(QStringLiteral("w0")));
    }

    // While an answer streams it is also saved every few seconds, so a crash (no destructor) loses only its tail.
    void streamingAnswerIsSavedPeriodically() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        f.fake->setReply(words(20000));
        QVERIFY(f.controller->send(QStringLiteral("keep going")));
        const qint64 answerId = f.rows()[1].message.id;
        QString error;
        auto reader = Store::open(dir.filePath(QStringLiteral("hearth.sqlite")), &error);
        QVERIFY2(reader, qPrintable(error));
        const auto savedText = [&] {
            const QList<MessageRow> path = reader->path(answerId);
            return path.isEmpty() ? QString() : path.last().text;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!savedText().isEmpty(), 15000);
        QVERIFY(f.controller->generating());
        QVERIFY(savedText().startsWith(QStringLiteral("w0 w1")));
        f.controller->stop();
        QVERIFY(f.waitIdle());
    }

    void regenerateMakesABranch() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        f.fake->setReply(QStringLiteral("first answer"));
        QVERIFY(f.controller->send(QStringLiteral("question")));
        QVERIFY(f.waitIdle());
        f.fake->setReply(QStringLiteral("second answer"));
        QVERIFY(f.controller->regenerate());
        QCOMPARE(f.rows().size(), 2);
        QVERIFY(f.waitIdle());
        QCOMPARE(f.rows().size(), 2);
        QCOMPARE(f.text(1), QStringLiteral("second answer"));
        QCOMPARE(f.rows()[1].branchCount, 2);
        QCOMPARE(f.rows()[1].branchIndex, 1);

        f.controller->switchBranch(1, -1);
        QCOMPARE(f.text(1), QStringLiteral("first answer"));
        QCOMPARE(f.rows()[1].branchIndex, 0);
        f.controller->switchBranch(1, -1);  // no branch before the first: nothing changes
        QCOMPARE(f.text(1), QStringLiteral("first answer"));
        f.controller->switchBranch(1, +1);
        QCOMPARE(f.text(1), QStringLiteral("second answer"));
        QCOMPARE(f.rows()[0].message.text, QStringLiteral("question"));
    }

    void editAndResendKeepsTheOldContinuation() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        QVERIFY(f.controller->send(QStringLiteral("one")));
        QVERIFY(f.waitIdle());
        QVERIFY(f.controller->send(QStringLiteral("two")));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.rows().size(), 4);

        QVERIFY(!f.controller->editAndResend(1, QStringLiteral("not mine")));  // an answer cannot be edited
        QVERIFY(f.controller->editAndResend(2, QStringLiteral("three")));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.rows().size(), 4);
        QCOMPARE(f.text(2), QStringLiteral("three"));
        QCOMPARE(f.text(3), QStringLiteral("Echo: three"));
        QCOMPARE(f.rows()[2].branchCount, 2);
        QCOMPARE(f.rows()[2].branchIndex, 1);

        f.controller->switchBranch(2, -1);
        QCOMPARE(f.rows().size(), 4);
        QCOMPARE(f.text(2), QStringLiteral("two"));
        QCOMPARE(f.text(3), QStringLiteral("Echo: two"));

        // Editing the very first message branches at the root.
        QVERIFY(f.controller->editAndResend(0, QStringLiteral("zero")));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.rows().size(), 2);
        QCOMPARE(f.rows()[0].branchCount, 2);
        QCOMPARE(f.text(1), QStringLiteral("Echo: zero"));
        f.controller->switchBranch(0, -1);
        QCOMPARE(f.rows().size(), 4);  // back on the "one" branch, its newest continuation ("three")
        QCOMPARE(f.text(2), QStringLiteral("three"));
    }

    void conversations() {
        QTemporaryDir dir;
        Fixture f(dir);
        ConversationListModel* list = f.controller->conversations();
        const qint64 a = f.controller->newConversation();
        QVERIFY(a > 0);
        QCOMPARE(f.controller->currentConversationId(), a);
        const qint64 b = f.controller->newConversation();
        QCOMPARE(list->rowCount(), 2);
        QCOMPARE(list->rowOf(b), 0);  // newest first

        f.controller->renameConversation(a, QStringLiteral("Holiday plans"));
        QCOMPARE(list->data(list->index(list->rowOf(a)), ConversationListModel::TitleRole).toString(),
                 QStringLiteral("Holiday plans"));
        f.controller->renameConversation(b, QStringLiteral("Recipes"));

        f.controller->setSearchText(QStringLiteral("holi"));
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(list->rowOf(a), 0);
        f.controller->setSearchText(QString());
        QCOMPARE(list->rowCount(), 2);

        f.controller->selectConversation(a);
        QCOMPARE(f.controller->currentConversationId(), a);
        f.controller->setSystemPrompt(QStringLiteral("Be brief."));
        QCOMPARE(f.controller->systemPrompt(), QStringLiteral("Be brief."));

        f.controller->deleteConversation(a);
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(list->rowOf(a), -1);
        QCOMPARE(f.controller->currentConversationId(), 0);
        QCOMPARE(f.controller->messages()->rowCount(), 0);
    }

    void persistence() {
        QTemporaryDir dir;
        qint64 id = 0;
        {
            Fixture f(dir);
            QVERIFY(f.load());
            f.controller->setSystemPrompt(QStringLiteral("You are terse."));
            QVERIFY(f.controller->send(QStringLiteral("remember me")));
            QVERIFY(f.waitIdle());
            id = f.controller->currentConversationId();
            QCOMPARE(f.controller->systemPrompt(), QStringLiteral("You are terse."));
        }
        Fixture g(dir);
        QCOMPARE(g.controller->conversations()->rowCount(), 1);
        QCOMPARE(g.controller->currentConversationId(), id);
        QCOMPARE(g.rows().size(), 2);
        QCOMPARE(g.text(0), QStringLiteral("remember me"));
        QCOMPARE(g.text(1), QStringLiteral("Echo: remember me"));
        QVERIFY(g.rows()[1].message.complete);
        QCOMPARE(g.controller->systemPrompt(), QStringLiteral("You are terse."));
    }

    void contextFullAndDropOldestTurns() {
        QTemporaryDir dir;
        Fixture f(dir, 12);
        QVERIFY(f.load());
        QCOMPARE(f.controller->contextLength(), 12);
        f.fake->setReply(words(20));
        QVERIFY(f.controller->send(QStringLiteral("a b c")));
        QVERIFY(f.waitIdle());
        QVERIFY(f.controller->contextFull());
        QVERIFY(f.controller->contextWarning());
        QVERIFY(f.rows()[1].message.stats.contains(QStringLiteral("context full")));

        QVERIFY(!f.controller->send(QStringLiteral("more")));
        QVERIFY(f.controller->lastError().contains(QStringLiteral("context")));

        f.controller->dropOldestTurns();
        QVERIFY(!f.controller->contextFull());
        f.fake->setReply(QStringLiteral("ok"));
        QVERIFY(f.controller->send(QStringLiteral("d")));
        QVERIFY(f.waitIdle());
        QVERIFY(!f.controller->contextFull());
        QCOMPARE(f.rows().size(), 4);  // the dropped pair stays on screen, it is only not sent
        QCOMPARE(f.text(3), QStringLiteral("ok"));
        QVERIFY(f.rows()[3].message.stats.contains(QStringLiteral("end of generation")));
    }

    void exports() {
        QTemporaryDir dir;
        Fixture f(dir);
        QVERIFY(f.load());
        QVERIFY(f.controller->send(QStringLiteral("export me")));
        QVERIFY(f.waitIdle());

        // A nameless or relative target is refused, not written into the working folder.
        QVERIFY(!f.controller->exportMarkdown(QUrl::fromLocalFile(dir.filePath(QStringLiteral(".md"))).toString()));
        QVERIFY(f.controller->lastError().contains(QStringLiteral("file name")));
        QVERIFY(!f.controller->exportJson(QStringLiteral("chat.json")));
        QVERIFY(!QFile::exists(QStringLiteral("chat.json")));

        const QString md = dir.filePath(QStringLiteral("chat.md"));
        QVERIFY(f.controller->exportMarkdown(QUrl::fromLocalFile(md).toString()));
        QFile mdFile(md);
        QVERIFY(mdFile.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(mdFile.readAll());
        QVERIFY(markdown.contains(QStringLiteral("## User\n\nexport me")));
        QVERIFY(markdown.contains(QStringLiteral("## Assistant\n\nEcho: export me")));

        const QString json = dir.filePath(QStringLiteral("chat.json"));
        QVERIFY(f.controller->exportJson(json));
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(root.value(QStringLiteral("title")).toString(), QStringLiteral("export me"));
        QCOMPARE(root.value(QStringLiteral("model")).toString(), f.modelPath);
        const QJsonArray messages = root.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[1].toObject().value(QStringLiteral("text")).toString(), QStringLiteral("Echo: export me"));

        QVERIFY(!f.controller->exportJson(dir.filePath(QStringLiteral("missing/dir/chat.json"))));
        QVERIFY(!f.controller->lastError().isEmpty());
        f.controller->copyToClipboard(QStringLiteral("copied"));  // must not crash without a real clipboard
    }

    // A model that does not fit is refused with the numbers; the user may load it anyway or dismiss the warning.
    void tooLargeModelShowsWarningAndLoadsAnyway() {
        QTemporaryDir dir;
        Fixture f(dir);
        f.fake->setNeededBytes(8'000'000'000);
        f.fake->setAvailableBytes(5'000'000'000);
        QSignalSpy warning(f.controller.get(), &ChatController::fitWarningChanged);
        f.controller->loadModel(f.modelPath);
        QVERIFY(QTest::qWaitFor([&] { return !f.controller->fitWarning().isEmpty(); }, 5000));
        const QString text = f.controller->fitWarning();
        QVERIFY2(text.startsWith(QStringLiteral("fake-model needs ")), qPrintable(text));
        const QLocale locale;
        QVERIFY2(text.contains(locale.formattedDataSize(8'000'000'000, 1, QLocale::DataSizeSIFormat)), qPrintable(text));
        QVERIFY2(text.contains(locale.formattedDataSize(5'000'000'000, 1, QLocale::DataSizeSIFormat)), qPrintable(text));
        QVERIFY(!f.controller->modelLoaded());
        QVERIFY(!f.controller->loading());  // the UI must not spin on a refused load
        QCOMPARE(warning.count(), 1);

        f.controller->loadAnyway();
        QVERIFY(f.controller->fitWarning().isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return f.controller->modelLoaded(); }, 5000));
        QCOMPARE(f.controller->modelPath(), f.modelPath);
        QVERIFY(f.controller->fitWarning().isEmpty());

        // Sending works on the model loaded anyway.
        QVERIFY(f.controller->send(QStringLiteral("still works")));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.text(1), QStringLiteral("Echo: still works"));
    }

    void tooLargeModelDismissed() {
        QTemporaryDir dir;
        Fixture f(dir);
        f.fake->setAvailableBytes(1);  // the 4-byte file does not fit
        f.controller->loadModel(f.modelPath);
        QVERIFY(QTest::qWaitFor([&] { return !f.controller->fitWarning().isEmpty(); }, 5000));
        f.controller->dismissFit();
        QVERIFY(f.controller->fitWarning().isEmpty());
        f.controller->loadAnyway();  // nothing refused any more: no load
        QTest::qWait(100);
        QVERIFY(!f.controller->modelLoaded());
        QVERIFY(!f.controller->loading());
        // A model that fits loads without a warning.
        f.fake->setAvailableBytes(-1);
        QVERIFY(f.load());
        QVERIFY(f.controller->fitWarning().isEmpty());
    }

    void usesTheSettings() {
        QTemporaryDir dir;
        Fixture f(dir);
        // Declared after the fixture: gone before the controller whose store it uses.
        SettingsController settings(f.controller->store());
        f.controller->setSettings(&settings);
        settings.setThreads(settings.maxThreads());  // never the default (the physical cores)
        settings.setContextLength(1024);
        settings.setKvType(QStringLiteral("q8_0"));
        settings.setTemperature(0.3);
        settings.setTopK(7);
        settings.setTopP(0.5);
        settings.setMinP(0.1);
        settings.setRepeatPenalty(1.2);
        settings.setSeed(42);
        settings.setMaxTokens(64);
        settings.setDefaultSystemPrompt(QStringLiteral("You are terse."));

        QVERIFY(f.load());
        const LoadOptions load = f.fake->lastLoadOptions();
        QCOMPARE(load.path, f.modelPath);
        QCOMPARE(load.threads, settings.maxThreads());
        QCOMPARE(load.nCtx, 1024);
        QCOMPARE(load.kvType, QStringLiteral("q8_0"));
        QVERIFY(!settings.needsReload());

        // A new chat starts with the default system prompt, and the turn carries it and the sampler.
        QVERIFY(f.controller->newConversation() > 0);
        QCOMPARE(f.controller->systemPrompt(), QStringLiteral("You are terse."));
        QVERIFY(f.controller->send(QStringLiteral("hi")));
        QVERIFY(f.waitIdle());
        const TurnRequest turn = f.fake->lastRequest();
        QCOMPARE(turn.messages.size(), 2);
        QCOMPARE(turn.messages[0].role, QStringLiteral("system"));
        QCOMPARE(turn.messages[0].text, QStringLiteral("You are terse."));
        QCOMPARE(turn.sampler.temperature, 0.3);
        QCOMPARE(turn.sampler.topK, 7);
        QCOMPARE(turn.sampler.topP, 0.5);
        QCOMPARE(turn.sampler.minP, 0.1);
        QCOMPARE(turn.sampler.repeatPenalty, 1.2);
        QCOMPARE(turn.sampler.seed, quint64(42));
        QCOMPARE(turn.sampler.maxTokens, 64);

        // The answer records the settings it was made with (kept in the database with the message).
        const QJsonObject stats = QJsonDocument::fromJson(f.rows().last().message.stats.toUtf8()).object();
        QCOMPARE(stats.value("sampler").toObject().value("temperature").toDouble(), 0.3);
        QCOMPARE(stats.value("sampler").toObject().value("seed").toString(), QStringLiteral("42"));
        QCOMPARE(stats.value("contextLength").toInt(), 1024);
        QCOMPARE(stats.value("kvType").toString(), QStringLiteral("q8_0"));
        QCOMPARE(stats.value("model").toString(), f.modelPath);

        // Sampling changes apply to the next answer, no reload.
        settings.setTemperature(1.1);
        QVERIFY(!settings.needsReload());
        QVERIFY(f.controller->regenerate());
        QVERIFY(f.waitIdle());
        QCOMPARE(f.fake->lastRequest().sampler.temperature, 1.1);

        // A larger context needs the model loaded again; reloading applies it.
        settings.setContextLength(2048);
        QVERIFY(settings.needsReload());
        f.controller->loadModel(f.controller->modelPath());
        QVERIFY(QTest::qWaitFor([&] { return f.controller->modelLoaded() && !f.controller->loading(); }, 5000));
        QCOMPARE(f.fake->lastLoadOptions().nCtx, 2048);
        QVERIFY(!settings.needsReload());
        f.controller->unloadModel();
        QVERIFY(QTest::qWaitFor([&] { return !f.controller->modelLoaded(); }, 5000));
        settings.setContextLength(4096);
        QVERIFY(!settings.needsReload());  // nothing loaded: nothing to reload

        // The chat view's system prompt without a conversation is the settings' default.
        f.controller->deleteConversation(f.controller->currentConversationId());
        QCOMPARE(f.controller->currentConversationId(), 0);
        f.controller->setSystemPrompt(QStringLiteral("Answer in German."));
        QCOMPARE(settings.defaultSystemPrompt(), QStringLiteral("Answer in German."));
    }
};

QTEST_MAIN(ChatControllerTest)
#include "chat_controller_test.moc"
