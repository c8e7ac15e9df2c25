#include "app/docs/embedding_model.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <string>

#include "engine/embedding.h"
#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/vocab.h"

namespace hearth::app::docs {

namespace {

// Task prefixes. nomic-embed-text v1.5 is trained with them and documents them as required: "search_document: "
// before each text that is indexed and "search_query: " before each question (its model card, "Usage"). bert
// files (bge-small-en-v1.5, all-MiniLM, ...) get none: bge's model card says its v1.5 models retrieve well
// without the query instruction ("Represent this sentence for searching relevant passages: ") and passages never
// take one, and the other BERT sentence encoders have no instruction at all; the file does not say which of them
// it is, so the one choice right for all of them is none.
struct Prefixes {
    const char* document;
    const char* query;
};

Prefixes prefixesFor(std::string_view arch) {
    if (arch == "nomic-bert") return {"search_document: ", "search_query: "};
    return {"", ""};
}

}  // namespace

struct EmbeddingModel::State {
    QString path;
    QString identity;
    std::unique_ptr<engine::Model> model;
    std::shared_ptr<const engine::Vocab> vocab;  // shared with the token counters handed out
    std::unique_ptr<engine::Embedder> embedder;
    Prefixes prefixes{"", ""};
    int prefixTokens = 0;  // of the longer prefix, counted once
};

EmbeddingModel::EmbeddingModel(std::unique_ptr<State> state) : d_(std::move(state)) {}
EmbeddingModel::~EmbeddingModel() = default;

std::unique_ptr<EmbeddingModel> EmbeddingModel::load(const QString& path, int nThreads, QString* error) {
    const QString name = QFileInfo(path).fileName();
    auto file = engine::GgufFile::open(QFile::encodeName(path).toStdString());
    if (!file) {
        *error = tr("%1 could not be read as a model: %2").arg(name, QString::fromStdString(file.message()));
        return nullptr;
    }
    // Checked before the weights are bound, so that a chat model is refused at once and plainly.
    const std::string arch(file.value()->getString("general.architecture").value_or(std::string_view()));
    const engine::ArchDescriptor* descriptor = engine::findArch(arch);
    if (!descriptor || !descriptor->embedding) {
        *error = tr("%1 is not an embedding model (its architecture is “%2”); embedding models are bert or "
                    "nomic-bert GGUF files such as nomic-embed-text or bge-small")
                     .arg(name, arch.empty() ? tr("unknown") : QString::fromStdString(arch));
        return nullptr;
    }
    auto vocab = engine::Vocab::fromGguf(*file.value());
    if (!vocab) {
        *error = tr("%1: its tokenizer cannot be used: %2").arg(name, QString::fromStdString(vocab.message()));
        return nullptr;
    }
    const qint64 bytes = qint64(file.value()->fileBytes());
    auto model = engine::Model::load(std::move(file).value());
    if (!model) {
        *error = tr("%1 could not be loaded: %2").arg(name, QString::fromStdString(model.message()));
        return nullptr;
    }
    auto state = std::make_unique<State>();
    state->path = path;
    state->vocab = std::make_shared<const engine::Vocab>(std::move(vocab).value());
    state->model = std::move(model).value();
    auto embedder = engine::Embedder::create(*state->model, engine::EmbedParams{.nThreads = std::max(1, nThreads)});
    if (!embedder) {
        *error = tr("%1 cannot embed text: %2").arg(name, QString::fromStdString(embedder.message()));
        return nullptr;
    }
    state->embedder = std::move(embedder).value();
    state->prefixes = prefixesFor(arch);
    for (const char* prefix : {state->prefixes.document, state->prefixes.query}) {
        const size_t tokens = state->vocab->tokenize(prefix, /*addSpecial=*/false, /*parseSpecial=*/false).size();
        state->prefixTokens = std::max(state->prefixTokens, int(tokens));
    }
    state->identity = QStringLiteral("%1|%2|%3|%4")
                          .arg(name)
                          .arg(bytes)
                          .arg(QString::fromStdString(arch))
                          .arg(state->embedder->nEmbd());
    return std::unique_ptr<EmbeddingModel>(new EmbeddingModel(std::move(state)));
}

QString EmbeddingModel::path() const { return d_->path; }
QString EmbeddingModel::identity() const { return d_->identity; }
int EmbeddingModel::dimension() const { return int(d_->embedder->nEmbd()); }
int EmbeddingModel::maxTokens() const { return int(std::min<int64_t>(d_->embedder->maxTokens(), 1 << 20)); }
int EmbeddingModel::maxChunkTokens() const { return std::max(1, maxTokens() - 2 - d_->prefixTokens); }

TokenCounter EmbeddingModel::tokenCounter() const {
    return [vocab = d_->vocab](QStringView text) {
        return int(vocab->tokenize(text.toUtf8().toStdString(), /*addSpecial=*/false, /*parseSpecial=*/false).size());
    };
}

std::optional<std::vector<float>> EmbeddingModel::embedDocument(QStringView text, QString* error) {
    return embed(QString::fromLatin1(d_->prefixes.document) + text.toString(), error);
}

std::optional<std::vector<float>> EmbeddingModel::embedQuery(QStringView text, QString* error) {
    return embed(QString::fromLatin1(d_->prefixes.query) + text.toString(), error);
}

std::optional<std::vector<float>> EmbeddingModel::embed(const QString& text, QString* error) {
    // The document's own "[SEP]" or "[CLS]" is text, not a control token (parseSpecial false).
    std::vector<int32_t> tokens =
        d_->vocab->tokenize(text.toUtf8().toStdString(), /*addSpecial=*/true, /*parseSpecial=*/false);
    const size_t limit = size_t(maxTokens());
    if (tokens.size() > limit && limit >= 2) {
        const int32_t last = tokens.back();  // [SEP]: the input still ends the way the model was trained on
        tokens.resize(limit - 1);
        tokens.push_back(last);
    }
    auto vector = d_->embedder->embed(tokens, /*normalize=*/true);
    if (!vector) {
        *error = tr("The embedding model failed: %1").arg(QString::fromStdString(vector.message()));
        return std::nullopt;
    }
    return std::move(vector).value();
}

}  // namespace hearth::app::docs
