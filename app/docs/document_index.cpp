#include "app/docs/document_index.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "app/core/sql_support.h"
#include "app/docs/retrieval.h"

namespace hearth::app::docs {

namespace {

using sql::nowMs;
using sql::reasonOf;
using sql::run;
using sql::WriteTransaction;

constexpr const char* kToVersion1[] = {
    "CREATE TABLE collections ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE,"
    " created INTEGER NOT NULL)",
    "CREATE TABLE collection_sources ("
    " collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL,"
    " PRIMARY KEY (collection_id, path))",
    "CREATE TABLE files ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " mtime INTEGER NOT NULL DEFAULT 0,"
    " sha256 TEXT NOT NULL DEFAULT '',"
    " status INTEGER NOT NULL DEFAULT 0,"  // FileStatus
    " error TEXT NOT NULL DEFAULT '',"
    " chunk_count INTEGER NOT NULL DEFAULT 0,"
    " indexed INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (collection_id, path))",
    "CREATE TABLE chunks ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"  // AUTOINCREMENT: ids are never reused, so a stale hit never
                                               // names another chunk (and embeddings keyed by id stay valid)
    " file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
    " ordinal INTEGER NOT NULL,"
    " page INTEGER NOT NULL DEFAULT 0,"
    " line_start INTEGER NOT NULL DEFAULT 0,"
    " line_end INTEGER NOT NULL DEFAULT 0,"
    " token_count INTEGER NOT NULL DEFAULT 0,"
    " text TEXT NOT NULL)",
    "CREATE INDEX chunks_by_file ON chunks(file_id, ordinal)",
    // External content: the text is stored once (in chunks); the triggers keep the index in step, also for
    // chunks deleted by the cascades from files and collections.
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER chunks_after_insert AFTER INSERT ON chunks BEGIN"
    " INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER chunks_after_delete AFTER DELETE ON chunks BEGIN"
    " INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TABLE attachments ("
    " conversation_id INTEGER NOT NULL,"
    " collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    " PRIMARY KEY (conversation_id, collection_id))",
    "CREATE INDEX attachments_by_collection ON attachments(collection_id)",
};

constexpr const char* kToVersion2[] = {
    // A file's new chunks are written in batches as staged rows, invisible to searches until the file's swap
    // (see FileUpdate): no transaction lasts a whole big file.
    "ALTER TABLE chunks ADD COLUMN staged INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX chunks_staged ON chunks(file_id) WHERE staged <> 0",
    // Dense vectors: float32, L2-normalised, `dim` of them; `model` identifies the embedding model that made them
    // (vectors of another model are never compared with the question's).
    "CREATE TABLE chunk_embeddings ("
    " chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
    " model TEXT NOT NULL,"
    " dim INTEGER NOT NULL,"
    " vector BLOB NOT NULL)",
    "CREATE INDEX chunk_embeddings_by_model ON chunk_embeddings(model)",
};

// Append-only: a shipped step is never edited.
constexpr std::array kMigrations = {
    sql::Migration{1, kToVersion1},
    sql::Migration{2, kToVersion2},
};

static_assert(sql::consecutive(kMigrations), "migration steps must go 1, 2, 3, ...");

constexpr const char* kFileColumns =
    "id, collection_id, path, size, mtime, sha256, status, error, chunk_count, indexed";

FileRow fileFrom(const QSqlQuery& q) {
    FileRow row;
    row.id = q.value(0).toLongLong();
    row.collectionId = q.value(1).toLongLong();
    row.path = q.value(2).toString();
    row.size = q.value(3).toLongLong();
    row.mtimeMs = q.value(4).toLongLong();
    row.sha256 = q.value(5).toString();
    const int status = q.value(6).toInt();
    row.status = status >= 0 && status <= int(FileStatus::Missing) ? FileStatus(status) : FileStatus::Failed;
    row.error = q.value(7).toString();
    row.chunkCount = q.value(8).toInt();
    row.indexed = sql::timeFromMs(q.value(9));
    return row;
}

// A hit's columns (from chunks c JOIN files f), read by hitFrom().
constexpr const char* kHitColumns =
    "c.id, c.file_id, f.path, c.ordinal, c.page, c.line_start, c.line_end, c.token_count, c.text";

SearchHit hitFrom(const QSqlQuery& q) {
    SearchHit hit;
    hit.chunkId = q.value(0).toLongLong();
    hit.fileId = q.value(1).toLongLong();
    hit.path = q.value(2).toString();
    hit.ordinal = q.value(3).toInt();
    hit.page = q.value(4).toInt();
    hit.lineStart = q.value(5).toInt();
    hit.lineEnd = q.value(6).toInt();
    hit.tokenCount = q.value(7).toInt();
    hit.text = q.value(8).toString();
    return hit;
}

// " AND f.collection_id IN (1,2)" (integers: safe to inline), empty for all collections.
QString collectionFilter(const QList<qint64>& collectionIds) {
    if (collectionIds.isEmpty()) return {};
    QStringList ids;
    for (qint64 id : collectionIds) ids << QString::number(id);
    return QStringLiteral(" AND f.collection_id IN (%1)").arg(ids.join(u','));
}

// Vectors are stored as their float32 bytes in the machine's order (little-endian on every target we build).
QByteArray blobOf(const std::vector<float>& v) {
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(float)));
}

