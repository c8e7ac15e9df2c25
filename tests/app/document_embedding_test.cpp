// Dense retrieval as a user would notice it, with the conformance BERT model (a tiny bert with seeded random
// weights: its vectors are deterministic and follow the words' overlap, not their meaning): every fact of the
// corpus (text, Markdown, HTML, a PDF, a DOCX) is retrieved in the top 3 by the hybrid ranking, which really mixes
// both lists; a chunk's own text ranks that chunk first by the vectors alone; chunks are sized in the model's
// WordPiece tokens; a model that does not embed is refused with a clear message; a version 1 index is migrated
// and a newer one refused; the vectors survive a restart, follow a changed file and are re-made for another
// model; without a model the ranking is BM25's alone; a nomic-bert file (a tiny synthetic one) gets its documented
// task prefixes and bert none; an embedding pass can be cancelled and resumes. Skips when ../shared lacks the model.
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <optional>
#include <span>

#include "app/docs/document_index.h"
#include "app/docs/document_indexer.h"
#include "app/docs/embedding_model.h"
#include "engine/embedding.h"
#include "engine/gguf_writer.h"
#include "engine/model.h"
#include "engine/vocab.h"
#include "document_corpus.h"

using namespace hearth::app::docs;

namespace {

const QString kSharedDir = QStringLiteral(HEARTH_SHARED_DIR);
const QString kBert = kSharedDir + QStringLiteral("/conformance/models/arch-bert.gguf");
const QString kStories = kSharedDir + QStringLiteral("/models/stories260K.gguf");

// The version 1 schema as the first release wrote it (migrations are append-only, so this is what files in the
// field hold), with one collection, file and chunk.
constexpr const char* kVersion1File[] = {
    "CREATE TABLE collections (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
    " created INTEGER NOT NULL)",
    "CREATE TABLE collection_sources (collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL, PRIMARY KEY (collection_id, path))",
    "CREATE TABLE files (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE, path TEXT NOT NULL,"
    " size INTEGER NOT NULL DEFAULT 0, mtime INTEGER NOT NULL DEFAULT 0, sha256 TEXT NOT NULL DEFAULT '',"
    " status INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', chunk_count INTEGER NOT NULL DEFAULT 0,"
    " indexed INTEGER NOT NULL DEFAULT 0, UNIQUE (collection_id, path))",
    "CREATE TABLE chunks (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,"
    " page INTEGER NOT NULL DEFAULT 0, line_start INTEGER NOT NULL DEFAULT 0, line_end INTEGER NOT NULL DEFAULT 0,"
    " token_count INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL)",
    "CREATE INDEX chunks_by_file ON chunks(file_id, ordinal)",
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER chunks_after_insert AFTER INSERT ON chunks BEGIN"
    " INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER chunks_after_delete AFTER DELETE ON chunks BEGIN"
    " INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TABLE attachments (conversation_id INTEGER NOT NULL,"
    " collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    " PRIMARY KEY (conversation_id, collection_id))",
    "CREATE INDEX attachments_by_collection ON attachments(collection_id)",
    "INSERT INTO collections (id, name, created) VALUES (1, 'Old', 0)",
    "INSERT INTO files (id, collection_id, path, size, mtime, sha256, status, chunk_count)"
    " VALUES (1, 1, '/old/harbour.txt', 10, 10, 'abc', 1, 1)",
    "INSERT INTO chunks (id, file_id, ordinal, token_count, text)"
    " VALUES (1, 1, 0, 9, 'The harbour master keeps a tame cormorant called Bartholomew.')",
    "PRAGMA user_version = 1",
};

