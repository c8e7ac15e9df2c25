// The documents page and the chat's document parts in the real window over the real DocumentsController (and the
// scripted FakeEngineWorker): the header button opens the page; a folder dropped on it (a real drop event) becomes
// a collection whose files show as indexed with their counts; ticking "use in this chat" attaches it (the header
// and the bar above the input say so); typing a question shows what its snippets will add ("≈" tokens and KV
// bytes) before sending; the answer lists its source, whose snippet unfolds and whose link opens the file's own
// URL; a collection is removed only after the confirmation. QML warnings fail the test.
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/documents_controller.h"
#include "app/core/engine_worker.h"
#include "app/gui/app_setup.h"
#include "window_driver.h"

Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth::app;
using namespace hearth::app::test;

namespace {

bool writeText(const QString& path, const QString& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0;
}

class UrlCatcher : public QObject {
    Q_OBJECT
public:
    QList<QUrl> urls;
public slots:
    void open(const QUrl& url) { urls << url; }
};

}  // namespace

class DocumentsPageTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ChatController> controller_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    QString folder_;
    QString lighthouse_;
    QString modelPath_;

    DocumentsController& documents() { return *DocumentsController::instance(); }
    QString textOf(const QString& name) {
        QQuickItem* item = byName(window_, name);
        return item ? item->property("text").toString() : QString();
    }

