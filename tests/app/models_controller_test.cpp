// ModelsController, CatalogModel and LocalModelsModel as the models page uses them: the shipped catalog with this
// machine's numbers on every row (and the numbers follow the memory and the settings as the formulas say), the
// filters, a download from a local server into the models folder, import / refusal / delete of local files, the
// hub token going to the hub only and never into the database (keyring, else a 0600 file; an old database's token
// moved out), and a file's own header read over HTTP Range: an unverified row refined, a file added by its URL
// (numbers as for the same file on disk, then downloaded and verified), an unsupported one listed without a
// download. Files added by their URL survive a restart (same rows and numbers, no network), a download of one
// that a restart interrupted resumes, removing one forgets it and its part file, and a corrupted setting is
// ignored. Every list model runs under QAbstractItemModelTester. No test touches the user's keyring.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QCoroTask>

#include <sys/stat.h>

#include <memory>

#include "app/core/catalog.h"
#include "app/core/catalog_model.h"
#include "app/core/hub_token_store.h"
#include "app/core/local_models_model.h"
#include "app/core/models_controller.h"
#include "app/core/settings_controller.h"
#include "app/core/store.h"
#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "engine/membw_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model_synth.h"
#include "kernels/ggml_type.h"
#include "test_http_server.h"

using hearth::app::CatalogModel;
using hearth::app::HubTokenStore;
using hearth::app::SecretKeyring;
using hearth::app::LocalModelsModel;
using hearth::app::ModelsController;
using hearth::app::SettingsController;
using hearth::app::Store;
using hearth::test::TestHttpServer;

namespace {

constexpr int kWaitMs = 20000;
constexpr uint64_t kGiB = uint64_t{1} << 30;

// A synthesized llama model ("tiny": 2 layers, n_embd 256) with llama.cpp's Q8_0 type mix: small, and a real
// model to the reader, the config and the fit check.
QString writeTinyModel(const QString& path) {
    hearth::engine::SynthOptions o;
    o.shape = "tiny";
    o.fileType = hearth::engine::FileType::Q8_0;
    const hearth::Status s = hearth::engine::synthesizeModel(o, path.toStdString());
    return s ? QString() : QString::fromStdString(s.message());
}

// "Q8_0 ×14, F32 ×5": what the local models page must show for the tiny model, from the synthesizer's own plan.
QString expectedTypeMix() {
    const auto* shape = hearth::engine::findSynthShape("tiny");
    auto counts = hearth::engine::typeCounts(hearth::engine::synthTensorPlan(*shape, hearth::engine::FileType::Q8_0));
    std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    QStringList parts;
    for (const auto& [name, n] : counts) parts << QStringLiteral("%1 ×%2").arg(QString::fromStdString(name)).arg(n);
    return parts.join(QStringLiteral(", "));
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A one-model catalog whose file is `fileName` at https://huggingface.co/<path> (moved onto the test server by the
// hub base setting), with the given exact size and hash.
QByteArray testCatalog(const QString& fileName, const QString& path, qint64 size, const QString& sha256) {
    QJsonObject file{{"quantization", "Q8_0"},
                     {"repo", "test/tiny-GGUF"},
                     {"file", fileName},
                     {"url", "https://huggingface.co" + path},
                     {"size_bytes", size},
                     {"size_exact", true},
                     {"sha256", sha256},
                     {"verified", true}};
    QJsonObject model{{"id", "tiny"},
                      {"name", "Tiny"},
                      {"description", "test"},
                      {"family", "Tiny"},
                      {"license", "MIT"},
                      {"license_url", "https://example.org/license"},
                      {"homepage", "https://example.org"},
                      {"gated", false},
                      {"architecture", "llama"},
                      {"supported", true},
                      {"chat", true},
                      {"parameters", 1000000},
                      {"context_length", 256},
                      {"n_layers", 2},
                      {"n_heads", 8},
                      {"n_kv_heads", 4},
                      {"head_dim", 32},
                      {"n_embd", 256},
                      {"n_ff", 768},
                      {"n_vocab", 512},
                      {"default_quantization", "Q8_0"},
                      {"files", QJsonArray{file}}};
    return QJsonDocument(QJsonObject{{"version", 1}, {"models", QJsonArray{model}}}).toJson();
}

int rowOf(const CatalogModel* m, const QString& key) {
    const int row = m->rowOfKey(key);
    if (row < 0) qWarning("no catalog row %s", qPrintable(key));
    return row;
}

QVariant at(const QAbstractItemModel* m, int row, int role) { return m->index(row, 0).data(role); }

// The signal arrived, before the call (work that finished at once continues without waiting) or within the wait.
bool waitFor(QSignalSpy& spy) { return spy.count() > 0 || spy.wait(kWaitMs); }

// A keyring in memory (shared, so a second controller sees what the first saved), or none at all (Unavailable,
// as in a container without a Secret Service).
struct FakeKeyringData {
    QHash<QString, QString> entries;
    bool available = true;
    bool refuse = false;  // the user said no to the keyring's prompt
    int calls = 0;
};
class FakeKeyring : public SecretKeyring {
public:
    explicit FakeKeyring(std::shared_ptr<FakeKeyringData> data) : data_(std::move(data)) {}
    QCoro::Task<Result> read(QString key) override {
        Result r = check();
        if (r.status == Status::Ok && !data_->entries.contains(key)) r.status = Status::NotFound;
        if (r.status == Status::Ok) r.secret = data_->entries.value(key);
        co_return r;
    }
    QCoro::Task<Result> write(QString key, QString secret) override {
        Result r = check();
        if (r.status == Status::Ok) data_->entries.insert(key, secret);
        co_return r;
    }
    QCoro::Task<Result> remove(QString key) override {
        Result r = check();
        if (r.status == Status::Ok) data_->entries.remove(key);
        co_return r;
    }

private:
    Result check() {
        ++data_->calls;
        Result r;
        r.status = !data_->available ? Status::Unavailable : data_->refuse ? Status::Failed : Status::Ok;
        if (!data_->available) r.error = QStringLiteral("no Secret Service");
        if (data_->refuse) r.error = QStringLiteral("denied by the user");
        return r;
    }
    std::shared_ptr<FakeKeyringData> data_;
};

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A GGUF of an architecture the engine does not load (a state-space model's name), with one tensor.
QByteArray unsupportedGguf() {
    hearth::engine::GgufWriter w;
    w.addString("general.architecture", "mamba");
    w.addString("general.name", "Mamba Test");
    std::vector<float> t(64 * 16, 0.5f);
    w.addTensorF32("token_embd.weight", {64, 16}, t);
    auto bytes = w.toBytes();
    if (!bytes) qFatal("cannot build the test GGUF: %s", bytes.message().c_str());
    return QByteArray(reinterpret_cast<const char*>(bytes->data()), static_cast<qsizetype>(bytes->size()));
}

}  // namespace

class ModelsControllerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void catalogLoadsWithNumbersForEveryRow();
    void numbersFollowMemoryAndSettings();
    void unsupportedRowsFlaggedAndNotDownloaded();
    void filters();
    void downloadInstallsIntoModelsFolder();
    void hubTokenOnlyToHub();
    void hubSettingsValidatedAndKept();
    void importListDelete();
    void importRefusesNonGguf();
    void sameNumbersAsCliInfo();
    void sizeFilter();
    void tiedEmbeddingsCounted();
    void tokenInFileWhenNoKeyring();
    void tokenInKeyringWhenThereIsOne();
    void tokenMovedOutOfTheDatabase();
    void unverifiedRowRefinedByItsHeader();
    void unverifiedRowHeaderReadBeforeDownload();
    void addFromUrlShowsTheFileThenDownloadsIt();
    void addFromUrlUnsupportedIsListedNotDownloaded();
    void addFromUrlErrors();
    void addedUrlSurvivesRestart();
    void addedUrlDownloadResumesAfterRestart();
    void addedUrlSavedWithoutTheVocabulary();
    void removeAddedFileForgetsItAndItsPart();
    void corruptedAddedFilesSettingIgnored();

private:
    std::unique_ptr<ModelsController> makeController(std::shared_ptr<FakeKeyringData> keyring = nullptr);
    QString tokenFile() const { return dir_->filePath(QStringLiteral("config/hub-token")); }
    QString dbPath() const { return dir_->filePath(QStringLiteral("hearth.sqlite")); }
    bool waitScan(ModelsController* c);

    std::unique_ptr<QTemporaryDir> dir_;
    std::optional<Store> store_;
    std::unique_ptr<SettingsController> settings_;
    QString folder_;
};

void ModelsControllerTest::initTestCase() {
    // Downloads use the system proxy; one in the environment must not catch requests to 127.0.0.1.
    for (const char* name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        qunsetenv(name);
    }
}

void ModelsControllerTest::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    QString error;
    store_ = Store::open(dir_->filePath(QStringLiteral("hearth.sqlite")), &error);
    QVERIFY2(store_, qPrintable(error));
    settings_ = std::make_unique<SettingsController>(*store_);
    folder_ = dir_->filePath(QStringLiteral("models"));
    settings_->setModelsFolder(folder_);
    settings_->setContextLength(4096);
    settings_->setKvType(QStringLiteral("f16"));
}

