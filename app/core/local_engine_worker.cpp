// The real engine on the worker thread: a model, its vocabulary and one Session whose KV cache carries over from
// turn to turn (Session::generate reuses the common prefix, so a growing chat or a branch evaluates only what is
// new). Every failure becomes a signal with a readable message; nothing here may take the app down.
#include <QFileInfo>
#include <QLocale>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/core/cpu_cores.h"
#include "app/core/engine_worker.h"
#include "app/core/logging.h"
#include "engine/chat_template.h"
#include "engine/fit_check.h"
#include "engine/gguf_reader.h"
#include "engine/kv_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model.h"
#include "engine/model_config.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/vocab.h"

namespace hearth::app {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

QString qstr(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// A model that does not fit: what it needs and what is available, for modelTooLarge.
struct FitRefusal {
    qint64 neededBytes = 0;
    qint64 availableBytes = 0;
    QString message;
};

// The fit check, from metadata only (before any weight is read): engine::estimateMemory for the context and KV
// type the load will use, against availableOverride (>= 0, tests) or the RAM available now. nullopt when it fits,
// or when the figures are unknown (no /proc/meminfo, metadata or KV type invalid: the load reports those).
std::optional<FitRefusal> checkFit(const engine::GgufFile& gguf, const LoadOptions& options, const QString& path,
                                   qint64 availableOverride) {
    auto config = engine::ModelConfig::fromGguf(gguf);
    if (!config) return std::nullopt;
    const std::optional<engine::KvType> kv = engine::parseKvType(options.kvType.toStdString());
    if (!kv) return std::nullopt;
    int64_t nCtx = options.nCtx > 0 ? options.nCtx : 4096;  // as the load below computes it
    if (config->nCtxTrain > 0) nCtx = std::min<int64_t>(nCtx, config->nCtxTrain);
    nCtx = std::max<int64_t>(nCtx, 1);
    uint64_t available = 0;
    if (availableOverride >= 0) {
        available = uint64_t(availableOverride);
    } else if (const std::optional<engine::SystemMemory> sys = engine::systemMemory()) {
        available = sys->availableBytes;
    } else {
        return std::nullopt;
    }
    const engine::MemoryEstimate need = engine::estimateMemory(gguf, *config, nCtx, engine::kvGgmlType(*kv));
    if (need.totalBytes() <= available) return std::nullopt;
    const QString name = config->name.empty() ? QFileInfo(path).completeBaseName() : qstr(config->name);
    return FitRefusal{qint64(need.totalBytes()), qint64(available),
                      EngineWorker::tooLargeMessage(name, qint64(need.weightBytes), qint64(need.kvBytes),
                                                    qint64(need.computeBytes + need.overheadBytes),
                                                    qint64(available))};
}

}  // namespace

struct LocalEngineWorker::State {
    std::unique_ptr<engine::Model> model;
    std::optional<engine::Vocab> vocab;
    std::unique_ptr<engine::Session> session;  // destroyed before the model it points into
    ModelInfo info;

    void reset() {
        session.reset();
        vocab.reset();
        model.reset();
        info = ModelInfo{};
    }
};

QString EngineWorker::tooLargeMessage(const QString& modelName, qint64 weightBytes, qint64 kvBytes,
                                      qint64 bufferBytes, qint64 availableBytes) {
    const QLocale locale;
    auto size = [&](qint64 bytes) { return locale.formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat); };
    return tr("%1 needs %2 (weights %3, KV cache %4, buffers %5) but %6 is available")
        .arg(modelName, size(weightBytes + kvBytes + bufferBytes), size(weightBytes), size(kvBytes), size(bufferBytes),
             size(availableBytes));
}

LocalEngineWorker::LocalEngineWorker(QObject* parent) : EngineWorker(parent), state_(new State) {
    registerEngineTypes();
}

LocalEngineWorker::~LocalEngineWorker() {
    delete state_;
}

void LocalEngineWorker::unloadModel() {
    if (!state_->session && !state_->model) return;
    state_->reset();
    emit modelUnloaded();
}