private slots:
    void initTestCase() {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QStandardPaths::setTestModeEnabled(true);
        setupApplication();
        QVERIFY(dir_.isValid());
        installQmlWarningCollector();

        folder_ = dir_.filePath(QStringLiteral("corpus"));
        QVERIFY(QDir().mkpath(folder_));
        lighthouse_ = QDir(folder_).filePath(QStringLiteral("lighthouse.txt"));
        QVERIFY(writeText(lighthouse_, QStringLiteral("Harbour notes.\n\nThe lighthouse keeper on Fennick Island is "
                                                      "Oswin Tarrow. He lights the lamp at dusk.\n")));
        QVERIFY(writeText(QDir(folder_).filePath(QStringLiteral("bread.md")),
                          QStringLiteral("# Bread\n\nThe sourdough starter is fed with rye flour.\n")));
        modelPath_ = dir_.filePath(QStringLiteral("tiny-chat.gguf"));
        QVERIFY(writeText(modelPath_, QStringLiteral("GGUF")));

        auto worker = std::make_unique<FakeEngineWorker>();
        worker->setTokenIntervalMs(1);
        worker->setKvBytesPerToken(2048);
        worker->setReply(QStringLiteral("Oswin Tarrow keeps it [1]."));
        QString error;
        controller_ = createController(dir_.filePath(QStringLiteral("data")), &error, std::move(worker));
        QVERIFY2(controller_, qPrintable(error));
        QVERIFY(DocumentsController::instance());

        engine_ = std::make_unique<QQmlApplicationEngine>();
        QVERIFY(loadMainWindow(*engine_));
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().first());
        QVERIFY(window_);
        QVERIFY(QTest::qWaitForWindowExposed(window_));
    }

    void cleanupTestCase() {
        removeQmlWarningCollector();
        engine_.reset();
        ChatController::setInstance(nullptr);
        DocumentsController::setInstance(nullptr);
        controller_.reset();
    }

    void droppedFolderBecomesAnIndexedCollection() {
        click(window_, byName(window_, QStringLiteral("documentsButton")));
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("documentsPage")));
        QTRY_VERIFY(byName(window_, QStringLiteral("noCollections")));

        QQuickItem* page = byName(window_, QStringLiteral("collectionList"));
        QVERIFY(page);
        QVERIFY2(dropUrls(window_, page, {QUrl::fromLocalFile(folder_)}), "the page does not take a dropped folder");
        QTRY_VERIFY_WITH_TIMEOUT(
            textOf(QStringLiteral("collectionCounts")).startsWith(QStringLiteral("Files: 2 · indexed: 2 · chunks: ")),
            10000);
        QTRY_VERIFY(textOf(QStringLiteral("fileStatus")).startsWith(QStringLiteral("Indexed · chunks: ")));
        QVERIFY(!byName(window_, QStringLiteral("noCollections")));
        QTRY_VERIFY(byName(window_, QStringLiteral("sourceChip")));  // the folder, removable
        QCOMPARE(documents().selectedSources(), QStringList{QDir::cleanPath(folder_)});
        // The drop went to the page, not to the chat underneath (no conversation was started for it).
        QCOMPARE(controller_->currentConversationId(), qint64(0));
        QCOMPARE(qmlWarnings(), QStringList());
        // A look at the page for people: HEARTH_E2E_SCREENSHOT=dir/file.png also writes documents-page-file.png.
        if (const QString shot = qEnvironmentVariable("HEARTH_E2E_SCREENSHOT"); !shot.isEmpty()) {
            QVERIFY(window_->grabWindow().save(QFileInfo(shot).path() + "/documents-page-" + QFileInfo(shot).fileName()));
        }
    }

    void attachingShowsTheCostBeforeSending() {
        // Collections are used per conversation: the check is off until one is open.
        QQuickItem* attach = byName(window_, QStringLiteral("attachCheck"));
        QVERIFY(attach);
        QVERIFY(!attach->property("enabled").toBool());
        controller_->newConversation();
        QTRY_VERIFY(attach->property("enabled").toBool());
        click(window_, attach);
        QTRY_COMPARE(documents().attachedCount(), 1);
        QTRY_COMPARE(textOf(QStringLiteral("documentsButton")), QStringLiteral("Documents (1)"));

        QTest::keyClick(window_, Qt::Key_Escape);
        QTRY_VERIFY(!popupOpen(window_, QStringLiteral("documentsPage")));
        QTRY_COMPARE(textOf(QStringLiteral("attachedCollections")), QStringLiteral("Documents: corpus"));
        QVERIFY(textOf(QStringLiteral("contextPreview")).contains(QStringLiteral("1,024")) ||
                textOf(QStringLiteral("contextPreview")).contains(QStringLiteral("1024")));

        controller_->loadModel(modelPath_);
        QTRY_VERIFY(controller_->modelLoaded());
        QQuickItem* input = byName(window_, QStringLiteral("messageInput"));
        click(window_, input);
        QTRY_VERIFY(input->hasActiveFocus());
        typeText(window_, QStringLiteral("Who keeps the lighthouse on Fennick Island?"));
        // After the typing pause: tokens (approximate) and KV bytes of the snippets, of the budget.
        QTRY_VERIFY_WITH_TIMEOUT(textOf(QStringLiteral("contextPreview")).contains(QStringLiteral("KV cache")), 5000);
        const QString preview = textOf(QStringLiteral("contextPreview"));
        // "≈": the fake model file has no tokenizer to count with.
        QVERIFY2(
            preview.startsWith(QStringLiteral("Snippets: 1 · +≈%1 tokens · +").arg(documents().previewTokens())),
            qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("budget")), qPrintable(preview));
        QCOMPARE(qmlWarnings(), QStringList());
    }

    void theAnswerListsItsSourceAndOpensIt() {
        QTest::keyClick(window_, Qt::Key_Return);
        QTRY_COMPARE(controller_->messages()->rowCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!controller_->generating(), 10000);
        QVERIFY(controller_->lastTurnRequest().messages.last().text.contains(QStringLiteral("Oswin Tarrow")));

        QTRY_VERIFY(byName(window_, QStringLiteral("sourcesList")));
        QQuickItem* link = byName(window_, QStringLiteral("sourceLink"));
        QVERIFY(link);
        QVERIFY2(link->property("text").toString().startsWith(QStringLiteral("[1] lighthouse.txt, line")),
                 qPrintable(link->property("text").toString()));
        QVERIFY(textOf(QStringLiteral("sourceRanks")).contains(QStringLiteral("BM25 #1")));

        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &catcher, "open");
        click(window_, link);
        QTest::qWaitFor([&] { return !catcher.urls.isEmpty(); }, 2000);
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        QCOMPARE(catcher.urls, QList<QUrl>{QUrl::fromLocalFile(lighthouse_)});

        // The snippet is folded until asked for.
        QVERIFY(!byName(window_, QStringLiteral("sourceSnippet")));
        click(window_, byName(window_, QStringLiteral("snippetToggle")));
        QTRY_VERIFY(byName(window_, QStringLiteral("sourceSnippet")));
        QVERIFY(textOf(QStringLiteral("sourceSnippet")).contains(QStringLiteral("Oswin Tarrow")));
        QCOMPARE(qmlWarnings(), QStringList());
    }

    void removingACollectionAsksFirst() {
        click(window_, byName(window_, QStringLiteral("documentsButton")));
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("documentsPage")));
        // The added folder goes with its files (the collection stays).
        QTRY_VERIFY(byName(window_, QStringLiteral("removeSourceButton")));
        click(window_, byName(window_, QStringLiteral("removeSourceButton")));
        QTRY_VERIFY_WITH_TIMEOUT(textOf(QStringLiteral("collectionCounts")).startsWith(QStringLiteral("Files: 0 ·")),
                                 10000);
        QTRY_VERIFY(!byName(window_, QStringLiteral("sourceChip")));
        QVERIFY(!byName(window_, QStringLiteral("fileRow")));

        QTRY_VERIFY(byName(window_, QStringLiteral("removeCollectionButton")));
        click(window_, byName(window_, QStringLiteral("removeCollectionButton")));
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("removeCollectionDialog")));
        QCOMPARE(documents().collections()->rowCount(), 1);  // nothing happens before the answer
        QQuickItem* yes = buttonWithText(window_, QStringLiteral("Yes"));
        QVERIFY(yes);
        click(window_, yes);
        QTRY_COMPARE(documents().collections()->rowCount(), 0);
        QCOMPARE(documents().attachedCount(), 0);
        QTRY_VERIFY(byName(window_, QStringLiteral("noCollections")));
        QVERIFY(QFile::exists(lighthouse_));  // the files on disk stay
        QCOMPARE(qmlWarnings(), QStringList());
    }
};

QTEST_MAIN(DocumentsPageTest)
#include "documents_page_test.moc"