void ModelsControllerTest::cleanup() {
    settings_.reset();
    store_.reset();
    dir_.reset();
}

std::unique_ptr<ModelsController> ModelsControllerTest::makeController(std::shared_ptr<FakeKeyringData> keyring) {
    // Never the user's keyring: a fake one, or none (then the token file in the test's folder).
    std::unique_ptr<SecretKeyring> ring;
    if (keyring) ring = std::make_unique<FakeKeyring>(keyring);
    auto tokens = std::make_unique<HubTokenStore>(*store_, std::move(ring), tokenFile());
    auto c = std::make_unique<ModelsController>(*store_, settings_.get(), nullptr, std::move(tokens));
    // A fixed machine, so verdicts do not depend on the test host: 16 GiB, 12 GiB available, 20 GB/s.
    c->setSystemMemoryOverride(hearth::engine::SystemMemory{16 * kGiB, 12 * kGiB, false});
    c->setBandwidthGbps(20.0);
    c->setDownloadTuning([](hearth::app::DownloadManager& m) {
        m.setRetryBaseDelay(std::chrono::milliseconds(10));
        m.setTransferTimeout(std::chrono::milliseconds(3000));
        m.setMaxRetries(2);
    });
    return c;
}

bool ModelsControllerTest::waitScan(ModelsController* c) {
    // The scan the last change scheduled: wait until none is running or pending.
    QSignalSpy spy(c, &ModelsController::scanFinished);
    c->refresh();
    return waitFor(spy);
}

