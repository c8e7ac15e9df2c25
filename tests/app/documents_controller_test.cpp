// DocumentsController with ChatController over the scripted FakeEngineWorker: collections (create, duplicate
// names, rename, remove), files added and indexed with their states, removal of an added file, attachments per
// conversation (and detached when the conversation is deleted), a drop onto the chat (a new conversation with its
// own collection), and the chat side: with an attached collection the request the engine receives carries the
// right snippet numbered with its source while the stored question stays as typed, the answer stores and shows
// its sources (also after a restart); without one the prompt is unchanged; the token budget holds; the preview's
// numbers are what the prompt then grows by; Stop while the documents are searched; opening a source opens the
// file's own URL. Every list model runs under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>
#include <QtTest>
#include <memory>

#include "app/core/chat_controller.h"
#include "app/core/documents_controller.h"
#include "app/docs/document_index.h"
#include "app/docs/document_indexer.h"

using namespace hearth::app;
using hearth::app::docs::approximateTokenCount;

namespace {

const bool kOffscreen = [] {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return true;
}();

constexpr qint64 kKvBytesPerToken = 4096;

bool writeText(const QString& path, const QString& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0;
}

// A paragraph of filler text that matches none of the questions below.
QString filler(int sentences, const QString& topic) {
    QStringList out;
    for (int i = 0; i < sentences; ++i)
        out << QStringLiteral("Sentence %1 talks about %2 in general terms without any particular detail.")
                   .arg(i)
                   .arg(topic);
    return out.join(QLatin1Char(' '));
}

struct Fixture {
    explicit Fixture(const QTemporaryDir& dir) {
        QString error;
        auto store = Store::open(dir.filePath(QStringLiteral("hearth.sqlite")), &error);
        if (!store) qFatal("store: %s", qPrintable(error));
        auto worker = std::make_unique<FakeEngineWorker>();
        fake = worker.get();
        fake->setTokenIntervalMs(1);
        fake->setKvBytesPerToken(kKvBytesPerToken);
        fake->setReply(QStringLiteral("The keeper is Oswin Tarrow [1]."));
        chat = std::make_unique<ChatController>(std::move(worker), std::move(*store));
        documents =
            new DocumentsController(dir.filePath(QStringLiteral("documents.sqlite")), chat->store(), chat.get());
        chat->setDocuments(documents);
        QObject::connect(documents, &DocumentsController::indexingFinished, documents, [this] { ++jobsFinished; });
        for (QAbstractItemModel* model : {static_cast<QAbstractItemModel*>(chat->messages()),
                                          static_cast<QAbstractItemModel*>(documents->collections()),
                                          static_cast<QAbstractItemModel*>(documents->files())})
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest));
        modelPath = dir.filePath(QStringLiteral("fake-model.gguf"));
        QFile file(modelPath);
        if (!file.exists() && file.open(QIODevice::WriteOnly)) file.write("GGUF");
    }
    ~Fixture() { testers.clear(); }

    bool load() {
        chat->loadModel(modelPath);
        return QTest::qWaitFor([&] { return chat->modelLoaded(); }, 5000);
    }
    bool waitIdle() { return QTest::qWaitFor([&] { return !chat->generating(); }, 20000); }
    // The next indexing job (started by the last action) done, and the lists re-read after it.
    bool waitIndexed() {
        const bool done = QTest::qWaitFor([&] { return jobsFinished > jobsWaited && !documents->indexing(); }, 30000);
        jobsWaited = jobsFinished;
        return done && settle();
    }
    // Every job posted so far has run and its result reached the GUI thread (results come back in posting order,
    // so a marker posted now arrives after them).
    bool settle() {
        auto arrived = std::make_shared<bool>(false);
        DocumentsController* receiver = documents;
        documents->indexer()->post([arrived, receiver](docs::DocumentIndex&) {
            QMetaObject::invokeMethod(receiver, [arrived] { *arrived = true; }, Qt::QueuedConnection);
        });
        return QTest::qWaitFor([&] { return *arrived; }, 10000);
    }
    std::optional<CollectionItem> collection(const QString& name) const {
        for (const CollectionItem& c : documents->collections()->items())
            if (c.name == name) return c;
        return std::nullopt;
    }
    QString lastPrompt() const {
        const TurnRequest r = fake->lastRequest();
        return r.messages.isEmpty() ? QString() : r.messages.last().text;
    }

    std::unique_ptr<ChatController> chat;
    DocumentsController* documents = nullptr;  // a child of chat
    FakeEngineWorker* fake = nullptr;
    QString modelPath;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    int jobsFinished = 0;
    int jobsWaited = 0;
};

