// The models page's backend. Everything runs on the GUI thread except what touches model files (the folder scan,
// GGUF validation and the copy of an import), which runs on a pool thread and is awaited (QCoro): the page never
// stalls on a slow disk. Results are applied only if the controller still exists (QPointer) and, for scans, only
// the last scan's (a rescan requested during a scan runs after it).
#include "app/core/models_controller.h"

#include <QCoroFuture>
#include <QCoroSignal>
#include <QCoroTask>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QRegularExpression>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <span>
#include <string>
#include <utility>

#include "app/core/download_integrity.h"
#include "app/core/download_part.h"
#include "app/core/settings_controller.h"
#include "app/core/store.h"
#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "engine/kv_cache.h"
#include "engine/model_config.h"

Q_LOGGING_CATEGORY(lcModels, "hearth.models")

namespace hearth::app {

namespace {

QPointer<ModelsController> g_instance;

const QString kHubBaseKey = QStringLiteral("hubBaseUrl");
// The files the user added by their URL: {"version": 1, "files": [{facts..., "header": base64}]}, newest first.
const QString kAddedFilesKey = QStringLiteral("addedModels");
constexpr int kAddedFilesVersion = 1;
const QString kCatalogResource = QStringLiteral(":/catalog.json");
constexpr int kRescanDelayMs = 250;  // coalesces the burst of change signals a copy or download produces

struct FolderScan {
    QList<LocalModelInfo> models;
    QHash<QString, qint64> parts;  // target file name -> bytes in its .part file
};

FolderScan scanFolder(const QString& folder, const MachineFit& machine) {
    FolderScan scan;
    scan.models = scanModelsFolder(folder, machine);
    const QDir dir(folder);
    for (const QFileInfo& f : dir.entryInfoList({QStringLiteral("*.gguf.part")}, QDir::Files)) {
        scan.parts.insert(f.fileName().chopped(int(QStringLiteral(".part").size())), f.size());
    }
    return scan;
}

// What an import does off the GUI thread: validate, then copy (through a temporary name, so a half-copied file is
// never seen as a model) or move. "" on success, else the reason.
QString importBlocking(const QString& source, const QString& target, bool move) {
    const QString problem = ggufProblem(source);
    if (!problem.isEmpty()) {
        return ModelsController::tr("%1 is not a usable GGUF model: %2").arg(QFileInfo(source).fileName(), problem);
    }
    if (move && QFile::rename(source, target)) return QString();
    const QString temporary = target + QStringLiteral(".importing");
    QFile::remove(temporary);
    QFile in(source);
    if (!in.copy(temporary)) {
        QFile::remove(temporary);
        return ModelsController::tr("Cannot copy %1 into the models folder: %2")
            .arg(QFileInfo(source).fileName(), in.errorString());
    }
    if (!QFile::rename(temporary, target)) {
        QFile::remove(temporary);
        return ModelsController::tr("Cannot create %1.").arg(target);
    }
    if (move && !QFile::remove(source)) {
        qCWarning(lcModels, "imported %s but could not remove the original", qUtf8Printable(source));
    }
    return QString();
}

// ---- Files added by their URL, kept across restarts ----

// The row's key part for a file added by its URL: the address without scheme, so the same URL gives the same key
// in every session.
QString modelIdForUrl(const QUrl& url) { return QStringLiteral("url:") + url.host() + url.path(); }

// Bytes of one element of a numeric GGUF array (0 for strings and arrays).
uint64_t ggufElementBytes(engine::GgufType type) {
    using T = engine::GgufType;
    switch (type) {
    case T::Uint8:
    case T::Int8:
    case T::Bool: return 1;
    case T::Uint16:
    case T::Int16: return 2;
    case T::Uint32:
    case T::Int32:
    case T::Float32: return 4;
    case T::Uint64:
    case T::Int64:
    case T::Float64: return 8;
    case T::String:
    case T::Array: return 0;
    }
    return 0;
}

// One metadata value as GGUF encodes it (type, then value).
void encodeGgufValue(engine::GgufBytes& out, const engine::GgufValue& v) {
    using T = engine::GgufType;
    out.type(v.type);
    switch (v.type) {
    case T::Uint8: out.u8(uint8_t(v.u)); return;
    case T::Int8: out.i8(int8_t(v.i)); return;
    case T::Uint16: out.u16(uint16_t(v.u)); return;
    case T::Int16: out.i16(int16_t(v.i)); return;
    case T::Uint32: out.u32(uint32_t(v.u)); return;
    case T::Int32: out.i32(int32_t(v.i)); return;
    case T::Uint64: out.u64(v.u); return;
    case T::Int64: out.i64(v.i); return;
    case T::Float32: out.f32(float(v.f)); return;  // read from a float: exact
    case T::Float64: out.f64(v.f); return;
    case T::Bool: out.u8(v.u != 0 ? 1 : 0); return;
    case T::String: out.str(v.str); return;
    case T::Array: break;
    }
    out.type(v.elemType).u64(v.count);
    if (v.elemType == T::String) {
        for (std::string_view s : v.strings) out.str(s);
    } else if (v.count > 0 && v.elems != nullptr) {
        out.raw(std::span<const uint8_t>(v.elems, v.count * ggufElementBytes(v.elemType)));
    }
}

// Values larger than this are left out of the summary: hyper-parameters are numbers and short arrays (per-layer
// counts), while the large values are the vocabulary, its scores and merges, and the chat template.
constexpr size_t kMaxSummaryValueBytes = 8 * 1024;

// The part of a file's header the row's numbers come from, as a GGUF of its own: every tensor info (name, shape,
// type and offset: the type mix, parameter count, resident and per-token bytes) and the metadata that
// ModelConfig::fromGguf and inspectGguf read, without the tokenizer (megabytes that none of them read). Read back
// with GgufFile::parseHeader against the file's size, it gives inspectGguf the same tensors and keys as the header
// the file was added from, so a restored row shows the same numbers, computed for this machine as it is then (the
// resident bytes depend on the CPU's repacking): a summary of derived figures could not follow that. A few KB for
// a small model, tens of KB for one with hundreds of tensors.
QByteArray headerSummary(const engine::GgufFile& file) {
    engine::GgufBytes kvs;
    uint64_t nKv = 0;
    for (const engine::GgufKv& kv : file.metadata()) {
        if (kv.key.starts_with("tokenizer.")) continue;
        engine::GgufBytes value;
        encodeGgufValue(value, kv.value);
        if (value.size() > kMaxSummaryValueBytes) continue;
        kvs.str(kv.key).raw(std::span<const uint8_t>(value.bytes()));
        ++nKv;
    }
    // Without a token_embd tensor the config takes the vocabulary size from the token list: keep its count.
    const std::optional<std::string_view> arch = file.getString("general.architecture");
    const engine::GgufValue* tokens = file.getArray("tokenizer.ggml.tokens");
    if (arch && tokens && file.findTensor("token_embd.weight") == nullptr) {
        const std::string key = std::string(*arch) + ".vocab_size";
        if (file.find(key) == nullptr) {
            kvs.str(key).type(engine::GgufType::Uint64).u64(tokens->count);
            ++nKv;
        }
    }
    engine::GgufBytes out;
    out.raw(std::string_view("GGUF")).u32(3).u64(file.tensors().size()).u64(nKv);
    out.raw(std::span<const uint8_t>(kvs.bytes()));
    for (const engine::GgufTensor& t : file.tensors()) {
        out.str(t.name).u32(t.nDims);
        for (uint32_t d = 0; d < t.nDims; ++d) out.u64(uint64_t(t.ne[d]));
        out.u32(uint32_t(t.type)).u64(t.offset);
    }
    const std::vector<uint8_t>& bytes = out.bytes();
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

// A summary read back (nullptr and *error when the engine's reader refuses it: a corrupted setting).
std::shared_ptr<const RemoteGgufHeader> readHeaderSummary(const QByteArray& summary, qint64 fileSize,
                                                          QString* error) {
    auto header = std::make_shared<RemoteGgufHeader>();
    header->prefix = summary;  // the parsed file views these bytes: they live as long as the header
    const auto* data = reinterpret_cast<const uint8_t*>(header->prefix.constData());
    auto file = engine::GgufFile::parseHeader(std::span<const uint8_t>(data, size_t(header->prefix.size())),
                                              uint64_t(fileSize));
    if (!file) {
        *error = QString::fromStdString(file.message());
        return nullptr;
    }
    header->file = std::move(file).value();
    return header;
}

// What CatalogModel::setHeader takes, for a header read back from the settings (as readRemoteGgufHeader fills it).
RemoteGgufResult resultOfHeader(std::shared_ptr<const RemoteGgufHeader> header, qint64 fileSize) {
    RemoteGgufResult r;
    describeGgufHeader(r, *header->file);
    r.fileSize = fileSize;
    r.header = std::move(header);
    return r;
}

// The shape fields of a saved entry: what the row falls back to if its header summary cannot be read.
struct SavedCount {
    const char* name;
    qint64 CatalogEntry::*field;
};
const SavedCount kSavedCounts[] = {
    {"parameters", &CatalogEntry::parameters}, {"contextLength", &CatalogEntry::contextLength},
    {"nLayers", &CatalogEntry::nLayers},       {"nHeads", &CatalogEntry::nHeads},
    {"nKvHeads", &CatalogEntry::nKvHeads},     {"headDim", &CatalogEntry::headDim},
    {"nEmbd", &CatalogEntry::nEmbd},           {"nVocab", &CatalogEntry::nVocab},
};

QJsonObject addedEntryToJson(const CatalogEntry& e) {
    QJsonObject o{{"url", e.url.toString(QUrl::FullyEncoded)},
                  {"fileName", e.fileName},
                  {"name", e.name},
                  {"repo", e.repo},
                  {"quantization", e.quantization},
                  {"architecture", e.architecture},
                  {"sizeBytes", double(e.sizeBytes)},
                  {"license", e.license},
                  {"supported", e.supported},
                  {"reason", e.reason}};
    for (const SavedCount& c : kSavedCounts) o.insert(QLatin1String(c.name), double(e.*(c.field)));
    return o;
}

// A saved entry, checked field by field (the settings table is a file a user or another build may have changed):
// nullopt and *why when it is not what addedEntryToJson writes. The file name must be a plain .gguf name, or a
// download or removal could reach outside the models folder.
std::optional<CatalogEntry> addedEntryFromJson(const QJsonObject& o, QString* why) {
    constexpr double kMaxCount = double(qint64{1} << 50);  // above any real count, far below overflow in the fit
    CatalogEntry e;
    const QJsonValue url = o.value(QLatin1String("url"));
    e.url = QUrl(url.toString(), QUrl::StrictMode);
    if (!url.isString() || !e.url.isValid() || !isValidHubBase(e.url)) {
        *why = QStringLiteral("url is not an http(s) address");
        return std::nullopt;
    }
    const QJsonValue fileName = o.value(QLatin1String("fileName"));
    e.fileName = fileName.toString();
    if (!fileName.isString() || !e.fileName.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ||
        e.fileName.startsWith(QLatin1Char('.')) || e.fileName.contains(QLatin1Char('/')) ||
        e.fileName.contains(QLatin1Char('\\')) || e.fileName.size() > 255) {
        *why = QStringLiteral("fileName is not a plain .gguf file name");
        return std::nullopt;
    }
    const QJsonValue size = o.value(QLatin1String("sizeBytes"));
    const double sizeValue = size.toDouble(-1);
    if (!size.isDouble() || sizeValue < 1 || sizeValue > kMaxCount || sizeValue != std::floor(sizeValue)) {
        *why = QStringLiteral("sizeBytes is not a positive whole number");
        return std::nullopt;
    }
    e.sizeBytes = qint64(sizeValue);
    const QJsonValue quantization = o.value(QLatin1String("quantization"));
    e.quantization = quantization.toString();
    if (!quantization.isString() || e.quantization.isEmpty() || e.quantization.size() > 32) {
        *why = QStringLiteral("quantization is missing");
        return std::nullopt;
    }
    const QJsonValue supported = o.value(QLatin1String("supported"));
    if (!supported.isBool()) {
        *why = QStringLiteral("supported is not true or false");
        return std::nullopt;
    }
    e.supported = supported.toBool();
    for (const auto& [name, field] : {std::pair{"name", &CatalogEntry::name}, std::pair{"repo", &CatalogEntry::repo},
                                      std::pair{"architecture", &CatalogEntry::architecture},
                                      std::pair{"license", &CatalogEntry::license},
                                      std::pair{"reason", &CatalogEntry::reason}}) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (!v.isUndefined() && !v.isString()) {
            *why = QStringLiteral("%1 is not text").arg(QLatin1String(name));
            return std::nullopt;
        }
        e.*field = v.toString();
    }
    for (const SavedCount& c : kSavedCounts) {
        const QJsonValue v = o.value(QLatin1String(c.name));
        if (v.isUndefined()) continue;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > kMaxCount || d != std::floor(d)) {
            *why = QStringLiteral("%1 is not a count").arg(QLatin1String(c.name));
            return std::nullopt;
        }
        e.*(c.field) = qint64(d);
    }
    if (!e.supported && e.reason.isEmpty()) e.reason = ModelsController::tr("unknown");
    if (e.name.isEmpty()) e.name = QFileInfo(e.fileName).completeBaseName();
    e.modelId = modelIdForUrl(e.url);
    e.description = e.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    e.family = e.name;
    e.addedFromUrl = true;
    e.chat = true;
    e.sizeExact = true;  // the server's Content-Range total when it was added
    e.verified = false;
    return e;
}

}  // namespace