// Sets a file's row (creating it) in the transaction the caller holds; returns its id, 0 on failure.
qint64 upsertFile(QSqlDatabase& db, qint64 collectionId, const QString& path, qint64 size, qint64 mtimeMs,
                  const QString& sha256, FileStatus status, const QString& errorText, QString* error) {
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("INSERT INTO files (collection_id, path, size, mtime, sha256, status, error, chunk_count,"
                            " indexed) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)"
                            " ON CONFLICT (collection_id, path) DO UPDATE SET size = excluded.size,"
                            " mtime = excluded.mtime, sha256 = excluded.sha256, status = excluded.status,"
                            " error = excluded.error, chunk_count = 0, indexed = excluded.indexed"),
             {collectionId, path, size, mtimeMs, sha256, int(status), errorText, nowMs()},
             QStringLiteral("record the file %1").arg(path), error))
        return 0;
    QSqlQuery id(db);
    if (!run(id, QStringLiteral("SELECT id FROM files WHERE collection_id = ? AND path = ?"), {collectionId, path},
             QStringLiteral("record the file %1").arg(path), error) ||
        !id.next())
        return 0;
    const qint64 fileId = id.value(0).toLongLong();
    QSqlQuery del(db);
    if (!run(del, QStringLiteral("DELETE FROM chunks WHERE file_id = ?"), {fileId},
             QStringLiteral("drop the old chunks of %1").arg(path), error))
        return 0;
    return fileId;
}

}  // namespace

std::optional<DocumentIndex> DocumentIndex::open(const QString& path, QString* error) {
    QString localError;
    if (!error) error = &localError;
    if (path != u":memory:" && !QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("Could not create the folder %1 for the documents index")
                     .arg(QFileInfo(path).absolutePath());
        return std::nullopt;
    }
    DocumentIndex index;
    index.path_ = path;
    index.connection_ = sql::newConnectionName(QStringLiteral("hearth-docs"));
    // The indexer's connection writes a file's chunks in one transaction; the GUI's waits for it rather than
    // failing at once with "database is locked".
    const int version = sql::openVersioned(index.connection_, path, QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"),
                                           QStringLiteral("documents index"), schemaVersion(), error);
    if (version < 0) return std::nullopt;
    QSqlDatabase db = sql::database(index.connection_);
    const QString opening = QStringLiteral("open %1").arg(path);
    {
        // FTS5 is compiled into Debian's SQLite (and the one Qt bundles); say so plainly where it is not. (A probe
        // table, since sqlite_compile_option_used() may be compiled out.)
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("CREATE VIRTUAL TABLE temp.hearth_fts5_probe USING fts5(x)"))) {
            *error = QStringLiteral("Could not open %1: this SQLite has no full-text search (FTS5): %2")
                         .arg(path, reasonOf(q.lastError()));
            return std::nullopt;
        }
        if (!run(q, QStringLiteral("DROP TABLE temp.hearth_fts5_probe"), {}, opening, error)) return std::nullopt;
    }
    const auto what = [&](int to) { return QStringLiteral("migrate %1 to schema version %2").arg(path).arg(to); };
    if (!sql::migrate(db, kMigrations, version, what, {}, error)) return std::nullopt;
    return index;
}

DocumentIndex::DocumentIndex(DocumentIndex&& other) noexcept
    : connection_(std::exchange(other.connection_, QString())), path_(std::move(other.path_)),
      error_(std::move(other.error_)) {}

