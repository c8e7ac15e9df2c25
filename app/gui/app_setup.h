// Start-up of the desktop app, shared by main() and the end-to-end test so both run the same wiring: the
// database under the app's data directory, the real engine worker, the ChatController singleton and the window.
#pragma once

#include <QString>
#include <memory>

class QQmlApplicationEngine;

namespace hearth::app {

class ChatController;
class EngineWorker;

// Application name, organisation and Quick Controls style (call after QGuiApplication exists, before QML loads).
void setupApplication();

// Opens (creating) the database in dataDir and makes a ChatController over worker (nullptr: the real engine, a
// LocalEngineWorker), registered as the QML singleton. nullptr and *error (one readable line) when the database
// cannot be opened. UI tests pass a FakeEngineWorker.
std::unique_ptr<ChatController> createController(const QString& dataDir, QString* error,
                                                 std::unique_ptr<EngineWorker> worker = nullptr);

// Loads the main window (qrc:/qt/qml/Hearth/Main.qml). False when QML failed to create it (errors are logged).
bool loadMainWindow(QQmlApplicationEngine& engine);

}  // namespace hearth::app