// A folder of two documents with known facts, and the question about one of them.
struct Corpus {
    explicit Corpus(const QTemporaryDir& dir) : folder(dir.filePath(QStringLiteral("corpus"))) {
        QDir().mkpath(folder);
        lighthouse = QDir(folder).filePath(QStringLiteral("lighthouse.txt"));
        bread = QDir(folder).filePath(QStringLiteral("bread.md"));
        ok = writeText(lighthouse, filler(6, QStringLiteral("the sea")) +
                                       QStringLiteral("\n\nThe lighthouse keeper on Fennick Island is Oswin Tarrow. "
                                                      "He lights the lamp at dusk.\n\n") +
                                       filler(6, QStringLiteral("weather"))) &&
             writeText(bread, QStringLiteral("# Bread\n\nThe sourdough starter is fed with rye flour every twelve "
                                             "hours.\n\n") + filler(4, QStringLiteral("kitchens")));
    }
    QString folder;
    QString lighthouse;
    QString bread;
    bool ok = false;
};

const QString kQuestion = QStringLiteral("Who keeps the lighthouse on Fennick Island?");

// Receives the URLs QDesktopServices is asked to open (registered for file://).
class UrlCatcher : public QObject {
    Q_OBJECT
public:
    QList<QUrl> urls;
public slots:
    void open(const QUrl& url) { urls << url; }
};

}  // namespace

class DocumentsControllerTest : public QObject {
    Q_OBJECT

private slots:
    void collectionsAreCreatedRenamedAndRemoved() {
        QTemporaryDir dir;
        Fixture f(dir);
        QSignalSpy created(f.documents, &DocumentsController::collectionCreated);
        f.documents->createCollection(QStringLiteral("  Work  "));
        QVERIFY(created.wait());
        QVERIFY(f.settle());
        QCOMPARE(f.documents->collections()->rowCount(), 1);
        QVERIFY(f.collection(QStringLiteral("Work")));
        QCOMPARE(f.documents->selectedCollectionId(), created.first().at(0).toLongLong());

        // A second one of the same name (case aside) is refused with a message.
        f.documents->createCollection(QStringLiteral("work"));
        QTRY_VERIFY(f.documents->lastError().contains(QStringLiteral("already exists")));
        f.documents->createCollection(QString());
        QVERIFY(f.documents->lastError().contains(QStringLiteral("name")));
        QVERIFY(f.settle());
        QCOMPARE(f.documents->collections()->rowCount(), 1);

        // Listed by name: a rename that changes the order moves the row (under the model tester).
        f.documents->createCollection(QStringLiteral("Zeta"));
        QVERIFY(f.settle());
        const qint64 id = f.collection(QStringLiteral("Work"))->id;
        const qint64 zeta = f.collection(QStringLiteral("Zeta"))->id;
        QCOMPARE(f.documents->collections()->items().first().id, id);
        f.documents->renameCollection(id, QStringLiteral("Zulu"));
        QVERIFY(f.settle());
        QCOMPARE(f.documents->collections()->rowCount(), 2);
        QCOMPARE(f.documents->collections()->items().at(0).id, zeta);
        QCOMPARE(f.documents->collections()->items().at(1).id, id);
        QCOMPARE(f.documents->collections()->items().at(1).name, QStringLiteral("Zulu"));
        f.documents->renameCollection(zeta, QStringLiteral("zulu"));
        QTRY_VERIFY(f.documents->lastError().contains(QStringLiteral("already exists")));

        f.documents->clearMessages();
        f.documents->removeCollection(zeta);
        f.documents->removeCollection(id);
        QVERIFY(f.settle());
        QVERIFY2(f.documents->lastError().isEmpty() || f.documents->lastError().contains(QStringLiteral("already")),
                 qPrintable(f.documents->lastError()));
        QCOMPARE(f.documents->collections()->rowCount(), 0);
        QCOMPARE(f.documents->selectedCollectionId(), qint64(0));
    }

