// The window as a user drives it, over the scripted FakeEngineWorker (no model needed): dropping a .gguf file
// onto the window loads it, Enter sends and Shift+Enter starts a new line, Escape stops an answer, Ctrl+N starts a
// chat, typing in the search field filters the sidebar, and a chat is renamed and deleted through its menu (delete
// asks first). Input goes in as key and mouse events on the window, so a broken binding, shortcut or handler in
// the QML fails here even when the controller underneath is right.
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>
#include <functional>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/engine_worker.h"
#include "app/gui/app_setup.h"
#include "window_driver.h"

Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth::app;
using namespace hearth::app::test;

namespace {

QString messageText(ChatController& c, int row) {
    return c.messages()->data(c.messages()->index(row), MessageListModel::TextRole).toString();
}

QString conversationTitle(ChatController& c, int row) {
    return c.conversations()->data(c.conversations()->index(row), ConversationListModel::TitleRole).toString();
}

}  // namespace

class UiFlowTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ChatController> controller_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    FakeEngineWorker* fake_ = nullptr;
    QString modelPath_;

    ChatController& chat() { return *controller_; }

    bool waitIdle() {
        return QTest::qWaitFor([&] { return !chat().generating(); }, 20000);
    }

private slots:
    void initTestCase() {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QStandardPaths::setTestModeEnabled(true);
        setupApplication();
        QVERIFY(dir_.isValid());

        auto worker = std::make_unique<FakeEngineWorker>();
        fake_ = worker.get();
        fake_->setTokenIntervalMs(1);
        QString error;
        controller_ = createController(dir_.filePath(QStringLiteral("data")), &error, std::move(worker));
        QVERIFY2(controller_, qPrintable(error));

        engine_ = std::make_unique<QQmlApplicationEngine>();
        QVERIFY(loadMainWindow(*engine_));
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().first());
        QVERIFY(window_);
        window_->requestActivate();
        QVERIFY(QTest::qWaitForWindowExposed(window_));

        modelPath_ = dir_.filePath(QStringLiteral("tiny-chat.gguf"));
        QFile model(modelPath_);
        QVERIFY(model.open(QIODevice::WriteOnly));
        model.write("GGUF");
    }

    void cleanupTestCase() {
        engine_.reset();  // the QML engine uses the singleton: it goes first
        ChatController::setInstance(nullptr);
        controller_.reset();
    }

    void firstRunScreenWithoutModel() {
        QVERIFY(!chat().modelLoaded());
        QQuickItem* firstRun = byName(window_, QStringLiteral("firstRun"));
        QVERIFY2(firstRun, "the first-run screen is not shown without a model");
    }

    void droppingAGgufFileLoadsIt() {
        const QPoint at(window_->width() / 2, window_->height() / 2);
        QVERIFY2(dropUrlsAt(window_, at, {QUrl::fromLocalFile(modelPath_)}),
                 "the window does not take a dragged .gguf file");

        QTRY_VERIFY_WITH_TIMEOUT(chat().modelLoaded(), 5000);
        QCOMPARE(chat().modelName(), QStringLiteral("tiny-chat"));
        QTRY_VERIFY(window_->title().contains(QStringLiteral("tiny-chat")));
        QTRY_VERIFY(!byName(window_, QStringLiteral("firstRun")));
    }

    void enterSendsShiftEnterAddsALine() {
        // Ctrl+L focuses the input.
        QTest::keyClick(window_, Qt::Key_L, Qt::ControlModifier);
        QQuickItem* input = byName(window_, QStringLiteral("messageInput"));
        QVERIFY(input);
        QTRY_VERIFY(input->hasActiveFocus());

        typeText(window_, QStringLiteral("hello"));
        QTest::keyClick(window_, Qt::Key_Return, Qt::ShiftModifier);
        typeText(window_, QStringLiteral("world"));
        QCOMPARE(chat().messages()->rowCount(), 0);  // Shift+Enter did not send
        QTest::keyClick(window_, Qt::Key_Return);

        QTRY_COMPARE(chat().messages()->rowCount(), 2);
        QCOMPARE(messageText(chat(), 0), QStringLiteral("hello\nworld"));
        QVERIFY(waitIdle());
        QCOMPARE(messageText(chat(), 1), QStringLiteral("Echo: hello\nworld"));
        QCOMPARE(input->property("text").toString(), QString());
    }

    void escapeStopsTheAnswer() {
        QStringList reply;
        for (int i = 0; i < 400; ++i) reply << QStringLiteral("word%1").arg(i);
        fake_->setReply(reply.join(QLatin1Char(' ')));
        fake_->setTokenIntervalMs(20);

        QQuickItem* input = byName(window_, QStringLiteral("messageInput"));
        input->forceActiveFocus();
        typeText(window_, QStringLiteral("tell me a long story"));
        QTest::keyClick(window_, Qt::Key_Return);
        QTRY_VERIFY(chat().generating());
        QTRY_VERIFY(byName(window_, QStringLiteral("stopButton")));  // Stop replaces Send while generating
        QTRY_VERIFY(messageText(chat(), 3).size() > 0);

        QTest::keyClick(window_, Qt::Key_Escape);
        QVERIFY(waitIdle());
        const QString answer = messageText(chat(), 3);
        QVERIFY2(!answer.contains(QStringLiteral("word399")), "Escape did not stop the answer");
        QVERIFY(byName(window_, QStringLiteral("sendButton")));

        fake_->setReply(QString());
        fake_->setTokenIntervalMs(1);
    }

    // A code block in an answer shows on its own, with a button that copies exactly the code.
    void codeBlocksHaveACopyButton() {
        fake_->setReply(QStringLiteral("Try this:\n```sh\nmake -j2 && ctest\n```\nDone."));
        QQuickItem* input = byName(window_, QStringLiteral("messageInput"));
        input->forceActiveFocus();
        typeText(window_, QStringLiteral("how do I build"));
        QTest::keyClick(window_, Qt::Key_Return);
        QVERIFY(waitIdle());
        QGuiApplication::clipboard()->clear();
        QTRY_VERIFY(byName(window_, QStringLiteral("copyCodeButton")));
        click(window_, byName(window_, QStringLiteral("copyCodeButton")));
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("make -j2 && ctest"));
        fake_->setReply(QString());
    }

    // Export: the header's menu opens a save dialog, and accepting it writes the chat on screen as Markdown.
    void exportThroughTheHeaderMenu() {
        click(window_, byName(window_, QStringLiteral("exportButton")));
        QTRY_VERIFY(buttonWithText(window_, QStringLiteral("As Markdown…")));
        click(window_, buttonWithText(window_, QStringLiteral("As Markdown…")));
        QObject* dialog = window_->findChild<QObject*>(QStringLiteral("exportDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("visible").toBool());
        // Qt's own (non-native) save dialog: pick the folder, type the name, accept.
        const QString path = dir_.filePath(QStringLiteral("chat.md"));
        QVERIFY(dialog->setProperty("currentFolder", QUrl::fromLocalFile(dir_.path())));
        QQuickItem* name = nullptr;
        QTRY_VERIFY((name = byName(window_, QStringLiteral("fileNameTextField"))) != nullptr);
        name->forceActiveFocus();
        QTRY_VERIFY(name->hasActiveFocus());
        QVERIFY(QMetaObject::invokeMethod(name, "selectAll"));
        typeText(window_, QStringLiteral("chat.md"));
        QTest::keyClick(window_, Qt::Key_Return);  // ends the edit (the dialog takes the name) and accepts
        if (dialog->property("visible").toBool()) QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));
        QTRY_VERIFY(QFile::exists(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY2(text.contains(QStringLiteral("make -j2 && ctest")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("how do I build")), qPrintable(text));
    }

    void ctrlNStartsANewChat() {
        const qint64 before = chat().currentConversationId();
        const int count = chat().conversations()->rowCount();
        QTest::keyClick(window_, Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(chat().currentConversationId() != before);
        QCOMPARE(chat().conversations()->rowCount(), count + 1);
        QCOMPARE(chat().messages()->rowCount(), 0);
    }

    void renameThroughTheMenu() {
        const qint64 id = chat().currentConversationId();
        QCOMPARE(chat().conversations()->data(chat().conversations()->index(0), ConversationListModel::IdRole)
                     .toLongLong(), id);
        click(window_, byName(window_, QStringLiteral("conversationActions")));  // the first row's "⋯"
        QTRY_VERIFY(byName(window_, QStringLiteral("renameAction")));
        click(window_, byName(window_, QStringLiteral("renameAction")));
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("renameDialog")));
        QTRY_VERIFY(byName(window_, QStringLiteral("renameField")));
        QQuickItem* field = byName(window_, QStringLiteral("renameField"));
        QTRY_VERIFY(field->hasActiveFocus());

        typeText(window_, QStringLiteral("Trip plans"));  // replaces the selected old title
        QTest::keyClick(window_, Qt::Key_Return);
        QTRY_COMPARE(conversationTitle(chat(), 0), QStringLiteral("Trip plans"));
        QTRY_VERIFY(!popupOpen(window_, QStringLiteral("renameDialog")));
    }

    void searchFiltersTheSidebar() {
        QVERIFY(chat().conversations()->rowCount() >= 2);
        QQuickItem* search = byName(window_, QStringLiteral("searchField"));
        click(window_, search);
        QTRY_VERIFY(search->hasActiveFocus());
        typeText(window_, QStringLiteral("trip"));
        QTRY_COMPARE(chat().conversations()->rowCount(), 1);
        QCOMPARE(conversationTitle(chat(), 0), QStringLiteral("Trip plans"));

        typeText(window_, QStringLiteral("zzz"));
        QTRY_COMPARE(chat().conversations()->rowCount(), 0);

        // Clearing the field shows every chat again.
        for (int i = 0; i < 7; ++i) QTest::keyClick(window_, Qt::Key_Backspace);
        QTRY_VERIFY(chat().conversations()->rowCount() >= 2);
    }

    void deleteAsksFirst() {
        const int count = chat().conversations()->rowCount();
        const QString title = conversationTitle(chat(), 0);

        click(window_, byName(window_, QStringLiteral("conversationActions")));
        QTRY_VERIFY(byName(window_, QStringLiteral("deleteAction")));
        click(window_, byName(window_, QStringLiteral("deleteAction")));
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("deleteDialog")));
        QCOMPARE(chat().conversations()->rowCount(), count);  // nothing deleted before the answer

        // No: the chat stays.
        QTRY_VERIFY(buttonWithText(window_, QStringLiteral("No")));
        click(window_, buttonWithText(window_, QStringLiteral("No")));
        QTRY_VERIFY(!popupOpen(window_, QStringLiteral("deleteDialog")));
        QCOMPARE(chat().conversations()->rowCount(), count);

        // Yes: it is gone.
        click(window_, byName(window_, QStringLiteral("conversationActions")));
        QTRY_VERIFY(byName(window_, QStringLiteral("deleteAction")));
        click(window_, byName(window_, QStringLiteral("deleteAction")));
        QTRY_VERIFY(buttonWithText(window_, QStringLiteral("Yes")));
        click(window_, buttonWithText(window_, QStringLiteral("Yes")));
        QTRY_COMPARE(chat().conversations()->rowCount(), count - 1);
        QVERIFY(conversationTitle(chat(), 0) != title);
    }
};

QTEST_MAIN(UiFlowTest)
#include "ui_flow_test.moc"
