// hearth: the desktop chat window. All the wiring lives in app_setup.cpp (shared with the end-to-end test).
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QStandardPaths>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>
#include <cstring>

#include "app/core/chat_controller.h"
#include "app/core/logging.h"
#include "app/core/machine_controller.h"
#include "app/gui/app_setup.h"

// Both QML modules are static plugins: their types and qmldirs are registered only when imported here.
Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

int main(int argc, char** argv) {
    // Answered before QGuiApplication exists, so it works without a display (the DEB's smoke test).
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("hearth %s\n", HEARTH_VERSION);
            return 0;
        }
    }

    QGuiApplication app(argc, argv);
    hearth::app::setupApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Chat with language models offline."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("model"),
                                 QCoreApplication::translate("main", "A .gguf model file to load at start."),
                                 QStringLiteral("[model.gguf]"));
    parser.process(app);

    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    // Logs first: the store, the worker and QML report into them from here on (dataDir/logs/hearth.log).
    hearth::app::setupLogging(dataDir);
    QString error;
    std::unique_ptr<hearth::app::ChatController> controller = hearth::app::createController(dataDir, &error);
    if (!controller) {
        std::fprintf(stderr, "hearth: %s\n", qPrintable(error));
        return 1;
    }

    // Declared after the controller so the QML engine (which uses the singleton) is destroyed first.
    QQmlApplicationEngine engine;
    if (!hearth::app::loadMainWindow(engine)) {
        std::fprintf(stderr, "hearth: the main window could not be created (QML errors above)\n");
        return 1;
    }
    // The memory bandwidth: the cached figure, else (first start) one measurement in the background. Only the app
    // starts it, so tests that build the window never saturate the memory bus behind their backs.
    if (hearth::app::MachineController* machine = hearth::app::MachineController::instance()) machine->start();
    if (!parser.positionalArguments().isEmpty()) controller->loadModel(parser.positionalArguments().first());
    return app.exec();
}