    void addedFilesAreIndexedWithTheirStates() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        const QString binary = dir.filePath(QStringLiteral("blob.bin"));
        QVERIFY(writeText(binary, QString(QChar(0)).repeated(64) + QStringLiteral("\x01\x02\x03")));

        // No collection chosen: a new one named after the folder; a file URL and a plain path both work.
        f.documents->addPaths(0, {QUrl::fromLocalFile(corpus.folder), binary});
        QVERIFY(f.waitIndexed());
        const auto c = f.collection(QStringLiteral("corpus"));
        QVERIFY(c);
        QCOMPARE(f.documents->selectedCollectionId(), c->id);
        QCOMPARE(c->fileCount, 3);
        QCOMPARE(c->indexedCount, 2);
        QCOMPARE(c->problemCount, 1);
        QVERIFY(c->chunkCount >= 2);
        QVERIFY(f.documents->lastNotice().contains(QStringLiteral("Indexed 3 files")));

        const QList<FileItem> files = f.documents->files()->items();
        QCOMPARE(files.size(), 3);
        for (const FileItem& file : files) {
            const bool isBinary = file.path == QDir::cleanPath(binary);
            QCOMPARE(file.status, int(isBinary ? docs::FileStatus::Skipped : docs::FileStatus::Indexed));
            QCOMPARE(file.isSource, isBinary);  // the text files came with the folder
            if (isBinary) QVERIFY(!file.error.isEmpty());
        }
        const QModelIndex first = f.documents->files()->index(0);
        QVERIFY(!f.documents->files()->data(first, DocumentFileListModel::StatusTextRole).toString().isEmpty());

