// Finding and driving items of the real window in GUI tests: list delegates and open popups are visual children
// (not always QObject children of the window), popups themselves are QObjects, and input goes in as real mouse
// and key events so the QML handlers under test run.
#pragma once

#include <QDropEvent>
#include <QMimeData>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtTest>
#include <functional>

namespace hearth::app::test {

// The warnings QML logs (messages from .qml files) while the collector is installed: a page test asserts there
// are none, since a binding error or a missing property shows only there.
inline QStringList& qmlWarnings() {
    static QStringList warnings;
    return warnings;
}
inline QtMessageHandler& previousMessageHandler() {
    static QtMessageHandler handler = nullptr;
    return handler;
}
inline void collectQmlWarnings(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const bool fromQml = QByteArray(context.file ? context.file : "").endsWith(".qml") ||
                         message.contains(QLatin1String(".qml:"));
    if (type >= QtWarningMsg && fromQml) qmlWarnings() << message;
    if (previousMessageHandler()) previousMessageHandler()(type, context, message);
}
inline void installQmlWarningCollector() { previousMessageHandler() = qInstallMessageHandler(collectQmlWarnings); }
inline void removeQmlWarningCollector() { qInstallMessageHandler(previousMessageHandler()); }

// A real drag of urls onto the window at `at` (window coordinates), as from a file manager: enter, move, drop.
// False when the window refused the drag or the drop.
inline bool dropUrlsAt(QQuickWindow* window, QPoint at, const QList<QUrl>& urls) {
    QMimeData mime;
    mime.setUrls(urls);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &enter);
    if (!enter.isAccepted()) return false;
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &move);
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &drop);
    return drop.isAccepted();
}

// The same onto an item's centre.
inline bool dropUrls(QQuickWindow* window, QQuickItem* onto, const QList<QUrl>& urls) {
    return dropUrlsAt(window, onto->mapToScene(QPointF(onto->width() / 2, onto->height() / 2)).toPoint(), urls);
}

// Depth-first over the visual tree, the first visible item for which match holds.
inline QQuickItem* findItem(QQuickItem* root, const std::function<bool(QQuickItem*)>& match) {
    if (!root) return nullptr;
    if (root->isVisible() && match(root)) return root;
    for (QQuickItem* child : root->childItems()) {
        if (QQuickItem* found = findItem(child, match)) return found;
    }
    return nullptr;
}

inline QQuickItem* byName(QQuickItem* root, const QString& name) {
    return findItem(root, [&](QQuickItem* item) { return item->objectName() == name; });
}

inline QQuickItem* byName(QQuickWindow* window, const QString& name) { return byName(window->contentItem(), name); }

// A visible button (or menu item) showing exactly text, anywhere in the window (dialog buttons included).
inline QQuickItem* buttonWithText(QQuickWindow* window, const QString& text) {
    return findItem(window->contentItem(), [&](QQuickItem* item) {
        return item->inherits("QQuickAbstractButton") && item->property("text").toString() == text;
    });
}

// Whether the popup (a Dialog or Menu: not an item, so found through the QObject tree) is open.
inline bool popupOpen(QQuickWindow* window, const QString& name) {
    QObject* popup = window->findChild<QObject*>(name);
    return popup != nullptr && popup->property("opened").toBool();
}

// A left click in the middle of item.
inline void click(QQuickWindow* window, QQuickItem* item) {
    QVERIFY(item);
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
}

// QTest::keyClicks exists for widgets only: one key event per character (ASCII here).
inline void typeText(QQuickWindow* window, const QString& text) {
    for (QChar c : text) QTest::keyClick(window, c.toLatin1());
}

}  // namespace hearth::app::test