ModelsController::ModelsController(Store& store, SettingsController* settings, QObject* parent,
                                   std::unique_ptr<HubTokenStore> tokens)
    : QObject(parent), store_(store), settings_(settings), tokens_(std::move(tokens)) {
    if (!tokens_) tokens_ = std::make_unique<HubTokenStore>(store_, makeSystemKeyring());
    catalogModel_ = new CatalogModel(this);
    filter_ = new CatalogFilterModel(catalogModel_, this);
    local_ = new LocalModelsModel(this);

    memory_ = engine::systemMemory();
    const QUrl base(store_.setting(kHubBaseKey).toString());
    hubBase_ = isValidHubBase(base) ? base : defaultHubBaseUrl();
    // A token an older build kept in the database moves to the keyring (or the token file) now.
    (void)migrateToken();

    QFile catalog(kCatalogResource);
    if (catalog.open(QIODevice::ReadOnly)) {
        setCatalogJson(catalog.readAll());
    } else {
        catalogError_ = tr("The model catalog is missing from this build (%1).").arg(kCatalogResource);
    }

    rescanTimer_.setSingleShot(true);
    rescanTimer_.setInterval(kRescanDelayMs);
    connect(&rescanTimer_, &QTimer::timeout, this, [this] { (void)rescan(); });

    if (settings_) {
        connect(settings_, &SettingsController::modelsFolderChanged, this, [this] {
            emit modelsFolderChanged();
            watchFolder();
            (void)rescan();
        });
        connect(settings_, &SettingsController::contextLengthChanged, this, &ModelsController::updateMachine);
        connect(settings_, &SettingsController::kvTypeChanged, this, &ModelsController::updateMachine);
    }
    watchFolder();
}