void LocalEngineWorker::loadModel(const LoadOptions& options) {
    unloadModel();
    emit loadProgress(0.0);
    const auto loadStart = Clock::now();
    const QString path = options.path;
    const std::string file = QFileInfo(path).fileName().toStdString();
    auto failed = [&](const std::string& message) {
        state_->reset();
        // Engine messages usually name the file already; make sure the user sees which one.
        const QString text = message.find(file) != std::string::npos ? qstr(message)
                                                                      : QFileInfo(path).fileName() + ": " + qstr(message);
        moduleLogger("worker")->error("model load failed: {}", text.toStdString());
        emit modelLoadFailed(path, text);
    };

    try {
        auto gguf = engine::GgufFile::open(path.toStdString());
        if (!gguf) return failed(gguf.message());
        // Refuse, with the numbers, a model that will not fit in the RAM available now, before reading a weight:
        // loading it would swap the machine to a crawl or get the app killed. The user may override.
        if (!options.allowOverMemory) {
            if (std::optional<FitRefusal> refusal = checkFit(**gguf, options, path, availableOverride_.load())) {
                state_->reset();
                moduleLogger("worker")->warn("model refused: {}", refusal->message.toStdString());
                emit modelTooLarge(path, refusal->neededBytes, refusal->availableBytes, refusal->message);
                return;
            }
        }
        emit loadProgress(0.1);
        auto vocab = engine::Vocab::fromGguf(**gguf);
        if (!vocab) return failed(vocab.message());
        emit loadProgress(0.3);
        // Binding is instant; repacking the matrices for this CPU's kernels is the slow step: it fills 0.3..0.8,
        // in steps of at least 2 % so a model of hundreds of matrices does not flood the GUI with signals.
        engine::ModelOptions modelOptions;
        double shown = 0.3;
        modelOptions.progress = [this, &shown](double f) {
            const double p = 0.3 + 0.5 * f;
            if (p - shown >= 0.02 || f >= 1.0) {
                shown = p;
                emit loadProgress(p);
            }
        };
        auto model = engine::Model::load(std::move(gguf).value(), modelOptions);
        if (!model) return failed(model.message());
        emit loadProgress(0.8);
        const engine::ModelConfig& config = (*model)->config();

        const std::optional<engine::KvType> kv = engine::parseKvType(options.kvType.toStdString());
        if (!kv) return failed("KV cache type '" + options.kvType.toStdString() + "' is not one of f16, q8_0, f32");
        if (Status st = engine::checkKvType(*kv, config.headDim, config.headDimV); !st) return failed(st.message());

        engine::ContextParams params;
        params.kv = *kv;
        params.nThreads = options.threads > 0 ? options.threads : physicalCores();
        int64_t nCtx = options.nCtx > 0 ? options.nCtx : 4096;
        if (config.nCtxTrain > 0) nCtx = std::min<int64_t>(nCtx, config.nCtxTrain);
        params.nCtx = int(std::max<int64_t>(nCtx, 1));
        // The KV cache is allocated up front: refuse a context that cannot fit rather than thrash or be killed.
        const uint64_t kvPerToken = engine::kvBytesPerToken(config, engine::kvGgmlType(*kv));
        // (Skipped when the user chose to load anyway: the fit check above already named the numbers.)
        if (const std::optional<engine::SystemMemory> sys = engine::systemMemory(); sys && !options.allowOverMemory) {
            const uint64_t need = kvPerToken * uint64_t(params.nCtx);
            if (need > sys->availableBytes) {
                return failed("a context of " + std::to_string(params.nCtx) + " tokens needs " +
                              std::to_string(need >> 20) + " MiB for its KV cache, but only " +
                              std::to_string(sys->availableBytes >> 20) + " MiB of RAM is available");
            }
        }

        state_->model = std::move(model).value();
        state_->vocab = std::move(vocab).value();
        auto session = engine::Session::create(*state_->model, *state_->vocab, params);
        if (!session) return failed(session.message());
        state_->session = std::move(session).value();

        ModelInfo& info = state_->info;
        info.path = path;
        info.name = config.name.empty() ? QFileInfo(path).completeBaseName() : qstr(config.name);
        info.architecture = qstr(config.arch);
        info.chatFormat = qstr(engine::chatFormatName(state_->session->chatFormat()));
        info.fileBytes = QFileInfo(path).size();
        info.bytesPerToken = qint64(engine::bytesPerTokenFromFile(state_->model->file()));  // as hearth-cli counts it
        info.kvBytesPerToken = qint64(kvPerToken);
        info.kvBytesAllocated = qint64(state_->session->context().kvCache().bytes());
        info.nCtx = state_->session->nCtx();
        info.nCtxTrain = int(config.nCtxTrain);
        info.threads = params.nThreads;
        moduleLogger("worker")->info("model loaded: {} ({}, {}), {} bytes, context {} tokens, KV {} bytes, {} threads, "
                                     "in {:.0f} ms", info.name.toStdString(), path.toStdString(),
                                     info.architecture.toStdString(), info.fileBytes, info.nCtx, info.kvBytesAllocated,
                                     info.threads, msSince(loadStart));
        emit loadProgress(1.0);
        emit modelLoaded(info);
    } catch (const std::exception& e) {
        // bad_alloc on a huge context, mostly: report it like any other failure.
        failed(std::string("could not load the model: ") + e.what());
    }
}