DocumentIndex& DocumentIndex::operator=(DocumentIndex&& other) noexcept {
    if (this != &other) {
        DocumentIndex old(std::move(*this));  // closes our connection at the end of this scope
        connection_ = std::exchange(other.connection_, QString());
        path_ = std::move(other.path_);
        error_ = std::move(other.error_);
    }
    return *this;
}

DocumentIndex::~DocumentIndex() {
    if (connection_.isEmpty()) return;
    {
        QSqlDatabase db = sql::database(connection_);
        if (db.isOpen()) db.close();
    }
    QSqlDatabase::removeDatabase(connection_);
}

int DocumentIndex::schemaVersion() { return kMigrations.back().toVersion; }

qint64 DocumentIndex::createCollection(const QString& name) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("INSERT INTO collections (name, created) VALUES (?, ?)"), {name.trimmed(), nowMs()},
             QStringLiteral("create the collection %1").arg(name), &error_))
        return 0;
    return q.lastInsertId().toLongLong();
}

bool DocumentIndex::renameCollection(qint64 id, const QString& name) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("UPDATE collections SET name = ? WHERE id = ?"), {name.trimmed(), id},
               QStringLiteral("rename the collection %1").arg(id), &error_) &&
           q.numRowsAffected() == 1;
}

bool DocumentIndex::removeCollection(qint64 id) {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("remove the collection %1").arg(id);
    WriteTransaction tx(db, what, &error_);
    QSqlQuery q(db);
    return tx.began() && run(q, QStringLiteral("DELETE FROM collections WHERE id = ?"), {id}, what, &error_) &&
           tx.commit(what, &error_);
}

QList<CollectionRow> DocumentIndex::collections() const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    QList<CollectionRow> rows;
    if (!run(q, QStringLiteral("SELECT id, name, created FROM collections ORDER BY name COLLATE NOCASE"), {},
             QStringLiteral("list the collections"), &error_))
        return rows;
    while (q.next()) rows << CollectionRow{q.value(0).toLongLong(), q.value(1).toString(), sql::timeFromMs(q.value(2))};
    return rows;
}

bool DocumentIndex::addSource(qint64 collectionId, const QString& path) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("INSERT OR IGNORE INTO collection_sources (collection_id, path) VALUES (?, ?)"),
               {collectionId, QDir::cleanPath(QFileInfo(path).absoluteFilePath())},
               QStringLiteral("add %1 to collection %2").arg(path).arg(collectionId), &error_);
}

bool DocumentIndex::removeSource(qint64 collectionId, const QString& path) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("DELETE FROM collection_sources WHERE collection_id = ? AND path = ?"),
               {collectionId, QDir::cleanPath(QFileInfo(path).absoluteFilePath())},
               QStringLiteral("remove %1 from collection %2").arg(path).arg(collectionId), &error_);
}

QStringList DocumentIndex::sources(qint64 collectionId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    QStringList out;
    if (!run(q, QStringLiteral("SELECT path FROM collection_sources WHERE collection_id = ? ORDER BY path"),
             {collectionId}, QStringLiteral("list the sources of collection %1").arg(collectionId), &error_))
        return out;
    while (q.next()) out << q.value(0).toString();
    return out;
}

QList<FileRow> DocumentIndex::files(qint64 collectionId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    QList<FileRow> rows;
    if (!run(q,
             QStringLiteral("SELECT %1 FROM files WHERE collection_id = ? ORDER BY path").arg(QLatin1String(kFileColumns)),
             {collectionId}, QStringLiteral("list the files of collection %1").arg(collectionId), &error_))
        return rows;
    while (q.next()) rows << fileFrom(q);
    return rows;
}

std::optional<FileRow> DocumentIndex::file(qint64 collectionId, const QString& path) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("SELECT %1 FROM files WHERE collection_id = ? AND path = ?").arg(QLatin1String(kFileColumns)),
             {collectionId, path}, QStringLiteral("look up %1").arg(path), &error_) ||
        !q.next())
        return std::nullopt;
    return fileFrom(q);
}

bool DocumentIndex::attach(qint64 conversationId, qint64 collectionId) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("INSERT OR IGNORE INTO attachments (conversation_id, collection_id) VALUES (?, ?)"),
               {conversationId, collectionId},
               QStringLiteral("attach collection %1 to conversation %2").arg(collectionId).arg(conversationId),
               &error_);
}