bool runSql(const QString& path, std::span<const char* const> statements, QString* error) {
    const QString name = QStringLiteral("embedding-test-raw");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        for (const char* sql : statements) {
            if (!ok) break;
            ok = q.exec(QString::fromUtf8(sql));
            if (!ok) *error = QString::fromUtf8(sql) + QStringLiteral(": ") + q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// Waits (on this thread's event loop, as the GUI would) for the first emission of signal from indexer after
// start() runs; the arguments are handed to onSignal. False on timeout.
template <class Signal, class Handler>
bool waitFor(DocumentIndexer& indexer, Signal signal, Handler onSignal, const std::function<void()>& start,
             int timeoutMs = 180000) {
    QEventLoop loop;
    bool arrived = false;
    QObject receiver;
    QObject::connect(
        &indexer, signal, &receiver,
        [&](auto... args) {
            if (arrived) return;
            arrived = true;
            onSignal(args...);
            loop.quit();
        },
        Qt::QueuedConnection);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    start();
    if (!arrived) loop.exec();
    return arrived;
}

// A tiny nomic-bert file (seeded random weights, the tensors and keys the engine's nomic-bert binder reads) with a
// small WordPiece vocabulary: what nomic-embed-text v1.5 looks like to the app, small enough to write here.
constexpr int kNomicContext = 64;
bool writeNomicBert(const QString& path) {
    using hearth::engine::GgufWriter;
    // Whole words carry llama.cpp's word-start mark U+2581, as converted WordPiece vocabularies do.
    std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
    for (const char* word : {"search", "_", "query", "document", ":", "the", "lighthouse", "keeper", "soup", "is",
                             "hot", "on", "island"})
        tokens.push_back("\u2581" + std::string(word));
    const int64_t D = 64, nFf = 96, nVocab = int64_t(tokens.size());
    GgufWriter w;
    w.addString("general.architecture", "nomic-bert");
    w.addUint32("nomic-bert.context_length", kNomicContext);
    w.addUint32("nomic-bert.embedding_length", uint32_t(D));
    w.addUint32("nomic-bert.block_count", 2);
    w.addUint32("nomic-bert.feed_forward_length", uint32_t(nFf));
    w.addUint32("nomic-bert.attention.head_count", 4);
    w.addFloat32("nomic-bert.attention.layer_norm_epsilon", 1e-12f);
    w.addBool("nomic-bert.attention.causal", false);
    w.addFloat32("nomic-bert.rope.freq_base", 1000.f);
    w.addUint32("nomic-bert.pooling_type", 1);  // mean
    w.addString("tokenizer.ggml.model", "bert");
    w.addStringArray("tokenizer.ggml.tokens", std::span<const std::string>(tokens));
    std::vector<int32_t> types(tokens.size(), 1);
    for (int i = 0; i < 4; ++i) types[size_t(i)] = i == 1 ? 2 : 3;  // UNKNOWN, CONTROL
    w.addArray("tokenizer.ggml.token_type", std::span<const int32_t>(types));
    w.addUint32("tokenizer.ggml.padding_token_id", 0);
    w.addUint32("tokenizer.ggml.unknown_token_id", 1);
    w.addUint32("tokenizer.ggml.cls_token_id", 2);
    w.addUint32("tokenizer.ggml.seperator_token_id", 3);
    w.addUint32("tokenizer.ggml.bos_token_id", 2);
    w.addUint32("tokenizer.ggml.eos_token_id", 3);
    uint32_t seed = 5;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, float offset = 0.f) {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        std::vector<float> v(static_cast<size_t>(n));
        uint32_t s = ++seed * 2654435761u;
        for (float& x : v) {
            s = s * 1664525u + 1013904223u;
            x = offset + scale * (float(s >> 8) / float(1u << 24) * 2.f - 1.f);
        }
        w.addTensorF32(name, std::move(shape), v);
    };
    add("token_embd.weight", {D, nVocab}, 1.f);
    add("token_types.weight", {D, 2}, 0.5f);
    add("token_embd_norm.weight", {D}, 0.2f, 1.f);
    add("token_embd_norm.bias", {D}, 0.1f);
    for (int l = 0; l < 2; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        add(p + "attn_qkv.weight", {D, 3 * D}, 0.4f);
        add(p + "attn_output.weight", {D, D}, 0.2f);
        add(p + "attn_output_norm.weight", {D}, 0.2f, 1.f);
        add(p + "attn_output_norm.bias", {D}, 0.1f);
        add(p + "ffn_up.weight", {D, nFf}, 0.25f);
        add(p + "ffn_gate.weight", {D, nFf}, 0.25f);
        add(p + "ffn_down.weight", {nFf, D}, 0.2f);
        add(p + "layer_output_norm.weight", {D}, 0.2f, 1.f);
        add(p + "layer_output_norm.bias", {D}, 0.1f);
    }
    return bool(w.writeFile(QFile::encodeName(path).toStdString()));
}

// The engine's own embedding of text, tokenized as the app must ([CLS] text [SEP], no special-token parsing).
std::vector<float> engineEmbedding(const QString& modelPath, const std::string& text) {
    using namespace hearth::engine;
    auto file = GgufFile::open(QFile::encodeName(modelPath).toStdString());
    if (!file) return {};
    auto vocab = Vocab::fromGguf(**file);
    auto model = Model::load(std::move(file).value());
    if (!vocab || !model) return {};
    auto vector = embed(**model, vocab->tokenize(text, /*addSpecial=*/true, /*parseSpecial=*/false));
    return vector ? std::move(vector).value() : std::vector<float>();
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty()) return 1e9;
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
    return d;
}

