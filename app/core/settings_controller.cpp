// The settings: values clamped on the way in, cached for QML, written to the Store at once.
#include "app/core/settings_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJSEngine>
#include <QPalette>
#include <QPointer>
#include <QStandardPaths>
#include <algorithm>
#include <cmath>

#include "app/core/cpu_cores.h"
#include "app/core/store.h"

namespace hearth::app {
namespace {

QPointer<SettingsController> g_instance;

// Keys of the settings table. threads, nCtx, kvType, the sampler's and systemPrompt are the ones ChatController
// read before settings existed, so databases written then keep their values.
const QString kThreads = QStringLiteral("threads");
const QString kContext = QStringLiteral("nCtx");
const QString kKvType = QStringLiteral("kvType");
const QString kTemperature = QStringLiteral("temperature");
const QString kTopK = QStringLiteral("topK");
const QString kTopP = QStringLiteral("topP");
const QString kMinP = QStringLiteral("minP");
const QString kRepeatPenalty = QStringLiteral("repeatPenalty");
const QString kSeed = QStringLiteral("seed");
const QString kMaxTokens = QStringLiteral("maxTokens");
const QString kSystemPrompt = QStringLiteral("systemPrompt");
const QString kTheme = QStringLiteral("theme");
const QString kLanguage = QStringLiteral("language");
const QString kModelsFolder = QStringLiteral("modelsFolder");

const QStringList kKvTypes{QStringLiteral("f16"), QStringLiteral("q8_0")};
const QStringList kThemes{QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};

// Clamped into [lo, hi]; NaN (not a number from a text field) becomes fallback.
double clampReal(double value, double lo, double hi, double fallback) {
    return std::isnan(value) ? fallback : std::clamp(value, lo, hi);
}

// Compares doubles the way a user would: values that differ only past what a spin box shows are the same.
bool sameReal(double a, double b) { return std::abs(a - b) < 1e-9; }

// Above -1 (no limit) a budget of at least one token; 0 and other negatives mean "no limit".
int clampMaxTokens(int value) {
    return value <= 0 ? -1 : std::min(value, SettingsController::kMaxContextLength);
}

// The platform's window colour is dark (Qt 6.4 has no QStyleHints::colorScheme()). Without a GUI application
// (tools, tests on QCoreApplication) there is no platform palette: light.
bool platformIsDark() {
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return false;
    return QGuiApplication::palette().color(QPalette::Active, QPalette::Window).lightness() < 128;
}

}  // namespace

SettingsController::SettingsController(Store& store, QObject* parent) : QObject(parent), store_(store) {
    load();
    if (QCoreApplication* app = QCoreApplication::instance()) app->installEventFilter(this);
    updateDarkMode();
}

SettingsController::~SettingsController() {
    if (g_instance == this) g_instance = nullptr;
}

void SettingsController::setInstance(SettingsController* settings) { g_instance = settings; }

SettingsController* SettingsController::instance() { return g_instance.data(); }

SettingsController* SettingsController::create(QQmlEngine*, QJSEngine* js) {
    SettingsController* s = g_instance.data();
    // The QML engine must not take ownership of (and delete) the object app_setup owns.
    if (s && js) QJSEngine::setObjectOwnership(s, QJSEngine::CppOwnership);
    return s;
}

QStringList SettingsController::languages() {
    return {QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")};
}

void SettingsController::load() {
    // Stored values pass through the same validation as the user's, so a hand-edited or old database cannot put
    // the engine out of range.
    const QVariant threads = store_.setting(kThreads);
    threads_ = threads.isValid() && threads.toInt() > 0 ? std::clamp(threads.toInt(), 1, maxThreads())
                                                          : defaultThreads();
    contextLength_ = std::clamp(store_.setting(kContext, kDefaultContextLength).toInt(), kMinContextLength,
                                kMaxContextLength);
    const QString kv = store_.setting(kKvType).toString();
    kvType_ = kKvTypes.contains(kv) ? kv : kKvTypes.first();

    const SamplerSettings d;
    sampler_.temperature = clampReal(store_.setting(kTemperature, d.temperature).toDouble(), 0, kMaxTemperature,
                                     d.temperature);
    sampler_.topK = std::clamp(store_.setting(kTopK, d.topK).toInt(), 0, kMaxTopK);
    sampler_.topP = clampReal(store_.setting(kTopP, d.topP).toDouble(), 0, 1, d.topP);
    sampler_.minP = clampReal(store_.setting(kMinP, d.minP).toDouble(), 0, 1, d.minP);
    sampler_.repeatPenalty =
        clampReal(store_.setting(kRepeatPenalty, d.repeatPenalty).toDouble(), 1, kMaxRepeatPenalty, d.repeatPenalty);
    sampler_.seed = quint64(std::clamp(store_.setting(kSeed, qint64(d.seed)).toLongLong(), qint64(0), kMaxSeed));
    sampler_.maxTokens = clampMaxTokens(store_.setting(kMaxTokens, d.maxTokens).toInt());

    defaultSystemPrompt_ = store_.setting(kSystemPrompt).toString();
    const QString theme = store_.setting(kTheme).toString();
    theme_ = kThemes.contains(theme) ? theme : kThemes.first();
    const QString language = store_.setting(kLanguage).toString();
    language_ = languages().contains(language) ? language : QString();
    const QString folder = store_.setting(kModelsFolder).toString();
    modelsFolder_ = folder.isEmpty() ? defaultModelsFolder() : folder;
}

void SettingsController::save(const QString& key, const QVariant& value) {
    if (store_.setSetting(key, value)) return;
    // The value still applies for this session; the user learns it will not survive a restart.
    lastError_ = tr("Could not save the setting %1: %2").arg(key, store_.lastError());
    emit lastErrorChanged();
}

// --- Performance ----------------------------------------------------------------------------------------------

int SettingsController::defaultThreads() const { return std::min(physicalCores(), maxThreads()); }

// More threads than hardware threads only adds waiting; twice leaves room to experiment.
int SettingsController::maxThreads() const { return 2 * hardwareThreads(); }

void SettingsController::setThreads(int threads) {
    threads = std::clamp(threads, 1, maxThreads());
    if (threads == threads_) return;
    threads_ = threads;
    save(kThreads, threads);
    emit threadsChanged();
    updateNeedsReload();
}

void SettingsController::setContextLength(int tokens) {
    tokens = std::clamp(tokens, kMinContextLength, kMaxContextLength);
    if (tokens == contextLength_) return;
    contextLength_ = tokens;
    save(kContext, tokens);
    emit contextLengthChanged();
    updateNeedsReload();
}

void SettingsController::setKvType(const QString& type) {
    const QString t = type.trimmed().toLower();
    if (!kKvTypes.contains(t) || t == kvType_) return;  // an unknown type keeps the current one
    kvType_ = t;
    save(kKvType, t);
    emit kvTypeChanged();
    updateNeedsReload();
}

LoadOptions SettingsController::loadOptions(const QString& path) const {
    LoadOptions o;
    o.path = path;
    o.threads = threads_;
    o.nCtx = contextLength_;
    o.kvType = kvType_;
    return o;
}

void SettingsController::setLoadedOptions(const std::optional<LoadOptions>& options) {
    loaded_ = options;
    updateNeedsReload();
}

bool SettingsController::needsReload() const { return needsReload_; }

void SettingsController::updateNeedsReload() {
    const bool needs = loaded_ && (loaded_->threads != threads_ || loaded_->nCtx != contextLength_ ||
                                   loaded_->kvType != kvType_);
    if (needs == needsReload_) return;
    needsReload_ = needs;
    emit needsReloadChanged();
}

// --- Sampling -------------------------------------------------------------------------------------------------

void SettingsController::setTemperature(double value) {
    value = clampReal(value, 0, kMaxTemperature, sampler_.temperature);
    if (sameReal(value, sampler_.temperature)) return;
    sampler_.temperature = value;
    save(kTemperature, value);
    emit temperatureChanged();
}

void SettingsController::setTopK(int value) {
    value = std::clamp(value, 0, kMaxTopK);
    if (value == sampler_.topK) return;
    sampler_.topK = value;
    save(kTopK, value);
    emit topKChanged();
}

void SettingsController::setTopP(double value) {
    value = clampReal(value, 0, 1, sampler_.topP);
    if (sameReal(value, sampler_.topP)) return;
    sampler_.topP = value;
    save(kTopP, value);
    emit topPChanged();
}

void SettingsController::setMinP(double value) {
    value = clampReal(value, 0, 1, sampler_.minP);
    if (sameReal(value, sampler_.minP)) return;
    sampler_.minP = value;
    save(kMinP, value);
    emit minPChanged();
}

void SettingsController::setRepeatPenalty(double value) {
    value = clampReal(value, 1, kMaxRepeatPenalty, sampler_.repeatPenalty);
    if (sameReal(value, sampler_.repeatPenalty)) return;
    sampler_.repeatPenalty = value;
    save(kRepeatPenalty, value);
    emit repeatPenaltyChanged();
}

void SettingsController::setSeed(qint64 value) {
    value = std::clamp(value, qint64(0), kMaxSeed);
    if (quint64(value) == sampler_.seed) return;
    sampler_.seed = quint64(value);
    save(kSeed, value);
    emit seedChanged();
}

void SettingsController::setMaxTokens(int value) {
    value = clampMaxTokens(value);
    if (value == sampler_.maxTokens) return;
    sampler_.maxTokens = value;
    save(kMaxTokens, value);
    emit maxTokensChanged();
}

void SettingsController::setDefaultSystemPrompt(const QString& text) {
    if (text == defaultSystemPrompt_) return;
    defaultSystemPrompt_ = text;
    save(kSystemPrompt, text);
    emit defaultSystemPromptChanged();
}

// --- Appearance -----------------------------------------------------------------------------------------------

void SettingsController::setTheme(const QString& theme) {
    if (!kThemes.contains(theme) || theme == theme_) return;
    theme_ = theme;
    save(kTheme, theme);
    emit themeChanged();
    updateDarkMode();
}

void SettingsController::updateDarkMode() {
    const bool dark = theme_ == QLatin1String("dark") || (theme_ == QLatin1String("system") && platformIsDark());
    if (dark == darkMode_) return;
    darkMode_ = dark;
    emit darkModeChanged();
}

bool SettingsController::eventFilter(QObject* watched, QEvent* event) {
    // Qt sends ApplicationPaletteChange to the application and then to every window: react once.
    if (event->type() == QEvent::ApplicationPaletteChange && watched == QCoreApplication::instance())
        updateDarkMode();
    return QObject::eventFilter(watched, event);
}

void SettingsController::setLanguage(const QString& language) {
    if (!languages().contains(language) || language == language_) return;
    language_ = language;
    save(kLanguage, language);
    emit languageChanged();
}

// --- Models folder --------------------------------------------------------------------------------------------

QString SettingsController::defaultModelsFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("models"));
}

