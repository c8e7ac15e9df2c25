// setupLogging: Qt's messages (QML's included, with their category), each module's spdlog logger and the engine's
// default-logger calls all land in dataDir/logs/hearth.log, each line tagged with its module.
#include <QFile>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <spdlog/spdlog.h>

#include "app/core/logging.h"

class LoggingTest : public QObject {
    Q_OBJECT
private slots:
    void messagesReachTheFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = hearth::app::setupLogging(dir.path());
        QCOMPARE(file, dir.filePath(QStringLiteral("logs/hearth.log")));

        qWarning("qt-warning-marker %d", 42);
        auto worker = spdlog::get("worker");
        QVERIFY(worker);
        worker->info("worker-info-marker {}", 7);
        spdlog::warn("engine-default-marker");  // how engine/ logs
        hearth::app::moduleLogger("store")->error("store-error-marker");
        {
            QQmlEngine engine;
            QQmlComponent component(&engine);
            component.setData("import QtQuick\nItem { Component.onCompleted: console.warn('qml-warn-marker') }",
                              QUrl::fromLocalFile(dir.filePath(QStringLiteral("Probe.qml"))));
            std::unique_ptr<QObject> object(component.create());
            QVERIFY2(object, qPrintable(component.errorString()));
        }
        spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
        qInstallMessageHandler(nullptr);

        QFile log(file);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'));
        auto lineWith = [&](const char* marker) {
            const QStringList hits = lines.filter(QString::fromLatin1(marker));
            return hits.size() == 1 ? hits.first() : QStringLiteral("<%1 lines>").arg(hits.size());
        };
        const QString qt = lineWith("qt-warning-marker 42");
        QVERIFY2(qt.contains(QStringLiteral("[app] [warning]")), qPrintable(qt));
        const QString w = lineWith("worker-info-marker 7");
        QVERIFY2(w.contains(QStringLiteral("[worker] [info]")), qPrintable(w));
        const QString e = lineWith("engine-default-marker");
        QVERIFY2(e.contains(QStringLiteral("[engine] [warning]")), qPrintable(e));
        const QString s = lineWith("store-error-marker");
        QVERIFY2(s.contains(QStringLiteral("[store] [error]")), qPrintable(s));
        const QString q = lineWith("qml-warn-marker");
        QVERIFY2(q.contains(QStringLiteral("[qml] [warning]")) && q.contains(QStringLiteral("[qml]")) &&
                     q.contains(QStringLiteral("Probe.qml")),
                 qPrintable(q));
    }

    void unwritableFolderFallsBackToStderr() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("logs")));  // a file where the folder should be
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QCOMPARE(hearth::app::setupLogging(dir.path()), QString());
        QVERIFY(spdlog::get("worker"));  // the loggers exist all the same
        spdlog::get("worker")->info("still logs to stderr");
        qInstallMessageHandler(nullptr);
    }
};

QTEST_MAIN(LoggingTest)
#include "logging_test.moc"