ModelsController::~ModelsController() {
    if (g_instance == this) g_instance = nullptr;
}

void ModelsController::setInstance(ModelsController* models) { g_instance = models; }

ModelsController* ModelsController::instance() { return g_instance.data(); }

ModelsController* ModelsController::create(QQmlEngine*, QJSEngine* js) {
    ModelsController* m = g_instance.data();
    if (m && js) QJSEngine::setObjectOwnership(m, QJSEngine::CppOwnership);
    return m;
}

void ModelsController::setCatalogJson(const QByteArray& json) {
    QString error;
    QList<CatalogEntry> entries = parseCatalog(json, &error);
    catalogError_ = error;
    if (!error.isEmpty()) qCWarning(lcModels, "catalog: %s", qUtf8Printable(error));
    catalogModel_->setEntries(std::move(entries));
    // The files the user added by their URL, above the catalog again (a new catalog resets the rows).
    restoreAddedFiles();
    catalogModel_->setMachine(machineFit());
    // The folder's content again for the new rows (the scan keeps no list of its own).
    (void)rescan();
    emit catalogChanged();
}

QVariantList ModelsController::modelLicences() const {
    QVariantList out;
    QSet<QString> seen;
    for (int i = 0; i < catalogModel_->count(); ++i) {
        const CatalogEntry& e = catalogModel_->entryAt(i);
        if (e.addedFromUrl || seen.contains(e.modelId)) continue;
        seen.insert(e.modelId);
        out.append(QVariantMap{{QStringLiteral("name"), e.name},
                               {QStringLiteral("license"), e.license},
                               {QStringLiteral("url"), e.licenseUrl}});
    }
    return out;
}

