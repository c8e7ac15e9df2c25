// The models page's backend (a QML singleton): the shipped catalog with this machine's fit check for every file,
// downloads into the models folder, and the models already there (scanned off the GUI thread, rescanned when the
// folder changes), with import, delete and load.
//
// Privacy: the DownloadManager and the network object for header reads are created by the first download or
// header read the user asks for, never before. Hub settings: a base URL for mirrors (catalog URLs are moved onto
// it; kept in the Store's settings table as "hubBaseUrl") and an optional token for gated repositories, sent only
// to the hub's own scheme, host and port (DownloadManager::setAuthorization), kept by HubTokenStore in the system
// keyring or a 0600 file — never in the database — and read from there only when a request needs it.
//
// A file's own header (readRemoteGgufHeader, HTTP Range) refines a catalog row marked unverified when the user asks
// (checkFile), and describes a file the user adds by its URL (addFromUrl): exact type mix, parameters and size, and
// the fit check on the file's own tensors, before any download.
//
// Files added by their URL are kept in the Store's settings ("addedModels", JSON): the row's facts and a summary of
// the file's header (its tensor table and the model's hyper-parameters, re-encoded as a small GGUF without the
// vocabulary), so that after a restart the row shows the same numbers without any network access, and a download an
// app restart interrupted resumes from its part file like a catalog row's. What is read back is validated (a
// corrupted setting or entry is skipped with a log line); the user removes an added row with removeAddedFile.
#pragma once

#include <QCoroFwd>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <memory>
#include <optional>

#include "app/core/catalog.h"
#include "app/core/catalog_model.h"
#include "app/core/download_manager.h"
#include "app/core/hub_token_store.h"
#include "app/core/local_models_model.h"
#include "app/core/remote_gguf.h"

class QFileSystemWatcher;
class QNetworkAccessManager;
class QQmlEngine;
class QJSEngine;

namespace hearth::app {

class SettingsController;
class Store;

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(hearth::app::CatalogFilterModel* catalog READ catalog CONSTANT)
    Q_PROPERTY(hearth::app::LocalModelsModel* localModels READ localModels CONSTANT)
    Q_PROPERTY(QString catalogError READ catalogError NOTIFY catalogChanged)  // the shipped catalog is broken
    Q_PROPERTY(QVariantList modelLicences READ modelLicences NOTIFY catalogChanged)  // [{name, license, url}]
    Q_PROPERTY(QString modelsFolder READ modelsFolder NOTIFY modelsFolderChanged)
    Q_PROPERTY(QString memoryText READ memoryText NOTIFY machineChanged)  // "7.8 GB of 15.6 GB available"
    Q_PROPERTY(QString hubBaseUrl READ hubBaseUrl WRITE setHubBaseUrl NOTIFY hubChanged)
    Q_PROPERTY(QString defaultHubBaseUrl READ defaultHubBaseUrlText CONSTANT)
    Q_PROPERTY(bool hubTokenSet READ hubTokenSet NOTIFY hubChanged)  // the token itself is never read back
    // Where the saved token is, for the page: "Saved in the system keyring." / "No system keyring: saved in <file>,
    // readable only by you." / "" (none).
    Q_PROPERTY(QString hubTokenStorage READ hubTokenStorage NOTIFY hubChanged)
    Q_PROPERTY(bool hubTokenBusy READ hubTokenBusy NOTIFY hubChanged)  // saving or forgetting it (keyring calls)
    // "Add from URL": a header read running, its error, and the key of the row it added or refined.
    Q_PROPERTY(bool urlBusy READ urlBusy NOTIFY urlChanged)
    Q_PROPERTY(QString urlError READ urlError NOTIFY urlChanged)
    Q_PROPERTY(QString urlKey READ urlKey NOTIFY urlChanged)
    Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
    Q_PROPERTY(bool importing READ importing NOTIFY importingChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)    // import / delete / download start
    Q_PROPERTY(QString lastNotice READ lastNotice NOTIFY lastNoticeChanged)  // "Imported ..."

public:
    // store: the settings table for the hub settings; settings: the models folder, context length and KV type
    // (nullptr in tests that set them with the setters below). Both must outlive this object. tokens: where the hub
    // token is kept; nullptr: the system keyring with the default fallback file (tests pass their own).
    ModelsController(Store& store, SettingsController* settings, QObject* parent = nullptr,
                     std::unique_ptr<HubTokenStore> tokens = nullptr);
    ~ModelsController() override;

    // QML_SINGLETON: the instance app_setup made (setInstance), handed to the QML engine (which must not delete it).
    static void setInstance(ModelsController* models);
    static ModelsController* create(QQmlEngine* qml, QJSEngine* js);
    static ModelsController* instance();

    CatalogFilterModel* catalog() const { return filter_; }
    CatalogModel* catalogModel() const { return catalogModel_; }
    LocalModelsModel* localModels() const { return local_; }
    QString catalogError() const { return catalogError_; }
    QVariantList modelLicences() const;
    QString modelsFolder() const;
    QString memoryText() const;
    QString hubBaseUrl() const { return hubBase_.toString(); }
    void setHubBaseUrl(const QString& url);  // "" or invalid: the default (invalid also sets lastError)
    QString defaultHubBaseUrlText() const { return defaultHubBaseUrl().toString(); }
    bool hubTokenSet() const { return tokens_->hasToken(); }
    QString hubTokenStorage() const;
    bool hubTokenBusy() const { return tokenBusy_ > 0; }
    bool urlBusy() const { return urlBusy_; }
    QString urlError() const { return urlError_; }
    QString urlKey() const { return urlKey_; }
    bool scanning() const { return scanning_; }
    bool importing() const { return importing_; }
    QString lastError() const { return lastError_; }
    QString lastNotice() const { return lastNotice_; }

