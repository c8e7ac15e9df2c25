#include "app/gui/i18n.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QQmlEngine>
#include <QTranslator>

namespace hearth::app {

namespace {

const QString kSourceLanguage = QStringLiteral("en");

// Children of the application object (so they die with it), remembered so the next call can take them out.
QPointer<QTranslator> g_appTranslator;
QPointer<QTranslator> g_qtTranslator;

void removeInstalled(QPointer<QTranslator>& translator) {
    if (!translator) return;
    QCoreApplication::removeTranslator(translator);
    delete translator.data();
}

// Loads fileName from directory into a new translator and installs it; nullptr when there is no such catalogue.
QTranslator* install(const QString& fileName, const QString& directory) {
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (!translator->load(fileName, directory) || !QCoreApplication::installTranslator(translator)) {
        delete translator;
        return nullptr;
    }
    return translator;
}

// "de-DE", "zh-Hans-CN", "zh_TW" …: the app's code for that language, "" when it has none.
QString codeFor(const QString& name) {
    const QLocale locale(QString(name).replace(u'-', u'_'));
    switch (locale.language()) {
    case QLocale::English: return kSourceLanguage;
    case QLocale::German: return QStringLiteral("de");
    // Readers of Traditional Chinese are better served by the Simplified catalogue than by English.
    case QLocale::Chinese: return QStringLiteral("zh_CN");
    default: return QString();
    }
}

}  // namespace

QStringList uiLanguageCodes() {
    return {kSourceLanguage, QStringLiteral("de"), QStringLiteral("zh_CN")};
}

QString resolveLanguage(const QString& code) {
    if (uiLanguageCodes().contains(code)) return code;
    if (!code.isEmpty()) return kSourceLanguage;
    // The system's list is in order of preference: "en" before "de" means English even though German exists.
    for (const QString& name : QLocale::system().uiLanguages()) {
        const QString found = codeFor(name);
        if (!found.isEmpty()) return found;
    }
    return kSourceLanguage;
}

QString applyLanguage(QQmlEngine* engine, const QString& code) {
    Q_ASSERT(QCoreApplication::instance());
    const QString language = resolveLanguage(code);
    removeInstalled(g_appTranslator);
    removeInstalled(g_qtTranslator);
    if (language != kSourceLanguage) {
        // Built into the binary by qt_add_translations (app/gui/CMakeLists.txt), so it is always there.
        g_appTranslator = install(QStringLiteral("hearth_") + language, QStringLiteral(":/i18n"));
        Q_ASSERT(g_appTranslator);
        // Optional at run time (Debian: qt6-translations-l10n); without it Qt's own dialogs stay English.
        g_qtTranslator = install(QStringLiteral("qt_") + language, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    }
    if (engine) engine->retranslate();
    return language;
}

}  // namespace hearth::app