void ModelsControllerTest::catalogLoadsWithNumbersForEveryRow() {
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QAbstractItemModelTester t1(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(c->catalog(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(c->catalogError(), QString());

    // As many rows as the shipped catalog has files.
    const QJsonObject root = QJsonDocument::fromJson(readAll(QStringLiteral(":/catalog.json"))).object();
    int files = 0;
    for (const QJsonValue& model : root.value("models").toArray()) {
        files += model.toObject().value("files").toArray().size();
    }
    QVERIFY(files >= 15);
    QCOMPARE(m->rowCount(), files);
    QCOMPARE(c->catalog()->property("count").toInt(), files);
    QCOMPARE(c->modelLicences().size(), root.value("models").toArray().size());

    for (int row = 0; row < m->rowCount(); ++row) {
        const QString name = at(m, row, CatalogModel::KeyRole).toString();
        const double size = at(m, row, CatalogModel::SizeBytesRole).toDouble();
        const double needed = at(m, row, CatalogModel::NeededBytesRole).toDouble();
        QVERIFY2(QStringList({"fits", "tight", "no"}).contains(at(m, row, CatalogModel::FitRole).toString()),
                 qPrintable(name));
        // Weights, plus a KV cache, compute buffers and the fixed overhead.
        QVERIFY2(needed > size + double(hearth::engine::kFixedOverheadBytes), qPrintable(name));
        QCOMPARE(at(m, row, CatalogModel::AvailableBytesRole).toDouble(), double(12 * kGiB));
        QVERIFY2(at(m, row, CatalogModel::PredictedTpsRole).toDouble() > 0, qPrintable(name));
        QVERIFY2(at(m, row, CatalogModel::FitTextRole).toString().contains(QStringLiteral("12")), qPrintable(name));
        QVERIFY(!at(m, row, CatalogModel::LicenseRole).toString().isEmpty());
        QVERIFY(at(m, row, CatalogModel::LicenseUrlRole).toString().startsWith(QStringLiteral("https://")));
        QVERIFY(!at(m, row, CatalogModel::KernelTextRole).toString().isEmpty());
        QCOMPARE(at(m, row, CatalogModel::InstalledRole).toBool(), false);
        QCOMPARE(at(m, row, CatalogModel::DownloadStateRole).toString(), QString());
    }

    // Qwen2.5 0.5B at 4096 tokens: fits easily in 12 GiB, to its trained context (32768), and a larger file of the
    // same model is predicted slower (more bytes read per token).
    const int q4 = rowOf(m, QStringLiteral("qwen2.5-0.5b-instruct/Q4_K_M"));
    const int q8 = rowOf(m, QStringLiteral("qwen2.5-0.5b-instruct/Q8_0"));
    QVERIFY(q4 >= 0 && q8 >= 0);
    QCOMPARE(at(m, q4, CatalogModel::FitRole).toString(), QStringLiteral("fits"));
    QCOMPARE(at(m, q4, CatalogModel::MaxCtxFitRole).toDouble(), 32768.0);
    QVERIFY(at(m, q8, CatalogModel::PredictedTpsRole).toDouble() <
            at(m, q4, CatalogModel::PredictedTpsRole).toDouble());
    // Speed = bandwidth / bytes per token: half the bandwidth, half the speed.
    const double before = at(m, q4, CatalogModel::PredictedTpsRole).toDouble();
    c->setBandwidthGbps(10.0);
    QVERIFY(qAbs(at(m, q4, CatalogModel::PredictedTpsRole).toDouble() - before / 2) < before * 1e-9);
    // No network object exists for any of this.
    QVERIFY(c->downloadManager() == nullptr);
}

void ModelsControllerTest::numbersFollowMemoryAndSettings() {
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int small = rowOf(m, QStringLiteral("qwen2.5-0.5b-instruct/Q4_K_M"));
    const int big = rowOf(m, QStringLiteral("qwen2.5-7b-instruct/Q4_K_M"));
    QVERIFY(small >= 0 && big >= 0);
    QCOMPARE(at(m, big, CatalogModel::FitRole).toString(), QStringLiteral("fits"));

    // A smaller machine: 4 GiB with 2 GiB available. The 7B (4.7 GB of weights) no longer runs; the 0.5B does.
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    c->setSystemMemoryOverride(hearth::engine::SystemMemory{4 * kGiB, 2 * kGiB, false});
    QVERIFY(changed.count() >= 1);
    QCOMPARE(at(m, big, CatalogModel::FitRole).toString(), QStringLiteral("no"));
    QCOMPARE(at(m, big, CatalogModel::MaxCtxFitRole).toDouble(), 0.0);
    QCOMPARE(at(m, small, CatalogModel::FitRole).toString(), QStringLiteral("fits"));
    QVERIFY(at(m, small, CatalogModel::FitTextRole).toString().contains(QStringLiteral("2")));

    // The settings' KV type: Qwen2.5 0.5B has 24 layers, 2 KV heads of 64. Per token F16 = 24*2*(64+64)*2 = 12288
    // bytes, Q8_0 = 24*2*2*(64/32*34) = 6528; at 4096 tokens the need drops by (12288-6528)*4096 bytes.
    const double f16 = at(m, small, CatalogModel::NeededBytesRole).toDouble();
    settings_->setKvType(QStringLiteral("q8_0"));
    const double q8 = at(m, small, CatalogModel::NeededBytesRole).toDouble();
    QCOMPARE(f16 - q8, double((12288 - 6528) * 4096));
    // The settings' context length: twice the context, twice the KV cache (and a larger scores buffer).
    settings_->setContextLength(8192);
    QVERIFY(at(m, small, CatalogModel::NeededBytesRole).toDouble() >= q8 + 6528.0 * 4096);
}

void ModelsControllerTest::unsupportedRowsFlaggedAndNotDownloaded() {
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    int unsupported = 0;
    for (int row = 0; row < m->rowCount(); ++row) {
        const QString arch = at(m, row, CatalogModel::ArchitectureRole).toString();
        const bool supported = at(m, row, CatalogModel::SupportedRole).toBool();
        // The engine loads llama and qwen2 (catalog.md); everything else is listed, greyed, with a reason.
        QCOMPARE(supported, arch == QLatin1String("llama") || arch == QLatin1String("qwen2"));
        if (!supported) {
            ++unsupported;
            QVERIFY(!at(m, row, CatalogModel::ReasonRole).toString().isEmpty());
        }
    }
    QVERIFY(unsupported > 0);
    const int row = [&] {
        for (int r = 0; r < m->rowCount(); ++r) {
            if (!at(m, r, CatalogModel::SupportedRole).toBool()) return r;
        }
        return -1;
    }();
    c->download(at(m, row, CatalogModel::KeyRole).toString());
    QVERIFY(c->lastError().contains(at(m, row, CatalogModel::ReasonRole).toString()));
    QVERIFY2(c->downloadManager() == nullptr, "an unsupported model must not start a download");
}

void ModelsControllerTest::filters() {
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    auto* f = c->catalog();
    QAbstractItemModelTester tester(f, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int all = m->rowCount();
    QCOMPARE(f->rowCount(), all);

    // "Fits only" on a 4 GiB machine (2 GiB free): some rows, all of them "fits", fewer than all.
    c->setSystemMemoryOverride(hearth::engine::SystemMemory{4 * kGiB, 2 * kGiB, false});
    QSignalSpy countSpy(f, &hearth::app::CatalogFilterModel::countChanged);
    f->setFitsOnly(true);
    QVERIFY(countSpy.count() >= 1);
    QVERIFY(f->rowCount() > 0 && f->rowCount() < all);
    int fits = 0;
    for (int row = 0; row < all; ++row) fits += at(m, row, CatalogModel::FitRole).toString() == QLatin1String("fits");
    QCOMPARE(f->rowCount(), fits);
    for (int row = 0; row < f->rowCount(); ++row) {
        QCOMPARE(at(f, row, CatalogModel::FitRole).toString(), QStringLiteral("fits"));
    }
    // More memory: the dynamic filter lets the rows that now fit in.
    c->setSystemMemoryOverride(hearth::engine::SystemMemory{64 * kGiB, 60 * kGiB, false});
    QCOMPARE(f->rowCount(), all);
    f->setFitsOnly(false);

    f->setHideUnsupported(true);
    int supported = 0;
    for (int row = 0; row < all; ++row) supported += at(m, row, CatalogModel::SupportedRole).toBool();
    QCOMPARE(f->rowCount(), supported);
    f->setHideUnsupported(false);

    // Text: every word must match (name, family, quantization, ...), in any case.
    f->setFilterText(QStringLiteral("llama q4_0"));
    QVERIFY(f->rowCount() > 0);
    for (int row = 0; row < f->rowCount(); ++row) {
        QVERIFY(at(f, row, CatalogModel::NameRole).toString().contains(QStringLiteral("Llama")));
        QCOMPARE(at(f, row, CatalogModel::QuantizationRole).toString(), QStringLiteral("Q4_0"));
    }
    f->setFilterText(QStringLiteral("no such model"));
    QCOMPARE(f->rowCount(), 0);
    f->setFilterText(QString());
    QCOMPARE(f->rowCount(), all);
}

void ModelsControllerTest::downloadInstallsIntoModelsFolder() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    TestHttpServer server(body, QStringLiteral("tiny-q8_0.gguf"));
    QVERIFY(server.listen());

    auto c = makeController();
    QAbstractItemModelTester tester(c->localModels(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    c->setCatalogJson(testCatalog(QStringLiteral("tiny-q8_0.gguf"), QStringLiteral("/redirect/tiny-q8_0.gguf"),
                                  body.size(), QString::fromLatin1(server.sha256Hex())));
    QCOMPARE(c->catalogError(), QString());
    // The catalog's https://huggingface.co/... address, moved onto the "mirror" (the test server).
    c->setHubBaseUrl(server.url(QString()).toString());
    QVERIFY(waitScan(c.get()));
    QCOMPARE(c->localModels()->rowCount(), 0);

    CatalogModel* m = c->catalogModel();
    const QString key = QStringLiteral("tiny/Q8_0");
    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    QSignalSpy rowChanges(m, &QAbstractItemModel::dataChanged);
    c->download(key);
    QVERIFY(c->downloadManager() != nullptr);
    QVERIFY(waitFor(done));
    QCOMPARE(done.first().at(0).toString(), key);
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QVERIFY(rowChanges.count() >= 2);  // at least queued/downloading and done reached the row

    const QString installed = QDir(folder_).filePath(QStringLiteral("tiny-q8_0.gguf"));
    QCOMPARE(readAll(installed), body);
    QVERIFY(server.requestCount("/redirect/tiny-q8_0.gguf") >= 1);
    const int row = m->rowOfKey(key);
    QCOMPARE(at(m, row, CatalogModel::DownloadStateRole).toString(), QStringLiteral("done"));
    QCOMPARE(at(m, row, CatalogModel::DownloadProgressRole).toDouble(), 1.0);
    QCOMPARE(at(m, row, CatalogModel::InstalledRole).toBool(), true);
    QCOMPARE(at(m, row, CatalogModel::LocalPathRole).toString(), installed);

    // Listed on the "On this computer" tab with its header read.
    QTRY_COMPARE_WITH_TIMEOUT(c->localModels()->rowCount(), 1, kWaitMs);
    LocalModelsModel* local = c->localModels();
    QCOMPARE(at(local, 0, LocalModelsModel::PathRole).toString(), installed);
    QCOMPARE(at(local, 0, LocalModelsModel::ArchitectureRole).toString(), QStringLiteral("llama"));
    QCOMPARE(at(local, 0, LocalModelsModel::TypeMixRole).toString(), expectedTypeMix());
    QCOMPARE(at(local, 0, LocalModelsModel::ErrorRole).toString(), QString());
    QCOMPARE(at(local, 0, LocalModelsModel::FitRole).toString(), QStringLiteral("fits"));
    QVERIFY(at(local, 0, LocalModelsModel::PredictedTpsRole).toDouble() > 0);

    // Load: the chat is asked to load the installed file.
    QSignalSpy load(c.get(), &ModelsController::loadRequested);
    c->loadCatalogFile(key);
    QCOMPARE(load.count(), 1);
    QCOMPARE(load.first().at(0).toString(), installed);
}

void ModelsControllerTest::hubTokenOnlyToHub() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    // The hub answers /redirect/<file> with a 302 to the "CDN", another server (another origin: its own port).
    TestHttpServer hub(body, QStringLiteral("tiny-q8_0.gguf"));
    TestHttpServer cdn(body, QStringLiteral("tiny-q8_0.gguf"));
    QVERIFY(hub.listen());
    QVERIFY(cdn.listen());
    hub.setRedirectTarget(cdn.fileUrl());

    auto c = makeController();
    c->setCatalogJson(testCatalog(QStringLiteral("tiny-q8_0.gguf"), QStringLiteral("/redirect/tiny-q8_0.gguf"),
                                  body.size(), QString::fromLatin1(hub.sha256Hex())));
    c->setHubBaseUrl(hub.url(QString()).toString());
    c->setHubToken(QStringLiteral("hf_secret"));
    QVERIFY(c->hubTokenSet());
    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    c->download(QStringLiteral("tiny/Q8_0"));
    QVERIFY(waitFor(done));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));

    QVERIFY(!hub.requests().isEmpty());
    for (const TestHttpServer::Request& r : hub.requests()) QCOMPARE(r.authorization, QByteArray("Bearer hf_secret"));
    QVERIFY(!cdn.requests().isEmpty());
    for (const TestHttpServer::Request& r : cdn.requests()) {
        QVERIFY2(r.authorization.isEmpty(), "the hub token went to a redirect target on another host");
    }
    QCOMPARE(readAll(QDir(folder_).filePath(QStringLiteral("tiny-q8_0.gguf"))), body);
}

void ModelsControllerTest::hubSettingsValidatedAndKept() {
    {
        auto c = makeController();
        QCOMPARE(c->hubBaseUrl(), QStringLiteral("https://huggingface.co"));
        QVERIFY(!c->hubTokenSet());
        c->setHubBaseUrl(QStringLiteral("ftp://mirror.example.org"));
        QVERIFY(!c->lastError().isEmpty());
        QCOMPARE(c->hubBaseUrl(), QStringLiteral("https://huggingface.co"));
        c->setHubBaseUrl(QStringLiteral("https://hf-mirror.example.org/hub/"));
        QCOMPARE(c->hubBaseUrl(), QStringLiteral("https://hf-mirror.example.org/hub"));
        c->setHubToken(QStringLiteral("  hf_abc  "));
    }
    // A new controller over the same database (an app restart) has both.
    auto c = makeController();
    QCOMPARE(c->hubBaseUrl(), QStringLiteral("https://hf-mirror.example.org/hub"));
    QVERIFY(c->hubTokenSet());
    QCOMPARE(hearth::app::hubUrl(QUrl("https://huggingface.co/Qwen/X-GGUF/resolve/main/x.gguf"),
                                 QUrl(c->hubBaseUrl())),
             QUrl("https://hf-mirror.example.org/hub/Qwen/X-GGUF/resolve/main/x.gguf"));
    c->setHubToken(QString());
    c->setHubBaseUrl(QString());
    QVERIFY(!c->hubTokenSet());
    QCOMPARE(c->hubBaseUrl(), QStringLiteral("https://huggingface.co"));
}

void ModelsControllerTest::importListDelete() {
    const QString source = dir_->filePath(QStringLiteral("elsewhere/My Model.gguf"));
    QVERIFY(QDir().mkpath(QFileInfo(source).absolutePath()));
    QCOMPARE(writeTinyModel(source), QString());

    auto c = makeController();
    LocalModelsModel* local = c->localModels();
    QAbstractItemModelTester tester(local, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(waitScan(c.get()));
    QCOMPARE(local->rowCount(), 0);

    QSignalSpy imported(c.get(), &ModelsController::importFinished);
    c->importFile(QUrl::fromLocalFile(source).toString());  // as a FileDialog or a drop hands it over
    QVERIFY(waitFor(imported));
    QVERIFY2(imported.first().at(0).toBool(), qPrintable(imported.first().at(1).toString()));
    const QString target = QDir(folder_).filePath(QStringLiteral("My Model.gguf"));
    QCOMPARE(readAll(target), readAll(source));  // a copy: the original stays
    QCOMPARE(local->rowCount(), 1);
    QCOMPARE(at(local, 0, LocalModelsModel::PathRole).toString(), target);
    QCOMPARE(at(local, 0, LocalModelsModel::TypeMixRole).toString(), expectedTypeMix());
    QVERIFY(!at(local, 0, LocalModelsModel::FitTextRole).toString().isEmpty());
    QVERIFY(!c->lastNotice().isEmpty());

    // The same name again is refused, and the file in the folder is untouched.
    imported.clear();
    c->importFile(source);
    QVERIFY(waitFor(imported));
    QVERIFY(!imported.first().at(0).toBool());
    QVERIFY(c->lastError().contains(QStringLiteral("My Model.gguf")));

    // Delete: gone from the disk and from the list; a file outside the folder is refused.
    QVERIFY(!c->deleteFile(source));
    QVERIFY(QFileInfo::exists(source));
    QVERIFY(c->deleteFile(target));
    QVERIFY(!QFileInfo::exists(target));
    QTRY_COMPARE_WITH_TIMEOUT(local->rowCount(), 0, kWaitMs);

    // Move: the original leaves its folder.
    imported.clear();
    c->importFile(source, true);
    QVERIFY(waitFor(imported));
    QVERIFY2(imported.first().at(0).toBool(), qPrintable(imported.first().at(1).toString()));
    QVERIFY(!QFileInfo::exists(source));
    QVERIFY(QFileInfo::exists(target));
    QCOMPARE(local->rowCount(), 1);
}

void ModelsControllerTest::importRefusesNonGguf() {
    auto c = makeController();
    const QString bogus = dir_->filePath(QStringLiteral("notes.gguf"));
    {
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are my notes, not a model\n");
    }
    QSignalSpy imported(c.get(), &ModelsController::importFinished);
    c->importFile(bogus);
    QVERIFY(waitFor(imported));
    QVERIFY(!imported.first().at(0).toBool());
    const QString message = imported.first().at(1).toString();
    // The reader's own words, about this file.
    QVERIFY2(message.contains(QStringLiteral("notes.gguf")) && message.contains(QStringLiteral("GGUF")),
             qPrintable(message));
    QCOMPARE(c->lastError(), message);
    QVERIFY(!QFileInfo::exists(QDir(folder_).filePath(QStringLiteral("notes.gguf"))));
    QVERIFY(QDir(folder_).entryList(QDir::Files).isEmpty());
}

// Issue 5: `hearth-cli info` and the models page show the same numbers for the same file — RAM needed, largest
// context, predicted speed — at the same context, KV type and bandwidth (the CLI's from the shared cache).
void ModelsControllerTest::sameNumbersAsCliInfo() {
    const QString cli = QStringLiteral(HEARTH_CLI);
    QVERIFY2(QFileInfo::exists(cli), qPrintable(cli));
    QVERIFY(QDir().mkpath(folder_));
    const QString model = QDir(folder_).filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(model), QString());

    QTemporaryDir cache;
    qputenv("HEARTH_CACHE_DIR", cache.path().toUtf8());
    hearth::engine::membw_cache::Entry figure;
    figure.threads = 1;
    figure.gbps = 13.5;
    figure.measuredAt = "2026-01-02T03:04:05Z";
    figure.cpuModel = hearth::engine::membw_cache::cpuModel();
    QVERIFY(hearth::engine::membw_cache::store(figure).ok());

    settings_->setContextLength(256);  // the tiny model's trained context (and the settings' minimum)
    settings_->setKvType(QStringLiteral("q8_0"));
    auto c = makeController();
    c->setSystemMemoryOverride(std::nullopt);  // the real machine, as the CLI sees it
    c->setBandwidthGbps(13.5);
    QVERIFY(waitScan(c.get()));
    QCOMPARE(c->localModels()->rowCount(), 1);

    QProcess info;
    info.start(cli, {"info", "-m", model, "--ctx", "256", "--kv-type", "q8_0", "-t", "1", "--json"});
    QVERIFY(info.waitForFinished(kWaitMs));
    qunsetenv("HEARTH_CACHE_DIR");
    QCOMPARE(info.exitCode(), 0);
    const QJsonObject doc = QJsonDocument::fromJson(info.readAllStandardOutput()).object();
    QCOMPARE(doc.value("mem_cached").toBool(), true);
    LocalModelsModel* local = c->localModels();
    QCOMPARE(at(local, 0, LocalModelsModel::NeededBytesRole).toDouble(), doc.value("ram_needed_bytes").toDouble());
    QCOMPARE(at(local, 0, LocalModelsModel::MaxCtxFitRole).toDouble(), doc.value("max_ctx_fit").toDouble());
    QCOMPARE(at(local, 0, LocalModelsModel::PredictedTpsRole).toDouble(), doc.value("predicted_tg_tps").toDouble());
    QCOMPARE(at(local, 0, LocalModelsModel::FitRole).toString(), doc.value("fit").toString());
}

QTEST_GUILESS_MAIN(ModelsControllerTest)
void ModelsControllerTest::sizeFilter() {
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    auto* f = c->catalog();
    QAbstractItemModelTester tester(f, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int all = m->rowCount();
    QCOMPARE(f->maxSizeGiB(), 0);
    QCOMPARE(f->rowCount(), all);

    // Each limit keeps exactly the files of at most that many GiB (the unit the page shows sizes in); a larger
    // limit keeps at least as many. The shipped catalog has files on both sides of 1 and 8 GiB.
    int previous = 0;
    for (int gib : {1, 2, 4, 8}) {
        QSignalSpy countSpy(f, &hearth::app::CatalogFilterModel::countChanged);
        f->setMaxSizeGiB(gib);
        QCOMPARE(f->maxSizeGiB(), gib);
        QVERIFY(countSpy.count() >= 1);
        int expected = 0;
        for (int row = 0; row < all; ++row) {
            expected += at(m, row, CatalogModel::SizeBytesRole).toDouble() <= double(gib) * kGiB;
        }
        QCOMPARE(f->rowCount(), expected);
        for (int row = 0; row < f->rowCount(); ++row) {
            QVERIFY(at(f, row, CatalogModel::SizeBytesRole).toDouble() <= double(gib) * kGiB);
        }
        QVERIFY(f->rowCount() >= previous);
        previous = f->rowCount();
    }
    f->setMaxSizeGiB(1);
    QVERIFY(f->rowCount() > 0 && f->rowCount() < all);
    // Combined with the text filter, both apply.
    f->setFilterText(QStringLiteral("qwen2.5"));
    for (int row = 0; row < f->rowCount(); ++row) {
        QVERIFY(at(f, row, CatalogModel::NameRole).toString().contains(QStringLiteral("Qwen2.5")));
        QVERIFY(at(f, row, CatalogModel::SizeBytesRole).toDouble() <= double(kGiB));
    }
    QVERIFY(f->rowCount() > 0);
    f->setFilterText(QString());
    // Back to any size (negative values mean the same).
    f->setMaxSizeGiB(-3);
    QCOMPARE(f->maxSizeGiB(), 0);
    QCOMPARE(f->rowCount(), all);
}

void ModelsControllerTest::tiedEmbeddingsCounted() {
    QFile file(QStringLiteral(":/catalog.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString error;
    const QList<hearth::app::CatalogEntry> entries = hearth::app::parseCatalog(file.readAll(), &error);
    QVERIFY2(!entries.isEmpty(), qPrintable(error));
    auto entry = [&](const QString& id) {
        for (const auto& e : entries) {
            if (e.modelId == id && e.isDefault) return e;
        }
        return hearth::app::CatalogEntry{};
    };
    // The config.json facts (tie_word_embeddings) reach the shape the fit check uses.
    const auto tied = entry(QStringLiteral("qwen2.5-0.5b-instruct"));
    const auto separate = entry(QStringLiteral("qwen2.5-7b-instruct"));
    QVERIFY(tied.tiedEmbeddings && tied.shape().tiedOutput);
    QVERIFY(!separate.tiedEmbeddings && !separate.shape().tiedOutput);
    QVERIFY(entry(QStringLiteral("llama-3.2-1b-instruct")).shape().tiedOutput);
    QVERIFY(!entry(QStringLiteral("llama-3.1-8b-instruct")).shape().tiedOutput);

    // The tied copy is counted: the same shapes without the flag would need less RAM (by the embedding's size).
    const hearth::engine::SystemMemory memory{16 * kGiB, 8 * kGiB, false};
    hearth::engine::ModelShape untied = tied.shape();
    untied.tiedOutput = false;
    const auto withCopy = hearth::engine::fitCheck(tied.shape(), 4096, hearth::kernels::GgmlType::F16, memory);
    const auto withoutCopy = hearth::engine::fitCheck(untied, 4096, hearth::kernels::GgmlType::F16, memory);
    QVERIFY2(withCopy.neededBytes() > withoutCopy.neededBytes() + 50'000'000ull,
             qPrintable(QStringLiteral("%1 vs %2").arg(withCopy.neededBytes()).arg(withoutCopy.neededBytes())));
}

// Mode bits of a file (0600 expected for the token file).
static unsigned modeOf(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return 0;
    return unsigned(st.st_mode) & 0777u;
}

// The database and its write-ahead log: the token must be in neither.
static bool databaseContains(const QString& db, const QByteArray& needle) {
    return fileBytes(db).contains(needle) || fileBytes(db + QStringLiteral("-wal")).contains(needle);
}

void ModelsControllerTest::tokenInFileWhenNoKeyring() {
    auto ring = std::make_shared<FakeKeyringData>();
    ring->available = false;  // a container: no Secret Service, no KWallet
    auto c = makeController(ring);
    const QByteArray secret("hf_file_secret_0123456789");
    c->setHubToken(QString::fromLatin1(secret));
    QVERIFY(c->hubTokenSet());
    QVERIFY(ring->calls > 0);  // the keyring was asked first
    QCOMPARE(c->tokenStore()->location(), HubTokenStore::Location::File);
    QCOMPARE(fileBytes(tokenFile()), secret);
    QCOMPARE(modeOf(tokenFile()), 0600u);
    // The page says where it went.
    QVERIFY2(c->hubTokenStorage().contains(tokenFile()), qPrintable(c->hubTokenStorage()));
    QVERIFY2(c->lastNotice().contains(tokenFile()), qPrintable(c->lastNotice()));
    QVERIFY(!store_->setting(QStringLiteral("hubToken")).isValid());
    QVERIFY(!databaseContains(dbPath(), secret));

    // A file someone opened up is replaced by a 0600 one on the next save.
    QVERIFY(QFile::setPermissions(tokenFile(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QCOMPARE(modeOf(tokenFile()), 0644u);
    c->setHubToken(QStringLiteral("hf_second_secret"));
    QCOMPARE(modeOf(tokenFile()), 0600u);
    QCOMPARE(fileBytes(tokenFile()), QByteArray("hf_second_secret"));

    c->setHubToken(QString());
    QVERIFY(!c->hubTokenSet());
    QVERIFY(!QFileInfo::exists(tokenFile()));
    QCOMPARE(c->hubTokenStorage(), QString());
}

void ModelsControllerTest::tokenInKeyringWhenThereIsOne() {
    auto ring = std::make_shared<FakeKeyringData>();
    const QByteArray secret("hf_ring_secret_987");
    {
        auto c = makeController(ring);
        c->setHubToken(QString::fromLatin1(secret));
        QVERIFY(c->hubTokenSet());
        QCOMPARE(c->tokenStore()->location(), HubTokenStore::Location::Keyring);
        QCOMPARE(ring->entries.value(QStringLiteral("hub-token")).toLatin1(), secret);
        QVERIFY(!QFileInfo::exists(tokenFile()));
        QVERIFY(c->hubTokenStorage().contains(QStringLiteral("keyring")));
    }
    QVERIFY(!databaseContains(dbPath(), secret));

    // An app restart: the page knows a token is saved without asking the keyring (which may prompt to unlock);
    // the first request that needs the token reads it, and it goes to the hub.
    ring->calls = 0;
    auto c = makeController(ring);
    QVERIFY(c->hubTokenSet());
    QCOMPARE(ring->calls, 0);
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    TestHttpServer hub(body, QStringLiteral("tiny-q8_0.gguf"));
    QVERIFY(hub.listen());
    c->setCatalogJson(testCatalog(QStringLiteral("tiny-q8_0.gguf"), QStringLiteral("/tiny-q8_0.gguf"), body.size(),
                                  QString::fromLatin1(hub.sha256Hex())));
    c->setHubBaseUrl(hub.url(QString()).toString());
    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    c->download(QStringLiteral("tiny/Q8_0"));
    QVERIFY(waitFor(done));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QCOMPARE(ring->calls, 1);
    QVERIFY(!hub.requests().isEmpty());
    for (const TestHttpServer::Request& r : hub.requests()) QCOMPARE(r.authorization, "Bearer " + secret);

    // A keyring that refuses (the user said no) is not worked around with the file: the page says so.
    ring->refuse = true;
    c->setHubToken(QStringLiteral("hf_other"));
    QVERIFY2(c->lastError().contains(QStringLiteral("denied by the user")), qPrintable(c->lastError()));
    QVERIFY(!QFileInfo::exists(tokenFile()));
    QCOMPARE(c->tokenStore()->location(), HubTokenStore::Location::Keyring);
    QCOMPARE(ring->entries.value(QStringLiteral("hub-token")).toLatin1(), secret);
}

void ModelsControllerTest::tokenMovedOutOfTheDatabase() {
    // What an older build left: the token in the settings table, the database closed.
    const QByteArray legacy("hf_legacy_secret_4567");
    QVERIFY(store_->setSetting(QStringLiteral("hubToken"), QString::fromLatin1(legacy)));
    settings_.reset();
    store_.reset();
    QVERIFY(databaseContains(dbPath(), legacy));  // the test looks for what is really there
    QString error;
    store_ = Store::open(dbPath(), &error);
    QVERIFY2(store_, qPrintable(error));
    settings_ = std::make_unique<SettingsController>(*store_);
    {
        auto c = makeController();  // no keyring: the file
        QVERIFY(c->hubTokenSet());
        QCOMPARE(c->tokenStore()->location(), HubTokenStore::Location::File);
        QVERIFY(!store_->setting(QStringLiteral("hubToken")).isValid());
        QCOMPARE(fileBytes(tokenFile()), legacy);
        QCOMPARE(modeOf(tokenFile()), 0600u);
    }
    settings_.reset();
    store_.reset();
    QVERIFY2(!databaseContains(dbPath(), legacy), "the old token's bytes are still in the database file");
}

// The catalog of testCatalog() as an unverified entry: a rounded size, no hash, and a wrong layer count (the file
// has 2), so the shape estimate differs from the file's own numbers.
static QByteArray unverifiedCatalog(const QByteArray& json) {
    QJsonObject root = QJsonDocument::fromJson(json).object();
    QJsonArray models = root.value("models").toArray();
    QJsonObject model = models.at(0).toObject();
    QJsonArray files = model.value("files").toArray();
    QJsonObject file = files.at(0).toObject();
    file.insert("size_bytes", 1000000);
    file.insert("size_exact", false);
    file.insert("sha256", QString());
    file.insert("verified", false);
    files.replace(0, file);
    model.insert("files", files);
    model.insert("n_layers", 20);
    models.replace(0, model);
    root.insert("models", models);
    return QJsonDocument(root).toJson();
}

void ModelsControllerTest::unverifiedRowRefinedByItsHeader() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    TestHttpServer hub(body, QStringLiteral("tiny-q8_0.gguf"));
    QVERIFY(hub.listen());

    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    c->setCatalogJson(unverifiedCatalog(testCatalog(QStringLiteral("tiny-q8_0.gguf"),
                                                    QStringLiteral("/tiny-q8_0.gguf"), body.size(), QString())));
    QCOMPARE(c->catalogError(), QString());
    c->setHubBaseUrl(hub.url(QString()).toString());
    QVERIFY(waitScan(c.get()));
    QVERIFY2(hub.requests().isEmpty(), "nothing is read from the network until the user asks");

    const QString key = QStringLiteral("tiny/Q8_0");
    const int row = rowOf(m, key);
    QCOMPARE(at(m, row, CatalogModel::VerifiedRole).toBool(), false);
    QCOMPARE(at(m, row, CatalogModel::HeaderStateRole).toString(), QString());
    const hearth::app::LocalModelInfo local = hearth::app::inspectModelFile(source, c->machineFit());
    QVERIFY(local.fit);
    QVERIFY(at(m, row, CatalogModel::NeededBytesRole).toDouble() != double(local.fit->neededBytes()));

    QSignalSpy checked(c.get(), &ModelsController::headerChecked);
    c->checkFile(key);
    QCOMPARE(at(m, row, CatalogModel::HeaderStateRole).toString(), QStringLiteral("reading"));
    QVERIFY(waitFor(checked));
    QVERIFY2(checked.first().at(1).toBool(), qPrintable(checked.first().at(2).toString()));
    QCOMPARE(at(m, row, CatalogModel::HeaderStateRole).toString(), QStringLiteral("read"));
    // The file's own facts and the numbers the same file shows once on disk.
    QCOMPARE(qint64(at(m, row, CatalogModel::SizeBytesRole).toDouble()), qint64(body.size()));
    QCOMPARE(at(m, row, CatalogModel::TypeMixRole).toString(), expectedTypeMix());
    QCOMPARE(qint64(at(m, row, CatalogModel::ParametersRole).toDouble()), local.parameters);
    QCOMPARE(at(m, row, CatalogModel::FitRole).toString(), QStringLiteral("fits"));
    QCOMPARE(at(m, row, CatalogModel::NeededBytesRole).toDouble(), double(local.fit->neededBytes()));
    QCOMPARE(at(m, row, CatalogModel::MaxCtxFitRole).toDouble(), double(local.fit->maxCtxFit));
    QCOMPARE(at(m, row, CatalogModel::PredictedTpsRole).toDouble(), local.fit->predictedTgTps);
    QCOMPARE(at(m, row, CatalogModel::FitTextRole).toString(), hearth::app::fitDescription(*local.fit));
    // Only the header: Range requests from the start.
    for (const TestHttpServer::Request& r : hub.requests()) {
        QCOMPARE(r.rangeStart, qint64(0));
        QVERIFY(r.rangeEnd >= 0);
    }

    // Downloaded with the now exact size, checked against the server's hash header.
    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    c->download(key);
    QVERIFY(waitFor(done));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    const QString installed = QDir(folder_).filePath(QStringLiteral("tiny-q8_0.gguf"));
    QVERIFY(c->downloadManager()->info(c->downloadManager()->idForTarget(installed)).hashChecked);
    QCOMPARE(readAll(installed), body);
}

void ModelsControllerTest::unverifiedRowHeaderReadBeforeDownload() {
    // Download pressed on an unverified row: its header is read first; a file the engine loads then downloads...
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    {
        TestHttpServer hub(body, QStringLiteral("tiny-q8_0.gguf"));
        QVERIFY(hub.listen());
        auto c = makeController();
        c->setCatalogJson(unverifiedCatalog(testCatalog(QStringLiteral("tiny-q8_0.gguf"),
                                                        QStringLiteral("/tiny-q8_0.gguf"), body.size(), QString())));
        c->setHubBaseUrl(hub.url(QString()).toString());
        QSignalSpy done(c.get(), &ModelsController::downloadFinished);
        c->download(QStringLiteral("tiny/Q8_0"));
        QVERIFY(waitFor(done));
        QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
        const int row = rowOf(c->catalogModel(), QStringLiteral("tiny/Q8_0"));
        QCOMPARE(at(c->catalogModel(), row, CatalogModel::HeaderStateRole).toString(), QStringLiteral("read"));
        const QList<TestHttpServer::Request> requests = hub.requests();
        QVERIFY(requests.size() >= 2);
        QCOMPARE(requests.first().rangeStart, qint64(0));  // the header...
        QCOMPARE(requests.first().rangeEnd, qint64(256 * 1024 - 1));
        QCOMPARE(requests.last().rangeStart, qint64(-1));  // ...then the whole file
        QCOMPARE(readAll(QDir(folder_).filePath(QStringLiteral("tiny-q8_0.gguf"))), body);
    }
    // ...and one it cannot load (the "llama" entry's file is really another architecture) is refused with the
    // reason, after the header alone.
    TestHttpServer hub(unsupportedGguf(), QStringLiteral("odd.gguf"));
    QVERIFY(hub.listen());
    auto c = makeController();
    c->setCatalogJson(unverifiedCatalog(
        testCatalog(QStringLiteral("odd.gguf"), QStringLiteral("/odd.gguf"), hub.size(), QString())));
    c->setHubBaseUrl(hub.url(QString()).toString());
    QSignalSpy error(c.get(), &ModelsController::lastErrorChanged);
    c->download(QStringLiteral("tiny/Q8_0"));
    QTRY_VERIFY_WITH_TIMEOUT(c->lastError().contains(QStringLiteral("not supported")), kWaitMs);
    const int row = rowOf(c->catalogModel(), QStringLiteral("tiny/Q8_0"));
    QCOMPARE(at(c->catalogModel(), row, CatalogModel::SupportedRole).toBool(), false);
    QTest::qWait(100);
    for (const TestHttpServer::Request& r : hub.requests()) QVERIFY(r.rangeEnd >= 0);  // never the whole file
    QVERIFY(!QFileInfo::exists(QDir(folder_).filePath(QStringLiteral("odd.gguf"))));
    QVERIFY(!QFileInfo::exists(QDir(folder_).filePath(QStringLiteral("odd.gguf.part"))));
}

void ModelsControllerTest::addFromUrlShowsTheFileThenDownloadsIt() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    TestHttpServer server(body, QStringLiteral("tiny-pasted.gguf"));
    QVERIFY(server.listen());

    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(waitScan(c.get()));
    const int before = m->count();
    QSignalSpy checked(c.get(), &ModelsController::headerChecked);
    c->addFromUrl(server.redirectUrl().toString());  // through a redirect, as the hub sends files to its CDN
    QVERIFY(c->urlBusy());
    QVERIFY(waitFor(checked));
    QVERIFY(!c->urlBusy());
    QCOMPARE(c->urlError(), QString());
    const QString key = c->urlKey();
    QCOMPARE(m->count(), before + 1);
    const int row = rowOf(m, key);
    QCOMPARE(row, 0);  // listed first
    QCOMPARE(at(m, row, CatalogModel::AddedFromUrlRole).toBool(), true);
    QCOMPARE(at(m, row, CatalogModel::SupportedRole).toBool(), true);
    QCOMPARE(at(m, row, CatalogModel::ArchitectureRole).toString(), QStringLiteral("llama"));
    QCOMPARE(at(m, row, CatalogModel::QuantizationRole).toString(), QStringLiteral("Q8_0"));
    QCOMPARE(at(m, row, CatalogModel::TypeMixRole).toString(), expectedTypeMix());
    QCOMPARE(at(m, row, CatalogModel::FileNameRole).toString(), QStringLiteral("tiny-pasted.gguf"));
    QCOMPARE(qint64(at(m, row, CatalogModel::SizeBytesRole).toDouble()), qint64(body.size()));

    // The same numbers as the same file on disk (which are hearth-cli info's: sameNumbersAsCliInfo).
    const hearth::app::LocalModelInfo local = hearth::app::inspectModelFile(source, c->machineFit());
    QVERIFY(local.fit);
    QCOMPARE(qint64(at(m, row, CatalogModel::ParametersRole).toDouble()), local.parameters);
    QCOMPARE(at(m, row, CatalogModel::FitRole).toString(), hearth::app::fitName(*local.fit));
    QCOMPARE(at(m, row, CatalogModel::FitTextRole).toString(), hearth::app::fitDescription(*local.fit));
    QCOMPARE(at(m, row, CatalogModel::MaxCtxFitRole).toDouble(), double(local.fit->maxCtxFit));
    QCOMPARE(at(m, row, CatalogModel::PredictedTpsRole).toDouble(), local.fit->predictedTgTps);
    QCOMPARE(at(m, row, CatalogModel::SpeedTextRole).toString(), hearth::app::speedDescription(*local.fit));
    // Not a catalog model: not on the licences page.
    for (const QVariant& v : c->modelLicences()) QVERIFY(v.toMap().value("name") != at(m, row, CatalogModel::NameRole));

    // Only the header was read: one Range request for the first 256 KiB at the file.
    int fileRequests = 0;
    for (const TestHttpServer::Request& r : server.requests()) {
        if (r.path != "/tiny-pasted.gguf") continue;
        ++fileRequests;
        QCOMPARE(r.rangeStart, qint64(0));
        QCOMPARE(r.rangeEnd, qint64(256 * 1024 - 1));
    }
    QCOMPARE(fileRequests, 1);

    // Then downloaded from the pasted address (not moved onto the hub setting), checked against the server's hash.
    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    c->download(key);
    QVERIFY(waitFor(done));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QCOMPARE(done.first().at(0).toString(), key);
    const QString installed = QDir(folder_).filePath(QStringLiteral("tiny-pasted.gguf"));
    QCOMPARE(readAll(installed), body);
    QVERIFY(c->downloadManager()->info(c->downloadManager()->idForTarget(installed)).hashChecked);
    QCOMPARE(at(m, rowOf(m, key), CatalogModel::InstalledRole).toBool(), true);
}

void ModelsControllerTest::addFromUrlUnsupportedIsListedNotDownloaded() {
    const QByteArray body = unsupportedGguf();
    TestHttpServer server(body, QStringLiteral("mamba.gguf"));
    QVERIFY(server.listen());
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QSignalSpy checked(c.get(), &ModelsController::headerChecked);
    c->addFromUrl(server.fileUrl().toString());
    QVERIFY(waitFor(checked));
    QCOMPARE(c->urlError(), QString());
    const int row = rowOf(m, c->urlKey());
    QVERIFY(row >= 0);
    QCOMPARE(at(m, row, CatalogModel::SupportedRole).toBool(), false);
    QCOMPARE(at(m, row, CatalogModel::ArchitectureRole).toString(), QStringLiteral("mamba"));
    const QString reason = at(m, row, CatalogModel::ReasonRole).toString();
    QVERIFY2(reason.contains(QStringLiteral("mamba")) && reason.contains(QStringLiteral("not supported")),
             qPrintable(reason));
    QCOMPARE(at(m, row, CatalogModel::NameRole).toString(), QStringLiteral("Mamba Test"));

    const qsizetype requests = server.requests().size();
    c->download(c->urlKey());
    QVERIFY(c->lastError().contains(reason));
    QTest::qWait(100);
    QCOMPARE(server.requests().size(), requests);
    QVERIFY(!QFileInfo::exists(QDir(folder_).filePath(QStringLiteral("mamba.gguf"))));
}

void ModelsControllerTest::addFromUrlErrors() {
    auto c = makeController();
    const int before = c->catalogModel()->count();
    c->addFromUrl(QStringLiteral("ftp://mirror.example.org/x.gguf"));
    QVERIFY(!c->urlBusy());
    QVERIFY(c->urlError().contains(QStringLiteral("ftp://mirror.example.org/x.gguf")));

    TestHttpServer server(QByteArray("GGUF"), QStringLiteral("x.gguf"));
    QVERIFY(server.listen());
    QSignalSpy checked(c.get(), &ModelsController::headerChecked);
    c->addFromUrl(server.url(QStringLiteral("/missing.gguf")).toString());
    QVERIFY(waitFor(checked));
    QVERIFY2(c->urlError().contains(QStringLiteral("404")), qPrintable(c->urlError()));
    QCOMPARE(c->catalogModel()->count(), before);
    QCOMPARE(c->urlKey(), QString());
}

// The roles a user reads on a catalog row: what must look the same after a restart.
QVariantMap rowFacts(const CatalogModel* m, int row) {
    QVariantMap facts;
    const QHash<int, QByteArray> names = m->roleNames();
    for (int role : {CatalogModel::KeyRole, CatalogModel::NameRole, CatalogModel::RepoRole,
                     CatalogModel::FileNameRole, CatalogModel::UrlRole, CatalogModel::SizeBytesRole,
                     CatalogModel::SizeTextRole, CatalogModel::ArchitectureRole, CatalogModel::QuantizationRole,
                     CatalogModel::LicenseRole, CatalogModel::SupportedRole, CatalogModel::ReasonRole,
                     CatalogModel::ParametersRole, CatalogModel::ParametersTextRole, CatalogModel::ContextLengthRole,
                     CatalogModel::TypeMixRole, CatalogModel::HeaderStateRole, CatalogModel::FitRole,
                     CatalogModel::FitTextRole, CatalogModel::NeededBytesRole, CatalogModel::MaxCtxFitRole,
                     CatalogModel::PredictedTpsRole, CatalogModel::SpeedTextRole, CatalogModel::KernelTextRole,
                     CatalogModel::AddedFromUrlRole}) {
        facts.insert(QString::fromLatin1(names.value(role)), at(m, row, role));
    }
    return facts;
}

// Adds the file at `url` and returns its row's key ("" on failure, with the test failed).
QString addUrl(ModelsController* c, const QUrl& url) {
    QSignalSpy checked(c, &ModelsController::headerChecked);
    c->addFromUrl(url.toString());
    if (!waitFor(checked) || !c->urlError().isEmpty()) {
        qWarning("adding %s failed: %s", qPrintable(url.toString()), qPrintable(c->urlError()));
        return QString();
    }
    return c->urlKey();
}

void ModelsControllerTest::addedUrlSurvivesRestart() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    TestHttpServer server(readAll(source), QStringLiteral("tiny-pasted.gguf"));
    QVERIFY(server.listen());
    TestHttpServer other(unsupportedGguf(), QStringLiteral("mamba.gguf"));
    QVERIFY(other.listen());

    QVariantMap tiny, mamba;
    int catalogRows = 0;
    {
        auto c = makeController();
        catalogRows = c->catalogModel()->count();
        const QString tinyKey = addUrl(c.get(), server.fileUrl());
        QVERIFY(!tinyKey.isEmpty());
        const QString mambaKey = addUrl(c.get(), other.fileUrl());
        QVERIFY(!mambaKey.isEmpty());
        QCOMPARE(c->catalogModel()->count(), catalogRows + 2);
        mamba = rowFacts(c->catalogModel(), 0);  // the newest first
        tiny = rowFacts(c->catalogModel(), 1);
        QCOMPARE(tiny.value("key").toString(), tinyKey);
        QCOMPARE(mamba.value("key").toString(), mambaKey);
        QCOMPARE(tiny.value("fit").toString(), QStringLiteral("fits"));
        QCOMPARE(mamba.value("supported").toBool(), false);
    }  // the app quits
    const qsizetype requests = server.requests().size() + other.requests().size();

    auto c = makeController();  // and starts again, over the same database
    CatalogModel* m = c->catalogModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(waitScan(c.get()));
    QCOMPARE(m->count(), catalogRows + 2);
    QCOMPARE(rowFacts(m, 0), mamba);
    QCOMPARE(rowFacts(m, 1), tiny);
    // The type mix and the fit come from the saved header summary: the file's own, not a shape estimate.
    QCOMPARE(at(m, 1, CatalogModel::TypeMixRole).toString(), expectedTypeMix());
    const hearth::app::LocalModelInfo local = hearth::app::inspectModelFile(source, c->machineFit());
    QVERIFY(local.fit);
    QCOMPARE(at(m, 1, CatalogModel::NeededBytesRole).toDouble(), double(local.fit->neededBytes()));
    QCOMPARE(at(m, 1, CatalogModel::MaxCtxFitRole).toDouble(), double(local.fit->maxCtxFit));
    QVERIFY(at(m, 0, CatalogModel::ReasonRole).toString().contains(QStringLiteral("mamba")));
    // Nothing was asked of the network to show them.
    QCOMPARE(server.requests().size() + other.requests().size(), requests);
    QVERIFY(c->downloadManager() == nullptr);

    // The numbers still follow this machine: a smaller one gives another verdict for the same saved file.
    c->setSystemMemoryOverride(hearth::engine::SystemMemory{16 * kGiB, uint64_t(local.fit->neededBytes()) / 2, false});
    const hearth::app::LocalModelInfo small = hearth::app::inspectModelFile(source, c->machineFit());
    QVERIFY(small.fit);
    QVERIFY(hearth::app::fitName(*small.fit) != hearth::app::fitName(*local.fit));
    QCOMPARE(at(m, 1, CatalogModel::FitRole).toString(), hearth::app::fitName(*small.fit));
    QCOMPARE(at(m, 1, CatalogModel::FitTextRole).toString(), hearth::app::fitDescription(*small.fit));
}

void ModelsControllerTest::addedUrlDownloadResumesAfterRestart() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    const QByteArray body = readAll(source);
    TestHttpServer server(body, QStringLiteral("tiny-pasted.gguf"));
    QVERIFY(server.listen());
    const QString installed = QDir(folder_).filePath(QStringLiteral("tiny-pasted.gguf"));
    const QString part = installed + QStringLiteral(".part");

    QString key;
    QVariantMap facts;
    {
        auto c = makeController();
        key = addUrl(c.get(), server.redirectUrl());
        QVERIFY(!key.isEmpty());
        facts = rowFacts(c->catalogModel(), c->catalogModel()->rowOfKey(key));
        server.setTrickle(4096, 3);
        c->download(key);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() >= 64 * 1024, kWaitMs);
    }  // the app quits mid-download
    const qint64 partBytes = QFileInfo(part).size();
    QVERIFY(partBytes < body.size());
    QVERIFY(!QFileInfo::exists(installed));
    server.setTrickle(0, 0);
    const qsizetype requests = server.requests().size();

    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QVERIFY(waitScan(c.get()));
    const int row = rowOf(m, key);
    QCOMPARE(row, 0);
    QCOMPARE(rowFacts(m, row), facts);
    // The row shows the unfinished download, with no network asked yet.
    QCOMPARE(at(m, row, CatalogModel::DownloadStateRole).toString(), QStringLiteral("partial"));
    QCOMPARE(qint64(at(m, row, CatalogModel::DownloadedBytesRole).toDouble()), partBytes);
    QCOMPARE(server.requests().size(), requests);

    QSignalSpy done(c.get(), &ModelsController::downloadFinished);
    c->resume(key);
    QVERIFY(waitFor(done));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QCOMPARE(done.first().at(0).toString(), key);
    QCOMPARE(readAll(installed), body);
    QVERIFY(c->downloadManager()->info(c->downloadManager()->idForTarget(installed)).hashChecked);
    QVERIFY(!QFileInfo::exists(part));
    // Resumed where the part file ended, from the pasted address (not moved onto the hub setting).
    const QList<TestHttpServer::Request> all = server.requests();
    QVERIFY(all.size() > requests);
    QCOMPARE(all.at(requests).path, QByteArray("/redirect/tiny-pasted.gguf"));
    QCOMPARE(all.last().rangeStart, partBytes);
    QTRY_COMPARE_WITH_TIMEOUT(at(m, rowOf(m, key), CatalogModel::InstalledRole).toBool(), true, kWaitMs);
}

void ModelsControllerTest::addedUrlSavedWithoutTheVocabulary() {
    // A real model's header is mostly its vocabulary (megabytes for a 150k-token one): the setting keeps the tensor
    // table and the hyper-parameters only, and the row still shows the file's own numbers after a restart.
    const QString stories = QStringLiteral(HEARTH_SHARED_DIR "/models/stories260K.gguf");
    if (!QFileInfo::exists(stories)) QSKIP("stories260K.gguf is not in the shared folder");
    auto file = hearth::engine::GgufFile::open(stories.toStdString());
    QVERIFY2(file, file ? "" : file.message().c_str());
    const hearth::engine::GgufValue* tokens = (*file)->getArray("tokenizer.ggml.tokens");
    QVERIFY(tokens != nullptr && tokens->count > 0);
    const qint64 headerBytes = qint64((*file)->dataOffset());

    TestHttpServer server(readAll(stories), QStringLiteral("stories260K.gguf"));
    QVERIFY(server.listen());
    QVariantMap facts;
    {
        auto c = makeController();
        QVERIFY(!addUrl(c.get(), server.fileUrl()).isEmpty());
        facts = rowFacts(c->catalogModel(), 0);
    }
    const QString saved = store_->setting(QStringLiteral("addedModels")).toString();
    QVERIFY2(saved.size() < headerBytes / 2, qPrintable(QStringLiteral("%1 characters saved for a %2-byte header")
                                                            .arg(saved.size())
                                                            .arg(headerBytes)));
    QVERIFY(!QByteArray::fromBase64(QJsonDocument::fromJson(saved.toUtf8())
                                        .object()
                                        .value("files")
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value("header")
                                        .toString()
                                        .toLatin1())
                 .contains("tokenizer.ggml.tokens"));

    auto c = makeController();
    QCOMPARE(rowFacts(c->catalogModel(), 0), facts);
    const hearth::app::LocalModelInfo local = hearth::app::inspectModelFile(stories, c->machineFit());
    QVERIFY(local.fit);
    QCOMPARE(at(c->catalogModel(), 0, CatalogModel::FitTextRole).toString(), hearth::app::fitDescription(*local.fit));
    QCOMPARE(at(c->catalogModel(), 0, CatalogModel::SpeedTextRole).toString(),
             hearth::app::speedDescription(*local.fit));
    QCOMPARE(at(c->catalogModel(), 0, CatalogModel::TypeMixRole).toString(), local.typeMix);
    QCOMPARE(qint64(at(c->catalogModel(), 0, CatalogModel::ParametersRole).toDouble()), local.parameters);
}

void ModelsControllerTest::removeAddedFileForgetsItAndItsPart() {
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    TestHttpServer server(readAll(source), QStringLiteral("tiny-pasted.gguf"));
    QVERIFY(server.listen());
    const QString installed = QDir(folder_).filePath(QStringLiteral("tiny-pasted.gguf"));
    const QString part = installed + QStringLiteral(".part");
    const QString sidecar = part + QStringLiteral(".json");

    int catalogRows = 0;
    QString key;
    {
        auto c = makeController();
        CatalogModel* m = c->catalogModel();
        QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        catalogRows = m->count();
        // Catalog rows are not the user's to remove.
        QVERIFY(!c->removeAddedFile(m->entryAt(0).key()));
        QCOMPARE(m->count(), catalogRows);

        key = addUrl(c.get(), server.fileUrl());
        QVERIFY(!key.isEmpty());
        server.setTrickle(4096, 5);
        c->download(key);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() >= 32 * 1024, kWaitMs);
        // Not while it downloads: the user is told to cancel first, and nothing is lost.
        QVERIFY(!c->removeAddedFile(key));
        QVERIFY(c->lastError().contains(at(m, rowOf(m, key), CatalogModel::NameRole).toString()));
        QVERIFY(rowOf(m, key) >= 0);
        // Paused: removed, with the bytes downloaded so far.
        c->pause(key);
        QCOMPARE(at(m, rowOf(m, key), CatalogModel::DownloadStateRole).toString(), QStringLiteral("paused"));
        QVERIFY(QFileInfo::exists(part));
        QVERIFY(c->removeAddedFile(key));
        QCOMPARE(m->rowOfKey(key), -1);
        QCOMPARE(m->count(), catalogRows);
        QVERIFY(!QFileInfo::exists(part));
        QVERIFY(!QFileInfo::exists(sidecar));
        QVERIFY(!QFileInfo::exists(installed));

        // Added again and interrupted by a restart...
        server.setTrickle(0, 0);
        QCOMPARE(addUrl(c.get(), server.fileUrl()), key);
        server.setTrickle(4096, 5);
        c->download(key);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() >= 32 * 1024, kWaitMs);
    }
    {
        // ...then removed in the next session: the part file of the earlier run goes with it.
        auto c = makeController();
        QVERIFY(waitScan(c.get()));
        const int row = rowOf(c->catalogModel(), key);
        QCOMPARE(at(c->catalogModel(), row, CatalogModel::DownloadStateRole).toString(), QStringLiteral("partial"));
        QVERIFY(c->removeAddedFile(key));
        QCOMPARE(c->catalogModel()->count(), catalogRows);
        QVERIFY(!QFileInfo::exists(part));
        QVERIFY(!QFileInfo::exists(sidecar));
    }
    // Forgotten for good.
    auto c = makeController();
    QCOMPARE(c->catalogModel()->count(), catalogRows);
    QCOMPARE(c->catalogModel()->rowOfKey(key), -1);
}

void ModelsControllerTest::corruptedAddedFilesSettingIgnored() {
    const QString key = QStringLiteral("addedModels");
    const QString source = dir_->filePath(QStringLiteral("tiny.gguf"));
    QCOMPARE(writeTinyModel(source), QString());
    TestHttpServer server(readAll(source), QStringLiteral("tiny-pasted.gguf"));
    QVERIFY(server.listen());
    int catalogRows = 0;
    QString rowKey;
    QString fitText;
    {
        auto c = makeController();
        catalogRows = c->catalogModel()->count();
        rowKey = addUrl(c.get(), server.fileUrl());
        QVERIFY(!rowKey.isEmpty());
        fitText = at(c->catalogModel(), 0, CatalogModel::FitTextRole).toString();
    }
    const QString saved = store_->setting(key).toString();
    QJsonObject good = QJsonDocument::fromJson(saved.toUtf8()).object().value("files").toArray().at(0).toObject();
    QVERIFY(good.value("header").isString());

    // Not JSON at all: ignored with a log line, the catalog as shipped.
    QVERIFY(store_->setSetting(key, QStringLiteral("{\"version\": 1, \"files\": [")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring the setting addedModels")));
    {
        auto c = makeController();
        QCOMPARE(c->catalogModel()->count(), catalogRows);
    }

    // Entries that are not what the app writes are skipped one by one; a readable one next to them stays.
    QJsonObject escaping = good;
    escaping.insert("fileName", "../../outside.gguf");
    QJsonObject badSize = good;
    badSize.insert("sizeBytes", "many");
    QJsonObject badUrl = good;
    badUrl.insert("url", "file:///etc/passwd");
    QJsonObject badHeader = good;  // facts fine, header garbage: shown with the saved facts
    badHeader.insert("header", QString::fromLatin1(QByteArray("GGUF and then nonsense").toBase64()));
    const QJsonArray files{escaping, 42, badSize, badUrl, badHeader};
    QVERIFY(store_->setSetting(key, QString::fromUtf8(QJsonDocument(QJsonObject{{"version", 1}, {"files", files}})
                                                          .toJson(QJsonDocument::Compact))));
    for (const char* why : {"fileName is not a plain", "not an object", "sizeBytes is not", "url is not"}) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QLatin1String(why)));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("saved header of tiny-pasted.gguf")));
    auto c = makeController();
    CatalogModel* m = c->catalogModel();
    QCOMPARE(m->count(), catalogRows + 1);
    const int row = rowOf(m, rowKey);
    QCOMPARE(row, 0);
    QCOMPARE(at(m, row, CatalogModel::FileNameRole).toString(), QStringLiteral("tiny-pasted.gguf"));
    QCOMPARE(at(m, row, CatalogModel::SupportedRole).toBool(), true);
    QCOMPARE(at(m, row, CatalogModel::HeaderStateRole).toString(), QString());
    QCOMPARE(at(m, row, CatalogModel::FitRole).toString(), QStringLiteral("fits"));  // from the saved shapes
    QVERIFY(!at(m, row, CatalogModel::FitTextRole).toString().isEmpty());
    QVERIFY(!QFileInfo::exists(dir_->filePath(QStringLiteral("outside.gguf"))));
}

#include "models_controller_test.moc"