QString ModelsController::modelsFolder() const {
    if (!folderOverride_.isEmpty()) return folderOverride_;
    return settings_ ? settings_->modelsFolder() : SettingsController::defaultModelsFolder();
}

void ModelsController::setModelsFolderOverride(const QString& folder) {
    folderOverride_ = QDir(folder).absolutePath();
    emit modelsFolderChanged();
    watchFolder();
    (void)rescan();
}

void ModelsController::setFitSettingsOverride(int nCtx, const QString& kvType) {
    fitOverride_ = std::make_pair(nCtx, kvType);
    updateMachine();
}

MachineFit ModelsController::machineFit() const {
    MachineFit m;
    int nCtx = SettingsController::kDefaultContextLength;
    QString kv = QStringLiteral("f16");
    if (fitOverride_) {
        nCtx = fitOverride_->first;
        kv = fitOverride_->second;
    } else if (settings_) {
        nCtx = settings_->contextLength();
        kv = settings_->kvType();
    }
    m.nCtx = nCtx;
    if (const auto type = engine::parseKvType(kv.toStdString())) m.kvType = engine::kvGgmlType(*type);
    m.memory = memory_;
    m.bandwidthGbps = bandwidthGbps_;
    return m;
}

QString ModelsController::memoryText() const {
    if (!memory_) return tr("This computer's memory is not known.");
    const QLocale locale;
    return tr("%1 of %2 memory available").arg(locale.formattedDataSize(qint64(memory_->availableBytes)),
                                               locale.formattedDataSize(qint64(memory_->totalBytes)));
}

void ModelsController::updateMachine() {
    // /proc/meminfo is a kernel table, not a disk file: reading it on the GUI thread costs microseconds.
    memory_ = memoryOverride_ ? memoryOverride_ : engine::systemMemory();
    catalogModel_->setMachine(machineFit());
    emit machineChanged();
    // Local files' numbers depend on the same figures; their headers are read again off the GUI thread.
    scheduleRescan();
}

void ModelsController::setBandwidthGbps(double gbps) {
    if (gbps == bandwidthGbps_) return;
    bandwidthGbps_ = gbps;
    updateMachine();
}

void ModelsController::setSystemMemoryOverride(std::optional<engine::SystemMemory> memory) {
    memoryOverride_ = memory;
    updateMachine();
}

void ModelsController::refresh() {
    updateMachine();
    rescanTimer_.stop();
    (void)rescan();
}

void ModelsController::setHubBaseUrl(const QString& url) {
    const QString trimmed = url.trimmed();
    QUrl base = trimmed.isEmpty() ? defaultHubBaseUrl() : QUrl(trimmed);
    if (!isValidHubBase(base)) {
        setError(tr("\"%1\" is not an http or https address; the hub address stays %2.")
                     .arg(trimmed, hubBase_.toString()));
        emit hubChanged();  // a bound text field shows the kept value again
        return;
    }
    base.setPath(base.path().endsWith(QLatin1Char('/')) ? base.path().chopped(1) : base.path());
    if (base == hubBase_) return;
    hubBase_ = base;
    store_.setSetting(kHubBaseKey, base == defaultHubBaseUrl() ? QVariant() : QVariant(base.toString()));
    applyAuthorization();
    emit hubChanged();
}

void ModelsController::setHubToken(const QString& token) { (void)saveToken(token.trimmed()); }

QCoro::Task<void> ModelsController::saveToken(QString token) {
    QPointer<ModelsController> self(this);
    clearMessages();
    ++tokenBusy_;
    emit hubChanged();
    QCoro::Task<bool> writing = tokens_->write(token);
    const bool saved = co_await writing;
    if (!self) co_return;
    --tokenBusy_;
    if (saved) {
        hubToken_ = token;
        tokenLoaded_ = true;
        applyAuthorization();
        if (!token.isEmpty() && tokens_->location() == HubTokenStore::Location::File) {
            setNotice(tr("No system keyring is available; the access token was saved in %1, readable only by you.")
                          .arg(tokens_->fallbackPath()));
        }
    } else {
        setError(tr("The access token was not saved: %1").arg(tokens_->lastError()));
    }
    emit hubChanged();
}

QCoro::Task<void> ModelsController::migrateToken() {
    QPointer<ModelsController> self(this);
    QCoro::Task<void> moving = tokens_->migrateFromDatabase();
    co_await moving;
    if (self) emit hubChanged();
}

