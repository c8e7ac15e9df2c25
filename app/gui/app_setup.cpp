#include "app/gui/app_setup.h"

#include <QCoreApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QUrl>

#include "app/core/chat_controller.h"
#include "app/core/engine_types.h"
#include "app/core/engine_worker.h"
#include "app/core/store.h"

namespace hearth::app {

void setupApplication() {
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hearth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));
    // Basic draws everything itself, so the window looks the same on every desktop and offscreen.
    if (QQuickStyle::name().isEmpty()) QQuickStyle::setStyle(QStringLiteral("Basic"));
}

std::unique_ptr<ChatController> createController(const QString& dataDir, QString* error) {
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
    auto controller = std::make_unique<ChatController>(std::make_unique<LocalEngineWorker>(), std::move(*store));
    ChatController::setInstance(controller.get());
    return controller;
}

bool loadMainWindow(QQmlApplicationEngine& engine) {
    // Qt 6.4 searches neither qrc:/qt/qml (this module) nor qrc:/ (Hearth.Core, built with 6.4's default prefix).
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    return !engine.rootObjects().isEmpty();
}

}  // namespace hearth::app