bool DocumentIndex::detach(qint64 conversationId, qint64 collectionId) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("DELETE FROM attachments WHERE conversation_id = ? AND collection_id = ?"),
               {conversationId, collectionId},
               QStringLiteral("detach collection %1 from conversation %2").arg(collectionId).arg(conversationId),
               &error_);
}

bool DocumentIndex::detachAll(qint64 conversationId) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("DELETE FROM attachments WHERE conversation_id = ?"), {conversationId},
               QStringLiteral("detach the collections of conversation %1").arg(conversationId), &error_);
}

QList<qint64> DocumentIndex::attachedCollections(qint64 conversationId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    QList<qint64> ids;
    if (!run(q, QStringLiteral("SELECT collection_id FROM attachments WHERE conversation_id = ? ORDER BY collection_id"),
             {conversationId}, QStringLiteral("list the collections of conversation %1").arg(conversationId),
             &error_))
        return ids;
    while (q.next()) ids << q.value(0).toLongLong();
    return ids;
}

// ---- FileUpdate ----

struct DocumentIndex::FileUpdate::State {
    QSqlDatabase db;
    std::optional<WriteTransaction> tx;  // the open batch, if any
    QSqlQuery insert;
    qint64 fileId = 0;
    bool newRow = false;     // the file's row was created for this update (Pending): dropped if it never commits
    bool wroteBatch = false; // a batch was committed: staged rows exist to drop if it never commits
    bool committed = false;
    QString path;
    qint64 size = 0, mtimeMs = 0;
    QString sha256;
    int chunks = 0;
    bool failed = false;
    QString* error = nullptr;
    explicit State(QSqlDatabase database) : db(std::move(database)), insert(db) {}
    ~State() {
        insert.finish();
        tx.reset();  // rolls back the open batch
        if (committed || fileId == 0 || (!newRow && !wroteBatch)) return;
        // Best effort: if this fails too (disk full), discardUnfinished() removes the rows at the next start.
        QString ignored;
        const QString what = QStringLiteral("drop the unfinished chunks of %1").arg(path);
        WriteTransaction drop(db, what, &ignored);
        QSqlQuery q(db);
        if (drop.began() && run(q, QStringLiteral("DELETE FROM chunks WHERE file_id = ? AND staged <> 0"), {fileId},
                                what, &ignored) &&
            (!newRow || run(q, QStringLiteral("DELETE FROM files WHERE id = ? AND status = ?"),
                            {fileId, int(FileStatus::Pending)}, what, &ignored)))
            drop.commit(what, &ignored);
    }
    bool ensureBatch() {
        if (tx) return true;
        tx.emplace(db, QStringLiteral("index %1").arg(path), error);
        if (!tx->began()) {
            tx.reset();
            failed = true;
        }
        return !failed;
    }
};

DocumentIndex::FileUpdate::FileUpdate(std::unique_ptr<State> state) : d_(std::move(state)) {}
DocumentIndex::FileUpdate::FileUpdate(FileUpdate&&) noexcept = default;
DocumentIndex::FileUpdate::~FileUpdate() = default;  // an uncommitted update is dropped by the State

bool DocumentIndex::FileUpdate::isValid() const { return d_ && !d_->failed && !d_->committed && d_->fileId != 0; }
int DocumentIndex::FileUpdate::chunkCount() const { return d_ ? d_->chunks : 0; }

bool DocumentIndex::FileUpdate::addChunk(const Chunk& chunk) {
    if (!isValid() || !d_->ensureBatch()) return false;
    d_->insert.addBindValue(d_->fileId);
    d_->insert.addBindValue(d_->chunks);
    d_->insert.addBindValue(chunk.page);
    d_->insert.addBindValue(chunk.lineStart);
    d_->insert.addBindValue(chunk.lineEnd);
    d_->insert.addBindValue(chunk.tokenCount);
    d_->insert.addBindValue(chunk.text);
    if (!d_->insert.exec()) {
        *d_->error = QStringLiteral("Could not store a chunk of %1: %2").arg(d_->path, reasonOf(d_->insert.lastError()));
        d_->failed = true;
        return false;
    }
    ++d_->chunks;
    return true;
}