    // The page's actions. `key` is a catalog row's key role.
    Q_INVOKABLE void download(const QString& key);
    Q_INVOKABLE void pause(const QString& key);
    Q_INVOKABLE void resume(const QString& key);
    Q_INVOKABLE void cancel(const QString& key);
    Q_INVOKABLE void loadCatalogFile(const QString& key);  // an installed catalog file: loadRequested
    Q_INVOKABLE void loadFile(const QString& path);        // a local model: loadRequested
    // Copies (or moves) a .gguf (path or file:// URL) into the models folder once the engine's reader accepts it;
    // importFinished reports the outcome.
    Q_INVOKABLE void importFile(const QString& pathOrUrl, bool move = false);
    Q_INVOKABLE bool deleteFile(const QString& path);  // only files in the models folder
    Q_INVOKABLE void setHubToken(const QString& token);  // "" forgets it; hubChanged when saved
    // Reads the header of the .gguf at `url` (the hub's /resolve/ or /blob/ address, or a mirror's) and lists the
    // file first in the catalog with its exact facts and fit; a catalog file's URL refines that row instead.
    // urlChanged when done (urlError says why not).
    Q_INVOKABLE void addFromUrl(const QString& url);
    // Forgets a row added by its URL, and deletes its part file (downloaded bytes) unless a download of it is
    // running (queued, downloading or verifying: refused, lastError says why). A finished file stays in the models
    // folder (the local list deletes it). False when refused or not an added row.
    Q_INVOKABLE bool removeAddedFile(const QString& key);
    // Reads a catalog row's file header (for rows marked unverified): the row's numbers become the file's own.
    Q_INVOKABLE void checkFile(const QString& key);
    Q_INVOKABLE void refresh();      // memory figures now, and a rescan of the folder
    Q_INVOKABLE void clearMessages();

    // Wiring (app_setup) and tests.
    void setBandwidthGbps(double gbps);                                 // MachineController's figure
    void setSystemMemoryOverride(std::optional<engine::SystemMemory> memory);  // tests: a smaller machine
    void setCatalogJson(const QByteArray& json);                        // tests: another catalog
    void setModelsFolderOverride(const QString& folder);                // tests without SettingsController
    void setFitSettingsOverride(int nCtx, const QString& kvType);       // tests without SettingsController
    DownloadManager* downloadManager() const { return downloads_.get(); }  // nullptr before the first download
    // Tests: the manager's tuning is applied when it is created.
    void setDownloadTuning(std::function<void(DownloadManager&)> tune) { tune_ = std::move(tune); }
    // Tests: limits of the header reads (the authorization is set per read).
    void setRemoteHeaderOptions(const RemoteGgufOptions& options) { headerOptions_ = options; }
    HubTokenStore* tokenStore() const { return tokens_.get(); }
    MachineFit machineFit() const;

signals:
    void catalogChanged();
    void modelsFolderChanged();
    void machineChanged();
    void hubChanged();
    void scanningChanged();
    void importingChanged();
    void lastErrorChanged();
    void lastNoticeChanged();
    void scanFinished();
    void loadRequested(const QString& path);
    void importFinished(bool ok, const QString& message);
    void urlChanged();
    void headerChecked(const QString& key, bool ok, const QString& error);  // checkFile / addFromUrl finished
    void downloadFinished(const QString& key, bool ok, const QString& error);

private:
    DownloadManager* ensureDownloads();
    QNetworkAccessManager* network();
    QCoro::Task<void> ensureToken();
    QCoro::Task<void> saveToken(QString token);
    QCoro::Task<void> migrateToken();
    QCoro::Task<void> startDownload(QString key);
    QCoro::Task<RemoteGgufResult> readHeader(QUrl url);
    QCoro::Task<void> runCheckFile(QString key);
    QCoro::Task<void> runAddFromUrl(QString text);
    QUrl downloadUrl(const CatalogEntry& entry) const;
    void saveAddedFiles();
    void restoreAddedFiles();
    bool isCatalogUrl(const QUrl& url) const;
    void applyAuthorization();
    void onDownloadChanged(int id);
    void updateMachine();
    void scheduleRescan();
    QCoro::Task<void> rescan();
    QCoro::Task<void> runImport(QString source, bool move);
    void watchFolder();
    void setError(const QString& error);
    void setNotice(const QString& notice);
    QString targetPath(const CatalogEntry& entry) const;
    QString keyForTarget(const QString& targetPath) const;

    Store& store_;
    QPointer<SettingsController> settings_;
    CatalogModel* catalogModel_ = nullptr;
    CatalogFilterModel* filter_ = nullptr;
    LocalModelsModel* local_ = nullptr;
    std::unique_ptr<DownloadManager> downloads_;
    std::function<void(DownloadManager&)> tune_;
    QFileSystemWatcher* watcher_ = nullptr;
    QTimer rescanTimer_;
    QString catalogError_;
    QUrl hubBase_;
    std::unique_ptr<HubTokenStore> tokens_;
    QString hubToken_;        // read from tokens_ when a request first needs it
    bool tokenLoaded_ = false;
    int tokenBusy_ = 0;
    QNetworkAccessManager* nam_ = nullptr;
    RemoteGgufOptions headerOptions_;
    bool urlBusy_ = false;
    QString urlError_;
    QString urlKey_;
    double bandwidthGbps_ = 0;
    std::optional<engine::SystemMemory> memoryOverride_;
    std::optional<engine::SystemMemory> memory_;  // the last figures read
    QString folderOverride_;
    std::optional<std::pair<int, QString>> fitOverride_;
    bool scanning_ = false;
    bool rescanPending_ = false;
    bool importing_ = false;
    QString lastError_;
    QString lastNotice_;
};

}  // namespace hearth::app
