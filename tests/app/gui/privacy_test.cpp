// Privacy: the app opens no network connection unless the user starts a download, and links and images in a
// model's answer are never fetched by themselves. The real window runs offscreen over a conversation full of
// Markdown links and remote images (stored before start, and streamed by the engine), and every attempt to reach
// the network is caught underneath Qt: this executable defines connect() and getaddrinfo(), which interpose
// libc's for the whole process (ELF symbol interposition: the executable's definitions bind first, for Qt's
// libraries too), record any AF_INET/AF_INET6 connect and any name lookup, then forward to libc's (RTLD_NEXT).
// A self-check through QtNetwork first proves the interposition works, so the test cannot pass vacuously.
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <QFile>
#include <QGuiApplication>
#include <QHostInfo>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include <mutex>
#include <string>
#include <vector>

#include "app/core/chat_controller.h"
#include "app/core/engine_worker.h"
#include "app/core/store.h"
#include "app/gui/app_setup.h"

Q_IMPORT_QML_PLUGIN(Hearth_CorePlugin)
Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

// What the process tried to reach (any thread: Qt resolves names on a thread pool).
std::mutex g_mutex;
std::vector<std::string> g_attempts;

void record(std::string what) {
    std::lock_guard lock(g_mutex);
    g_attempts.push_back(std::move(what));
}

std::vector<std::string> takeAttempts() {
    std::lock_guard lock(g_mutex);
    return std::exchange(g_attempts, {});
}

QString describe(const std::vector<std::string>& attempts) {
    QStringList out;
    for (const std::string& a : attempts) out << QString::fromStdString(a);
    return out.join(QStringLiteral("; "));
}

}  // namespace

extern "C" int connect(int fd, const struct sockaddr* addr, socklen_t len) {
    using Fn = int (*)(int, const struct sockaddr*, socklen_t);
    static const Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "connect"));
    if (addr != nullptr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
        int port = 0;
        if (addr->sa_family == AF_INET && len >= socklen_t(sizeof(sockaddr_in)))
            port = ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port);
        if (addr->sa_family == AF_INET6 && len >= socklen_t(sizeof(sockaddr_in6)))
            port = ntohs(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port);
        record((addr->sa_family == AF_INET ? "connect AF_INET port " : "connect AF_INET6 port ") +
               std::to_string(port));
    }
    return real(fd, addr, len);
}

extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                           struct addrinfo** res) {
    using Fn = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
    static const Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "getaddrinfo"));
    record(std::string("getaddrinfo ") + (node != nullptr ? node : "(null)"));
    return real(node, service, hints, res);
}

using namespace hearth::app;

namespace {

// The text of every message body (objectName "messageText") under item, depth first.
void collectTexts(QQuickItem* item, QStringList* out) {
    if (item->objectName() == QLatin1String("messageText")) out->append(item->property("text").toString());
    for (QQuickItem* child : item->childItems()) collectTexts(child, out);
}

}  // namespace

class PrivacyTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        QStandardPaths::setTestModeEnabled(true);
        setupApplication();
    }

    // The hooks see what Qt's own libraries do: a TCP connect and a host lookup made by QtNetwork are recorded.
    void interpositionWorks() {
        takeAttempts();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress(QHostAddress::LocalHost), 9);  // discard port: refused or accepted
        socket.waitForConnected(3000);
        socket.abort();
        QHostInfo::fromName(QStringLiteral("localhost"));  // /etc/hosts: no traffic leaves the machine
        const std::vector<std::string> seen = takeAttempts();
        const QString all = describe(seen);
        QVERIFY2(all.contains(QStringLiteral("connect AF_INET port 9")),
                 qPrintable("QtNetwork's connect() was not intercepted: " + all));
        QVERIFY2(all.contains(QStringLiteral("getaddrinfo localhost")),
                 qPrintable("QtNetwork's getaddrinfo() was not intercepted: " + all));
    }

    void windowWithLinksAndRemoteImagesStaysOffline() {
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        // A conversation whose messages link and embed remote resources, written before the app starts.
        const QString markdown = QStringLiteral(
            "See [the docs](http://docs.example.invalid/page) and <https://autolink.example.invalid/>.\n\n"
            "![remote image](http://example.invalid/a.png)\n\n"
            "<img src=\"https://html.example.invalid/b.png\">\n\n"
            "Reference image: ![ref][r]\n\n[r]: http://ref.example.invalid/c.png\n");
        {
            QString error;
            auto store = Store::open(dataDir.filePath(QStringLiteral("hearth.sqlite")), &error);
            QVERIFY2(store, qPrintable(error));
            const qint64 conv = store->createConversation(QStringLiteral("links"), QString(), QString());
            const qint64 user = store->addMessage(conv, 0, QStringLiteral("user"),
                                                  QStringLiteral("Show me ![u](http://user.example.invalid/u.png)"));
            store->addMessage(conv, user, QStringLiteral("assistant"), markdown);
        }
        const QString modelPath = dataDir.filePath(QStringLiteral("fake.gguf"));
        {
            QFile f(modelPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("GGUF");
        }

        auto worker = std::make_unique<FakeEngineWorker>();
        worker->setTokenIntervalMs(1);
        // The streamed answer embeds remote content too (the fake splits on spaces: keep each link one word).
        worker->setReply(QStringLiteral("Here: ![streamed](http://stream.example.invalid/s.png) "
                                        "[link](http://stream-link.example.invalid/)"));
        takeAttempts();
        QString error;
        std::unique_ptr<ChatController> controller = createController(dataDir.path(), &error, std::move(worker));
        QVERIFY2(controller, qPrintable(error));
        ChatController& chat = *controller;
        {
            QQmlApplicationEngine engine;
            QVERIFY(loadMainWindow(engine));
            auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            QTRY_COMPARE(chat.messages()->rowCount(), 2);  // the stored conversation is on screen

            chat.loadModel(modelPath);
            QTRY_VERIFY(chat.modelLoaded());
            QVERIFY(chat.send(QStringLiteral("and an image please")));
            QTRY_VERIFY_WITH_TIMEOUT(!chat.generating(), 20000);
            QCOMPARE(chat.messages()->rowCount(), 4);

            // Rendered: the answers' Markdown went through the text items (a link's text is visible).
            // (Delegates are found through the visual tree: their QObject parent is not the window.)
            QStringList rendered;
            collectTexts(window->contentItem(), &rendered);
            QVERIFY2(rendered.size() >= 4, qPrintable(rendered.join(QStringLiteral(" | "))));
            QVERIFY2(rendered.filter(QStringLiteral("the docs")).size() == 1, qPrintable(rendered.join(" | ")));
            QVERIFY2(rendered.filter(QStringLiteral("Here:")).size() == 1, qPrintable(rendered.join(" | ")));

            // Give any loader (image fetches, DNS, proxy discovery) time to act.
            QTest::qWait(2000);
            window->grabWindow();  // paint once more with everything laid out
            QTest::qWait(500);
        }
        ChatController::setInstance(nullptr);
        const std::vector<std::string> seen = takeAttempts();
        QVERIFY2(seen.empty(), qPrintable("the app reached for the network by itself: " + describe(seen)));
    }
};

QTEST_MAIN(PrivacyTest)
#include "privacy_test.moc"