QCoro::Task<void> ModelsController::ensureToken() {
    if (tokenLoaded_ || !tokens_->hasToken()) co_return;
    QPointer<ModelsController> self(this);
    QCoro::Task<QString> reading = tokens_->read();
    const QString token = co_await reading;
    if (!self || tokenLoaded_) co_return;  // a new token was saved meanwhile
    hubToken_ = token;
    tokenLoaded_ = true;
    if (token.isEmpty() && !tokens_->lastError().isEmpty()) setError(tokens_->lastError());
    applyAuthorization();
}

QString ModelsController::hubTokenStorage() const {
    switch (tokens_->location()) {
    case HubTokenStore::Location::Keyring: return tr("Saved in the system keyring.");
    case HubTokenStore::Location::File:
        return tr("No system keyring is available: saved in %1, readable only by you.").arg(tokens_->fallbackPath());
    case HubTokenStore::Location::None: break;
    }
    return QString();
}

void ModelsController::applyAuthorization() {
    if (!downloads_) return;
    downloads_->setAuthorization(hubBase_, hubToken_.isEmpty() ? QByteArray() : "Bearer " + hubToken_.toUtf8());
}

DownloadManager* ModelsController::ensureDownloads() {
    if (downloads_) return downloads_.get();
    downloads_ = std::make_unique<DownloadManager>();
    if (tune_) tune_(*downloads_);
    applyAuthorization();
    connect(downloads_.get(), &DownloadManager::stateChanged, this, [this](int id) { onDownloadChanged(id); });
    connect(downloads_.get(), &DownloadManager::progressChanged, this, [this](int id) { onDownloadChanged(id); });
    connect(downloads_.get(), &DownloadManager::finished, this, [this](int id, bool ok, const QString& error) {
        const DownloadManager::Info info = downloads_->info(id);
        if (ok) setNotice(tr("Downloaded %1.").arg(QFileInfo(info.targetPath).fileName()));
        emit downloadFinished(keyForTarget(info.targetPath), ok, error);
        rescanTimer_.stop();
        (void)rescan();
    });
    return downloads_.get();
}

void ModelsController::onDownloadChanged(int id) {
    if (downloads_) catalogModel_->setDownload(downloads_->info(id));
}

QString ModelsController::targetPath(const CatalogEntry& entry) const {
    return QDir(modelsFolder()).filePath(entry.fileName);
}

QString ModelsController::keyForTarget(const QString& targetPath) const {
    const QString name = QFileInfo(targetPath).fileName();
    for (int i = 0; i < catalogModel_->count(); ++i) {
        if (catalogModel_->entryAt(i).fileName == name) return catalogModel_->entryAt(i).key();
    }
    return QString();
}

QUrl ModelsController::downloadUrl(const CatalogEntry& entry) const {
    // A pasted URL is used as given (it may already be a mirror's); catalog URLs move onto the hub setting.
    return entry.addedFromUrl ? entry.url : hubUrl(entry.url, hubBase_);
}

void ModelsController::download(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e) return;
    if (!e->supported) {
        setError(tr("%1 cannot be downloaded: %2").arg(e->name, e->reason));
        return;
    }
    clearMessages();
    (void)startDownload(key);
}

QCoro::Task<void> ModelsController::startDownload(QString key) {
    QPointer<ModelsController> self(this);
    // The token from the keyring first (a gated file needs it); without one saved this does not suspend.
    QCoro::Task<void> token = ensureToken();
    co_await token;
    if (!self) co_return;
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e) co_return;
    // An entry whose facts were not confirmed: its header first (a few hundred KB against gigabytes), so the fit
    // shown is the file's own and a file the engine cannot load is refused before it is downloaded.
    const auto headerOf = [this](const QString& k, int role) {
        const int row = catalogModel_->rowOfKey(k);
        return row < 0 ? QString() : catalogModel_->index(row).data(role).toString();
    };
    if (!e->verified && !e->addedFromUrl && headerOf(key, CatalogModel::HeaderStateRole) != QLatin1String("read")) {
        QCoro::Task<void> checking = runCheckFile(key);
        co_await checking;
        if (!self) co_return;
        e = catalogModel_->entry(key);
        if (!e) co_return;
        if (headerOf(key, CatalogModel::HeaderStateRole) != QLatin1String("read")) {
            setError(tr("%1 was not downloaded: %2").arg(e->name, headerOf(key, CatalogModel::HeaderErrorRole)));
            co_return;
        }
        if (!e->supported) {
            setError(tr("%1 cannot be downloaded: %2").arg(e->name, e->reason));
            co_return;
        }
    }
    // A rounded size would make the manager reject the server's exact one: only exact sizes are passed on.
    ensureDownloads()->start(downloadUrl(*e), targetPath(*e), e->sizeExact ? e->sizeBytes : 0, e->sha256);
}

QNetworkAccessManager* ModelsController::network() {
    if (!nam_) {
        // Created by the first header read the user asks for, like the DownloadManager's (privacy, see the header).
        QNetworkProxyFactory::setUseSystemConfiguration(true);
        nam_ = new QNetworkAccessManager(this);
    }
    return nam_;
}

QCoro::Task<RemoteGgufResult> ModelsController::readHeader(QUrl url) {
    QPointer<ModelsController> self(this);
    QCoro::Task<void> token = ensureToken();
    co_await token;
    if (!self) co_return RemoteGgufResult{};
    RemoteGgufOptions options = headerOptions_;
    options.authOrigin = hubBase_;
    options.authorization = hubToken_.isEmpty() ? QByteArray() : "Bearer " + hubToken_.toUtf8();
    QCoro::Task<RemoteGgufResult> reading = readRemoteGgufHeader(*network(), url, options);
    RemoteGgufResult result = co_await reading;
    co_return result;
}

