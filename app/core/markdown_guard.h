// Markdown from a model, made safe to render offline. Qt's Markdown renderer (QTextDocument, behind TextEdit's
// MarkdownText) loads every image it meets, remote ones through the QML engine's network access: an answer with
// ![x](http://host/a.png) would make the app resolve and contact that host by itself, telling it the user is
// reading. Images therefore become links (shown as their alt text or address, opened only on click, like any
// link), and raw HTML <img> tags are shown as text. Code spans and fenced code blocks are left exactly as written.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The transformation itself (see above).
QString offlineMarkdown(const QString& markdown);

// For QML: MarkdownGuard.offline(text).
class MarkdownGuard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;
    Q_INVOKABLE QString offline(const QString& markdown) const { return offlineMarkdown(markdown); }
};

}  // namespace hearth::app
