#include "app/core/hub_token_store.h"

#include <QCoroSignal>
#include <QCoroTask>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>
#include <qt6keychain/keychain.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "app/core/store.h"

Q_LOGGING_CATEGORY(lcToken, "hearth.token")

namespace hearth::app {

namespace {

const QString kService = QStringLiteral("Hearth");
const QString kKeyringKey = QStringLiteral("hub-token");
const QString kLocationKey = QStringLiteral("hubTokenLocation");  // "keyring" | "file"; absent: no token
const QString kLegacyKey = QStringLiteral("hubToken");            // where builds before this one kept it
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// QtKeychain's jobs, awaited. Each job is a child of the keyring object, so none outlives it.
class QtKeychainRing : public QObject, public SecretKeyring {
public:
    explicit QtKeychainRing(int timeoutMs) : timeoutMs_(timeoutMs) {}

    QCoro::Task<Result> read(QString key) override {
        auto* job = new QKeychain::ReadPasswordJob(kService, this);
        job->setKey(key);
        Result r = co_await run(job);
        if (r.status == Status::Ok) r.secret = job->textData();
        job->deleteLater();
        co_return r;
    }
    QCoro::Task<Result> write(QString key, QString secret) override {
        auto* job = new QKeychain::WritePasswordJob(kService, this);
        job->setKey(key);
        job->setTextData(secret);
        Result r = co_await run(job);
        job->deleteLater();
        co_return r;
    }
    QCoro::Task<Result> remove(QString key) override {
        auto* job = new QKeychain::DeletePasswordJob(kService, this);
        job->setKey(key);
        Result r = co_await run(job);
        job->deleteLater();
        co_return r;
    }

private:
    QCoro::Task<Result> run(QKeychain::Job* job) {
        QPointer<QKeychain::Job> guard(job);
        job->setAutoDelete(false);
        // Never QtKeychain's own "insecure fallback" (plain QSettings): the file fallback is ours, with its mode.
        job->setInsecureFallback(false);
        // start() queues the work, so the signal cannot fire before it is awaited.
        job->start();
        auto finished = qCoro(job, &QKeychain::Job::finished, std::chrono::milliseconds(timeoutMs_));
        const auto done = co_await finished;
        Result r;
        if (!guard) co_return r;
        if (!done) {
            // A keyring that hangs (a broken D-Bus service) is as good as none: the file takes the token.
            r.status = Status::Unavailable;
            r.error = HubTokenStore::tr("the keyring did not answer within %1 s").arg(timeoutMs_ / 1000);
            co_return r;
        }
        // A refusal is the user's answer and is reported; anything else means no usable keyring here (QtKeychain
        // 0.13 says OtherError, "Unknown error", when there is no D-Bus session at all, as in containers).
        switch (job->error()) {
        case QKeychain::NoError: r.status = Status::Ok; break;
        case QKeychain::EntryNotFound: r.status = Status::NotFound; break;
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied: r.status = Status::Failed; break;
        default: r.status = Status::Unavailable; break;
        }
        r.error = job->errorString();
        co_return r;
    }

    int timeoutMs_;
};

}  // namespace

std::unique_ptr<SecretKeyring> makeSystemKeyring(int timeoutMs) { return std::make_unique<QtKeychainRing>(timeoutMs); }

HubTokenStore::HubTokenStore(Store& store, std::unique_ptr<SecretKeyring> keyring, QString fallbackPath,
                             QObject* parent)
    : QObject(parent),
      store_(store),
      keyring_(std::move(keyring)),
      fallbackPath_(fallbackPath.isEmpty() ? defaultFallbackPath() : std::move(fallbackPath)) {
    const QString where = store_.setting(kLocationKey).toString();
    if (where == QLatin1String("keyring") && keyring_) {
        location_ = Location::Keyring;
    } else if (where == QLatin1String("file") && QFileInfo::exists(fallbackPath_)) {
        location_ = Location::File;
    }
}

HubTokenStore::~HubTokenStore() = default;

QString HubTokenStore::defaultFallbackPath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("hub-token"));
}

void HubTokenStore::setLocation(Location location) {
    location_ = location;
    const QVariant value = location == Location::Keyring ? QVariant(QStringLiteral("keyring"))
                           : location == Location::File  ? QVariant(QStringLiteral("file"))
                                                         : QVariant();
    store_.setSetting(kLocationKey, value);
}

QCoro::Task<QString> HubTokenStore::read() {
    QPointer<HubTokenStore> self(this);
    lastError_.clear();
    if (location_ == Location::File) {
        QFile f(fallbackPath_);
        if (!f.open(QIODevice::ReadOnly)) {
            lastError_ = tr("Cannot read the saved access token from %1: %2").arg(fallbackPath_, f.errorString());
            co_return QString();
        }
        // Someone widened the mode by hand: narrow it again, the token is a password.
        if ((f.permissions() & ~(kOwnerOnly | QFileDevice::ReadUser | QFileDevice::WriteUser)) != 0) {
            f.setPermissions(kOwnerOnly);
        }
        co_return QString::fromUtf8(f.readAll()).trimmed();
    }
    if (location_ == Location::Keyring && keyring_) {
        QCoro::Task<SecretKeyring::Result> reading = keyring_->read(kKeyringKey);
        const SecretKeyring::Result r = co_await reading;
        if (!self) co_return QString();
        if (r.status == SecretKeyring::Status::Ok) co_return r.secret.trimmed();
        lastError_ = r.status == SecretKeyring::Status::NotFound
                         ? tr("The access token is no longer in the system keyring; enter it again.")
                         : tr("Cannot read the access token from the system keyring: %1").arg(r.error);
        co_return QString();
    }
    co_return QString();
}