bool DocumentIndex::FileUpdate::flush() {
    if (!isValid()) return false;
    if (!d_->tx) return true;
    d_->insert.finish();  // a statement still open would keep its read snapshot across the commit
    const bool ok = d_->tx->commit(QStringLiteral("store the chunks of %1").arg(d_->path), d_->error);
    d_->tx.reset();
    d_->failed = !ok;
    d_->wroteBatch = d_->wroteBatch || ok;
    return ok;
}

bool DocumentIndex::FileUpdate::commit() {
    if (!isValid() || !d_->ensureBatch()) return false;
    const QString what = QStringLiteral("store the chunks of %1").arg(d_->path);
    QSqlQuery q(d_->db);
    // The swap: old chunks out (their FTS entries and embeddings with them), staged ones in, the new identity.
    const bool ok =
        run(q, QStringLiteral("DELETE FROM chunks WHERE file_id = ? AND staged = 0"), {d_->fileId}, what, d_->error) &&
        run(q, QStringLiteral("UPDATE chunks SET staged = 0 WHERE file_id = ? AND staged <> 0"), {d_->fileId}, what,
            d_->error) &&
        run(q,
            QStringLiteral("UPDATE files SET size = ?, mtime = ?, sha256 = ?, status = ?, error = '', chunk_count = ?,"
                           " indexed = ? WHERE id = ?"),
            {d_->size, d_->mtimeMs, d_->sha256, int(FileStatus::Indexed), d_->chunks, nowMs(), d_->fileId}, what,
            d_->error) &&
        d_->tx->commit(what, d_->error);
    d_->tx.reset();
    d_->failed = !ok;
    d_->committed = ok;
    return ok;
}

DocumentIndex::FileUpdate DocumentIndex::beginFileUpdate(qint64 collectionId, const QString& path, qint64 size,
                                                         qint64 mtimeMs, const QString& sha256) {
    auto state = std::make_unique<FileUpdate::State>(sql::database(connection_));
    state->path = path;
    state->size = size;
    state->mtimeMs = mtimeMs;
    state->sha256 = sha256;
    state->error = &error_;
    const QString what = QStringLiteral("index %1").arg(path);
    QSqlQuery q(state->db);
    if (!state->ensureBatch()) return FileUpdate(std::move(state));
    if (!run(q, QStringLiteral("SELECT id FROM files WHERE collection_id = ? AND path = ?"), {collectionId, path},
             what, &error_)) {
        state->failed = true;
        return FileUpdate(std::move(state));
    }
    if (q.next()) {
        state->fileId = q.value(0).toLongLong();
        q.finish();
        // Left by an update that was interrupted without a chance to clean up.
        if (!run(q, QStringLiteral("DELETE FROM chunks WHERE file_id = ? AND staged <> 0"), {state->fileId}, what,
                 &error_))
            state->failed = true;
    } else {
        // A new file needs its row for the chunks' reference: Pending (with no identity, so that if it is ever
        // left behind it is read again) until the swap.
        state->fileId = upsertFile(state->db, collectionId, path, 0, 0, {}, FileStatus::Pending, {}, &error_);
        state->newRow = state->fileId != 0;
        state->failed = state->fileId == 0;
    }
    if (!state->failed &&
        !state->insert.prepare(QStringLiteral("INSERT INTO chunks (file_id, ordinal, page, line_start, line_end,"
                                              " token_count, text, staged) VALUES (?, ?, ?, ?, ?, ?, ?, 1)"))) {
        error_ = reasonOf(state->insert.lastError());
        state->failed = true;
    }
    return FileUpdate(std::move(state));
}

bool DocumentIndex::setFileState(qint64 collectionId, const QString& path, qint64 size, qint64 mtimeMs,
                                 const QString& sha256, FileStatus status, const QString& errorText) {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("record the state of %1").arg(path);
    WriteTransaction tx(db, what, &error_);
    return tx.began() && upsertFile(db, collectionId, path, size, mtimeMs, sha256, status, errorText, &error_) != 0 &&
           tx.commit(what, &error_);
}

bool DocumentIndex::touchFile(qint64 fileId, qint64 size, qint64 mtimeMs) {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("UPDATE files SET size = ?, mtime = ? WHERE id = ?"), {size, mtimeMs, fileId},
               QStringLiteral("update file %1").arg(fileId), &error_);
}

