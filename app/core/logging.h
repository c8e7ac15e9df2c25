// The desktop app's logs: spdlog with one named logger per module ("app", "worker", "store", "engine", "qml"),
// all writing to a rotating file under the data directory (logs/hearth.log, 5 MB x 3 files) and to stderr. The
// engine logs through spdlog's default logger, which becomes "engine"; Qt's own messages (qDebug/qWarning, QML
// warnings and errors with their category and source location) are forwarded to "qml" or "app". Code that logs
// takes its module's logger with moduleLogger(name), which falls back to spdlog's default logger when
// setupLogging has not run (tests, tools).
#pragma once

#include <QString>
#include <memory>

namespace spdlog {
class logger;
}

namespace hearth::app {

// Sets up the loggers (call once, early in main(): before the controller and the QML engine, so their messages
// are caught). Returns the log file's path, or an empty string when the directory could not be created (then
// stderr only). Calling it again replaces the previous set-up.
QString setupLogging(const QString& dataDir);

// The logger of a module ("app", "worker", "store", "engine", "qml"); spdlog's default logger when absent.
std::shared_ptr<spdlog::logger> moduleLogger(const char* name);

}  // namespace hearth::app