void ModelsController::checkFile(const QString& key) {
    if (!catalogModel_->entry(key)) return;
    (void)runCheckFile(key);
}

QCoro::Task<void> ModelsController::runCheckFile(QString key) {
    QPointer<ModelsController> self(this);
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e) co_return;
    catalogModel_->setHeaderReading(key);
    QCoro::Task<RemoteGgufResult> reading = readHeader(downloadUrl(*e));
    const RemoteGgufResult result = co_await reading;
    if (!self) co_return;
    if (result.ok) {
        catalogModel_->setHeader(key, result);
        // An added file's header read again (the file changed on the server): kept as the new summary.
        if (const CatalogEntry* entry = catalogModel_->entry(key); entry && entry->addedFromUrl) saveAddedFiles();
    } else {
        catalogModel_->setHeaderFailed(key, result.error);
    }
    emit headerChecked(key, result.ok, result.error);
}

void ModelsController::addFromUrl(const QString& url) { (void)runAddFromUrl(url.trimmed()); }

QCoro::Task<void> ModelsController::runAddFromUrl(QString text) {
    QPointer<ModelsController> self(this);
    if (urlBusy_) co_return;
    urlError_.clear();
    urlKey_.clear();
    QUrl url = QUrl::fromUserInput(text);
    if (text.isEmpty() || !url.isValid() || !isValidHubBase(url)) {
        urlError_ = tr("\"%1\" is not an http or https address of a .gguf file.").arg(text);
        emit urlChanged();
        co_return;
    }
    // The hub's file page (…/blob/<rev>/<file>) holds HTML; the file itself is at …/resolve/<rev>/<file>.
    static const QRegularExpression blob(QStringLiteral("^(/[^/]+/[^/]+)/blob/(.+)$"));
    if (const QRegularExpressionMatch m = blob.match(url.path()); m.hasMatch()) {
        url.setPath(m.captured(1) + QStringLiteral("/resolve/") + m.captured(2));
    }
    // A catalog file's address (as in the catalog, or on the hub setting): that row is refined, not repeated.
    for (int i = 0; i < catalogModel_->count(); ++i) {
        const CatalogEntry& e = catalogModel_->entryAt(i);
        if (e.url == url || hubUrl(e.url, hubBase_) == url) {
            const QString key = e.key();
            urlBusy_ = true;
            urlKey_ = key;
            emit urlChanged();
            QCoro::Task<void> checking = runCheckFile(key);
            co_await checking;
            if (!self) co_return;
            const int row = catalogModel_->rowOfKey(key);
            if (row >= 0) urlError_ = catalogModel_->index(row).data(CatalogModel::HeaderErrorRole).toString();
            urlBusy_ = false;
            emit urlChanged();
            co_return;
        }
    }

    urlBusy_ = true;
    emit urlChanged();
    QCoro::Task<RemoteGgufResult> reading = readHeader(url);
    const RemoteGgufResult result = co_await reading;
    if (!self) co_return;
    urlBusy_ = false;
    if (!result.ok || !result.header || !result.header->file) {
        urlError_ = result.error;
        emit urlChanged();
        emit headerChecked(QString(), false, result.error);
        co_return;
    }
    const LocalModelInfo info = inspectGguf(*result.header->file, QString(), machineFit());
    CatalogEntry e;
    QString fileName = url.fileName();
    if (!fileName.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) fileName += QStringLiteral(".gguf");
    const QStringList segments = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const bool hubShaped = segments.size() >= 5 && segments.at(2) == QLatin1String("resolve");
    e.modelId = modelIdForUrl(url);
    e.name = info.name.isEmpty() ? QFileInfo(fileName).completeBaseName() : info.name;
    e.description = url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    e.family = e.name;
    e.repo = hubShaped ? segments.at(0) + QLatin1Char('/') + segments.at(1) : url.host();
    e.fileName = fileName;
    e.url = url;
    e.addedFromUrl = true;
    e.quantization = info.dominantType.isEmpty() ? tr("unknown") : info.dominantType;
    e.architecture = result.architecture;
    // What the engine's loader would say: an architecture it has no code for, or metadata it cannot use.
    e.supported = info.error.isEmpty();
    e.reason = info.error;
    e.chat = true;
    e.sizeBytes = result.fileSize;
    e.sizeExact = result.fileSize > 0;
    // Checked at download time against the server's LFS hash header, as the download manager does for any file
    // without a catalog hash; "verified" is the catalog's word for facts confirmed by hand, not claimed here.
    e.verified = false;
    const engine::GgufFile& file = *result.header->file;
    if (auto licence = file.getString("general.license"); licence && !licence->empty()) {
        e.license = QString::fromUtf8(licence->data(), qsizetype(licence->size()));
    }
    const QString key = catalogModel_->addEntry(e);
    catalogModel_->setHeader(key, result);
    saveAddedFiles();
    urlKey_ = key;
    emit urlChanged();
    emit headerChecked(key, true, QString());
}

bool ModelsController::isCatalogUrl(const QUrl& url) const {
    for (int i = 0; i < catalogModel_->count(); ++i) {
        const CatalogEntry& e = catalogModel_->entryAt(i);
        if (!e.addedFromUrl && (e.url == url || hubUrl(e.url, hubBase_) == url)) return true;
    }
    return false;
}