void SettingsController::setModelsFolder(const QString& path) {
    const QString trimmed = path.trimmed();
    const QString folder =
        trimmed.isEmpty() ? defaultModelsFolder() : QDir::cleanPath(QFileInfo(trimmed).absoluteFilePath());
    if (folder == modelsFolder_) return;
    modelsFolder_ = folder;
    // The default is not stored, so it follows the data folder if that ever moves.
    save(kModelsFolder, folder == defaultModelsFolder() ? QVariant() : QVariant(folder));
    emit modelsFolderChanged();
}

void SettingsController::setModelsFolderFromUrl(const QUrl& url) {
    if (url.isLocalFile()) {
        setModelsFolder(url.toLocalFile());
    } else if (url.scheme().isEmpty()) {
        setModelsFolder(url.path());
    } else {
        lastError_ = tr("The models folder must be a local folder, not %1").arg(url.toDisplayString());
        emit lastErrorChanged();
    }
}

// --- Reset ----------------------------------------------------------------------------------------------------

void SettingsController::resetToDefaults() {
    // Through the setters, so QML hears about each change; then the keys are forgotten, so the defaults that
    // depend on the machine (threads, the data folder) follow it from now on.
    const SamplerSettings d;
    setThreads(defaultThreads());
    setContextLength(kDefaultContextLength);
    setKvType(kKvTypes.first());
    setTemperature(d.temperature);
    setTopK(d.topK);
    setTopP(d.topP);
    setMinP(d.minP);
    setRepeatPenalty(d.repeatPenalty);
    setSeed(qint64(d.seed));
    setMaxTokens(d.maxTokens);
    setDefaultSystemPrompt(QString());
    setTheme(kThemes.first());
    setLanguage(QString());
    setModelsFolder(QString());
    for (const QString& key : {kThreads, kContext, kKvType, kTemperature, kTopK, kTopP, kMinP, kRepeatPenalty, kSeed,
                               kMaxTokens, kSystemPrompt, kTheme, kLanguage, kModelsFolder})
        save(key, QVariant());
}

}  // namespace hearth::app
