// Where the hub access token lives: in the system keyring (Secret Service or KWallet, through QtKeychain) when
// there is one, else in a file of its own in the user's config folder that only the user can read (0600) — never in
// the SQLite database, which holds conversations and is copied around with them. The settings table keeps only
// *where* the token is ("hubTokenLocation": "keyring" or "file"), so the page knows a token is saved without asking
// the keyring at startup (which may prompt to unlock it); the token itself is read when a request needs it.
//
// An older build kept the token in the database ("hubToken"): migrateFromDatabase() moves it out and overwrites the
// row before deleting it, so the secret's bytes do not linger in the file's free space (scrubDatabaseToken).
#pragma once

#include <QCoroFwd>
#include <QObject>
#include <QString>
#include <memory>

namespace hearth::app {

class Store;

// The system keyring, behind an interface so that tests use an in-memory one and never touch the user's.
class SecretKeyring {
public:
    enum class Status {
        Ok,
        NotFound,     // no such entry (read) — not an error
        Unavailable,  // no keyring service on this system (containers, CI, minimal desktops)
        Failed,       // there is one, but it refused or failed (locked, denied, timed out)
    };
    struct Result {
        Status status = Status::Failed;
        QString secret;  // read: the entry's text
        QString error;   // Unavailable / Failed: the keyring's own message
    };
    virtual ~SecretKeyring() = default;
    // Arguments by value: the coroutines outlive the caller's temporaries.
    virtual QCoro::Task<Result> read(QString key) = 0;
    virtual QCoro::Task<Result> write(QString key, QString secret) = 0;
    virtual QCoro::Task<Result> remove(QString key) = 0;
};

// QtKeychain under the service name "Hearth". A call that gets no answer within `timeout` counts as Failed.
std::unique_ptr<SecretKeyring> makeSystemKeyring(int timeoutMs = 60000);

class HubTokenStore : public QObject {
    Q_OBJECT
public:
    enum class Location { None, Keyring, File };

    // keyring: nullptr = none on this system (every token goes to the file). fallbackPath: the file used when the
    // keyring is missing; "" = defaultFallbackPath(). `store` must outlive this object.
    HubTokenStore(Store& store, std::unique_ptr<SecretKeyring> keyring, QString fallbackPath = QString(),
                  QObject* parent = nullptr);
    ~HubTokenStore() override;

    // <AppConfigLocation>/hub-token, e.g. ~/.config/Hearth/Hearth/hub-token.
    static QString defaultFallbackPath();

    Location location() const { return location_; }
    bool hasToken() const { return location_ != Location::None; }
    QString fallbackPath() const { return fallbackPath_; }
    QString lastError() const { return lastError_; }  // why the last read or write failed, for the user

    // The saved token ("" when none, or when it cannot be read: lastError() says why).
    QCoro::Task<QString> read();
    // Saves the token (keyring first, the file when there is no keyring); "" forgets it everywhere. False: not
    // saved (lastError()).
    QCoro::Task<bool> write(QString token);
    // Moves a token an older build left in the database into the keyring or file. Does nothing when there is none.
    QCoro::Task<void> migrateFromDatabase();

private:
    void setLocation(Location location);
    bool writeFile(const QString& token);
    void removeFile();
    void scrubDatabaseToken();

    Store& store_;
    std::unique_ptr<SecretKeyring> keyring_;
    QString fallbackPath_;
    Location location_ = Location::None;
    QString lastError_;
};

}  // namespace hearth::app