struct Retrieval {
    QList<SearchHit> hits;
    QString error;
};

std::optional<Retrieval> retrieve(DocumentIndexer& indexer, const QString& question, QList<qint64> ids, int k) {
    Retrieval result;
    quint64 asked = 0;
    quint64 answered = 0;
    if (!waitFor(
            indexer, &DocumentIndexer::retrieved,
            [&](quint64 id, const QList<SearchHit>& hits, const QString& error) {
                answered = id;
                result = {hits, error};
            },
            [&] { asked = indexer.retrieve(question, ids, k); }))
        return std::nullopt;
    if (answered != asked) return std::nullopt;
    return result;
}

}  // namespace

class DocumentEmbeddingTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;
    QString corpus_;
    QList<CorpusFact> facts_;
    qint64 corpusId_ = 0;
    QString identity_;
    std::optional<DocumentIndex> index_;

    QString path(const QString& name) const { return dir_.filePath(name); }

    // Sets the model and waits for the embedding pass that follows (or for the refusal).
    bool setModel(DocumentIndexer& indexer, const QString& model, QString* inUse, QString* error) {
        const bool changed = waitFor(
            indexer, &DocumentIndexer::embeddingModelChanged,
            [&](const QString& path, const QString& e) {
                *inUse = path;
                *error = e;
            },
            [&] { indexer.setEmbeddingModel(model); });
        return changed && waitIdle(indexer);
    }

    // Every job queued so far is done: a posted job runs after them only if it was queued behind them, which
    // retrieve()/post() are not, so wait for isBusy() to clear instead.
    static bool waitIdle(DocumentIndexer& indexer) {
        QElapsedTimer timer;
        timer.start();
        while (indexer.isBusy() && timer.elapsed() < 180000) QTest::qWait(20);
        return !indexer.isBusy();
    }

    IndexingSummary index(DocumentIndexer& indexer, qint64 collectionId) {
        IndexingSummary summary;
        summary.error = QStringLiteral("the indexer did not finish in time");
        waitFor(
            indexer, &DocumentIndexer::finished, [&](const IndexingSummary& s) { summary = s; },
            [&] { indexer.indexCollection(collectionId); });
        if (!waitIdle(indexer)) summary.error = QStringLiteral("the embedding pass did not finish in time");
        return summary;
    }

