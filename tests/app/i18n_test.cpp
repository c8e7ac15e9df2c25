// The translations: translations/hearth_{de,zh_CN}.ts are complete (no unfinished, vanished or obsolete entries,
// no empty translation), every user-visible literal in the sources (qsTr in qml/, tr/translate in app/ except the
// CLI) has a finished translation in both (so adding a string without translating it fails here), the compiled
// catalogues in the binary give exactly the .ts texts through applyLanguage(), "en" gives the source text back, a
// switch re-translates live QML bindings, and the system language is followed.
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QXmlStreamReader>
#include <QtTest>
#include <cstdio>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/engine_worker.h"
#include "app/core/settings_controller.h"
#include "app/gui/app_setup.h"
#include "app/gui/i18n.h"

Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth::app;

namespace {

const QString kSourceDir = QStringLiteral(HEARTH_SOURCE_DIR);

struct TsMessage {
    QString context;
    QString source;
    QString comment;       // the disambiguation, "" when none
    QString type;          // the translation's type attribute: "" when finished
    QStringList translations;  // one text, or the numerus forms
    bool numerus = false;
};

struct TsFile {
    QString language;
    QList<TsMessage> messages;
    QString error;
};

TsFile readTs(const QString& path) {
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = QStringLiteral("cannot open %1").arg(path);
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == u"TS") {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == u"context") {
            context.clear();
        } else if (name == u"name") {
            context = xml.readElementText();
        } else if (name == u"message") {
            message = TsMessage{context, {}, {}, {}, {}, xml.attributes().value(QLatin1String("numerus")) == u"yes"};
        } else if (name == u"source") {
            message.source = xml.readElementText();
        } else if (name == u"comment") {
            message.comment = xml.readElementText();
        } else if (name == u"translation") {
            message.type = xml.attributes().value(QLatin1String("type")).toString();
            if (message.numerus) {
                while (xml.readNextStartElement()) message.translations << xml.readElementText();
            } else {
                message.translations << xml.readElementText();
            }
            ts.messages << message;
        }
    }
    if (xml.hasError()) ts.error = QStringLiteral("%1: %2 at line %3").arg(path, xml.errorString()).arg(xml.lineNumber());
    return ts;
}

bool finished(const TsMessage& m) {
    if (!m.type.isEmpty() || m.translations.isEmpty()) return false;
    for (const QString& t : m.translations)
        if (t.trimmed().isEmpty()) return false;
    return true;
}

// A string literal as written in C++ or QML: the escapes that occur in UI text, decoded.
QString unescape(const QString& literal) {
    QString out;
    for (qsizetype i = 0; i < literal.size(); ++i) {
        if (literal[i] != u'\\' || i + 1 == literal.size()) {
            out += literal[i];
            continue;
        }
        const QChar c = literal[++i];
        if (c == u'n') out += u'\n';
        else if (c == u't') out += u'\t';
        else if (c == u'u' && i + 4 < literal.size()) {
            out += QChar(literal.mid(i + 1, 4).toUShort(nullptr, 16));
            i += 4;
        } else out += c;  // quote, apostrophe or backslash
    }
    return out;
}

struct UsedString {
    QString file;     // relative to the source tree
    QString context;  // "" when the context is a class name tr() does not show (any context is accepted)
    QString source;
};

// The text of a run of string literals ("a" "b" in C++, "a" + 'b' in QML), escapes decoded.
QString joinLiterals(const QString& span) {
    static const QRegularExpression literal(QStringLiteral("\"((?:[^\"\\\\\\n]|\\\\.)*)\"|'((?:[^'\\\\\\n]|\\\\.)*)'"));
    QString text;
    for (auto it = literal.globalMatch(span); it.hasNext();) {
        const auto m = it.next();
        text += unescape(m.captured(1).isNull() ? m.captured(2) : m.captured(1));
    }
    return text;
}