void ModelsController::saveAddedFiles() {
    QJsonArray files;
    for (int i = 0; i < catalogModel_->count(); ++i) {
        const CatalogEntry& e = catalogModel_->entryAt(i);
        if (!e.addedFromUrl) continue;
        QJsonObject o = addedEntryToJson(e);
        if (const auto header = catalogModel_->headerOf(e.key()); header && header->file) {
            o.insert(QLatin1String("header"), QString::fromLatin1(headerSummary(*header->file).toBase64()));
        }
        files.append(o);
    }
    const QJsonObject root{{"version", kAddedFilesVersion}, {"files", files}};
    const QVariant value = files.isEmpty()
                               ? QVariant()
                               : QVariant(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Compact)));
    if (!store_.setSetting(kAddedFilesKey, value)) {
        qCWarning(lcModels, "could not save the files added by their URL: %s", qUtf8Printable(store_.lastError()));
    }
}

void ModelsController::restoreAddedFiles() {
    const QVariant value = store_.setting(kAddedFilesKey);
    if (!value.isValid()) return;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(value.toString().toUtf8(), &parseError);
    const QJsonObject root = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        root.value(QLatin1String("version")).toInt() != kAddedFilesVersion ||
        !root.value(QLatin1String("files")).isArray()) {
        qCWarning(lcModels, "ignoring the setting %s: not a version %d list of files (%s)",
                  qUtf8Printable(kAddedFilesKey), kAddedFilesVersion,
                  parseError.error != QJsonParseError::NoError ? qUtf8Printable(parseError.errorString())
                                                               : "unexpected content");
        return;
    }
    const QJsonArray files = root.value(QLatin1String("files")).toArray();
    const MachineFit machine = machineFit();
    // Oldest first: addEntry puts each on top, so the newest ends first, as it was.
    for (qsizetype i = files.size() - 1; i >= 0; --i) {
        QString why = QStringLiteral("not an object");
        std::optional<CatalogEntry> e;
        if (files.at(i).isObject()) e = addedEntryFromJson(files.at(i).toObject(), &why);
        if (!e) {
            qCWarning(lcModels, "ignoring added file %lld of the setting %s: %s", qlonglong(i),
                      qUtf8Printable(kAddedFilesKey), qUtf8Printable(why));
            continue;
        }
        if (isCatalogUrl(e->url)) {
            qCInfo(lcModels, "%s is in the catalog now; its catalog row replaces the added one",
                   qUtf8Printable(e->url.toString()));
            continue;
        }
        std::shared_ptr<const RemoteGgufHeader> header;
        const QJsonValue summary = files.at(i).toObject().value(QLatin1String("header"));
        if (!summary.isUndefined()) {
            QString error = QStringLiteral("not base64 text");
            const auto decoded = QByteArray::fromBase64Encoding(summary.toString().toLatin1(),
                                                                QByteArray::AbortOnBase64DecodingErrors);
            if (summary.isString() && decoded) header = readHeaderSummary(*decoded, e->sizeBytes, &error);
            if (!header) {
                qCWarning(lcModels, "the saved header of %s is unreadable (%s): its row shows the saved facts",
                          qUtf8Printable(e->fileName), qUtf8Printable(error));
            }
        }
        if (header) {
            // Whether the engine loads it is this build's answer (a newer one may support its architecture).
            const LocalModelInfo info = inspectGguf(*header->file, e->name, machine);
            e->supported = info.error.isEmpty();
            e->reason = info.error;
            if (!info.dominantType.isEmpty()) e->quantization = info.dominantType;
        }
        const QString key = catalogModel_->addEntry(*e);
        if (header) catalogModel_->setHeader(key, resultOfHeader(header, e->sizeBytes));
    }
}

bool ModelsController::removeAddedFile(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e || !e->addedFromUrl) return false;
    clearMessages();
    const QString target = targetPath(*e);
    const QString name = e->name;
    if (downloads_) {
        if (const int id = downloads_->idForTarget(target); id != 0) {
            using State = DownloadManager::State;
            const State state = downloads_->info(id).state;
            if (state == State::Queued || state == State::Downloading || state == State::Verifying) {
                setError(tr("%1 is being downloaded; cancel the download before removing it.").arg(name));
                return false;
            }
            if (state == State::Paused) downloads_->cancel(id);  // the manager lets go of it
        }
    }
    // The bytes downloaded so far (a finished file stays: the local list deletes it, with its own confirmation).
    removePartFiles(target);
    catalogModel_->removeEntry(key);
    saveAddedFiles();
    if (urlKey_ == key) {
        urlKey_.clear();
        emit urlChanged();
    }
    setNotice(tr("Removed %1 from the list.").arg(name));
    scheduleRescan();
    return true;
}

void ModelsController::pause(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (e && downloads_) downloads_->pause(downloads_->idForTarget(targetPath(*e)));
}

void ModelsController::resume(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e) return;
    const int id = downloads_ ? downloads_->idForTarget(targetPath(*e)) : 0;
    if (id == 0) {
        download(key);  // a part file from an earlier run: start() resumes it
        return;
    }
    downloads_->resume(id);
}

void ModelsController::cancel(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (!e) return;
    if (downloads_ && downloads_->idForTarget(targetPath(*e)) != 0) {
        downloads_->cancel(downloads_->idForTarget(targetPath(*e)));
        return;
    }
    // A part file from an earlier run, with no download in this one: forget it.
    removePartFiles(targetPath(*e));
    scheduleRescan();
}