void LocalEngineWorker::submitTurn(const TurnRequest& request) {
    clearStop();
    const auto start = Clock::now();
    GenerationResult result;
    result.id = request.id;
    GenerationProgress& p = result.last;
    p.id = request.id;
    auto finish = [&] {
        if (!result.error.isEmpty()) moduleLogger("worker")->error("turn {}: {}", request.id, result.error.toStdString());
        emit generationFinished(result);
    };

    engine::Session* session = state_->session.get();
    if (!session) {
        result.error = QStringLiteral("no model is loaded");
        return finish();
    }
    p.nCtx = session->nCtx();
    p.nPast = session->nPast();
    const qint64 kvPerToken = state_->info.kvBytesPerToken;
    p.kvBytesUsed = p.nPast * kvPerToken;

    try {
        const engine::ChatFormat format = session->chatFormat();
        std::vector<engine::ChatMessage> messages;
        messages.reserve(size_t(request.messages.size()));
        for (const ChatTurn& turn : request.messages) {
            messages.push_back({turn.role.toStdString(), turn.text.toStdString()});
        }
        // Raw (a base model without a template) joins the texts with newlines and continues the last one.
        const std::string prompt = engine::formatChat(format, messages, /*addAssistantPrompt=*/true);
        std::vector<int32_t> tokens =
            session->vocab().tokenize(prompt, /*addSpecial=*/true, /*parseSpecial=*/format != engine::ChatFormat::Raw);
        if (tokens.empty() && session->vocab().bos() != engine::kNoToken) tokens.push_back(session->vocab().bos());
        if (tokens.empty()) {
            result.error = QStringLiteral("the conversation is empty");
            return finish();
        }
        p.promptTokens = int(tokens.size());
        if (int64_t(tokens.size()) >= session->nCtx()) {
            // The GUI offers to drop old turns on this reason; nothing was evaluated.
            result.stopReason = qstr(engine::stopReasonName(engine::StopReason::ContextFull));
            return finish();
        }

        // What generate will evaluate: all but the prefix the cache already holds (at least the last token).
        const std::span<const int32_t> cached = session->cachedTokens();
        size_t common = 0;
        while (common < cached.size() && common < tokens.size() && cached[common] == tokens[common]) ++common;
        if (common == tokens.size()) --common;
        p.promptEvaluated = int(tokens.size() - common);

        engine::GenerationParams params;
        params.maxTokens = request.sampler.maxTokens;
        params.sampler.temperature = float(request.sampler.temperature);
        params.sampler.topK = request.sampler.topK;
        params.sampler.topP = float(request.sampler.topP);
        params.sampler.minP = float(request.sampler.minP);
        params.sampler.repeatPenalty = float(request.sampler.repeatPenalty);
        params.sampler.seed = request.sampler.seed == 0 ? engine::Sampler::randomSeed() : request.sampler.seed;
        params.stopStrings = engine::chatStopStrings(format);
        params.cancel = &stopFlag();

        const auto generateStart = Clock::now();
        std::optional<Clock::time_point> firstToken;
        auto onText = [&](std::string_view text) {
            const auto now = Clock::now();
            // The callback runs before the new token is evaluated: nPast = prompt + tokens generated - 1.
            p.nPast = session->nPast();
            p.generatedTokens = std::max(1, p.nPast - p.promptTokens + 1);
            if (!firstToken) {
                firstToken = now;
                p.timeToFirstTokenMs = msSince(start);
                const double promptSeconds = std::chrono::duration<double>(now - generateStart).count();
                p.promptTokensPerSecond = promptSeconds > 0 ? p.promptEvaluated / promptSeconds : 0;
            }
            const double genSeconds = std::chrono::duration<double>(now - *firstToken).count();
            p.generateTokensPerSecond = genSeconds > 0 && p.generatedTokens > 1 ? (p.generatedTokens - 1) / genSeconds : 0;
            p.kvBytesUsed = p.nPast * kvPerToken;
            p.text = QString::fromUtf8(text.data(), qsizetype(text.size()));
            emit generationProgress(p);
            return !stopRequested();
        };
        auto stats = session->generate(tokens, params, onText);
        p.text.clear();
        p.nPast = session->nPast();
        p.kvBytesUsed = p.nPast * kvPerToken;
        if (!stats) {
            result.error = qstr(stats.message());
            return finish();
        }
        p.promptTokens = stats->promptTokens;
        p.promptEvaluated = stats->promptEvaluated;
        p.promptTokensPerSecond = stats->promptTokensPerSecond();
        p.generatedTokens = stats->generatedTokens;
        p.generateTokensPerSecond = stats->generateTokensPerSecond();
        if (!firstToken) p.timeToFirstTokenMs = msSince(start);
        result.stopReason = qstr(engine::stopReasonName(stats->stopReason));
    } catch (const std::exception& e) {
        result.error = QStringLiteral("generation failed: ") + QString::fromUtf8(e.what());
    }
    finish();
}

}  // namespace hearth::app