private slots:
    void initTestCase() {
        if (!QFileInfo::exists(kBert)) QSKIP(qPrintable(kBert + QStringLiteral(" is not there")));
        QVERIFY(dir_.isValid());
        db_ = path(QStringLiteral("documents.sqlite"));
        QString error;
        index_ = DocumentIndex::open(db_, &error);
        QVERIFY2(index_, qPrintable(error));
        corpus_ = path(QStringLiteral("corpus"));
        int txtFactLine = 0;
        facts_ = writeCorpus(corpus_, &txtFactLine);
        QVERIFY(!facts_.isEmpty());
        corpusId_ = index_->createCollection(QStringLiteral("Corpus"));
        QVERIFY(index_->addSource(corpusId_, corpus_));
    }

    void modelsThatDoNotEmbedAreRefused() {
        DocumentIndexer indexer(db_);
        QString inUse, error;
        QVERIFY(setModel(indexer, path(QStringLiteral("nowhere.gguf")), &inUse, &error));
        QVERIFY2(inUse.isEmpty() && error.contains(u"nowhere.gguf") && error.contains(u"could not be read"),
                 qPrintable(error));
        QVERIFY(writeFile(path(QStringLiteral("notes.gguf")), "not a model at all, just some text"));
        QVERIFY(setModel(indexer, path(QStringLiteral("notes.gguf")), &inUse, &error));
        QVERIFY2(inUse.isEmpty() && error.contains(u"notes.gguf"), qPrintable(error));
        if (QFileInfo::exists(kStories)) {  // a chat model: says what it is and what is wanted
            QVERIFY(setModel(indexer, kStories, &inUse, &error));
            QVERIFY2(inUse.isEmpty() && error.contains(u"is not an embedding model") && error.contains(u"llama") &&
                         error.contains(u"bert"),
                     qPrintable(error));
        }
        // A refusal keeps the model in use.
        QVERIFY(setModel(indexer, kBert, &inUse, &error));
        QVERIFY2(error.isEmpty() && inUse == kBert, qPrintable(error));
        QVERIFY(setModel(indexer, path(QStringLiteral("nowhere.gguf")), &inUse, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(inUse, kBert);
    }

    void hybridRetrievalFindsEveryFactInTheTop3() {
        QString error;
        auto model = EmbeddingModel::load(kBert, 1, &error);
        QVERIFY2(model, qPrintable(error));
        identity_ = model->identity();
        DocumentIndexer indexer(db_);
        QString inUse;
        QVERIFY(setModel(indexer, kBert, &inUse, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qint64 progressDone = -1, progressTotal = -1, embedded = -1;
        connect(&indexer, &DocumentIndexer::embeddingProgress, this, [&](qint64 done, qint64 total) {
            progressDone = done;
            progressTotal = total;
        }, Qt::QueuedConnection);
        connect(&indexer, &DocumentIndexer::embeddingFinished, this,
                [&](qint64 n, bool cancelled, const QString& e) {
                    QVERIFY(!cancelled && e.isEmpty());
                    embedded = n;
                }, Qt::QueuedConnection);
        const IndexingSummary summary = index(indexer, corpusId_);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.filesRead, 7);
        QTest::qWait(50);  // the last queued progress signals
        const int chunks = index_->chunkCount(corpusId_);
        qInfo("%d chunks, %lld embedded", chunks, embedded);
        QCOMPARE(embedded, qint64(chunks));
        QCOMPARE(progressDone, qint64(chunks));
        QCOMPARE(progressTotal, qint64(chunks));
        QCOMPARE(index_->embeddingCount(identity_, corpusId_), qint64(chunks));

        // Chunks were cut in the model's WordPiece tokens, and fit what it takes.
        const TokenCounter wordPiece = model->tokenCounter();
        int checked = 0;
        for (const CorpusFact& fact : facts_) {
            for (const SearchHit& hit : index_->search(fact.question, {corpusId_}, 12)) {
                QCOMPARE(hit.tokenCount, wordPiece(hit.text));
                QVERIFY2(hit.tokenCount <= std::min(256, model->maxChunkTokens()), qPrintable(hit.text.left(80)));
                ++checked;
            }
        }
        QVERIFY(checked > 20);

        int fromBothLists = 0;
        for (const CorpusFact& fact : facts_) {
            const std::optional<Retrieval> r = retrieve(indexer, fact.question, {corpusId_}, 3);
            QVERIFY(r);
            QVERIFY2(r->error.isEmpty(), qPrintable(r->error));
            const int rank = rankOf(r->hits, fact.file, fact.needle);
            qInfo("%s: rank %d\n%s", qPrintable(fact.file), rank, qPrintable(describe(r->hits)));
            QVERIFY2(rank >= 1, qPrintable(fact.question + u'\n' + describe(r->hits)));
            const SearchHit& hit = r->hits[rank - 1];
            QCOMPARE(hit.page, fact.page);
            QVERIFY(hit.fusedScore > 0);
            for (int i = 1; i < r->hits.size(); ++i) QVERIFY(r->hits[i - 1].fusedScore >= r->hits[i].fusedScore);
            for (const SearchHit& h : r->hits) fromBothLists += h.bm25Rank > 0 && h.vectorRank > 0;
            // The fused score is what reciprocal rank says for the two ranks.
            const double expected = (hit.bm25Rank ? 1.0 / (60 + hit.bm25Rank) : 0.0) +
                                    (hit.vectorRank ? 1.0 / (60 + hit.vectorRank) : 0.0);
            QVERIFY(qAbs(hit.fusedScore - expected) < 1e-12);
        }
        QVERIFY2(fromBothLists > 0, "the vectors' list never contributed");

        // Without a model: BM25 alone, as before.
        QVERIFY(setModel(indexer, QString(), &inUse, &error));
        QVERIFY(inUse.isEmpty() && error.isEmpty());
        const std::optional<Retrieval> plain = retrieve(indexer, facts_.first().question, {corpusId_}, 3);
        QVERIFY(plain && !plain->hits.isEmpty());
        for (int i = 0; i < plain->hits.size(); ++i) {
            QCOMPARE(plain->hits[i].vectorRank, 0);
            QCOMPARE(plain->hits[i].bm25Rank, i + 1);
        }
        QCOMPARE(rankOf(plain->hits, facts_.first().file, facts_.first().needle), 1);
        // The vectors stay (the same model may come back): only another model's replace them.
        QCOMPARE(index_->embeddingCount(identity_, corpusId_), qint64(chunks));
    }

    // The vectors' own ranking: a question that is a chunk's exact text finds that chunk first (cosine 1), for
    // each fact's chunk, across the whole index.
    void theVectorsRankAChunksOwnTextFirst() {
        QString error;
        auto model = EmbeddingModel::load(kBert, 1, &error);
        QVERIFY2(model, qPrintable(error));
        for (const CorpusFact& fact : facts_) {
            const QList<SearchHit> bm25 = index_->searchBm25(fact.question, {corpusId_}, 3);
            const int rank = rankOf(bm25, fact.file, fact.needle);
            QVERIFY(rank >= 1);
            const SearchHit& chunk = bm25[rank - 1];
            auto vector = model->embedQuery(chunk.text, &error);
            QVERIFY2(vector, qPrintable(error));
            const QList<SearchHit> nearest =
                index_->searchDense(QueryVector{model->identity(), *vector}, {corpusId_}, 5);
            QVERIFY2(!nearest.isEmpty() && nearest.first().chunkId == chunk.chunkId,
                     qPrintable(fact.file + u'\n' + describe(nearest)));
            QCOMPARE(nearest.first().vectorRank, 1);
            // And the question alone: where the vectors put the answer (informative: this model's weights are
            // random, so its vectors follow shared words, not meaning).
            auto question = model->embedQuery(fact.question, &error);
            QVERIFY(question);
            const QList<SearchHit> byQuestion =
                index_->searchDense(QueryVector{model->identity(), *question}, {corpusId_}, 12);
            qInfo("%s: the question alone puts the answer at vector rank %d", qPrintable(fact.file),
                  rankOf(byQuestion, fact.file, fact.needle));
        }
        // Vectors of another model are never compared.
        auto vector = model->embedQuery(facts_.first().needle, &error);
        QVERIFY(vector);
        QVERIFY(index_->searchDense(QueryVector{QStringLiteral("another|model"), *vector}, {corpusId_}, 5).isEmpty());
    }

    // nomic-embed-text is used as documented: "search_document: " before each chunk, "search_query: " before each
    // question; bert files get no prefix. Checked against the engine's embedding of the prefixed text.
    void nomicBertGetsItsTaskPrefixesAndBertNone() {
        const QString nomic = path(QStringLiteral("tiny-nomic.gguf"));
        QVERIFY(writeNomicBert(nomic));
        QString error;
        auto model = EmbeddingModel::load(nomic, 1, &error);
        QVERIFY2(model, qPrintable(error));
        QVERIFY2(model->identity().contains(u"nomic-bert"), qPrintable(model->identity()));
        QCOMPARE(model->maxTokens(), kNomicContext);
        // "search_document: " is 4 WordPiece tokens (search, _, document, :), plus [CLS] and [SEP].
        QCOMPARE(model->maxChunkTokens(), kNomicContext - 2 - 4);
        const QString text = QStringLiteral("the lighthouse keeper is on the island");
        const auto query = model->embedQuery(text, &error);
        const auto document = model->embedDocument(text, &error);
        QVERIFY(query && document);
        QVERIFY(maxAbsDiff(*query, engineEmbedding(nomic, "search_query: " + text.toStdString())) < 1e-6);
        QVERIFY(maxAbsDiff(*document, engineEmbedding(nomic, "search_document: " + text.toStdString())) < 1e-6);
        QVERIFY(maxAbsDiff(*query, *document) > 1e-3);  // the prefixes really differ
        QVERIFY(maxAbsDiff(*query, engineEmbedding(nomic, text.toStdString())) > 1e-3);

        // An input longer than the model takes is cut to its first tokens, still ending in [SEP].
        QString longText;
        for (int i = 0; i < 3 * kNomicContext; ++i) longText += QStringLiteral("soup ");
        const auto cut = model->embedDocument(longText, &error);
        QVERIFY2(cut, qPrintable(error));
        std::string expected = "search_document:";
        for (int i = 0; i < kNomicContext - 2 - 4; ++i) expected += " soup";
        QVERIFY(maxAbsDiff(*cut, engineEmbedding(nomic, expected)) < 1e-6);

        auto bert = EmbeddingModel::load(kBert, 1, &error);
        QVERIFY2(bert, qPrintable(error));
        QCOMPARE(bert->maxChunkTokens(), bert->maxTokens() - 2);
        const auto bertQuery = bert->embedQuery(text, &error);
        QVERIFY(bertQuery);
        QVERIFY(maxAbsDiff(*bertQuery, engineEmbedding(kBert, text.toStdString())) < 1e-6);
        QVERIFY(maxAbsDiff(*bertQuery, *bert->embedDocument(text, &error)) == 0);
    }

    void vectorsSurviveARestartAndFollowAChangedFile() {
        index_.reset();  // as if the app quit
        QString error;
        index_ = DocumentIndex::open(db_, &error);
        QVERIFY2(index_, qPrintable(error));
        const int chunks = index_->chunkCount(corpusId_);
        QCOMPARE(index_->embeddingCount(identity_, corpusId_), qint64(chunks));

        DocumentIndexer indexer(db_);
        int progressSignals = 0;
        connect(&indexer, &DocumentIndexer::embeddingProgress, this, [&] { ++progressSignals; },
                Qt::QueuedConnection);
        QString inUse;
        QVERIFY(setModel(indexer, kBert, &inUse, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(progressSignals, 0);  // nothing to embed again
        QCOMPARE(index_->countChunksWithoutEmbedding(identity_), 0);

        // notes.md changes: its chunks are replaced, their vectors with them; the rest keep theirs.
        const QString notes = corpus_ + QStringLiteral("/sub/notes.md");
        const QList<SearchHit> before = index_->searchBm25(QStringLiteral("greenhouse thermostat"), {corpusId_}, 1);
        QVERIFY(!before.isEmpty());
        const qint64 oldChunk = before.first().chunkId;
        QFile f(notes);
        QVERIFY(f.open(QIODevice::Append));
        f.write("\n\nThe compost heap is turned every Thursday by Mortimer.\n");
        f.close();
        QFile touch(notes);
        QVERIFY(touch.open(QIODevice::ReadWrite));
        QVERIFY(touch.setFileTime(QDateTime::currentDateTimeUtc().addSecs(120), QFileDevice::FileModificationTime));
        touch.close();
        const IndexingSummary summary = index(indexer, corpusId_);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.filesRead, 1);
        QTest::qWait(50);
        QVERIFY(progressSignals > 0);
        const int after = index_->chunkCount(corpusId_);
        QCOMPARE(index_->embeddingCount(identity_, corpusId_), qint64(after));
        QCOMPARE(index_->embeddingCount(identity_), qint64(after));  // no vector of a dropped chunk is left
        const QList<SearchHit> now = index_->searchBm25(QStringLiteral("greenhouse thermostat"), {corpusId_}, 1);
        QVERIFY(!now.isEmpty() && now.first().chunkId != oldChunk);
        const std::optional<Retrieval> r =
            retrieve(indexer, QStringLiteral("When is the compost heap turned?"), {corpusId_}, 3);
        QVERIFY(r && r->error.isEmpty());
        const int rank = rankOf(r->hits, QStringLiteral("notes.md"), QStringLiteral("Mortimer"));
        QVERIFY2(rank >= 1, qPrintable(describe(r->hits)));
        // Its new vector is there and is its own: its text finds it first by the vectors alone.
        QString embedError;
        auto model = EmbeddingModel::load(kBert, 1, &embedError);
        QVERIFY2(model, qPrintable(embedError));
        auto vector = model->embedQuery(r->hits[rank - 1].text, &embedError);
        QVERIFY(vector);
        const QList<SearchHit> nearest = index_->searchDense(QueryVector{identity_, *vector}, {corpusId_}, 1);
        QVERIFY(!nearest.isEmpty() && nearest.first().chunkId == r->hits[rank - 1].chunkId);
        QString problem;
        QVERIFY2(index_->checkConsistency(&problem), qPrintable(problem));
    }

    void anotherModelReplacesTheVectors() {
        // The same weights under another file name are another model as far as the index can tell.
        const QString copy = path(QStringLiteral("other-bert.gguf"));
        QVERIFY(QFile::copy(kBert, copy));
        QString error;
        auto other = EmbeddingModel::load(copy, 1, &error);
        QVERIFY2(other, qPrintable(error));
        QVERIFY(other->identity() != identity_);
        DocumentIndexer indexer(db_);
        qint64 embedded = -1;
        connect(&indexer, &DocumentIndexer::embeddingFinished, this, [&](qint64 n) { embedded = n; },
                Qt::QueuedConnection);
        QString inUse;
        QVERIFY(setModel(indexer, copy, &inUse, &error));
        QVERIFY2(error.isEmpty() && inUse == copy, qPrintable(error));
        QTest::qWait(50);
        const qint64 all = index_->countChunksWithoutEmbedding(QStringLiteral("no such model"));
        QCOMPARE(embedded, all);  // every chunk of every collection, again
        QCOMPARE(index_->embeddingCount(identity_), 0);  // the old model's are gone
        QCOMPARE(index_->embeddingCount(other->identity()), all);
        QCOMPARE(index_->embeddingCount(QString()), all);  // nothing else is left
        const std::optional<Retrieval> r = retrieve(indexer, facts_[3].question, {corpusId_}, 3);
        QVERIFY(r && r->error.isEmpty());
        QVERIFY2(rankOf(r->hits, facts_[3].file, facts_[3].needle) >= 1, qPrintable(describe(r->hits)));
    }

    // The embedding pass after an indexing job reports progress, answers retrievals between its batches, stops
    // on cancel() leaving the chunks it did not reach without vectors, and the next pass finishes them.
    void embeddingCanBeCancelledAndResumes() {
        const QString medium = path(QStringLiteral("medium/m.txt"));
        QVERIFY(QDir().mkpath(QFileInfo(medium).absolutePath()));
        {
            QFile f(medium);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (quint32 seed = 1; f.size() < 2 * 1024 * 1024; ++seed) f.write((filler(150, seed) + "\n\n").toUtf8());
        }
        const qint64 id = index_->createCollection(QStringLiteral("Medium"));
        QVERIFY(index_->addSource(id, medium));
        DocumentIndexer indexer(db_);
        QString inUse, error;
        QVERIFY(setModel(indexer, kBert, &inUse, &error));  // also re-embeds what the other model had
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(index_->countChunksWithoutEmbedding(identity_), 0);

        QElapsedTimer clock;
        clock.start();
        qint64 askedAt = -1, answeredAt = -1, finishedAt = -1, embedded = -1, total = -1;
        bool cancelled = false;
        QList<SearchHit> hits;
        connect(&indexer, &DocumentIndexer::embeddingProgress, this, [&](qint64 done, qint64 all) {
            total = all;
            if (done == 0 || askedAt >= 0) return;
            askedAt = clock.elapsed();
            indexer.retrieve(facts_.first().question, {corpusId_}, 3);
        }, Qt::QueuedConnection);
        connect(&indexer, &DocumentIndexer::retrieved, this, [&](quint64, const QList<SearchHit>& h) {
            hits = h;
            answeredAt = clock.elapsed();
            indexer.cancel();
        }, Qt::QueuedConnection);
        connect(&indexer, &DocumentIndexer::embeddingFinished, this, [&](qint64 n, bool c, const QString& e) {
            QVERIFY2(e.isEmpty(), qPrintable(e));
            embedded = n;
            cancelled = c;
            finishedAt = clock.elapsed();
        }, Qt::QueuedConnection);
        qint64 indexedAt = -1;
        connect(&indexer, &DocumentIndexer::finished, this, [&] { indexedAt = clock.elapsed(); },
                Qt::QueuedConnection);
        const IndexingSummary summary = index(indexer, id);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QTest::qWait(50);
        const qint64 chunks = index_->chunkCount(id);
        qInfo("2 MB indexed in %lld ms, %lld chunks to embed; a retrieval asked after the first batch (at %lld ms) "
              "was answered in %lld ms; cancelled after %lld, %lld ms later",
              indexedAt, total, askedAt, answeredAt - askedAt, embedded, finishedAt - answeredAt);
        QCOMPARE(total, chunks);
        QVERIFY(answeredAt > 0 && answeredAt < finishedAt);  // answered while the pass ran
        QVERIFY2(rankOf(hits, facts_.first().file, facts_.first().needle) >= 1, qPrintable(describe(hits)));
        QVERIFY(cancelled);
        QVERIFY(embedded > 0 && embedded < chunks);
        QCOMPARE(index_->countChunksWithoutEmbedding(identity_), chunks - embedded);

        // The next pass (here: the model set again) embeds the rest, and only the rest.
        const qint64 rest = chunks - embedded;
        embedded = -1;
        QElapsedTimer resume;
        resume.start();
        QVERIFY(setModel(indexer, kBert, &inUse, &error));
        qInfo("the other %lld chunks embedded in %lld ms", rest, resume.elapsed());
        QTest::qWait(50);
        QVERIFY(!cancelled);
        QCOMPARE(embedded, rest);
        QCOMPARE(index_->countChunksWithoutEmbedding(identity_), 0);
        QCOMPARE(index_->embeddingCount(identity_, id), chunks);
        QVERIFY(index_->removeCollection(id));
    }

    void aVersion1IndexIsMigratedAndANewerOneRefused() {
        const QString old = path(QStringLiteral("v1.sqlite"));
        QString error;
        QVERIFY2(runSql(old, kVersion1File, &error), qPrintable(error));
        {
            auto migrated = DocumentIndex::open(old, &error);
            QVERIFY2(migrated, qPrintable(error));
            // Its content is intact and searchable, and it takes vectors.
            const QList<SearchHit> hits = migrated->search(QStringLiteral("harbour master cormorant"), {}, 3);
            QCOMPARE(hits.size(), 1);
            QVERIFY(hits.first().text.contains(u"Bartholomew"));
            QCOMPARE(migrated->chunkCount(1), 1);
            QCOMPARE(migrated->countChunksWithoutEmbedding(identity_), 1);
            QString problem;
            QVERIFY2(migrated->checkConsistency(&problem), qPrintable(problem));
        }
        DocumentIndexer indexer(old);
        QString inUse;
        QVERIFY(setModel(indexer, kBert, &inUse, &error));
        {
            auto migrated = DocumentIndex::open(old, &error);
            QVERIFY(migrated);
            QCOMPARE(migrated->embeddingCount(identity_), 1);
        }
        // A file from a newer build is refused, untouched.
        constexpr const char* kNewer[] = {"PRAGMA user_version = 3"};
        QVERIFY(runSql(old, kNewer, &error));
        QVERIFY(!DocumentIndex::open(old, &error));
        QVERIFY2(error.contains(u"newer"), qPrintable(error));
    }
};

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    DocumentEmbeddingTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "document_embedding_test.moc"