        // A file of the folder cannot go alone; the added file can.
        f.documents->removePath(c->id, QDir::cleanPath(corpus.bread));
        QTRY_VERIFY(f.documents->lastError().contains(QStringLiteral("folder")));
        f.documents->removePath(c->id, QDir::cleanPath(binary));
        QVERIFY(f.waitIndexed());
        QCOMPARE(f.collection(QStringLiteral("corpus"))->fileCount, 2);
        QCOMPARE(f.collection(QStringLiteral("corpus"))->problemCount, 0);
    }

    void indexingShowsProgressAndCancels() {
        QTemporaryDir dir;
        Fixture f(dir);
        const QString folder = dir.filePath(QStringLiteral("big"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < 30; ++i)
            QVERIFY(writeText(QDir(folder).filePath(QStringLiteral("part%1.txt").arg(i, 2, 10, QLatin1Char('0'))),
                              (filler(40, QStringLiteral("part %1").arg(i)) + QStringLiteral("\n\n")).repeated(20)));
        QSignalSpy finished(f.documents, &DocumentsController::indexingFinished);
        // Cancelled as soon as the first file is under way.
        QObject::connect(f.documents, &DocumentsController::indexingChanged, f.documents, [&] {
            if (f.documents->filesTotal() > 0 && f.documents->filesDone() >= 1) f.documents->cancelIndexing();
        });
        f.documents->addPaths(0, {folder});
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(1).toBool(), true);  // cancelled
        QCOMPARE(f.documents->lastNotice(), QStringLiteral("Indexing cancelled"));
        QVERIFY(!f.documents->indexing());
        QVERIFY(f.settle());
        const auto c = f.collection(QStringLiteral("big"));
        QVERIFY(c);
        QVERIFY2(c->indexedCount < 30, qPrintable(QString::number(c->indexedCount)));
        const QModelIndex row = f.documents->collections()->index(0);
        QVERIFY(!f.documents->collections()->data(row, CollectionListModel::IndexingRole).toBool());
        // Re-index finishes the job.
        QObject::disconnect(f.documents, &DocumentsController::indexingChanged, f.documents, nullptr);
        f.jobsWaited = f.jobsFinished;  // the cancelled job is accounted for
        f.documents->reindex(c->id);
        QVERIFY(f.waitIndexed());
        QCOMPARE(f.collection(QStringLiteral("big"))->indexedCount, 30);
    }

    void attachedSnippetsReachThePromptAndTheAnswerKeepsItsSources() {
        QTemporaryDir dir;
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        qint64 conversation = 0;
        {
            Fixture f(dir);
            QVERIFY(f.load());
            conversation = f.chat->newConversation();
            f.documents->addPaths(0, {corpus.folder});
            QVERIFY(f.waitIndexed());
            const qint64 id = f.collection(QStringLiteral("corpus"))->id;
            f.documents->setAttached(id, true);
            QCOMPARE(f.documents->attachedCount(), 1);
            QCOMPARE(f.documents->attachedNames(), QStringList{QStringLiteral("corpus")});
            QVERIFY(f.settle());
            QVERIFY(f.collection(QStringLiteral("corpus"))->attached);

            QVERIFY(f.chat->send(kQuestion));
            QVERIFY(f.chat->generating());
            QVERIFY(f.waitIdle());
            QVERIFY2(f.chat->lastError().isEmpty(), qPrintable(f.chat->lastError()));

            // The engine got the snippet, numbered with its source, then the question as typed.
            const QString prompt = f.lastPrompt();
            QVERIFY2(prompt.contains(QStringLiteral("Oswin Tarrow")), qPrintable(prompt));
            QVERIFY(prompt.contains(QStringLiteral("[1] lighthouse.txt, lines ")));
            QVERIFY(prompt.endsWith(QStringLiteral("Question: ") + kQuestion));
            QVERIFY(!prompt.contains(QStringLiteral("sourdough")));  // the other file does not match
            QCOMPARE(f.chat->lastTurnRequest().messages.last().text, prompt);
            // What the user typed is what is stored and shown.
            QCOMPARE(f.chat->messages()->rows().at(0).message.text, kQuestion);

            // The answer lists its sources (model role), numbered as in the prompt: the fact's chunk first (the
            // file's other chunk may share it through the chunks' overlap), never the other file.
            const QVariantList sources =
                f.chat->messages()->data(f.chat->messages()->index(1), MessageListModel::SourcesRole).toList();
            QVERIFY(!sources.isEmpty());
            for (const QVariant& s : sources)
                QCOMPARE(s.toMap().value("path").toString(), QDir::cleanPath(corpus.lighthouse));
            const QVariantMap source = sources.first().toMap();
            QCOMPARE(source.value("path").toString(), QDir::cleanPath(corpus.lighthouse));
            QVERIFY(source.value("label").toString().startsWith(QStringLiteral("lighthouse.txt, lines ")));
            QVERIFY(source.value("snippet").toString().contains(QStringLiteral("Oswin Tarrow")));
            QCOMPARE(source.value("bm25Rank").toInt(), 1);
            QVERIFY(source.value("lineStart").toInt() > 0);
            QVERIFY(source.value("lineEnd").toInt() >= source.value("lineStart").toInt());
            // The user's own message has none.
            QVERIFY(f.chat->messages()->data(f.chat->messages()->index(0), MessageListModel::SourcesRole)
                        .toList()
                        .isEmpty());

            // Exports carry them too.
            const QString json = dir.filePath(QStringLiteral("chat.json"));
            QVERIFY(f.chat->exportJson(json));
            QFile jsonFile(json);
            QVERIFY(jsonFile.open(QIODevice::ReadOnly));
            const QJsonArray exported =
                QJsonDocument::fromJson(jsonFile.readAll()).object().value("messages").toArray();
            QCOMPARE(exported.size(), 2);
            QCOMPARE(exported[1].toObject().value("sources").toArray().first().toObject().value("path").toString(),
                     QDir::cleanPath(corpus.lighthouse));
            QVERIFY(!exported[0].toObject().contains("sources"));
            const QString markdown = dir.filePath(QStringLiteral("chat.md"));
            QVERIFY(f.chat->exportMarkdown(markdown));
            QFile markdownFile(markdown);
            QVERIFY(markdownFile.open(QIODevice::ReadOnly));
            const QString exportedText = QString::fromUtf8(markdownFile.readAll());
            QVERIFY2(exportedText.contains(QStringLiteral("Sources:\n\n[1] lighthouse.txt, lines ")),
                     qPrintable(exportedText));
            QVERIFY(exportedText.contains(QDir::cleanPath(corpus.lighthouse)));
        }
        // After a restart: the stored answer still shows them, and the conversation still uses the collection.
        Fixture f(dir);
        f.chat->selectConversation(conversation);
        QCOMPARE(f.chat->messages()->rowCount(), 2);
        const QVariantList sources =
            f.chat->messages()->data(f.chat->messages()->index(1), MessageListModel::SourcesRole).toList();
        QVERIFY(!sources.isEmpty());
        QVERIFY(sources.first().toMap().value("snippet").toString().contains(QStringLiteral("Oswin Tarrow")));
        QTRY_COMPARE(f.documents->attachedCount(), 1);
    }

    void withoutAttachmentThePromptIsUnchanged() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        QVERIFY(f.load());
        f.chat->newConversation();
        // Indexed, but not attached to this conversation.
        f.documents->addPaths(0, {corpus.folder});
        QVERIFY(f.waitIndexed());
        QVERIFY(f.chat->send(kQuestion));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.lastPrompt(), kQuestion);
        QVERIFY(f.chat->messages()->data(f.chat->messages()->index(1), MessageListModel::SourcesRole)
                    .toList()
                    .isEmpty());
        QVERIFY(!f.documents->previewActive());
    }

    void theTokenBudgetHolds() {
        QTemporaryDir dir;
        Fixture f(dir);
        // Many files that all match, each a chunk of ~100 tokens.
        const QString folder = dir.filePath(QStringLiteral("many"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < 10; ++i)
            QVERIFY(writeText(QDir(folder).filePath(QStringLiteral("note%1.txt").arg(i)),
                              QStringLiteral("Zephyr report %1. ").arg(i) + filler(4, QStringLiteral("zephyr winds"))));
        QVERIFY(f.load());
        f.chat->newConversation();
        f.documents->addPaths(0, {folder});
        QVERIFY(f.waitIndexed());
        f.documents->setAttached(f.collection(QStringLiteral("many"))->id, true);

        const QString question = QStringLiteral("What do the zephyr reports say?");
        const auto snippetsFor = [&](int budget) -> std::pair<int, int> {
            f.documents->setTokenBudget(budget);
            if (!f.chat->send(question) || !f.waitIdle()) return {-1, -1};
            const QString prompt = f.lastPrompt();
            // The snippets: between the instruction and the question.
            const qsizetype from = prompt.indexOf(QStringLiteral("\n\n")) + 2;
            const qsizetype to = prompt.lastIndexOf(QStringLiteral("\n\nQuestion: "));
            const int rows = f.chat->messages()->rowCount();
            const QModelIndex answer = f.chat->messages()->index(rows - 1);
            const int sources = int(f.chat->messages()->data(answer, MessageListModel::SourcesRole).toList().size());
            return {approximateTokenCount(QStringView(prompt).mid(from, to - from)), sources};
        };
        const auto [smallTokens, smallSources] = snippetsFor(DocumentsController::kMinTokenBudget);
        QVERIFY(smallSources >= 1);
        QVERIFY2(smallTokens <= DocumentsController::kMinTokenBudget,
                 qPrintable(QStringLiteral("%1 tokens of snippets").arg(smallTokens)));
        const auto [largeTokens, largeSources] = snippetsFor(600);
        QVERIFY2(largeTokens <= 600, qPrintable(QStringLiteral("%1 tokens of snippets").arg(largeTokens)));
        QVERIFY(largeSources > smallSources);
        // Clamped to the range the page offers.
        f.documents->setTokenBudget(1);
        QCOMPARE(f.documents->tokenBudget(), DocumentsController::kMinTokenBudget);
    }

    void previewShowsWhatThePromptWillGrowBy() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        QVERIFY(f.load());
        f.chat->newConversation();
        f.documents->addPaths(0, {corpus.folder});
        QVERIFY(f.waitIndexed());

        // Nothing attached: no preview.
        f.documents->previewQuestion(kQuestion);
        QVERIFY(!f.documents->previewActive());

        f.documents->setAttached(f.collection(QStringLiteral("corpus"))->id, true);
        QVERIFY(f.documents->previewActive());  // re-measured for the text typed
        QTRY_VERIFY(!f.documents->previewPending());
        QVERIFY(f.documents->previewSnippets() >= 1);
        QVERIFY(f.documents->previewTokens() > 0);
        QCOMPARE(f.documents->previewKvBytes(), double(f.documents->previewTokens()) * kKvBytesPerToken);

        // Sending that text grows the prompt by exactly the tokens the preview showed (same counter).
        const int shown = f.documents->previewTokens();
        QVERIFY(f.chat->send(kQuestion));
        QVERIFY(f.waitIdle());
        QCOMPARE(approximateTokenCount(f.lastPrompt()) - approximateTokenCount(kQuestion), shown);

        // Text that matches nothing: active, but no snippet and nothing added.
        f.documents->previewQuestion(QStringLiteral("xylophone quasar"));
        QTRY_VERIFY(!f.documents->previewPending());
        QCOMPARE(f.documents->previewSnippets(), 0);
        QCOMPARE(f.documents->previewTokens(), 0);
        // An empty input: nothing to show.
        f.documents->previewQuestion(QString());
        QVERIFY(!f.documents->previewActive());
    }

    void deletingAConversationDetachesItsCollections() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        const qint64 conversation = f.chat->newConversation();
        // A drop onto the chat: the conversation's own collection, named after it and attached.
        f.chat->dropUrls({QUrl::fromLocalFile(corpus.lighthouse)});
        QTRY_COMPARE(f.documents->attachedCount(), 1);
        QVERIFY(f.waitIndexed());
        QCOMPARE(f.documents->attachedNames(), QStringList{QStringLiteral("New chat")});
        // A second drop joins the same collection.
        f.chat->dropUrls({QUrl::fromLocalFile(corpus.bread)});
        QVERIFY(f.waitIndexed());
        QCOMPARE(f.documents->collections()->rowCount(), 1);
        QCOMPARE(f.collection(QStringLiteral("New chat"))->fileCount, 2);

        f.chat->deleteConversation(conversation);
        QCOMPARE(f.documents->attachedCount(), 0);
        QVERIFY(f.settle());
        QString error;
        auto index = docs::DocumentIndex::open(dir.filePath(QStringLiteral("documents.sqlite")), &error);
        QVERIFY2(index, qPrintable(error));
        QVERIFY(index->attachedCollections(conversation).isEmpty());
        QCOMPARE(index->collections().size(), 1);  // the collection stays, for other chats
    }

    void droppingOntoTheChatSortsModelsFromDocuments() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        QCOMPARE(f.chat->currentConversationId(), qint64(0));
        f.chat->dropUrls({QUrl::fromLocalFile(f.modelPath), QUrl::fromLocalFile(corpus.folder)});
        QTRY_VERIFY(f.chat->modelLoaded());
        // No conversation was open: one was started for the documents.
        QVERIFY(f.chat->currentConversationId() != 0);
        QTRY_COMPARE(f.documents->attachedCount(), 1);
        QVERIFY(f.waitIndexed());
        QVERIFY(f.chat->send(kQuestion));
        QVERIFY(f.waitIdle());
        QVERIFY(f.lastPrompt().contains(QStringLiteral("Oswin Tarrow")));

        f.chat->dropUrls({QUrl(QStringLiteral("https://example.com/a.txt"))});
        QVERIFY(f.chat->lastError().contains(QStringLiteral("this computer")));
    }

    void stopWhileSearchingEndsTheTurn() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        QVERIFY(f.load());
        f.chat->newConversation();
        f.documents->addPaths(0, {corpus.folder});
        QVERIFY(f.waitIndexed());
        f.documents->setAttached(f.collection(QStringLiteral("corpus"))->id, true);
        QVERIFY(f.settle());
        // Keep the index thread busy so the search waits.
        f.documents->indexer()->post([](docs::DocumentIndex&) { QThread::msleep(400); });
        const int requests = f.fake->requestsSeen();
        QVERIFY(f.chat->send(kQuestion));
        QVERIFY(f.chat->generating());
        QVERIFY(f.chat->searchingDocuments());
        f.chat->stop();
        QVERIFY(!f.chat->generating());
        QVERIFY(!f.chat->searchingDocuments());
        QVERIFY(f.chat->messages()->rows().at(1).message.stats.contains(QStringLiteral("cancelled")));
        // The late search result sends nothing.
        QTest::qWait(800);
        QCOMPARE(f.fake->requestsSeen(), requests);
        QVERIFY(f.chat->messages()->data(f.chat->messages()->index(1), MessageListModel::SourcesRole)
                    .toList()
                    .isEmpty());
    }

    void anEmbeddingModelMakesTheRankingHybrid() {
        const QString bert = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/arch-bert.gguf");
        const QString chatModel = QStringLiteral(HEARTH_SHARED_DIR "/models/stories260K.gguf");
        if (!QFileInfo::exists(bert) || !QFileInfo::exists(chatModel))
            QSKIP("no conformance BERT model or stories260K in the shared folder");
        QTemporaryDir dir;
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        {
            Fixture f(dir);
            QSignalSpy changed(f.documents, &DocumentsController::embeddingModelChanged);
            // A chat model is no embedding model: refused, with the reason, and nothing is in use.
            f.documents->setEmbeddingModel(chatModel);
            QVERIFY(f.documents->embeddingModelLoading());
            QTRY_VERIFY_WITH_TIMEOUT(!f.documents->embeddingModelLoading(), 20000);
            QVERIFY(!f.documents->embeddingModelError().isEmpty());
            QCOMPARE(f.documents->embeddingModel(), QString());
            // A file that is no model at all is refused at once.
            f.documents->setEmbeddingModel(corpus.lighthouse);
            QVERIFY(f.documents->embeddingModelError().contains(QStringLiteral(".gguf")));

            f.documents->setEmbeddingModel(QUrl::fromLocalFile(bert).toString());
            QTRY_VERIFY_WITH_TIMEOUT(!f.documents->embeddingModelLoading(), 20000);
            QVERIFY2(f.documents->embeddingModelError().isEmpty(), qPrintable(f.documents->embeddingModelError()));
            QCOMPARE(f.documents->embeddingModel(), bert);

            QSignalSpy embedded(f.documents->indexer(), &docs::DocumentIndexer::embeddingFinished);
            QVERIFY(f.load());
            f.chat->newConversation();
            const qsizetype passes = embedded.count();
            f.documents->addPaths(0, {corpus.folder});
            QVERIFY(f.waitIndexed());
            // The new chunks' vectors are computed after the indexing job.
            QTRY_VERIFY_WITH_TIMEOUT(embedded.count() > passes, 30000);
            QVERIFY(!f.documents->embedding());
            f.documents->setAttached(f.collection(QStringLiteral("corpus"))->id, true);
            QVERIFY(f.chat->send(kQuestion));
            QVERIFY(f.waitIdle());
            QVERIFY(f.lastPrompt().contains(QStringLiteral("Oswin Tarrow")));
            const QVariantList sources =
                f.chat->messages()->data(f.chat->messages()->index(1), MessageListModel::SourcesRole).toList();
            QVERIFY(!sources.isEmpty());
            QVERIFY(sources.first().toMap().value("vectorRank").toInt() > 0);  // the dense list ranked it too
        }
        // The choice is kept: the next start uses it again.
        Fixture f(dir);
        QTRY_VERIFY_WITH_TIMEOUT(!f.documents->embeddingModelLoading(), 20000);
        QCOMPARE(f.documents->embeddingModel(), bert);
    }

    void anUnusableIndexNeverHoldsUpTheChat() {
        QTemporaryDir dir;
        // A folder where the index file should be: SQLite cannot open it.
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("documents.sqlite"))));
        Fixture f(dir);
        QVERIFY(f.load());
        f.chat->newConversation();
        QVERIFY(f.chat->send(kQuestion));
        QVERIFY(f.waitIdle());
        QCOMPARE(f.lastPrompt(), kQuestion);
        QVERIFY2(f.documents->lastError().contains(QStringLiteral("cannot be opened")),
                 qPrintable(f.documents->lastError()));
    }

    void openingASourceOpensTheFile() {
        QTemporaryDir dir;
        Fixture f(dir);
        Corpus corpus(dir);
        QVERIFY(corpus.ok);
        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &catcher, "open");
        QVERIFY(f.documents->openSource(corpus.lighthouse));
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        QCOMPARE(catcher.urls, QList<QUrl>{QUrl::fromLocalFile(corpus.lighthouse)});
        // A file that is gone says so instead.
        QVERIFY(!f.documents->openSource(dir.filePath(QStringLiteral("gone.txt"))));
        QVERIFY(f.documents->lastError().contains(QStringLiteral("gone.txt")));
    }
};

QTEST_MAIN(DocumentsControllerTest)
#include "documents_controller_test.moc"