QCoro::Task<bool> HubTokenStore::write(QString token) {
    QPointer<HubTokenStore> self(this);
    lastError_.clear();
    token = token.trimmed();
    if (token.isEmpty()) {
        // Forgotten everywhere it may be: both places, whatever the marker says.
        removeFile();
        if (keyring_) {
            QCoro::Task<SecretKeyring::Result> removing = keyring_->remove(kKeyringKey);
            const SecretKeyring::Result r = co_await removing;
            if (!self) co_return false;
            if (r.status == SecretKeyring::Status::Failed) {
                qCWarning(lcToken, "could not remove the token from the keyring: %s", qUtf8Printable(r.error));
            }
        }
        setLocation(Location::None);
        co_return true;
    }
    if (keyring_) {
        QCoro::Task<SecretKeyring::Result> writing = keyring_->write(kKeyringKey, token);
        const SecretKeyring::Result r = co_await writing;
        if (!self) co_return false;
        if (r.status == SecretKeyring::Status::Ok) {
            removeFile();
            setLocation(Location::Keyring);
            co_return true;
        }
        if (r.status != SecretKeyring::Status::Unavailable) {
            lastError_ = tr("The system keyring refused to save it: %1").arg(r.error);
            co_return false;
        }
        qCInfo(lcToken, "no usable system keyring (%s); the token goes to %s", qUtf8Printable(r.error),
               qUtf8Printable(fallbackPath_));
    }
    if (!writeFile(token)) co_return false;
    setLocation(Location::File);
    co_return true;
}

bool HubTokenStore::writeFile(const QString& token) {
    const QFileInfo info(fallbackPath_);
    if (!QDir().mkpath(info.absolutePath())) {
        lastError_ = tr("Cannot create the folder %1 for the access token.").arg(info.absolutePath());
        return false;
    }
    // A new file created 0600 from the start (never briefly readable by others), then renamed over the old one.
    const QString temporary = fallbackPath_ + QStringLiteral(".new");
    QFile::remove(temporary);
    QFile f(temporary);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly) || f.write(token.toUtf8()) < 0 ||
        !f.flush()) {
        lastError_ = tr("Cannot save the access token in %1: %2").arg(fallbackPath_, f.errorString());
        f.close();
        QFile::remove(temporary);
        return false;
    }
    f.setPermissions(kOwnerOnly);  // whatever the umask did
    f.close();
    if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(fallbackPath_).constData()) != 0) {
        lastError_ = tr("Cannot save the access token in %1: %2")
                         .arg(fallbackPath_, QString::fromLocal8Bit(std::strerror(errno)));
        QFile::remove(temporary);
        return false;
    }
    return true;
}

void HubTokenStore::removeFile() {
    if (QFileInfo::exists(fallbackPath_) && !QFile::remove(fallbackPath_)) {
        qCWarning(lcToken, "could not remove %s", qUtf8Printable(fallbackPath_));
    }
}

QCoro::Task<void> HubTokenStore::migrateFromDatabase() {
    QPointer<HubTokenStore> self(this);
    const QString legacy = store_.setting(kLegacyKey).toString().trimmed();
    if (legacy.isEmpty()) {
        if (store_.setting(kLegacyKey).isValid()) scrubDatabaseToken();
        co_return;
    }
    // A token saved since (in the keyring or file) wins; the old copy only goes away.
    bool saved = hasToken();
    if (!saved) {
        QCoro::Task<bool> writing = write(legacy);
        saved = co_await writing;
        if (!self) co_return;
    }
    if (saved) {
        scrubDatabaseToken();
        qCInfo(lcToken, "moved the hub token out of the database into the %s",
               location_ == Location::Keyring ? "system keyring" : "token file");
    } else {
        qCWarning(lcToken, "could not move the hub token out of the database: %s", qUtf8Printable(lastError_));
    }
}

void HubTokenStore::scrubDatabaseToken() {
    // Debian's SQLite zeroes deleted content (secure_delete is on by default there); builds where it is off would
    // leave the bytes in the page's free space. So first a value of the same length (the Store keeps a setting as
    // the JSON text ["..."]), which SQLite writes over the old cell in place, then the row itself.
    const QString old = store_.setting(kLegacyKey).toString();
    const QByteArray json = QJsonDocument(QJsonArray{old}).toJson(QJsonDocument::Compact);
    const qsizetype filler = json.size() - 4;  // [" and "]
    if (filler > 0) store_.setSetting(kLegacyKey, QString(filler, QLatin1Char('0')));
    store_.setSetting(kLegacyKey, QVariant());
}

}  // namespace hearth::app