void ModelsController::loadCatalogFile(const QString& key) {
    const CatalogEntry* e = catalogModel_->entry(key);
    if (e && QFileInfo::exists(targetPath(*e))) emit loadRequested(targetPath(*e));
}

void ModelsController::loadFile(const QString& path) {
    if (!path.isEmpty()) emit loadRequested(path);
}

void ModelsController::importFile(const QString& pathOrUrl, bool move) {
    const QUrl url(pathOrUrl);
    const QString source = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    (void)runImport(source, move);
}

QCoro::Task<void> ModelsController::runImport(QString source, bool move) {
    QPointer<ModelsController> self(this);
    clearMessages();
    const QFileInfo info(source);
    auto refuse = [this](const QString& why) {
        setError(why);
        emit importFinished(false, why);
    };
    if (importing_) {
        refuse(tr("Another import is running; try again when it has finished."));
        co_return;
    }
    if (!info.isFile()) {
        refuse(tr("Cannot import %1: there is no such file.").arg(source));
        co_return;
    }
    const QString folder = modelsFolder();
    // Keep the user's file name, with the .gguf extension the folder scan looks for.
    QString name = info.fileName();
    if (!name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) name += QStringLiteral(".gguf");
    const QString target = QDir(folder).filePath(name);
    if (QFileInfo(info.absolutePath()) == QFileInfo(folder)) {
        refuse(tr("%1 is already in the models folder.").arg(info.fileName()));
        co_return;
    }
    if (QFileInfo::exists(target)) {
        refuse(tr("The models folder already has a file named %1; delete or rename it first.").arg(name));
        co_return;
    }
    if (!QDir().mkpath(folder)) {
        refuse(tr("Cannot create the models folder %1.").arg(folder));
        co_return;
    }
    importing_ = true;
    emit importingChanged();
    QFuture<QString> work =
        QtConcurrent::run([source, target, move] { return importBlocking(source, target, move); });
    const QString problem = co_await work;
    if (!self) co_return;
    importing_ = false;
    emit importingChanged();
    if (!problem.isEmpty()) {
        refuse(tr("Not imported: %1").arg(problem));
        co_return;
    }
    const QString notice = tr("Imported %1.").arg(name);
    setNotice(notice);
    // Reported once the new file is in the list: after this scan, or after the one running now and its rerun.
    rescanTimer_.stop();
    if (scanning_) {
        rescanPending_ = true;
        // Named, not a temporary of the co_await (GCC 12 destroys those twice; see download_manager.cpp).
        auto nextScan = qCoro(this, &ModelsController::scanFinished);
        co_await nextScan;
    } else {
        QCoro::Task<void> scanning = rescan();
        co_await scanning;
    }
    if (!self) co_return;
    emit importFinished(true, notice);
}

bool ModelsController::deleteFile(const QString& path) {
    clearMessages();
    const QFileInfo info(path);
    if (QFileInfo(info.absolutePath()) != QFileInfo(modelsFolder()) || !info.isFile()) {
        setError(tr("Only models in the models folder can be deleted here."));
        return false;
    }
    if (!QFile::remove(info.absoluteFilePath())) {
        setError(tr("Cannot delete %1.").arg(info.fileName()));
        return false;
    }
    setNotice(tr("Deleted %1.").arg(info.fileName()));
    rescanTimer_.stop();
    (void)rescan();
    return true;
}

void ModelsController::clearMessages() {
    setError(QString());
    setNotice(QString());
}

void ModelsController::setError(const QString& error) {
    if (error == lastError_) return;
    lastError_ = error;
    emit lastErrorChanged();
}

void ModelsController::setNotice(const QString& notice) {
    if (notice == lastNotice_) return;
    lastNotice_ = notice;
    emit lastNoticeChanged();
}

void ModelsController::scheduleRescan() { rescanTimer_.start(); }

void ModelsController::watchFolder() {
    // The folder may not exist yet (first run): then there is nothing to watch until a download or import made it.
    if (!watcher_) {
        watcher_ = new QFileSystemWatcher(this);
        connect(watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { scheduleRescan(); });
    }
    const QStringList watched = watcher_->directories();
    if (!watched.isEmpty()) watcher_->removePaths(watched);
    if (QFileInfo(modelsFolder()).isDir()) watcher_->addPath(modelsFolder());
}

QCoro::Task<void> ModelsController::rescan() {
    if (scanning_) {
        rescanPending_ = true;  // the running scan goes again when it ends
        co_return;
    }
    QPointer<ModelsController> self(this);
    scanning_ = true;
    emit scanningChanged();
    do {
        rescanPending_ = false;
        const QString folder = modelsFolder();
        const MachineFit machine = machineFit();
        QFuture<FolderScan> work = QtConcurrent::run([folder, machine] { return scanFolder(folder, machine); });
        FolderScan scan = co_await work;
        if (!self) co_return;
        if (folder != modelsFolder()) {
            rescanPending_ = true;  // the folder changed meanwhile: scan the new one
            continue;
        }
        QSet<QString> names;
        for (const LocalModelInfo& m : scan.models) names.insert(m.fileName);
        local_->setEntries(std::move(scan.models));
        catalogModel_->setFolderContents(folder, names, scan.parts);
    } while (rescanPending_);
    scanning_ = false;
    emit scanningChanged();
    // A folder created by a download or import is watched from now on.
    if (watcher_ && watcher_->directories().isEmpty()) watchFolder();
    emit scanFinished();
}

}  // namespace hearth::app
