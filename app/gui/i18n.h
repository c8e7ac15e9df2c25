// The UI language: the app's own Qt Linguist catalogues (translations/hearth_<code>.ts, compiled into the
// resources at :/i18n) plus Qt's own strings (the qt_<code> catalogue in Qt's translations folder, when installed:
// file dialogs, standard buttons). English is the source language and needs no catalogue.
#pragma once

#include <QString>
#include <QStringList>

class QQmlEngine;

namespace hearth::app {

// The languages the UI is translated to, the source language first: "en", "de", "zh_CN".
QStringList uiLanguageCodes();

// The code applyLanguage() would use for code: itself when translated, "" the first of the system's preferred UI
// languages (QLocale::system().uiLanguages()) the app has, any Chinese variant "zh_CN", anything else "en".
QString resolveLanguage(const QString& code);

// Switches the UI language (GUI thread, after QCoreApplication exists): removes the translators a previous call
// installed, installs the ones for resolveLanguage(code), then re-evaluates every qsTr() binding of engine
// (nullptr before a window exists). Returns the code in effect.
QString applyLanguage(QQmlEngine* engine, const QString& code);

}  // namespace hearth::app