int DocumentIndex::removeFilesExcept(qint64 collectionId, const QSet<QString>& keep) {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("drop the removed files of collection %1").arg(collectionId);
    QList<qint64> gone;
    for (const FileRow& row : files(collectionId))
        if (!keep.contains(row.path)) gone << row.id;
    if (gone.isEmpty()) return 0;
    WriteTransaction tx(db, what, &error_);
    if (!tx.began()) return -1;
    for (qint64 id : gone) {
        QSqlQuery q(db);
        if (!run(q, QStringLiteral("DELETE FROM files WHERE id = ?"), {id}, what, &error_)) return -1;
    }
    return tx.commit(what, &error_) ? int(gone.size()) : -1;
}

int DocumentIndex::discardUnfinished() {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("drop the unfinished updates");
    WriteTransaction tx(db, what, &error_);
    QSqlQuery chunks(db);
    QSqlQuery files(db);
    if (!tx.began() || !run(chunks, QStringLiteral("DELETE FROM chunks WHERE staged <> 0"), {}, what, &error_) ||
        !run(files, QStringLiteral("DELETE FROM files WHERE status = ?"), {int(FileStatus::Pending)}, what, &error_))
        return -1;
    const int rows = chunks.numRowsAffected() + files.numRowsAffected();
    return tx.commit(what, &error_) ? rows : -1;
}

bool DocumentIndex::collectionExists(qint64 collectionId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    return run(q, QStringLiteral("SELECT 1 FROM collections WHERE id = ?"), {collectionId},
               QStringLiteral("look up collection %1").arg(collectionId), &error_) &&
           q.next();
}

QList<SearchHit> DocumentIndex::searchBm25(const QString& question, const QList<qint64>& collectionIds,
                                           int k) const {
    QList<SearchHit> hits;
    error_.clear();
    const QString match = ftsQueryFor(question);
    if (match.isEmpty() || k <= 0) return hits;
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("SELECT %1, bm25(chunks_fts) AS score"
                            " FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
                            " JOIN files f ON f.id = c.file_id"
                            " WHERE chunks_fts MATCH ? AND c.staged = 0%2 ORDER BY score LIMIT ?")
                 .arg(QLatin1String(kHitColumns), collectionFilter(collectionIds)),
             {match, k}, QStringLiteral("search the documents"), &error_))
        return hits;
    while (q.next()) {
        SearchHit hit = hitFrom(q);
        hit.bm25 = q.value(9).toDouble();
        hit.bm25Rank = int(hits.size()) + 1;
        hits << hit;
    }
    return hits;
}

QList<SearchHit> DocumentIndex::searchDense(const QueryVector& query, const QList<qint64>& collectionIds,
                                            int n) const {
    QList<SearchHit> hits;
    error_.clear();
    const qsizetype dim = qsizetype(query.values.size());
    if (dim == 0 || n <= 0) return hits;
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    q.setForwardOnly(true);  // one row at a time: the vectors are never all in memory
    const QString filter = collectionFilter(collectionIds);
    const QString what = QStringLiteral("search the documents' vectors");
    if (!run(q,
             QStringLiteral("SELECT e.chunk_id, e.vector FROM chunk_embeddings e JOIN chunks c ON c.id = e.chunk_id"
                            "%1 WHERE e.model = ? AND e.dim = ? AND c.staged = 0%2")
                 .arg(filter.isEmpty() ? QString() : QStringLiteral(" JOIN files f ON f.id = c.file_id"), filter),
             {query.model, dim}, what, &error_))
        return hits;
    // The n best so far as a min-heap on the score: the worst of them on top, replaced by anything better.
    struct Scored {
        double score;
        qint64 id;
    };
    const auto worse = [](const Scored& a, const Scored& b) { return a.score > b.score; };
    std::vector<Scored> best;
    best.reserve(size_t(n) + 1);
    while (q.next()) {
        const QByteArray blob = q.value(1).toByteArray();
        if (blob.size() != dim * qsizetype(sizeof(float))) continue;  // not what `dim` says: never compared
        const float* v = reinterpret_cast<const float*>(blob.constData());
        double dot = 0;
        for (qsizetype i = 0; i < dim; ++i) dot += double(v[i]) * double(query.values[size_t(i)]);
        if (best.size() < size_t(n)) {
            best.push_back({dot, q.value(0).toLongLong()});
            std::push_heap(best.begin(), best.end(), worse);
        } else if (dot > best.front().score) {
            std::pop_heap(best.begin(), best.end(), worse);
            best.back() = {dot, q.value(0).toLongLong()};
            std::push_heap(best.begin(), best.end(), worse);
        }
    }
    if (q.lastError().isValid()) {
        error_ = QStringLiteral("Could not %1: %2").arg(what, reasonOf(q.lastError()));
        return hits;
    }
    std::sort_heap(best.begin(), best.end(), worse);  // best first
    if (best.empty()) return hits;
    QStringList ids;
    for (const Scored& s : best) ids << QString::number(s.id);
    QSqlQuery details(db);
    if (!run(details,
             QStringLiteral("SELECT %1 FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (%2)")
                 .arg(QLatin1String(kHitColumns), ids.join(u',')),
             {}, what, &error_))
        return hits;
    QHash<qint64, SearchHit> byId;
    while (details.next()) {
        SearchHit hit = hitFrom(details);
        byId.insert(hit.chunkId, hit);
    }
    for (const Scored& s : best) {
        if (!byId.contains(s.id)) continue;
        SearchHit hit = byId.value(s.id);
        hit.vectorRank = int(hits.size()) + 1;
        hits << hit;
    }
    return hits;
}

