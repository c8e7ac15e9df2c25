// SettingsController over a Store in a temporary directory: the defaults a first start shows, values surviving a
// restart (the store reopened), clamping of what a user or a hand-edited database may put in, the theme resolved
// to darkMode (explicit and following the platform palette), needsReload, and the LoadOptions / SamplerSettings the
// engine gets.
#include <QDir>
#include <QGuiApplication>
#include <QPalette>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>
#include <limits>
#include <memory>

#include "app/core/cpu_cores.h"
#include "app/core/settings_controller.h"
#include "app/core/store.h"

using namespace hearth::app;

namespace {

// The GUI-less platform, before QTEST_MAIN makes the QGuiApplication.
const bool kOffscreen = [] {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return true;
}();

Store openStore(const QTemporaryDir& dir) {
    QString error;
    std::optional<Store> store = Store::open(dir.filePath(QStringLiteral("hearth.sqlite")), &error);
    if (!store) qFatal("store: %s", qPrintable(error));
    return std::move(*store);
}

// A palette whose window is dark or light, as a desktop in that mode hands Qt.
QPalette paletteWithWindow(const QColor& window, const QColor& text) {
    QPalette p = QGuiApplication::palette();
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    return p;
}

}  // namespace

class SettingsControllerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // The default models folder lives under AppDataLocation: keep it away from the user's.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setApplicationName(QStringLiteral("hearth-settings-test"));
    }

    void defaults() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        SettingsController s(store);
        QCOMPARE(s.threads(), physicalCores());
        QCOMPARE(s.defaultThreads(), physicalCores());
        QCOMPARE(s.maxThreads(), 2 * hardwareThreads());
        QCOMPARE(s.contextLength(), 4096);
        QCOMPARE(s.kvType(), QStringLiteral("f16"));
        const SamplerSettings d;
        QCOMPARE(s.temperature(), d.temperature);
        QCOMPARE(s.topK(), d.topK);
        QCOMPARE(s.topP(), d.topP);
        QCOMPARE(s.minP(), d.minP);
        QCOMPARE(s.repeatPenalty(), d.repeatPenalty);
        QCOMPARE(quint64(s.seed()), d.seed);
        QCOMPARE(s.maxTokens(), d.maxTokens);
        QCOMPARE(s.defaultSystemPrompt(), QString());
        QCOMPARE(s.theme(), QStringLiteral("system"));
        QCOMPARE(s.language(), QString());
        const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QCOMPARE(s.modelsFolder(), appData + QStringLiteral("/models"));
        QCOMPARE(s.modelsFolderUrl(), QUrl::fromLocalFile(appData + QStringLiteral("/models")));
        QVERIFY(!s.needsReload());
        QVERIFY(s.lastError().isEmpty());
        // Nothing is written until the user changes something.
        QVERIFY(!store.setting(QStringLiteral("threads")).isValid());
    }

    void persistsAcrossReopen() {
        QTemporaryDir dir;
        QTemporaryDir models;
        {
            Store store = openStore(dir);
            SettingsController s(store);
            s.setThreads(s.maxThreads());
            s.setContextLength(8192);
            s.setKvType(QStringLiteral("q8_0"));
            s.setTemperature(0.25);
            s.setTopK(12);
            s.setTopP(0.5);
            s.setMinP(0.125);
            s.setRepeatPenalty(1.15);
            s.setSeed(123456789012LL);
            s.setMaxTokens(300);
            s.setDefaultSystemPrompt(QStringLiteral("You answer in haiku."));
            s.setTheme(QStringLiteral("dark"));
            s.setLanguage(QStringLiteral("zh_CN"));
            s.setModelsFolderFromUrl(QUrl::fromLocalFile(models.path()));
            QVERIFY(s.lastError().isEmpty());
        }
        Store store = openStore(dir);
        SettingsController s(store);
        QCOMPARE(s.threads(), s.maxThreads());
        QCOMPARE(s.contextLength(), 8192);
        QCOMPARE(s.kvType(), QStringLiteral("q8_0"));
        QCOMPARE(s.temperature(), 0.25);
        QCOMPARE(s.topK(), 12);
        QCOMPARE(s.topP(), 0.5);
        QCOMPARE(s.minP(), 0.125);
        QCOMPARE(s.repeatPenalty(), 1.15);
        QCOMPARE(s.seed(), 123456789012LL);
        QCOMPARE(s.maxTokens(), 300);
        QCOMPARE(s.defaultSystemPrompt(), QStringLiteral("You answer in haiku."));
        QCOMPARE(s.theme(), QStringLiteral("dark"));
        QVERIFY(s.darkMode());
        QCOMPARE(s.language(), QStringLiteral("zh_CN"));
        QCOMPARE(s.modelsFolder(), QDir::cleanPath(models.path()));
    }

    void resetToDefaultsForgetsEverything() {
        QTemporaryDir dir;
        {
            Store store = openStore(dir);
            SettingsController s(store);
            s.setThreads(s.maxThreads());
            s.setContextLength(1024);
            s.setTemperature(1.5);
            s.setTheme(QStringLiteral("light"));
            s.setLanguage(QStringLiteral("de"));
            s.setDefaultSystemPrompt(QStringLiteral("Be brief."));
            s.setModelsFolder(dir.path());
            QSignalSpy threads(&s, &SettingsController::threadsChanged);
            QSignalSpy temperature(&s, &SettingsController::temperatureChanged);
            QSignalSpy topK(&s, &SettingsController::topKChanged);  // unchanged: no signal
            s.resetToDefaults();
            QCOMPARE(threads.count(), 1);
            QCOMPARE(temperature.count(), 1);
            QCOMPARE(topK.count(), 0);
            QCOMPARE(s.threads(), physicalCores());
            QCOMPARE(s.contextLength(), 4096);
            QCOMPARE(s.temperature(), SamplerSettings{}.temperature);
            QCOMPARE(s.theme(), QStringLiteral("system"));
            QCOMPARE(s.language(), QString());
            QCOMPARE(s.defaultSystemPrompt(), QString());
            QCOMPARE(s.modelsFolder(), SettingsController::defaultModelsFolder());
            // Forgotten, not written as defaults: a machine-dependent default follows the machine.
            QVERIFY(!store.setting(QStringLiteral("threads")).isValid());
            QVERIFY(!store.setting(QStringLiteral("temperature")).isValid());
        }
        Store store = openStore(dir);
        SettingsController s(store);
        QCOMPARE(s.contextLength(), 4096);
        QCOMPARE(s.language(), QString());
    }

    void clampsWhatComesIn() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        SettingsController s(store);
        s.setThreads(0);
        QCOMPARE(s.threads(), 1);
        s.setThreads(100000);
        QCOMPARE(s.threads(), s.maxThreads());
        s.setContextLength(10);
        QCOMPARE(s.contextLength(), 256);
        s.setContextLength(10'000'000);
        QCOMPARE(s.contextLength(), 131072);
        s.setTemperature(-1);
        QCOMPARE(s.temperature(), 0.0);
        s.setTemperature(7);
        QCOMPARE(s.temperature(), 2.0);
        s.setTemperature(std::numeric_limits<double>::quiet_NaN());  // an empty text field: keep the value
        QCOMPARE(s.temperature(), 2.0);
        s.setTopK(-4);
        QCOMPARE(s.topK(), 0);
        s.setTopK(50000);
        QCOMPARE(s.topK(), 1000);
        s.setTopP(1.5);
        QCOMPARE(s.topP(), 1.0);
        s.setMinP(-0.5);
        QCOMPARE(s.minP(), 0.0);
        s.setRepeatPenalty(0.5);
        QCOMPARE(s.repeatPenalty(), 1.0);
        s.setRepeatPenalty(9);
        QCOMPARE(s.repeatPenalty(), 2.0);
        s.setSeed(-3);
        QCOMPARE(s.seed(), 0);
        s.setSeed(std::numeric_limits<qint64>::max());
        QCOMPARE(s.seed(), SettingsController::kMaxSeed);
        s.setMaxTokens(0);
        QCOMPARE(s.maxTokens(), -1);
        s.setMaxTokens(-50);
        QCOMPARE(s.maxTokens(), -1);
        s.setMaxTokens(1'000'000);
        QCOMPARE(s.maxTokens(), 131072);

        // Unknown choices keep the current value (and say nothing).
        QSignalSpy kv(&s, &SettingsController::kvTypeChanged);
        s.setKvType(QStringLiteral("q4_0"));
        QCOMPARE(s.kvType(), QStringLiteral("f16"));
        s.setKvType(QStringLiteral("Q8_0"));
        QCOMPARE(s.kvType(), QStringLiteral("q8_0"));
        QCOMPARE(kv.count(), 1);
        s.setTheme(QStringLiteral("purple"));
        QCOMPARE(s.theme(), QStringLiteral("system"));
        s.setLanguage(QStringLiteral("fr"));
        QCOMPARE(s.language(), QString());
        s.setLanguage(QStringLiteral("de"));
        QCOMPARE(s.language(), QStringLiteral("de"));

        // A value that does not change emits nothing and writes nothing new.
        QSignalSpy threads(&s, &SettingsController::threadsChanged);
        s.setThreads(s.threads());
        QCOMPARE(threads.count(), 0);
    }

    void clampsWhatTheDatabaseHolds() {
        // An old or hand-edited database cannot put the engine out of range.
        QTemporaryDir dir;
        {
            Store store = openStore(dir);
            QVERIFY(store.setSetting(QStringLiteral("threads"), 100000));
            QVERIFY(store.setSetting(QStringLiteral("nCtx"), 16));
            QVERIFY(store.setSetting(QStringLiteral("kvType"), QStringLiteral("bogus")));
            QVERIFY(store.setSetting(QStringLiteral("temperature"), 99.0));
            QVERIFY(store.setSetting(QStringLiteral("theme"), QStringLiteral("neon")));
            QVERIFY(store.setSetting(QStringLiteral("language"), QStringLiteral("xx")));
        }
        Store store = openStore(dir);
        SettingsController s(store);
        QCOMPARE(s.threads(), s.maxThreads());
        QCOMPARE(s.contextLength(), 256);
        QCOMPARE(s.kvType(), QStringLiteral("f16"));
        QCOMPARE(s.temperature(), 2.0);
        QCOMPARE(s.theme(), QStringLiteral("system"));
        QCOMPARE(s.language(), QString());
    }

    void darkModeFollowsTheTheme() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        const QPalette original = QGuiApplication::palette();
        QGuiApplication::setPalette(paletteWithWindow(QColor(0xf0, 0xf0, 0xf0), Qt::black));
        SettingsController s(store);
        QVERIFY(!s.darkMode());

        QSignalSpy dark(&s, &SettingsController::darkModeChanged);
        s.setTheme(QStringLiteral("dark"));
        QVERIFY(s.darkMode());
        QCOMPARE(dark.count(), 1);
        s.setTheme(QStringLiteral("light"));
        QVERIFY(!s.darkMode());

        // "system" follows the platform palette, also when the desktop switches while the app runs.
        s.setTheme(QStringLiteral("system"));
        QVERIFY(!s.darkMode());
        QGuiApplication::setPalette(paletteWithWindow(QColor(0x20, 0x20, 0x24), Qt::white));
        QVERIFY(QTest::qWaitFor([&] { return s.darkMode(); }, 2000));
        // An explicit light theme overrides a dark desktop.
        s.setTheme(QStringLiteral("light"));
        QVERIFY(!s.darkMode());
        s.setTheme(QStringLiteral("system"));
        QVERIFY(s.darkMode());
        QGuiApplication::setPalette(paletteWithWindow(QColor(0xfa, 0xfa, 0xfa), Qt::black));
        QVERIFY(QTest::qWaitFor([&] { return !s.darkMode(); }, 2000));
        QGuiApplication::setPalette(original);
    }

    void engineOptionsReflectTheSettings() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        SettingsController s(store);
        s.setThreads(1);
        s.setContextLength(2048);
        s.setKvType(QStringLiteral("q8_0"));
        s.setTemperature(0.0);
        s.setTopK(5);
        s.setTopP(0.9);
        s.setMinP(0.2);
        s.setRepeatPenalty(1.3);
        s.setSeed(7);
        s.setMaxTokens(-1);

        const LoadOptions o = s.loadOptions(QStringLiteral("/models/a.gguf"));
        QCOMPARE(o.path, QStringLiteral("/models/a.gguf"));
        QCOMPARE(o.threads, 1);
        QCOMPARE(o.nCtx, 2048);
        QCOMPARE(o.kvType, QStringLiteral("q8_0"));

        const SamplerSettings p = s.sampler();
        QCOMPARE(p.temperature, 0.0);
        QCOMPARE(p.topK, 5);
        QCOMPARE(p.topP, 0.9);
        QCOMPARE(p.minP, 0.2);
        QCOMPARE(p.repeatPenalty, 1.3);
        QCOMPARE(p.seed, quint64(7));
        QCOMPARE(p.maxTokens, -1);
    }

    void needsReloadWhenTheLoadedModelUsesOtherOptions() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        SettingsController s(store);
        QSignalSpy spy(&s, &SettingsController::needsReloadChanged);
        s.setContextLength(1024);
        QVERIFY(!s.needsReload());  // no model loaded: nothing to reload
        s.setLoadedOptions(s.loadOptions(QStringLiteral("m.gguf")));
        QVERIFY(!s.needsReload());
        s.setContextLength(2048);
        QVERIFY(s.needsReload());
        s.setContextLength(1024);  // back to what the model has
        QVERIFY(!s.needsReload());
        s.setKvType(QStringLiteral("q8_0"));
        QVERIFY(s.needsReload());
        s.setKvType(QStringLiteral("f16"));
        s.setThreads(s.threads() == 1 ? 2 : 1);
        QVERIFY(s.needsReload());
        s.setLoadedOptions(std::nullopt);  // unloaded
        QVERIFY(!s.needsReload());
        QCOMPARE(spy.count(), 6);
        // Sampling applies to the next answer: no reload.
        s.setLoadedOptions(s.loadOptions(QStringLiteral("m.gguf")));
        s.setTemperature(1.7);
        QVERIFY(!s.needsReload());
    }

    void modelsFolder() {
        QTemporaryDir dir;
        Store store = openStore(dir);
        SettingsController s(store);
        QSignalSpy spy(&s, &SettingsController::modelsFolderChanged);
        s.setModelsFolderFromUrl(QUrl::fromLocalFile(dir.path() + QStringLiteral("/sub/../gguf")));
        QCOMPARE(s.modelsFolder(), QDir::cleanPath(dir.path() + QStringLiteral("/gguf")));
        QCOMPARE(spy.count(), 1);
        // Only local folders: a web address is refused with a message and changes nothing.
        s.setModelsFolderFromUrl(QUrl(QStringLiteral("https://example.org/models")));
        QCOMPARE(s.modelsFolder(), QDir::cleanPath(dir.path() + QStringLiteral("/gguf")));
        QVERIFY(s.lastError().contains(QStringLiteral("local")));
        // Empty: back to the default, which is then not stored.
        s.setModelsFolder(QString());
        QCOMPARE(s.modelsFolder(), SettingsController::defaultModelsFolder());
        QVERIFY(!store.setting(QStringLiteral("modelsFolder")).isValid());
    }
};

QTEST_MAIN(SettingsControllerTest)
#include "settings_controller_test.moc"