// Every literal passed to the translation functions, with the context lupdate gives it.
QList<UsedString> usedStrings() {
    QList<UsedString> used;
    // Runs of literals, captured whole. (Plain literals: moc 6.4 misreads raw strings with these characters.)
    const QString dq = QStringLiteral("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    const QString sq = QStringLiteral("'(?:[^'\\\\\\n]|\\\\.)*'");
    const QString qmlRun = QStringLiteral("((?:%1|%2)(?:\\s*\\+\\s*(?:%1|%2))*)").arg(dq, sq);
    const QString cppRun = QStringLiteral("(%1(?:\\s*%1)*)").arg(dq);
    const QRegularExpression qsTr(QStringLiteral("\\bqsTr\\s*\\(\\s*") + qmlRun);
    const QRegularExpression qsTranslate(QStringLiteral("\\bqsTranslate\\s*\\(\\s*%1\\s*,\\s*%2").arg(qmlRun, qmlRun));
    const QRegularExpression cppTr(QStringLiteral("\\b(?:tr|QT_TR_NOOP)\\s*\\(\\s*") + cppRun);
    const QRegularExpression cppTranslate(
        QStringLiteral("\\b(?:translate|QT_TRANSLATE_NOOP)\\s*\\(\\s*%1\\s*,\\s*%2").arg(cppRun, cppRun));

    auto scan = [&](const QString& dir, const QStringList& filters, auto&& onFile) {
        QDirIterator it(kSourceDir + u'/' + dir, filters, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString rel = QDir(kSourceDir).relativeFilePath(path);
            if (rel.startsWith(u"app/cli/")) continue;  // the CLI's output is for scripts and stays English
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) continue;
            onFile(rel, QFileInfo(path).completeBaseName(), QString::fromUtf8(f.readAll()));
        }
    };
    scan(QStringLiteral("qml"), {QStringLiteral("*.qml")}, [&](const QString& rel, const QString& base, const QString& text) {
        for (auto m = qsTr.globalMatch(text); m.hasNext();)
            used << UsedString{rel, base, joinLiterals(m.next().captured(1))};  // qsTr's context: the file's name
        for (auto m = qsTranslate.globalMatch(text); m.hasNext();) {
            const auto match = m.next();
            used << UsedString{rel, joinLiterals(match.captured(1)), joinLiterals(match.captured(2))};
        }
    });
    scan(QStringLiteral("app"), {QStringLiteral("*.cpp"), QStringLiteral("*.h")},
         [&](const QString& rel, const QString&, const QString& text) {
        for (auto m = cppTr.globalMatch(text); m.hasNext();)
            used << UsedString{rel, QString(), joinLiterals(m.next().captured(1))};
        for (auto m = cppTranslate.globalMatch(text); m.hasNext();) {
            const auto match = m.next();
            used << UsedString{rel, joinLiterals(match.captured(1)), joinLiterals(match.captured(2))};
        }
    });
    return used;
}

// A child process of this binary prints resolveLanguage("") under the environment it was given (see main()).
QString systemLanguageUnder(const QStringList& env) {
    QProcess child;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) e.remove(QString::fromLatin1(name));
    for (const QString& kv : env) e.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    e.insert(QStringLiteral("HEARTH_I18N_TEST_PRINT_SYSTEM_LANGUAGE"), QStringLiteral("1"));
    child.setProcessEnvironment(e);
    child.start(QCoreApplication::applicationFilePath(), {});
    if (!child.waitForFinished(30000)) return QStringLiteral("<child timed out>");
    return QString::fromUtf8(child.readAllStandardOutput()).trimmed();
}

}  // namespace