QList<SearchHit> DocumentIndex::search(const QString& question, const QList<qint64>& collectionIds, int k,
                                       const QueryVector* dense) const {
    // Each ranking contributes a longer list than k so fusion can lift a chunk that is mid-list in both.
    const QList<SearchHit> bm25 = searchBm25(question, collectionIds, k * 4);
    if (!error_.isEmpty()) return {};
    QHash<qint64, SearchHit> byId;
    QList<QList<qint64>> rankings(1);
    for (const SearchHit& hit : bm25) {
        byId.insert(hit.chunkId, hit);
        rankings[0] << hit.chunkId;
    }
    if (dense && !dense->values.empty()) {
        const QList<SearchHit> nearest = searchDense(*dense, collectionIds, k * 4);
        if (!error_.isEmpty()) return {};
        rankings.append(QList<qint64>());
        for (const SearchHit& hit : nearest) {
            auto it = byId.find(hit.chunkId);
            if (it == byId.end())
                byId.insert(hit.chunkId, hit);
            else
                it->vectorRank = hit.vectorRank;
            rankings[1] << hit.chunkId;
        }
    }
    QList<SearchHit> out;
    for (const FusedId& fused : reciprocalRankFusion(rankings)) {
        if (out.size() >= k) break;
        SearchHit hit = byId.value(fused.id);
        hit.fusedScore = fused.score;
        out << hit;
    }
    return out;
}

QList<ChunkText> DocumentIndex::chunksWithoutEmbedding(const QString& model, qint64 afterId, int limit) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    QList<ChunkText> out;
    if (!run(q,
             QStringLiteral("SELECT c.id, c.text FROM chunks c WHERE c.id > ? AND c.staged = 0 AND NOT EXISTS"
                            " (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_id = c.id AND e.model = ?)"
                            " ORDER BY c.id LIMIT ?"),
             {afterId, model, limit}, QStringLiteral("list the chunks to embed"), &error_))
        return out;
    while (q.next()) out << ChunkText{q.value(0).toLongLong(), q.value(1).toString()};
    return out;
}

qint64 DocumentIndex::countChunksWithoutEmbedding(const QString& model) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("SELECT COUNT(*) FROM chunks c WHERE c.staged = 0 AND NOT EXISTS"
                            " (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_id = c.id AND e.model = ?)"),
             {model}, QStringLiteral("count the chunks to embed"), &error_) ||
        !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool DocumentIndex::storeEmbeddings(const QString& model, const QList<ChunkVector>& vectors) {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("store the chunks' vectors");
    WriteTransaction tx(db, what, &error_);
    if (!tx.began()) return false;
    QSqlQuery q(db);
    // INSERT ... SELECT: a chunk deleted since it was read inserts nothing instead of failing the reference.
    if (!q.prepare(QStringLiteral("INSERT OR REPLACE INTO chunk_embeddings (chunk_id, model, dim, vector)"
                                  " SELECT id, ?, ?, ? FROM chunks WHERE id = ?"))) {
        error_ = QStringLiteral("Could not %1: %2").arg(what, reasonOf(q.lastError()));
        return false;
    }
    for (const ChunkVector& v : vectors) {
        q.addBindValue(model);
        q.addBindValue(qint64(v.values.size()));
        q.addBindValue(blobOf(v.values));
        q.addBindValue(v.chunkId);
        if (!q.exec()) {
            error_ = QStringLiteral("Could not %1: %2").arg(what, reasonOf(q.lastError()));
            return false;
        }
    }
    q.finish();
    return tx.commit(what, &error_);
}

