// The real engine on the worker thread: a model, its vocabulary and one Session whose KV cache carries over from
// turn to turn (Session::generate reuses the common prefix, so a growing chat or a branch evaluates only what is
// new). Every failure becomes a signal with a readable message; nothing here may take the app down.
#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/core/engine_worker.h"
#include "engine/chat_template.h"
#include "engine/gguf_reader.h"
#include "engine/kv_cache.h"
#include "engine/memory_estimate.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/vocab.h"

namespace hearth::app {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Physical cores from /proc/cpuinfo (distinct physical id / core id pairs): SMT siblings share a core's
// execution units and memory path, so more threads than cores only adds synchronisation.
int physicalCores() {
    std::ifstream in("/proc/cpuinfo");
    std::set<std::pair<std::string, std::string>> cores;
    std::string line, physical = "0";
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
        if (key == "physical id") physical = value;
        if (key == "core id") cores.emplace(physical, value);
    }
    if (!cores.empty()) return int(cores.size());
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

// What one generated token reads: every weight tensor except the embedding table, of which only its row (unless
// the output projection is tied to it: then all of it). The same count as hearth-cli bench.
qint64 weightBytesPerToken(const engine::Model& model) {
    uint64_t bytes = 0;
    for (const engine::GgufTensor& t : model.file().tensors()) {
        if (t.name == "token_embd.weight" && !model.weights().tiedOutput) continue;
        bytes += t.nbytes;
    }
    return qint64(bytes + model.weights().tokenEmbd.rowBytes);
}

QString qstr(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
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
    const QString path = options.path;
    const std::string file = QFileInfo(path).fileName().toStdString();
    auto failed = [&](const std::string& message) {
        state_->reset();
        // Engine messages usually name the file already; make sure the user sees which one.
        const QString text = message.find(file) != std::string::npos ? qstr(message)
                                                                      : QFileInfo(path).fileName() + ": " + qstr(message);
        spdlog::warn("model load failed: {}", text.toStdString());
        emit modelLoadFailed(path, text);
    };

    try {
        auto gguf = engine::GgufFile::open(path.toStdString());
        if (!gguf) return failed(gguf.message());
        emit loadProgress(0.1);
        auto vocab = engine::Vocab::fromGguf(**gguf);
        if (!vocab) return failed(vocab.message());
        emit loadProgress(0.3);
        auto model = engine::Model::load(std::move(gguf).value());
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
        if (const std::optional<engine::SystemMemory> sys = engine::systemMemory()) {
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
        info.bytesPerToken = weightBytesPerToken(*state_->model);
        info.kvBytesPerToken = qint64(kvPerToken);
        info.kvBytesAllocated = qint64(state_->session->context().kvCache().bytes());
        info.nCtx = state_->session->nCtx();
        info.nCtxTrain = int(config.nCtxTrain);
        info.threads = params.nThreads;
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
    auto finish = [&] { emit generationFinished(result); };

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
