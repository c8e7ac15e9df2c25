#include "app/gui/app_setup.h"

#include <QCoreApplication>
#include <QDir>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QUrl>

#include "app/core/chat_controller.h"
#include "app/core/documents_controller.h"
#include "app/core/engine_types.h"
#include "app/core/engine_worker.h"
#include "app/core/machine_controller.h"
#include "app/core/models_controller.h"
#include "app/core/settings_controller.h"
#include "app/core/store.h"
#include "app/gui/i18n.h"

namespace hearth::app {

void setupApplication() {
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hearth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));
    // Basic draws everything itself, so the window looks the same on every desktop and offscreen.
    if (QQuickStyle::name().isEmpty()) QQuickStyle::setStyle(QStringLiteral("Basic"));
    // The icon of resources/icons (qrc, drawn by Qt's SVG plugin); the desktop file name lets Wayland shells match
    // the window to packaging/io.github.hearth.Hearth.desktop and its icon.
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hearth.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.hearth.Hearth"));
    // The system's language until the settings are open (loadMainWindow applies the user's choice), so that
    // --help and early errors are translated too.
    applyLanguage(nullptr, QString());
}

std::unique_ptr<ChatController> createController(const QString& dataDir, QString* error,
                                                 std::unique_ptr<EngineWorker> worker) {
    if (!QDir().mkpath(dataDir)) {
        *error = QStringLiteral("cannot create the data folder %1").arg(dataDir);
        return nullptr;
    }
    QString storeError;
    std::optional<Store> store = Store::open(QDir(dataDir).filePath(QStringLiteral("hearth.sqlite")), &storeError);
    if (!store) {
        *error = QStringLiteral("cannot open the chat database in %1: %2").arg(dataDir, storeError);
        return nullptr;
    }
    registerEngineTypes();
    if (!worker) worker = std::make_unique<LocalEngineWorker>();
    auto controller = std::make_unique<ChatController>(std::move(worker), std::move(*store));
    ChatController::setInstance(controller.get());
    // The settings share the controller's database and live as long as it does (a child, deleted with it).
    auto* settings = new SettingsController(controller->store(), controller.get());
    controller->setSettings(settings);
    SettingsController::setInstance(settings);
    // The measured bandwidth (cached, else measured once main() calls start()) is the speed panel's ceiling; it is
    // for the threads the engine will use, and never measured while an answer is generated.
    auto* machine = new MachineController(settings->threads(), controller.get());
    MachineController::setInstance(machine);
    ChatController* chat = controller.get();
    QObject::connect(machine, &MachineController::bandwidthChanged, chat,
                     [chat, machine] { chat->setMemoryGBps(machine->memoryGBps()); });
    QObject::connect(chat, &ChatController::generatingChanged, machine,
                     [chat, machine] { machine->setGenerating(chat->generating()); });
    QObject::connect(settings, &SettingsController::threadsChanged, machine,
                     [settings, machine] { machine->setThreads(settings->threads()); });
    // The models page: catalog with this machine's fit check (and the measured bandwidth for speeds), downloads
    // (no network object until the user starts one), the models folder; its "Load" goes through the chat.
    auto* models = new ModelsController(controller->store(), settings, controller.get());
    ModelsController::setInstance(models);
    QObject::connect(machine, &MachineController::bandwidthChanged, models,
                     [models, machine] { models->setBandwidthGbps(machine->memoryGBps()); });
    QObject::connect(models, &ModelsController::loadRequested, chat,
                     [chat](const QString& path) { chat->loadModel(path); });
    // Documents: their own index file next to the chat database, indexed and searched on their own thread; the
    // chat asks them for each turn's snippets.
    auto* documents = new DocumentsController(QDir(dataDir).filePath(QStringLiteral("documents.sqlite")),
                                              controller->store(), controller.get());
    DocumentsController::setInstance(documents);
    chat->setDocuments(documents);
    return controller;
}

bool loadMainWindow(QQmlApplicationEngine& engine) {
    // Qt 6.4 searches neither qrc:/qt/qml (this module) nor qrc:/ (Hearth.Core, built with 6.4's default prefix).
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.addImportPath(QStringLiteral("qrc:/"));
    // The user's language (or the system's), and a switch in the settings re-translates the open window at once.
    if (SettingsController* settings = SettingsController::instance()) {
        applyLanguage(&engine, settings->language());
        QObject::connect(settings, &SettingsController::languageChanged, &engine,
                         [&engine, settings] { applyLanguage(&engine, settings->language()); });
    }
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    return !engine.rootObjects().isEmpty();
}

}  // namespace hearth::app