int DocumentIndex::dropEmbeddingsExcept(const QString& model) {
    QSqlDatabase db = sql::database(connection_);
    const QString what = QStringLiteral("drop the vectors of other embedding models");
    WriteTransaction tx(db, what, &error_);
    QSqlQuery q(db);
    if (!tx.began() || !run(q, QStringLiteral("DELETE FROM chunk_embeddings WHERE model <> ?"), {model}, what, &error_))
        return -1;
    const int rows = q.numRowsAffected();
    return tx.commit(what, &error_) ? rows : -1;
}

qint64 DocumentIndex::embeddingCount(const QString& model, qint64 collectionId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    // (? = '' OR e.model = ?): one statement for "this model" and "any model".
    const bool ok =
        collectionId == 0
            ? run(q, QStringLiteral("SELECT COUNT(*) FROM chunk_embeddings e WHERE (? = '' OR e.model = ?)"),
                  {model, model}, QStringLiteral("count the vectors"), &error_)
            : run(q,
                  QStringLiteral("SELECT COUNT(*) FROM chunk_embeddings e JOIN chunks c ON c.id = e.chunk_id"
                                 " JOIN files f ON f.id = c.file_id WHERE (? = '' OR e.model = ?)"
                                 " AND f.collection_id = ? AND c.staged = 0"),
                  {model, model, collectionId}, QStringLiteral("count the vectors"), &error_);
    if (!ok || !q.next()) return -1;
    return q.value(0).toLongLong();
}

bool DocumentIndex::checkConsistency(QString* problem) const {
    QSqlDatabase db = sql::database(connection_);
    QString localError;
    if (!problem) problem = &localError;
    QSqlQuery counts(db);
    if (!run(counts,
             QStringLiteral("SELECT f.path, f.chunk_count,"
                            " (SELECT COUNT(*) FROM chunks c WHERE c.file_id = f.id AND c.staged = 0)"
                            " FROM files f"),
             {}, QStringLiteral("check the chunk counts"), problem))
        return false;
    while (counts.next()) {
        if (counts.value(1).toInt() != counts.value(2).toInt()) {
            *problem = QStringLiteral("%1 records %2 chunks but has %3")
                           .arg(counts.value(0).toString())
                           .arg(counts.value(1).toInt())
                           .arg(counts.value(2).toInt());
            return false;
        }
    }
    QSqlQuery pending(db);
    if (!run(pending, QStringLiteral("SELECT path FROM files WHERE status = ?"), {int(FileStatus::Pending)},
             QStringLiteral("check the file states"), problem))
        return false;
    if (pending.next()) {
        *problem = QStringLiteral("%1 was left half-indexed").arg(pending.value(0).toString());
        return false;
    }
    // Left by an update that neither committed nor cleaned up (checked while no update runs).
    QSqlQuery staged(db);
    if (!run(staged, QStringLiteral("SELECT COUNT(*) FROM chunks WHERE staged <> 0"), {},
             QStringLiteral("check the staged chunks"), problem) ||
        !staged.next())
        return false;
    if (const qint64 left = staged.value(0).toLongLong(); left > 0) {
        *problem = QStringLiteral("%1 staged chunks of an unfinished update are left").arg(left);
        return false;
    }
    QSqlQuery fk(db);
    if (!run(fk, QStringLiteral("PRAGMA foreign_key_check"), {}, QStringLiteral("check the references"), problem))
        return false;
    if (fk.next()) {
        *problem = QStringLiteral("a row of %1 points nowhere").arg(fk.value(0).toString());
        return false;
    }
    // Compares the full-text index with the chunks it was built from (rank 1: against the content table too).
    QSqlQuery fts(db);
    return run(fts, QStringLiteral("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)"), {},
               QStringLiteral("check the full-text index"), problem);
}

int DocumentIndex::chunkCount(qint64 collectionId) const {
    QSqlDatabase db = sql::database(connection_);
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("SELECT COUNT(*) FROM chunks c JOIN files f ON f.id = c.file_id"
                            " WHERE f.collection_id = ? AND c.staged = 0"),
             {collectionId}, QStringLiteral("count the chunks"), &error_) ||
        !q.next())
        return -1;
    return q.value(0).toInt();
}

}  // namespace hearth::app::docs
