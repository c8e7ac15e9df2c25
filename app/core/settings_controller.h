// The app's settings for QML (a singleton): engine performance (threads, context length, KV cache type), the
// sampler, the default system prompt of new chats, appearance (theme, language) and the models folder. Every value
// is validated and clamped on the way in, kept in memory for binding, and written to the Store's settings table at
// once (missing keys mean "default", so a reset forgets them and a default that depends on the machine — the
// thread count — follows the machine). ChatController asks it for LoadOptions and SamplerSettings.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <optional>

#include "app/core/engine_types.h"

class QQmlEngine;
class QJSEngine;

namespace hearth::app {

class Store;

class SettingsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    // Performance: applied when a model is loaded (needsReload tells the UI a loaded model uses other values).
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY threadsChanged)
    Q_PROPERTY(int defaultThreads READ defaultThreads CONSTANT)  // the physical cores
    Q_PROPERTY(int maxThreads READ maxThreads CONSTANT)          // twice the hardware threads
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY contextLengthChanged)
    Q_PROPERTY(int minContextLength READ minContextLength CONSTANT)
    Q_PROPERTY(int maxContextLength READ maxContextLength CONSTANT)
    Q_PROPERTY(QString kvType READ kvType WRITE setKvType NOTIFY kvTypeChanged)  // "f16" or "q8_0"
    Q_PROPERTY(bool needsReload READ needsReload NOTIFY needsReloadChanged)

    // Sampling: applied to the next answer.
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY temperatureChanged)   // 0..2, 0: greedy
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY topKChanged)                                  // 0..1000, 0: off
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY topPChanged)                               // 0..1, 1: off
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY minPChanged)                               // 0..1, 0: off
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY repeatPenaltyChanged)  // 1..2
    Q_PROPERTY(qint64 seed READ seed WRITE setSeed NOTIFY seedChanged)            // 0: a new random seed per answer
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY maxTokensChanged)  // -1: no limit

    Q_PROPERTY(QString defaultSystemPrompt READ defaultSystemPrompt WRITE setDefaultSystemPrompt
                   NOTIFY defaultSystemPromptChanged)

    // Appearance.
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)  // "system", "light" or "dark"
    Q_PROPERTY(bool darkMode READ darkMode NOTIFY darkModeChanged)          // the theme resolved
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)  // "": the system's

    Q_PROPERTY(QString modelsFolder READ modelsFolder WRITE setModelsFolder NOTIFY modelsFolderChanged)
    Q_PROPERTY(QUrl modelsFolderUrl READ modelsFolderUrl NOTIFY modelsFolderChanged)

    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)  // why the last save failed

public:
    // store: the open database (ChatController's); must outlive this object.
    explicit SettingsController(Store& store, QObject* parent = nullptr);
    ~SettingsController() override;

    // QML_SINGLETON: the instance app_setup made (setInstance), handed to the QML engine (which must not delete it).
    static void setInstance(SettingsController* settings);
    static SettingsController* create(QQmlEngine* qml, QJSEngine* js);
    static SettingsController* instance();  // the one setInstance() registered (nullptr: none)

    // The ranges values are clamped to, and the language codes accepted.
    static constexpr int kMinContextLength = 256;
    static constexpr int kMaxContextLength = 131072;
    static constexpr int kDefaultContextLength = 4096;
    static constexpr int kMaxTopK = 1000;
    static constexpr double kMaxTemperature = 2.0;
    static constexpr double kMaxRepeatPenalty = 2.0;
    static constexpr qint64 kMaxSeed = (qint64(1) << 53) - 1;  // exact in a QML (JavaScript) number
    static QStringList languages();                             // "", "en", "de", "zh_CN"

    int threads() const { return threads_; }
    void setThreads(int threads);
    int defaultThreads() const;
    int maxThreads() const;
    int contextLength() const { return contextLength_; }
    void setContextLength(int tokens);
    int minContextLength() const { return kMinContextLength; }
    int maxContextLength() const { return kMaxContextLength; }
    QString kvType() const { return kvType_; }
    void setKvType(const QString& type);
    bool needsReload() const;

    double temperature() const { return sampler_.temperature; }
    void setTemperature(double value);
    int topK() const { return sampler_.topK; }
    void setTopK(int value);
    double topP() const { return sampler_.topP; }
    void setTopP(double value);
    double minP() const { return sampler_.minP; }
    void setMinP(double value);
    double repeatPenalty() const { return sampler_.repeatPenalty; }
    void setRepeatPenalty(double value);
    qint64 seed() const { return qint64(sampler_.seed); }
    void setSeed(qint64 value);
    int maxTokens() const { return sampler_.maxTokens; }
    void setMaxTokens(int value);

    QString defaultSystemPrompt() const { return defaultSystemPrompt_; }
    void setDefaultSystemPrompt(const QString& text);

    QString theme() const { return theme_; }
    void setTheme(const QString& theme);
    bool darkMode() const { return darkMode_; }
    QString language() const { return language_; }
    void setLanguage(const QString& language);

    QString modelsFolder() const { return modelsFolder_; }
    void setModelsFolder(const QString& path);  // empty: the default
    QUrl modelsFolderUrl() const { return QUrl::fromLocalFile(modelsFolder_); }
    static QString defaultModelsFolder();  // <AppDataLocation>/models

    QString lastError() const { return lastError_; }

    // What the engine gets: a model at path loaded with these threads, context and KV type; and the sampler.
    LoadOptions loadOptions(const QString& path) const;
    SamplerSettings sampler() const { return sampler_; }

    // ChatController reports the options of the model now loaded (nullopt: none), for needsReload.
    void setLoadedOptions(const std::optional<LoadOptions>& options);

    Q_INVOKABLE void setModelsFolderFromUrl(const QUrl& url);  // a FolderDialog's file:// URL (or a plain path)
    Q_INVOKABLE void resetToDefaults();

signals:
    void threadsChanged();
    void contextLengthChanged();
    void kvTypeChanged();
    void needsReloadChanged();
    void temperatureChanged();
    void topKChanged();
    void topPChanged();
    void minPChanged();
    void repeatPenaltyChanged();
    void seedChanged();
    void maxTokensChanged();
    void defaultSystemPromptChanged();
    void themeChanged();
    void darkModeChanged();
    void languageChanged();
    void modelsFolderChanged();
    void lastErrorChanged();

protected:
    // Follows the platform palette (ApplicationPaletteChange) while the theme is "system".
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void load();                                      // every value from the store (or its default)
    void save(const QString& key, const QVariant& value);  // invalid value: forget the key
    void updateDarkMode();
    void updateNeedsReload();

    Store& store_;
    int threads_ = 1;
    int contextLength_ = kDefaultContextLength;
    QString kvType_ = QStringLiteral("f16");
    SamplerSettings sampler_;
    QString defaultSystemPrompt_;
    QString theme_ = QStringLiteral("system");
    bool darkMode_ = false;
    QString language_;
    QString modelsFolder_;
    QString lastError_;
    std::optional<LoadOptions> loaded_;  // the model loaded now was loaded with these
    bool needsReload_ = false;
};

}  // namespace hearth::app
