// The models page in the real window over the real ModelsController (and the scripted FakeEngineWorker): the
// first-run screen's "Browse models…" opens it, the shipped catalog's rows show a verdict and the numbers, the
// search field filters the controller's model, a .gguf typed into "Add from address" (served by a local HTTP
// server) is listed first with its verdict and tensor types, the local tab lists a model file in the models folder
// with its tensor types, and its Load button loads it into the chat and closes the page. QML warnings (a role the
// C++ model does not have, a binding that throws) fail the test, and no download manager is created.
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
#include <functional>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/engine_worker.h"
#include "app/core/models_controller.h"
#include "app/core/settings_controller.h"
#include "app/gui/app_setup.h"
#include "window_driver.h"
#include "engine/model_synth.h"
#include "tests/app/test_http_server.h"

Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth::app;
using namespace hearth::app::test;

namespace {

}  // namespace

class ModelsPageTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<ChatController> controller_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    QString modelPath_;

private slots:
    void initTestCase() {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QStandardPaths::setTestModeEnabled(true);
        // The header read uses the system proxy; one in the environment must not catch requests to 127.0.0.1.
        for (const char* name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
            qunsetenv(name);
        }
        setupApplication();
        QVERIFY(dir_.isValid());
        installQmlWarningCollector();

        auto worker = std::make_unique<FakeEngineWorker>();
        QString error;
        controller_ = createController(dir_.filePath(QStringLiteral("data")), &error, std::move(worker));
        QVERIFY2(controller_, qPrintable(error));
        QVERIFY(ModelsController::instance());

        // A real (synthesized) model in the models folder, for the local tab.
        const QString folder = dir_.filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(folder));
        modelPath_ = QDir(folder).filePath(QStringLiteral("tiny.gguf"));
        hearth::engine::SynthOptions o;
        o.shape = "tiny";
        o.fileType = hearth::engine::FileType::Q8_0;
        const hearth::Status written = hearth::engine::synthesizeModel(o, modelPath_.toStdString());
        QVERIFY2(written, written ? "" : written.message().c_str());
        SettingsController::instance()->setModelsFolder(folder);

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
        controller_.reset();
    }

    void firstRunOpensTheCatalog() {
        QQuickItem* browse = byName(window_->contentItem(), QStringLiteral("browseModelsButton"));
        QVERIFY2(browse, "the first-run screen does not point to the models page");
        click(window_, browse);
        QTRY_VERIFY(popupOpen(window_, QStringLiteral("modelsPage")));

        // A supported row of the shipped catalog, with a verdict and its numbers.
        QQuickItem* row = nullptr;
        QTRY_VERIFY((row = byName(window_->contentItem(), QStringLiteral("catalogRow_qwen2.5-0.5b-instruct/Q4_K_M"))));
        QQuickItem* verdict = byName(row, QStringLiteral("verdict"));
        QVERIFY(verdict);
        QVERIFY2(QStringList({"Fits", "Tight", "Won't fit"}).contains(verdict->property("text").toString()),
                 qPrintable(verdict->property("text").toString()));
        const QString fitText = byName(row, QStringLiteral("fitText"))->property("text").toString();
        QVERIFY2(fitText.startsWith(QStringLiteral("Needs")), qPrintable(fitText));
        QVERIFY(byName(row, QStringLiteral("downloadButton")));
        QCOMPARE(qmlWarnings(), QStringList());
    }

    void searchFiltersTheCatalog() {
        CatalogFilterModel* catalog = ModelsController::instance()->catalog();
        const int all = catalog->rowCount();
        QQuickItem* search = byName(window_->contentItem(), QStringLiteral("catalogFilter"));
        click(window_, search);
        for (QChar c : QStringLiteral("smollm")) QTest::keyClick(window_, c.toLatin1());
        QCOMPARE(catalog->filterText(), QStringLiteral("smollm"));
        QVERIFY(catalog->rowCount() > 0 && catalog->rowCount() < all);
        QTRY_VERIFY(!byName(window_->contentItem(), QStringLiteral("catalogRow_qwen2.5-0.5b-instruct/Q4_K_M")));
        catalog->setFilterText(QString());
    }

    void addFromAddress() {
        QFile model(modelPath_);
        QVERIFY(model.open(QIODevice::ReadOnly));
        hearth::test::TestHttpServer server(model.readAll(), QStringLiteral("pasted.gguf"));
        QVERIFY(server.listen());
        ModelsController* models = ModelsController::instance();

        click(window_, byName(window_->contentItem(), QStringLiteral("urlField")));
        typeText(window_, server.fileUrl().toString());
        click(window_, byName(window_->contentItem(), QStringLiteral("addUrlButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!models->urlBusy() && !models->urlKey().isEmpty(), 10000);
        QCOMPARE(models->urlError(), QString());
        QQuickItem* row = nullptr;
        QTRY_VERIFY((row = byName(window_->contentItem(), QStringLiteral("catalogRow_") + models->urlKey())));
        QCOMPARE(byName(row, QStringLiteral("verdict"))->property("text").toString(), QStringLiteral("Fits"));
        QVERIFY(byName(row, QStringLiteral("catalogTypeMix"))->property("text").toString().contains(
            QStringLiteral("Q8_0 ×")));
        QVERIFY(byName(row, QStringLiteral("urlBadge"))->isVisible());
        QVERIFY(byName(row, QStringLiteral("downloadButton"))->isVisible());
        // The field is cleared for the next address.
        QCOMPARE(byName(window_->contentItem(), QStringLiteral("urlField"))->property("text").toString(), QString());
        QCOMPARE(qmlWarnings(), QStringList());
    }

    void localTabLoadsAModel() {
        click(window_, byName(window_->contentItem(), QStringLiteral("localTab")));
        QQuickItem* row = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((row = byName(window_->contentItem(), QStringLiteral("localRow_tiny.gguf"))), 10000);
        QTRY_VERIFY(
            byName(row, QStringLiteral("typeMix"))->property("text").toString().contains(QStringLiteral("Q8_0 ×")));
        click(window_, byName(row, QStringLiteral("localLoadButton")));
        QTRY_VERIFY_WITH_TIMEOUT(controller_->modelLoaded(), 5000);
        QCOMPARE(controller_->modelPath(), modelPath_);
        QTRY_VERIFY(!popupOpen(window_, QStringLiteral("modelsPage")));
        QCOMPARE(qmlWarnings(), QStringList());
        QVERIFY2(!ModelsController::instance()->downloadManager(), "browsing the catalog started the download manager");
    }
};

QTEST_MAIN(ModelsPageTest)
#include "models_page_test.moc"
