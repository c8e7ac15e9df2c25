// The window icon set by setupApplication(): resources/icons/hearth.svg from the resources, drawn by Qt's SVG
// plugins (libqt6svg6, a Depends of the DEB). Without them the icon is silently empty, which only a user would see.
#include <QGuiApplication>
#include <QIcon>
#include <QImage>
#include <QtTest>

#include "app/gui/app_setup.h"

class WindowIconTest : public QObject {
    Q_OBJECT
private slots:
    void iconIsDrawnFromTheSvg() {
        QVERIFY(QFile::exists(QStringLiteral(":/icons/hearth.svg")));
        hearth::app::setupApplication();
        const QIcon icon = QGuiApplication::windowIcon();
        QVERIFY(!icon.isNull());
        for (int size : {16, 64, 256}) {
            const QImage image = icon.pixmap(size, size).toImage();
            QCOMPARE(image.size(), QSize(size, size));
            // Mostly opaque (the hearth fills most of its square) and warm in the middle (the flame).
            int opaque = 0;
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) opaque += qAlpha(image.pixel(x, y)) > 128;
            QVERIFY2(opaque > size * size / 2, qPrintable(QStringLiteral("%1 of %2 pixels drawn at %3 px")
                                                              .arg(opaque).arg(size * size).arg(size)));
            const QColor centre = image.pixelColor(size / 2, size * 2 / 3);
            QVERIFY2(centre.red() > 200 && centre.red() > centre.blue() + 60, qPrintable(centre.name()));
        }
        QCOMPARE(QGuiApplication::desktopFileName(), QStringLiteral("io.github.hearth.Hearth"));
    }
};

QTEST_MAIN(WindowIconTest)
#include "window_icon_test.moc"
