// The model catalog shipped in the app (resources/catalog.json, format in resources/catalog.md), read into one flat
// entry per downloadable file, and the numbers the models page shows for an entry or a local file on this machine:
// the fit check (engine/fit_check.h) and whether the CPU has fast kernels for the file's weight type. Plain
// functions, no Qt models: CatalogModel and LocalModelsModel hold the results.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

#include "engine/fit_check.h"
#include "kernels/ggml_type.h"

namespace hearth::app {

// One file of one catalog model, with its model's fields repeated (the catalog page shows one row per file).
struct CatalogEntry {
    // The model (catalog.md, "Model").
    QString modelId;
    QString name;
    QString description;
    QString family;
    QString license;
    QString licenseUrl;
    QString homepage;
    bool gated = false;
    QString architecture;
    bool supported = false;
    QString reason;  // why not supported ("" when supported)
    bool chat = true;
    qint64 parameters = 0;
    qint64 contextLength = 0;
    qint64 nLayers = 0, nHeads = 0, nKvHeads = 0, headDim = 0, nEmbd = 0, nFf = 0, nVocab = 0;
    bool tiedEmbeddings = false;  // output = token embedding (tie_word_embeddings): the fit check counts its copy
    bool isDefault = false;  // this file is the model's default_quantization
    // The file (catalog.md, "File").
    QString quantization;  // "Q4_K_M", "Q8_0", ...
    QString repo;
    QString fileName;
    QUrl url;              // on huggingface.co, as in the catalog (hubUrl() moves it onto a mirror)
    qint64 sizeBytes = 0;
    bool sizeExact = false;
    QString sha256;        // "" when unknown
    bool verified = false;
    bool addedFromUrl = false;  // not from the catalog: the user pasted its URL (facts from its header)

    // "<modelId>/<quantization>": unique, what QML passes back to act on a row.
    QString key() const { return modelId + QLatin1Char('/') + quantization; }
    // The shapes for engine::fitCheck before download (tiedEmbeddings: the output reuses the embedding, whose
    // repacked copy the fit counts). A row whose file header was read uses the header instead (CatalogModel).
    engine::ModelShape shape() const;
};

// Parses the catalog. On a malformed document, an empty list and *error says what is wrong (the shipped file is
// checked by tests/catalog, so this guards against a broken build rather than user input).
QList<CatalogEntry> parseCatalog(const QByteArray& json, QString* error);

// The hub's default address, and a catalog URL moved onto a mirror: the scheme, host and port become the base's
// and the base's path (if any) is put in front, so https://huggingface.co/<repo>/resolve/main/<file> becomes
// <base>/<repo>/resolve/main/<file>.
QUrl defaultHubBaseUrl();
QUrl hubUrl(const QUrl& catalogUrl, const QUrl& hubBase);
// True for an http(s) URL with a host (what the hub base setting accepts).
bool isValidHubBase(const QUrl& url);
// Same scheme, host and port: where the hub token may be sent.
bool sameOrigin(const QUrl& a, const QUrl& b);

// The dominant weight type of a file type name ("Q4_K_M" -> Q4_K, "Q8_0" -> Q8_0, "F16" -> F16); nullopt when
// unknown.
std::optional<kernels::GgmlType> weightTypeOfQuantization(const QString& quantization);

// Whether this CPU runs the type through SIMD kernels (a repacked or tiled GEMM on the active ISA, which is not
// the scalar fallback), and a short note for the UI naming the ISA ("AVX2") or the lack of one.
struct KernelPath {
    bool fast = false;
    QString isa;  // the active ISA's name, e.g. "avx2"
};
KernelPath kernelPathFor(kernels::GgmlType type);

// What the fit check needs to know about this machine and the user's settings, captured by value so that a
// background thread can use it.
struct MachineFit {
    int64_t nCtx = 4096;                                   // the settings' context length
    kernels::GgmlType kvType = kernels::GgmlType::F16;     // the settings' KV cache type
    std::optional<engine::SystemMemory> memory;            // nullopt: unknown (no verdict)
    double bandwidthGbps = 0;                              // measured read bandwidth; 0: unknown (no speed)
};

// The fit check of a catalog entry at the settings' context (capped at the model's trained context, as the
// loader caps it); nullopt when the machine's memory is unknown.
std::optional<engine::FitReport> fitCatalogEntry(const CatalogEntry& entry, const MachineFit& machine);

// The translated one-line texts the models page shows for a fit report:
// "Needs 1.2 GB of 7.8 GB available · up to 32,768 tokens of context" and "~45 tokens/s".
QString fitDescription(const engine::FitReport& report);
QString speedDescription(const engine::FitReport& report);
// "fits", "tight" or "no".
QString fitName(const engine::FitReport& report);

}  // namespace hearth::app
