#include "app/core/logging.h"

#include <QDir>
#include <QtGlobal>

#include <spdlog/fmt/fmt.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace hearth::app {
namespace {

constexpr size_t kMaxFileBytes = size_t{5} << 20;  // per file; with kMaxFiles, at most ~20 MB of logs on disk
constexpr size_t kMaxFiles = 3;                    // hearth.log plus hearth.1.log .. hearth.3.log
constexpr std::array<const char*, 5> kModules = {"app", "worker", "store", "engine", "qml"};

spdlog::level::level_enum levelOf(QtMsgType type) {
    switch (type) {
        case QtDebugMsg: return spdlog::level::debug;
        case QtInfoMsg: return spdlog::level::info;
        case QtWarningMsg: return spdlog::level::warn;
        case QtCriticalMsg: return spdlog::level::err;
        case QtFatalMsg: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

// Qt's messages, QML's included ("qml" and "js" categories, or a .qml source file), into the matching logger
// with their category and source location. (After a fatal message Qt aborts, as with its default handler.)
void forwardQtMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const char* category = context.category != nullptr ? context.category : "default";
    const QByteArray file = context.file != nullptr ? QByteArray(context.file) : QByteArray();
    const bool fromQml = qstrcmp(category, "qml") == 0 || qstrcmp(category, "js") == 0 || file.endsWith(".qml");
    const std::shared_ptr<spdlog::logger> logger = moduleLogger(fromQml ? "qml" : "app");
    std::string text = qstrcmp(category, "default") != 0 ? fmt::format("[{}] {}", category, message.toStdString())
                                                           : message.toStdString();
    if (!file.isEmpty()) text += fmt::format(" ({}:{})", file.constData(), context.line);
    logger->log(levelOf(type), text);
    if (type == QtFatalMsg) logger->flush();
}

}  // namespace

std::shared_ptr<spdlog::logger> moduleLogger(const char* name) {
    std::shared_ptr<spdlog::logger> logger = spdlog::get(name);
    return logger ? logger : spdlog::default_logger();
}

QString setupLogging(const QString& dataDir) {
    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    QString file;
    const QString logDir = QDir(dataDir).filePath(QStringLiteral("logs"));
    if (QDir().mkpath(logDir)) {
        file = QDir(logDir).filePath(QStringLiteral("hearth.log"));
        try {
            sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file.toStdString(), kMaxFileBytes,
                                                                                   kMaxFiles));
        } catch (const std::exception& e) {
            // A read-only data folder must not stop the app: stderr still gets everything.
            std::fprintf(stderr, "hearth: cannot write the log %s: %s\n", qPrintable(file), e.what());
            file.clear();
        }
    }

    spdlog::drop_all();  // a second call replaces the loggers (and their open file)
    for (const char* name : kModules) {
        auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
        logger->set_level(spdlog::level::info);
        logger->flush_on(spdlog::level::warn);  // a crash right after a warning still leaves it in the file
        spdlog::register_logger(logger);
    }
    // The engine (plain C++, no Qt) logs through spdlog's default logger.
    spdlog::set_default_logger(spdlog::get("engine"));
    spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
    // Info lines reach the file within a few seconds even without a warning to flush them.
    spdlog::flush_every(std::chrono::seconds(3));
    qInstallMessageHandler(forwardQtMessage);
    if (!file.isEmpty()) moduleLogger("app")->info("logging to {}", file.toStdString());
    return file;
}

}  // namespace hearth::app