class I18nTest : public QObject {
    Q_OBJECT
private slots:
    void tsFilesAreComplete_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("language");
        QTest::newRow("de") << kSourceDir + "/translations/hearth_de.ts" << "de";
        QTest::newRow("zh_CN") << kSourceDir + "/translations/hearth_zh_CN.ts" << "zh_CN";
    }
    void tsFilesAreComplete() {
        QFETCH(QString, path);
        QFETCH(QString, language);
        const TsFile ts = readTs(path);
        QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
        QCOMPARE(ts.language, language);
        QVERIFY2(ts.messages.size() >= 50, qPrintable(QStringLiteral("only %1 messages in %2").arg(ts.messages.size()).arg(path)));
        QStringList problems;
        for (const TsMessage& m : ts.messages) {
            if (!finished(m))
                problems << QStringLiteral("%1 / \"%2\": %3").arg(m.context, m.source,
                                                                  m.type.isEmpty() ? QStringLiteral("empty") : m.type);
            // Every %1… of the source must survive translation, or .arg() fills the wrong place or nothing.
            static const QRegularExpression placeholder(QStringLiteral("%(\\d+)"));
            QStringList wanted;
            for (auto it = placeholder.globalMatch(m.source); it.hasNext();) wanted << it.next().captured(0);
            for (const QString& t : m.translations)
                for (const QString& p : wanted)
                    if (!t.contains(p)) problems << QStringLiteral("%1 / \"%2\": %3 lost in \"%4\"").arg(m.context, m.source, p, t);
        }
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 untranslated or broken in %2 (run the update_translations "
                                                               "target, then translate):\n  %3")
                                                    .arg(problems.size()).arg(path, problems.join(QStringLiteral("\n  ")))));
    }

    void everySourceStringIsTranslated() {
        const QList<UsedString> used = usedStrings();
        // The window alone has dozens; finding none means the scan broke, not that everything is translated.
        QVERIFY2(used.size() >= 50, qPrintable(QStringLiteral("found only %1 strings in the sources").arg(used.size())));
        for (const QString& lang : {QStringLiteral("de"), QStringLiteral("zh_CN")}) {
            const TsFile ts = readTs(kSourceDir + "/translations/hearth_" + lang + ".ts");
            QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
            QStringList missing;
            for (const UsedString& u : used) {
                const bool ok = std::any_of(ts.messages.begin(), ts.messages.end(), [&](const TsMessage& m) {
                    return m.source == u.source && (u.context.isEmpty() || m.context == u.context) && finished(m);
                });
                if (!ok) missing << QStringLiteral("%1: %2 \"%3\"").arg(u.file, u.context, u.source);
            }
            QVERIFY2(missing.isEmpty(),
                     qPrintable(QStringLiteral("%1 string(s) without a finished %2 translation (run the update_translations "
                                               "target, then translate translations/hearth_%2.ts):\n  %3")
                                    .arg(missing.size()).arg(lang, missing.join(QStringLiteral("\n  ")))));
        }
    }

    void compiledCataloguesMatchTheTsFiles_data() { tsFilesAreComplete_data(); }
    void compiledCataloguesMatchTheTsFiles() {
        QFETCH(QString, path);
        QFETCH(QString, language);
        QCOMPARE(applyLanguage(nullptr, language), language);
        const TsFile ts = readTs(path);
        int checked = 0;
        for (const TsMessage& m : ts.messages) {
            if (!finished(m)) continue;
            const QByteArray ctx = m.context.toUtf8(), src = m.source.toUtf8(), com = m.comment.toUtf8();
            const QString got = QCoreApplication::translate(ctx.constData(), src.constData(),
                                                            com.isEmpty() ? nullptr : com.constData(),
                                                            m.numerus ? 1 : -1);
            // Plural forms: translate() puts n (1 here, the first form) where %n is.
            QString want = m.translations.first();
            if (m.numerus) want.replace(QStringLiteral("%n"), QStringLiteral("1"));
            QCOMPARE(got, want);
            ++checked;
        }
        QVERIFY(checked >= 50);
        // Back to the source language: the translators are removed, not stacked.
        QCOMPARE(applyLanguage(nullptr, QStringLiteral("en")), QStringLiteral("en"));
        const TsMessage& any = ts.messages.first();
        QCOMPARE(QCoreApplication::translate(any.context.toUtf8().constData(), any.source.toUtf8().constData()),
                 any.source);
    }

    void knownStrings() {
        applyLanguage(nullptr, QStringLiteral("de"));
        QCOMPARE(QCoreApplication::translate("Main", "New chat"), QStringLiteral("Neuer Chat"));
        applyLanguage(nullptr, QStringLiteral("zh_CN"));
        QCOMPARE(QCoreApplication::translate("Main", "New chat"), QStringLiteral("新建聊天"));
        applyLanguage(nullptr, QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("Main", "New chat"), QStringLiteral("New chat"));
        // An unknown code is English, not whatever was installed before.
        applyLanguage(nullptr, QStringLiteral("de"));
        QCOMPARE(applyLanguage(nullptr, QStringLiteral("fr")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("Main", "New chat"), QStringLiteral("New chat"));
    }

    void switchingRetranslatesQmlBindings() {
        QQmlEngine engine;
        QQmlComponent component(&engine);
        component.setData("import QtQuick\nItem { property string label: qsTranslate(\"Main\", \"New chat\") }",
                          QUrl(QStringLiteral("inline.qml")));
        std::unique_ptr<QObject> object(component.create());
        QVERIFY2(object, qPrintable(component.errorString()));
        applyLanguage(&engine, QStringLiteral("en"));
        QCOMPARE(object->property("label").toString(), QStringLiteral("New chat"));
        applyLanguage(&engine, QStringLiteral("de"));
        QCOMPARE(object->property("label").toString(), QStringLiteral("Neuer Chat"));
        applyLanguage(&engine, QStringLiteral("zh_CN"));
        QCOMPARE(object->property("label").toString(), QStringLiteral("新建聊天"));
        applyLanguage(&engine, QStringLiteral("en"));
        QCOMPARE(object->property("label").toString(), QStringLiteral("New chat"));
    }

    // The wiring of app_setup: the window starts in the saved language and a change in the settings re-translates
    // it at once; the choice is kept for the next start.
    void windowFollowsTheLanguageSetting() {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QStandardPaths::setTestModeEnabled(true);
        setupApplication();
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        auto newChatText = [](QQmlApplicationEngine& engine) {
            auto* button = engine.rootObjects().first()->findChild<QQuickItem*>(QStringLiteral("newChatButton"));
            return button ? button->property("text").toString() : QStringLiteral("<no newChatButton>");
        };
        {
            QString error;
            auto controller = createController(dataDir.path(), &error, std::make_unique<FakeEngineWorker>());
            QVERIFY2(controller, qPrintable(error));
            SettingsController* settings = SettingsController::instance();
            QVERIFY(settings);
            settings->setLanguage(QStringLiteral("en"));
            QQmlApplicationEngine engine;
            QVERIFY(loadMainWindow(engine));
            QCOMPARE(newChatText(engine), QStringLiteral("New chat"));
            settings->setLanguage(QStringLiteral("de"));
            QCOMPARE(newChatText(engine), QStringLiteral("Neuer Chat"));
            settings->setLanguage(QStringLiteral("zh_CN"));
            QCOMPARE(newChatText(engine), QStringLiteral("新建聊天"));
        }
        {
            QString error;
            auto controller = createController(dataDir.path(), &error, std::make_unique<FakeEngineWorker>());
            QVERIFY2(controller, qPrintable(error));
            QQmlApplicationEngine engine;
            QVERIFY(loadMainWindow(engine));
            QCOMPARE(newChatText(engine), QStringLiteral("新建聊天"));
            SettingsController::instance()->setLanguage(QStringLiteral("en"));
            QCOMPARE(newChatText(engine), QStringLiteral("New chat"));
        }
        SettingsController::setInstance(nullptr);
        ChatController::setInstance(nullptr);
    }

    void followsTheSystemLanguage() {
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=de_DE.UTF-8")}), QStringLiteral("de"));
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=zh_CN.UTF-8")}), QStringLiteral("zh_CN"));
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=zh_TW.UTF-8")}), QStringLiteral("zh_CN"));
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=fr_FR.UTF-8")}), QStringLiteral("en"));
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=C")}), QStringLiteral("en"));
        // The first of the preferred languages the app has: French is skipped, German chosen.
        QCOMPARE(systemLanguageUnder({QStringLiteral("LANG=fr_FR.UTF-8"), QStringLiteral("LANGUAGE=fr:de")}),
                 QStringLiteral("de"));
    }
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsSet("HEARTH_I18N_TEST_PRINT_SYSTEM_LANGUAGE")) {
        QCoreApplication app(argc, argv);
        std::printf("%s\n", qPrintable(resolveLanguage(QString())));
        return 0;
    }
    QGuiApplication app(argc, argv);
    I18nTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "i18n_test.moc"
