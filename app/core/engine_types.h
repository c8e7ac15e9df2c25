// Value types that cross the thread boundary between the GUI and the engine worker (queued signals/slots copy
// them; nothing here points into the engine). Registered with the meta-type system by registerEngineTypes().
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace hearth::app {

struct LoadOptions {
    QString path;           // a .gguf file
    int threads = 0;        // <= 0: the physical cores
    int nCtx = 4096;        // context length (capped at the model's training context)
    QString kvType = "f16"; // "f16", "q8_0" or "f32" (engine::parseKvType)
    // Load even when the memory estimate exceeds the RAM available (the user chose "Load anyway" after the
    // worker's modelTooLarge); false: such a model is refused before any weight is read.
    bool allowOverMemory = false;
};

struct ModelInfo {
    QString path;
    QString name;              // general.name, else the file name
    QString architecture;      // general.architecture
    QString chatFormat;        // the chat format recognised from the template ("chatml", "llama3", ..., "raw")
    qint64 fileBytes = 0;
    qint64 bytesPerToken = 0;  // weight bytes one generated token reads (as hearth-cli bench counts them)
    qint64 kvBytesAllocated = 0;
    qint64 kvBytesPerToken = 0;
    int nCtx = 0;              // the context the worker allocated
    int nCtxTrain = 0;
    int threads = 0;
};

struct ChatTurn {
    QString role;  // "system", "user" or "assistant"
    QString text;
};

struct SamplerSettings {
    double temperature = 0.8;
    int topK = 40;
    double topP = 0.95;
    double minP = 0.05;
    double repeatPenalty = 1.0;
    quint64 seed = 0;       // 0: a new random seed per turn
    int maxTokens = 1024;   // < 0: until the model stops or the context is full
};

// One generation request: the whole conversation path to answer (system prompt first, the user's last message
// last). The worker formats it with the model's chat format and reuses the KV cache's common prefix, so a new turn
// (or a branch that shares a prefix) evaluates only what is new.
struct TurnRequest {
    quint64 id = 0;
    QList<ChatTurn> messages;
    SamplerSettings sampler;
};

// Emitted by the worker for every piece of generated text (the GUI batches them), and carries live figures.
struct GenerationProgress {
    quint64 id = 0;
    QString text;              // new text since the last progress (valid UTF-8, may be empty)
    int promptTokens = 0;      // tokens of the formatted prompt
    int promptEvaluated = 0;   // of which evaluated now (the rest came from the KV cache)
    double promptTokensPerSecond = 0;
    double timeToFirstTokenMs = 0;
    int generatedTokens = 0;
    double generateTokensPerSecond = 0;  // over this answer so far
    int nPast = 0;             // positions in the KV cache
    int nCtx = 0;
    qint64 kvBytesUsed = 0;    // nPast * kvBytesPerToken
};

struct GenerationResult {
    quint64 id = 0;
    QString stopReason;        // engine::stopReasonName: "end of generation", "cancelled", "context full", ...
    QString error;             // non-empty: the request failed (the message says why)
    GenerationProgress last;   // final figures
};

void registerEngineTypes();

}  // namespace hearth::app

Q_DECLARE_METATYPE(hearth::app::LoadOptions)
Q_DECLARE_METATYPE(hearth::app::ModelInfo)
Q_DECLARE_METATYPE(hearth::app::TurnRequest)
Q_DECLARE_METATYPE(hearth::app::GenerationProgress)
Q_DECLARE_METATYPE(hearth::app::GenerationResult)
