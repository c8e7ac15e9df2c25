// The documents index end to end, as a user would notice it: questions about facts in a text file, Markdown,
// HTML, a PDF (a fact on page 2), a DOCX, a Latin-1 and a UTF-16 file retrieve the right chunk in the top 3 with
// its provenance; bad inputs (binary, empty, truncated/damaged/encrypted PDF, a non-zip DOCX) end with a clear
// status and a consistent index; a 50 MB text file is streamed in bounded memory and searchable; files that vanish
// before or while being read end Missing; cancelling leaves files in their old state; a killed indexer leaves a
// consistent index (what it staged is dropped at the next start); after a restart the facts are still found and
// only a changed file is read again; writes posted to the indexer and retrievals are answered within a batch
// while a 50 MB file is indexed, and removing the collection being indexed stops the job.
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <optional>

#include <sys/resource.h>

#include "app/docs/document_index.h"
#include "app/docs/document_indexer.h"
#include "app/docs/retrieval.h"
#include "document_corpus.h"

using namespace hearth::app::docs;

namespace {

constexpr char kCrashChildArg[] = "--docs-crash-child";

void setMtime(const QString& path, const QDateTime& when) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(when, QFileDevice::FileModificationTime));
}

// A PDF encrypted with the standard security handler (RC4, revision 2) whose user password is not empty: the
// /U entry is not what the empty password yields, so a reader must ask for the password. QPdfWriter cannot
// encrypt, so the file is assembled here with a correct cross-reference table.
QByteArray encryptedPdf() {
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    const QByteArray hex32 = QByteArray(32, '\x5a').toHex();
    const QList<QByteArray> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        "<< /Filter /Standard /V 1 /R 2 /O <" + hex32 + "> /U <" + hex32 + "> /P -44 >>",
        "<< /Length 8 >>\nstream\n\x01\x02\x03\x04\x05\x06\x07\x08\nendstream",
    };
    for (int i = 0; i < objects.size(); ++i) {
        offsets << pdf.size();
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (qsizetype offset : offsets) pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    const QByteArray id = QByteArray(16, '\x11').toHex();
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R /Encrypt 4 0 R /ID [<" + id +
           "> <" + id + ">] >>\nstartxref\n" + QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

long maxRssKb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// A text file of about `bytes` bytes of filler in paragraphs of five lines, written in blocks (the test itself
// must not hold it), with `fact` as one line in the middle. Returns that line's number.
int writeBigText(const QString& path, qint64 bytes, const QString& fact) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return -1;
    const QStringList vocabulary = filler(400, 7).remove(u'.').split(u' ', Qt::SkipEmptyParts);
    QRandomGenerator rng(11);
    qint64 written = 0;
    int line = 0;
    int factLine = -1;
    QByteArray block;
    while (written < bytes) {
        QString text;
        if (factLine < 0 && written >= bytes / 2) {
            text = fact;
            factLine = line + 1;
        } else {
            for (int w = 0; w < 16; ++w) text += vocabulary[rng.bounded(int(vocabulary.size()))] + u' ';
        }
        block += text.toUtf8() + (line % 5 == 4 ? "\n\n" : "\n");
        line += line % 5 == 4 ? 2 : 1;
        if (block.size() > (1 << 20)) {
            written += f.write(block);
            block.clear();
        }
    }
    f.write(block);
    return factLine;
}

// The crash test's child: indexes the collection of the given database until it is killed.
int crashChild(const QString& dbPath, qint64 collectionId) {
    QString error;
    auto index = DocumentIndex::open(dbPath, &error);
    if (!index) return 2;
    IndexingCallbacks callbacks;
    callbacks.progress = [](int done, int, const QString& file) {
        printf("%d %s\n", done, qPrintable(QFileInfo(file).fileName()));
        fflush(stdout);
    };
    Indexing::indexCollection(*index, collectionId, ChunkerOptions{}, callbacks);
    printf("done\n");
    fflush(stdout);
    return 0;
}

}  // namespace

class DocumentIndexTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;
    QString corpus_;
    QString big_;
    int bigFactLine_ = 0;
    qint64 corpusId_ = 0;
    int txtFactLine_ = 0;
    std::optional<DocumentIndex> index_;

    QString path(const QString& name) const { return dir_.filePath(name); }

    // A copy of facts.txt whose path sorts before the big file's, so it is indexed first.
    QString smallFirst() {
        const QString copy = path(QStringLiteral("a-first/facts.txt"));
        if (!QFileInfo::exists(copy)) {
            QDir().mkpath(QFileInfo(copy).absolutePath());
            QFile::copy(corpus_ + QStringLiteral("/facts.txt"), copy);
        }
        return copy;
    }

    // Queued to this thread, as the GUI receives it (a QSignalSpy connects directly and would be told on the
    // indexing thread, possibly before it starts waiting).
    IndexingSummary runIndexer(DocumentIndexer& indexer, qint64 collectionId) {
        IndexingSummary summary;
        summary.error = QStringLiteral("the indexer did not finish in time");
        QEventLoop loop;
        connect(
            &indexer, &DocumentIndexer::finished, &loop,
            [&](const IndexingSummary& s) {
                summary = s;
                loop.quit();
            },
            Qt::QueuedConnection);
        QTimer::singleShot(240000, &loop, &QEventLoop::quit);
        indexer.indexCollection(collectionId);
        loop.exec();
        return summary;
    }

    void verifyConsistent() {
        QString problem;
        QVERIFY2(index_->checkConsistency(&problem), qPrintable(problem));
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        db_ = path(QStringLiteral("documents.sqlite"));
        QString error;
        index_ = DocumentIndex::open(db_, &error);
        QVERIFY2(index_, qPrintable(error));
        QCOMPARE(DocumentIndex::schemaVersion(), 2);
    }

    // First, so that the peak resident size before it is not inflated by the other tests.
    void bigTextFileIsStreamedAndSearchable() {
        big_ = path(QStringLiteral("big/huge.log"));
        QVERIFY(QDir().mkpath(path(QStringLiteral("big"))));
        bigFactLine_ = writeBigText(big_, 50ll * 1024 * 1024, QStringLiteral("The zeppelin hangar door code is Quillfeather 8812."));
        QVERIFY(bigFactLine_ > 0);
        QVERIFY(QFileInfo(big_).size() >= 50ll * 1024 * 1024);
        const qint64 id = index_->createCollection(QStringLiteral("Big"));
        QVERIFY(id > 0);
        QVERIFY(index_->addSource(id, big_));

        const long before = maxRssKb();
        QElapsedTimer timer;
        timer.start();
        const IndexingSummary summary = Indexing::indexCollection(*index_, id, ChunkerOptions{}, {});
        const long grownMb = (maxRssKb() - before) / 1024;
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.filesRead, 1);
        qInfo("50 MB: %d chunks in %.1f s, peak resident size %ld MB before, grew by %ld MB", summary.chunksWritten,
              timer.elapsed() / 1000.0, before / 1024, grownMb);
        QVERIFY2(grownMb < 64, qPrintable(QStringLiteral("peak memory grew by %1 MB").arg(grownMb)));
        QVERIFY(summary.chunksWritten > 10000);

        const QList<SearchHit> hits = index_->search(QStringLiteral("What is the zeppelin hangar door code?"), {id}, 3);
        QVERIFY2(!hits.isEmpty() && hits.first().text.contains(u"Quillfeather 8812"), qPrintable(describe(hits)));
        QVERIFY(hits.first().lineStart <= bigFactLine_ && bigFactLine_ <= hits.first().lineEnd);
        verifyConsistent();
    }

    void corpusFactsAreRetrievedWithProvenance() {
        corpus_ = path(QStringLiteral("corpus"));
        QVERIFY(QDir().mkpath(corpus_ + QStringLiteral("/sub")));
        const QList<CorpusFact> facts = writeCorpus(corpus_, &txtFactLine_);
        QVERIFY(!facts.isEmpty());

        corpusId_ = index_->createCollection(QStringLiteral("Corpus"));
        QVERIFY(corpusId_ > 0);
        QCOMPARE(index_->createCollection(QStringLiteral("Corpus")), 0);  // names are unique
        QVERIFY(index_->addSource(corpusId_, corpus_));

        DocumentIndexer indexer(db_);
        QList<int> progressDone;
        connect(&indexer, &DocumentIndexer::progress, this,
                [&](qint64, int done, int total) { progressDone << done * 100 + total; }, Qt::QueuedConnection);
        const IndexingSummary summary = runIndexer(indexer, corpusId_);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.filesTotal, 7);  // the hidden file is not listed
        QCOMPARE(summary.filesRead, 7);
        QCOMPARE(summary.filesWithProblems, 0);
        QVERIFY(!summary.cancelled);
        QCOMPARE(progressDone.size(), 8);  // before each file, and done == total at the end
        QCOMPARE(progressDone.first(), 0 * 100 + 7);
        QCOMPARE(progressDone.last(), 7 * 100 + 7);
        for (const FileRow& f : index_->files(corpusId_))
            QVERIFY2(f.status == FileStatus::Indexed && f.chunkCount > 0, qPrintable(f.path + u' ' + f.error));
        verifyConsistent();

        for (const CorpusFact& fact : facts) {
            const QList<SearchHit> hits = index_->search(fact.question, {corpusId_}, 3);
            const int rank = rankOf(hits, fact.file, fact.needle);
            qInfo("%s: rank %d of %lld (bm25 %.3f)", qPrintable(fact.file), rank, qlonglong(hits.size()),
                  rank ? hits[rank - 1].bm25 : 0.0);
            QVERIFY2(rank >= 1, qPrintable(fact.question + u'\n' + describe(hits)));
            const SearchHit& hit = hits[rank - 1];
            QCOMPARE(hit.bm25Rank, rank);
            QCOMPARE(hit.page, fact.page);
            if (fact.file == u"facts.txt")
                QVERIFY2(hit.lineStart <= txtFactLine_ && txtFactLine_ <= hit.lineEnd,
                         qPrintable(QStringLiteral("fact on line %1, chunk %2-%3")
                                        .arg(txtFactLine_).arg(hit.lineStart).arg(hit.lineEnd)));
        }
        // The script's words are not text; collections filter.
        QVERIFY(index_->search(QStringLiteral("quokka wombat"), {corpusId_}, 3).isEmpty());
        QVERIFY(index_->search(QStringLiteral("Ottoline Brack"), {corpusId_ + 1000}, 3).isEmpty());

        // The context for the prompt names the PDF's page.
        const RetrievedContext context = RetrievalContext::build(
            index_->search(QStringLiteral("Vandermeer Logistics revenue"), {corpusId_}, 3), 400);
        QVERIFY2(context.text.startsWith(u"[1] report.pdf, page 2:\n"), qPrintable(context.text.left(200)));
        QVERIFY(context.tokenCount > 0 && context.tokenCount <= 400);
    }

    // The indexer's thread is the only writer; small writes posted to it and retrievals are answered between the
    // ~100 ms batches of a 50 MB file, long before the file is done, and a write on another connection meanwhile
    // does not wait for the file either.
    void postedJobsAndRetrievalAreAnsweredWhileABigFileIsIndexed() {
        const qint64 id = index_->createCollection(QStringLiteral("Busy"));
        QVERIFY(index_->addSource(id, big_));
        DocumentIndexer indexer(db_);
        QElapsedTimer clock;
        clock.start();
        qint64 finishedAt = -1, retrievedAt = -1, postedAt = -1, askedAt = -1, otherWriteMs = -1;
        QList<SearchHit> hits;
        QString retrieveError;
        quint64 requestId = 0, answeredId = 0;
        QStringList order;           // as the posted jobs ran, on the indexing thread
        qint64 postedCollection = 0; // what the posted write returned, sent back with a queued call
        bool asked = false;
        IndexingSummary summary;
        QEventLoop loop;
        connect(&indexer, &DocumentIndexer::finished, &loop, [&](const IndexingSummary& s) {
            summary = s;
            finishedAt = clock.elapsed();
            loop.quit();
        }, Qt::QueuedConnection);
        connect(&indexer, &DocumentIndexer::retrieved, this,
                [&](quint64 request, const QList<SearchHit>& h, const QString& error) {
                    answeredId = request;
                    hits = h;
                    retrieveError = error;
                    retrievedAt = clock.elapsed();
                }, Qt::QueuedConnection);
        connect(&indexer, &DocumentIndexer::progress, this, [&](qint64, int, int, const QString& file) {
            if (!file.endsWith(u"huge.log") || asked) return;
            asked = true;
            // Well inside the file: its first batches are committed, its transaction would be long by now.
            QTimer::singleShot(1000, this, [&] {
                askedAt = clock.elapsed();
                QObject* self = this;
                indexer.post([&order](DocumentIndex&) { order << QStringLiteral("first"); });
                indexer.post([&, self](DocumentIndex& index) {
                    order << QStringLiteral("second");
                    const qint64 created = index.createCollection(QStringLiteral("Posted while busy"));
                    index.addSource(created, corpus_ + QStringLiteral("/facts.txt"));
                    QMetaObject::invokeMethod(self, [&, created] {
                        postedCollection = created;
                        postedAt = clock.elapsed();
                    }, Qt::QueuedConnection);
                });
                requestId = indexer.retrieve(QStringLiteral("Who is the lighthouse keeper on Skerryvore?"),
                                             {corpusId_}, 3);
                QElapsedTimer write;
                write.start();
                QVERIFY(index_->attach(7, corpusId_));  // the GUI's own connection, for comparison
                otherWriteMs = write.elapsed();
            });
        }, Qt::QueuedConnection);
        QTimer::singleShot(240000, &loop, &QEventLoop::quit);
        indexer.indexCollection(id);
        loop.exec();

        QVERIFY2(summary.error.isEmpty() && !summary.cancelled, qPrintable(summary.error));
        QCOMPARE(summary.filesRead, 1);
        QVERIFY2(askedAt > 0, "the big file was never reached");
        qInfo("asked at %lld ms: posted write answered after %lld ms, retrieval after %lld ms, a write on another "
              "connection took %lld ms; the file was done %lld ms after the question",
              askedAt, postedAt - askedAt, retrievedAt - askedAt, otherWriteMs, finishedAt - askedAt);
        // Answered while the file was still being indexed, and promptly.
        QVERIFY(postedAt > 0 && retrievedAt > 0);
        QVERIFY2(postedAt < finishedAt && retrievedAt < finishedAt, "answers waited for the whole file");
        QVERIFY2(retrievedAt - askedAt < 2000 && postedAt - askedAt < 2000, "answers took longer than a few batches");
        QVERIFY2(otherWriteMs < 2000, "a write on another connection waited for the whole file");
        QCOMPARE(order, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
        // The results are right: the retrieval's, the posted write's (seen from another connection) and the file's.
        QCOMPARE(answeredId, requestId);
        QVERIFY2(retrieveError.isEmpty(), qPrintable(retrieveError));
        QCOMPARE(rankOf(hits, QStringLiteral("facts.txt"), QStringLiteral("Ottoline Brack")), 1);
        QVERIFY(postedCollection > 0);
        QCOMPARE(index_->sources(postedCollection), QStringList{corpus_ + QStringLiteral("/facts.txt")});
        QCOMPARE(index_->attachedCollections(7), QList<qint64>{corpusId_});
        const QList<SearchHit> big = index_->search(QStringLiteral("What is the zeppelin hangar door code?"), {id}, 3);
        QVERIFY2(!big.isEmpty() && big.first().text.contains(u"Quillfeather 8812"), qPrintable(describe(big)));
        verifyConsistent();
        QVERIFY(index_->removeCollection(postedCollection) && index_->detachAll(7) && index_->removeCollection(id));
    }

    // Removing the collection being indexed (a posted job, run between batches) ends the job as cancelled, and
    // the file's staged chunks go with it.
    void removingTheCollectionBeingIndexedStopsIt() {
        const qint64 id = index_->createCollection(QStringLiteral("Removed while busy"));
        QVERIFY(index_->addSource(id, big_));
        DocumentIndexer indexer(db_);
        connect(&indexer, &DocumentIndexer::progress, this, [&](qint64, int, int, const QString& file) {
            if (!file.endsWith(u"huge.log")) return;
            QTimer::singleShot(500, this, [&] { indexer.post([id](DocumentIndex& i) { i.removeCollection(id); }); });
        }, Qt::QueuedConnection);
        const IndexingSummary summary = runIndexer(indexer, id);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QVERIFY(summary.cancelled);
        QVERIFY(!index_->collectionExists(id));
        QCOMPARE(index_->files(id).size(), 0);
        verifyConsistent();
    }

    void hostileQuestionsAreNotFtsSyntax() {
        for (const QString& q : {QStringLiteral("NEAR(\"lighthouse\" keeper*) -soup: OR AND NOT"),
                                 QStringLiteral("\"unbalanced"), QStringLiteral("col:text ^start {a b}"),
                                 QStringLiteral("'; DROP TABLE chunks; --")}) {
            index_->search(q, {corpusId_}, 3);
            QVERIFY2(index_->lastError().isEmpty(), qPrintable(q + QStringLiteral(": ") + index_->lastError()));
        }
        QVERIFY(!index_->search(QStringLiteral("NEAR(\"lighthouse\" keeper*)"), {corpusId_}, 3).isEmpty());
        verifyConsistent();
    }

    void badInputsEndWithAClearStatus() {
        const QString bad = path(QStringLiteral("bad"));
        QVERIFY(QDir().mkpath(bad));
        QByteArray binary(8192, '\0');
        QRandomGenerator rng(5);
        for (char& c : binary) c = char(rng.bounded(256));
        QVERIFY(writeFile(bad + QStringLiteral("/binary.dat"), binary));
        QVERIFY(writeFile(bad + QStringLiteral("/empty.txt"), {}));
        QVERIFY(writeFile(bad + QStringLiteral("/blank.md"), "  \n\n\t\n"));
        QVERIFY(writePdf(bad + QStringLiteral("/whole.pdf"), {filler(200, 700), filler(200, 701)}));
        QFile whole(bad + QStringLiteral("/whole.pdf"));
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray pdf = whole.readAll();
        QVERIFY(writeFile(bad + QStringLiteral("/truncated.pdf"), pdf.left(pdf.size() * 6 / 10)));
        QVERIFY(writeFile(bad + QStringLiteral("/damaged.pdf"), "%PDF-1.7\n" + QByteArray(4000, 'z') + "\n%%EOF\n"));
        QVERIFY(writeFile(bad + QStringLiteral("/encrypted.pdf"), encryptedPdf()));
        QVERIFY(writeFile(bad + QStringLiteral("/notzip.docx"), "just some text pretending to be a document"));
        QVERIFY(writeDocx(bad + QStringLiteral("/nodoc.docx"), {}, QByteArray("")));
        QVERIFY(writeDocx(bad + QStringLiteral("/badxml.docx"), {},
                          "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                          "<w:body><w:p><w:t>unclosed</w:p></w:body></w:document>"));
        QVERIFY(writeFile(bad + QStringLiteral("/good.txt"), "The badger census counted 311 setts."));
        QVERIFY(QFile::remove(bad + QStringLiteral("/whole.pdf")));

        const qint64 id = index_->createCollection(QStringLiteral("Bad"));
        QVERIFY(index_->addSource(id, bad));
        QVERIFY(index_->addSource(id, path(QStringLiteral("never-existed.txt"))));
        DocumentIndexer indexer(db_);
        int perFile = 0;
        connect(&indexer, &DocumentIndexer::fileIndexed, this, [&] { ++perFile; }, Qt::QueuedConnection);
        const IndexingSummary summary = runIndexer(indexer, id);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.filesTotal, 11);
        QCOMPARE(summary.filesWithProblems, 10);
        QCOMPARE(perFile, 11);

        const QHash<QString, QPair<FileStatus, QString>> expected = {
            {QStringLiteral("binary.dat"), {FileStatus::Skipped, QStringLiteral("not a text document")}},
            {QStringLiteral("empty.txt"), {FileStatus::Empty, QStringLiteral("is empty")}},
            {QStringLiteral("blank.md"), {FileStatus::Empty, QStringLiteral("contains no text")}},
            {QStringLiteral("truncated.pdf"), {FileStatus::Failed, QStringLiteral("is truncated or damaged")}},
            {QStringLiteral("damaged.pdf"), {FileStatus::Failed, QStringLiteral("damaged or not a valid PDF")}},
            {QStringLiteral("encrypted.pdf"), {FileStatus::Failed, QStringLiteral("is password-protected")}},
            {QStringLiteral("notzip.docx"), {FileStatus::Failed, QStringLiteral("not a zip archive")}},
            {QStringLiteral("nodoc.docx"), {FileStatus::Failed, QStringLiteral("word/document.xml is missing")}},
            {QStringLiteral("badxml.docx"), {FileStatus::Failed, QStringLiteral("its text is not valid XML")}},
            {QStringLiteral("never-existed.txt"), {FileStatus::Missing, QStringLiteral("disappeared")}},
            {QStringLiteral("good.txt"), {FileStatus::Indexed, QString()}},
        };
        const QList<FileRow> files = index_->files(id);
        QCOMPARE(files.size(), expected.size());
        for (const FileRow& f : files) {
            const QString name = QFileInfo(f.path).fileName();
            QVERIFY2(expected.contains(name), qPrintable(name));
            qInfo("%s: status %d, \"%s\"", qPrintable(name), int(f.status), qPrintable(f.error));
            QCOMPARE(int(f.status), int(expected[name].first));
            if (f.status != FileStatus::Indexed)  // the message names the file and says what is wrong
                QVERIFY2(f.error.contains(expected[name].second) && f.error.contains(name), qPrintable(f.error));
            else
                QVERIFY(f.error.isEmpty());
            QCOMPARE(f.chunkCount > 0, f.status == FileStatus::Indexed);
        }
        QCOMPARE(rankOf(index_->search(QStringLiteral("badger census"), {id}, 3), QStringLiteral("good.txt"),
                        QStringLiteral("311 setts")),
                 1);
        verifyConsistent();
    }

    void filesVanishingBeforeOrWhileReadEndMissing() {
        const QString d = path(QStringLiteral("vanish"));
        QVERIFY(QDir().mkpath(d));
        QVERIFY(writeFile(d + QStringLiteral("/a.txt"), "Alpha file about the walrus choir."));
        QVERIFY(writeFile(d + QStringLiteral("/b.txt"), "Bravo file about the narwhal orchestra."));
        QVERIFY(writeFile(d + QStringLiteral("/c.txt"), "Charlie file about the puffin quartet."));
        const qint64 id = index_->createCollection(QStringLiteral("Vanish"));
        QVERIFY(index_->addSource(id, d));
        {
            DocumentIndexer indexer(db_);
            QCOMPARE(runIndexer(indexer, id).filesRead, 3);
        }
        QVERIFY(!index_->search(QStringLiteral("narwhal orchestra"), {id}, 3).isEmpty());

        // b.txt changes, then goes away while a.txt is being looked at (before it is read).
        QVERIFY(writeFile(d + QStringLiteral("/b.txt"), "Bravo file, now about the narwhal brass band."));
        setMtime(d + QStringLiteral("/b.txt"), QDateTime::currentDateTimeUtc().addSecs(60));
        // c.txt changes, and goes away while its text is being chunked (the token counter runs mid-read).
        QVERIFY(writeFile(d + QStringLiteral("/c.txt"), "Charlie file, now about the puffin DELETE-ME-NOW."));
        setMtime(d + QStringLiteral("/c.txt"), QDateTime::currentDateTimeUtc().addSecs(60));
        const QString c = d + QStringLiteral("/c.txt");
        DocumentIndexer indexer(db_);
        ChunkerOptions options;
        options.countTokens = [c](QStringView text) {
            if (text.contains(u"DELETE-ME-NOW")) QFile::remove(c);
            return approximateTokenCount(text);
        };
        indexer.setChunkerOptions(options);
        connect(
            &indexer, &DocumentIndexer::progress, this,
            [d](qint64, int, int, const QString& file) {
                if (file.endsWith(u"/a.txt")) QFile::remove(d + QStringLiteral("/b.txt"));
            },
            Qt::DirectConnection);  // on the indexing thread, before it moves on to b.txt
        const IndexingSummary summary = runIndexer(indexer, id);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        const auto b = index_->file(id, d + QStringLiteral("/b.txt"));
        const auto cRow = index_->file(id, c);
        QVERIFY(b && cRow);
        QCOMPARE(int(b->status), int(FileStatus::Missing));
        QVERIFY2(b->error.contains(u"disappeared before it could be read"), qPrintable(b->error));
        QCOMPARE(int(cRow->status), int(FileStatus::Missing));
        QVERIFY2(cRow->error.contains(u"disappeared while it was being read"), qPrintable(cRow->error));
        QCOMPARE(b->chunkCount + cRow->chunkCount, 0);
        // Their old text is gone from the results; a.txt is untouched.
        QVERIFY(index_->search(QStringLiteral("narwhal orchestra"), {id}, 3).isEmpty());
        QVERIFY(index_->search(QStringLiteral("puffin quartet"), {id}, 3).isEmpty());
        QCOMPARE(rankOf(index_->search(QStringLiteral("walrus choir"), {id}, 3), QStringLiteral("a.txt"),
                        QStringLiteral("walrus")),
                 1);
        verifyConsistent();
    }

    void cancellingLeavesFilesInTheirOldState() {
        const qint64 id = index_->createCollection(QStringLiteral("Cancelled"));
        QVERIFY(index_->addSource(id, smallFirst()));
        QVERIFY(index_->addSource(id, big_));
        DocumentIndexer indexer(db_);
        connect(
            &indexer, &DocumentIndexer::progress, this,
            [&indexer](qint64, int, int, const QString& file) {
                if (file.endsWith(u"huge.log")) QTimer::singleShot(300, &indexer, [&indexer] { indexer.cancel(); });
            },
            Qt::QueuedConnection);
        QElapsedTimer timer;
        timer.start();
        const IndexingSummary summary = runIndexer(indexer, id);
        QVERIFY(summary.cancelled);
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));  // stops soon
        const QList<FileRow> files = index_->files(id);
        QCOMPARE(files.size(), 1);  // the big file's transaction was rolled back: not even a row
        QCOMPARE(int(files.first().status), int(FileStatus::Indexed));
        verifyConsistent();
        // Cancel with nothing running, then a new job runs normally.
        indexer.cancel();
        QVERIFY(!runIndexer(indexer, index_->createCollection(QStringLiteral("After"))).cancelled);
    }

    void killedIndexerLeavesAConsistentIndex() {
        const qint64 id = index_->createCollection(QStringLiteral("Killed"));
        QVERIFY(index_->addSource(id, smallFirst()));
        QVERIFY(index_->addSource(id, big_));
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QString::fromLatin1(kCrashChildArg), db_, QString::number(id)});
        QVERIFY(child.waitForStarted());
        // Wait until it is inside the big file, then give it time to write part of it.
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (!out.contains("huge.log") && timer.elapsed() < 60000) {
            child.waitForReadyRead(1000);
            out += child.readAllStandardOutput();
        }
        QVERIFY2(out.contains("huge.log"), out.constData());
        QTest::qWait(1000);
        child.kill();
        QVERIFY(child.waitForFinished());
        QVERIFY2(!child.readAllStandardOutput().contains("done"), "the child finished before it was killed");

        QString error;
        auto reopened = DocumentIndex::open(db_, &error);
        QVERIFY2(reopened, qPrintable(error));
        // What the killed child staged of the big file is not searchable...
        QVERIFY(reopened->search(QStringLiteral("zeppelin hangar door code"), {id}, 3).isEmpty());
        // ...and the app's next start (its indexer, at its first job) drops it.
        {
            DocumentIndexer indexer(db_);
            QEventLoop loop;
            QObject receiver;
            indexer.post([&](DocumentIndex&) { QMetaObject::invokeMethod(&receiver, [&] { loop.quit(); }); });
            QTimer::singleShot(60000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        QString problem;
        QVERIFY2(reopened->checkConsistency(&problem), qPrintable(problem));
        const QList<FileRow> files = reopened->files(id);
        QCOMPARE(files.size(), 1);  // facts.txt committed; the big file never half there
        QCOMPARE(rankOf(reopened->search(QStringLiteral("Skerryvore lighthouse keeper"), {id}, 3),
                        QStringLiteral("facts.txt"), QStringLiteral("Ottoline")),
                 1);
    }

    void restartFindsFactsAndRereadsOnlyChangedFiles() {
        index_.reset();  // as if the app quit
        QString error;
        index_ = DocumentIndex::open(db_, &error);
        QVERIFY2(index_, qPrintable(error));
        QVERIFY(rankOf(index_->search(QStringLiteral("Vandermeer Logistics revenue"), {corpusId_}, 3),
                       QStringLiteral("report.pdf"), QStringLiteral("Vandermeer")) >= 1);

        // Attachments survive too.
        QVERIFY(index_->attach(42, corpusId_));
        QCOMPARE(index_->attachedCollections(42), QList<qint64>{corpusId_});

        DocumentIndexer indexer(db_);
        IndexingSummary summary = runIndexer(indexer, corpusId_);
        QCOMPARE(summary.filesRead, 0);
        QCOMPARE(summary.filesUnchanged, 7);

        // One file changed (new fact), one only touched (same bytes, new time): only the first is read again.
        const QString notes = corpus_ + QStringLiteral("/sub/notes.md");
        QFile f(notes);
        QVERIFY(f.open(QIODevice::Append));
        f.write("\n\nThe compost heap is turned every Thursday by Mortimer.\n");
        f.close();
        setMtime(notes, QDateTime::currentDateTimeUtc().addSecs(120));
        setMtime(corpus_ + QStringLiteral("/facts.txt"), QDateTime::currentDateTimeUtc().addSecs(120));
        summary = runIndexer(indexer, corpusId_);
        QCOMPARE(summary.filesRead, 1);
        QCOMPARE(summary.filesUnchanged, 6);
        QCOMPARE(rankOf(index_->search(QStringLiteral("When is the compost heap turned?"), {corpusId_}, 3),
                        QStringLiteral("notes.md"), QStringLiteral("Mortimer")),
                 1);
        QVERIFY(rankOf(index_->search(QStringLiteral("greenhouse thermostat"), {corpusId_}, 3),
                       QStringLiteral("notes.md"), QStringLiteral("23 degrees")) >= 1);

        // A removed file drops out with its chunks.
        QVERIFY(QFile::remove(corpus_ + QStringLiteral("/letter.docx")));
        summary = runIndexer(indexer, corpusId_);
        QCOMPARE(summary.filesRemoved, 1);
        QCOMPARE(summary.filesRead, 0);
        QCOMPARE(rankOf(index_->search(QStringLiteral("secret ingredient smoked paprika"), {corpusId_}, 10),
                        QStringLiteral("letter.docx"), QStringLiteral("paprika")),
                 0);
        verifyConsistent();

        // Removing the collection takes its files, chunks and attachments.
        QVERIFY(index_->removeCollection(corpusId_));
        QVERIFY(index_->attachedCollections(42).isEmpty());
        QCOMPARE(index_->chunkCount(corpusId_), 0);
        verifyConsistent();
    }
};

int main(int argc, char** argv) {
    if (argc >= 4 && qstrcmp(argv[1], kCrashChildArg) == 0) {
        QCoreApplication app(argc, argv);
        return crashChild(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toLongLong());
    }
    QGuiApplication app(argc, argv);
    DocumentIndexTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "document_index_test.moc"
