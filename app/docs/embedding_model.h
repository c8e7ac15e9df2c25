// The documents' embedding model: a bert or nomic-bert GGUF run by our engine (engine/embedding.h), with its
// WordPiece tokenizer (to size chunks in the model's own tokens) and the input prefixes its documented usage asks
// for. Vectors are L2-normalised, so a dot product is the cosine. Loaded and used on the indexer's thread; the
// token counter it hands out may be used from any thread.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringView>
#include <memory>
#include <optional>
#include <vector>

#include "app/docs/chunker.h"

namespace hearth::app::docs {

class EmbeddingModel {
    Q_DECLARE_TR_FUNCTIONS(EmbeddingModel)
public:
    // nullptr and a message for the user when the file cannot be read, or is not an embedding model (its
    // architecture must be bert or nomic-bert). nThreads: the engine's threads for each embedding.
    static std::unique_ptr<EmbeddingModel> load(const QString& path, int nThreads, QString* error);
    ~EmbeddingModel();

    QString path() const;
    // What chunk_embeddings.model stores: vectors are only ever compared with vectors of the same identity.
    // "<file name>|<bytes>|<architecture>|<n_embd>": a re-downloaded or re-quantised file of another size counts as
    // another model (its vectors differ); renaming a file re-embeds, which is only slow.
    QString identity() const;
    int dimension() const;
    // The longest input the model takes, [CLS] and [SEP] included (bert's learned positions end there).
    int maxTokens() const;
    // The most a chunk may hold so that its document prefix, [CLS] and [SEP] still fit: the chunker's bound.
    int maxChunkTokens() const;

    // WordPiece tokens of text (no [CLS]/[SEP], no prefix): what the chunker sizes chunks with. Shares the
    // vocabulary (immutable, thread-safe), so it stays valid after the model is gone.
    TokenCounter tokenCounter() const;

    // The unit-length vector of a chunk's text / of a question, or nullopt and *error. Inputs longer than
    // maxTokens() are cut there (their beginning is embedded): the chunker keeps chunks below it, so only an
    // unbroken run of characters longer than a chunk (a huge "word") gets here.
    std::optional<std::vector<float>> embedDocument(QStringView text, QString* error);
    std::optional<std::vector<float>> embedQuery(QStringView text, QString* error);

private:
    struct State;
    explicit EmbeddingModel(std::unique_ptr<State> state);
    std::optional<std::vector<float>> embed(const QString& text, QString* error);
    std::unique_ptr<State> d_;
};

}  // namespace hearth::app::docs
