// Markdown from a model, made safe to render offline. Qt's Markdown renderer (QTextDocument, behind TextEdit's
// MarkdownText) loads every image it meets, remote ones through the QML engine's network access: an answer with
// ![x](http://host/a.png) would make the app resolve and contact that host by itself, telling it the user is
// reading. Images therefore become links (shown as their alt text or address, opened only on click, like any
// link), and raw HTML <img> tags are shown as text. Code spans and fenced code blocks are left exactly as written.
#pragma once

#include <QList>
#include <QObject>
#include <QVariantList>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The transformation itself (see above).
QString offlineMarkdown(const QString& markdown);

// An answer cut into its prose and its fenced code blocks, in order, so each code block can be shown on its own
// with a copy button. Prose is already offlineMarkdown; code is verbatim (without its fences). A fence still open
// at the end (an answer streaming) makes the rest a code block.
struct MarkdownBlock {
    bool code = false;
    QString text;
    QString language;  // the fence's info string, e.g. "python" (code only; may be empty)
};
QList<MarkdownBlock> markdownBlocks(const QString& markdown);

// For QML: MarkdownGuard.offline(text).
class MarkdownGuard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;
    Q_INVOKABLE QString offline(const QString& markdown) const { return offlineMarkdown(markdown); }
    // markdownBlocks for a Repeater: [{code: bool, text: string, language: string}, ...].
    Q_INVOKABLE QVariantList blocks(const QString& markdown) const;
};

}  // namespace hearth::app
