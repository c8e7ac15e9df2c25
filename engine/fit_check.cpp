#include "engine/fit_check.h"

#include <algorithm>
#include <cstdio>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

uint64_t u64(int64_t v) { return v > 0 ? uint64_t(v) : 0; }

// Binary units, as hearth-cli info's other lines and `free -h` print them.
std::string humanBytes(uint64_t bytes) {
    char buf[32];
    const double b = double(bytes);
    if (b >= double(uint64_t{1} << 30)) {
        std::snprintf(buf, sizeof buf, "%.1f GiB", b / double(uint64_t{1} << 30));
    } else if (b >= double(uint64_t{1} << 20)) {
        std::snprintf(buf, sizeof buf, "%.0f MiB", b / double(uint64_t{1} << 20));
    } else {
        std::snprintf(buf, sizeof buf, "%.0f KiB", b / 1024.0);
    }
    return buf;
}

// The parts the two variants share once the resident weights and the bytes per token are known.
FitReport finish(FitReport r, uint64_t residentWeightBytes, const ModelConfig& config, int64_t nCtx,
                 kernels::GgmlType kvType, const SystemMemory& memory, std::optional<double> bandwidthGbps) {
    r.kvType = kvType;
    r.availableBytes = memory.availableBytes;
    r.totalBytes = memory.totalBytes;
    r.cgroupLimited = memory.cgroupLimited;
    r.verdict = fitVerdict(r.memory.totalBytes(), memory);
    r.nCtxTrain = config.nCtxTrain;
    r.maxCtxFit = maxContextForBudget(residentWeightBytes, config, memory.availableBytes, kvType);
    if (config.nCtxTrain > 0) r.maxCtxFit = std::min(r.maxCtxFit, config.nCtxTrain);
    r.kvBytesReadPerToken = double(r.memory.kvBytesPerToken) * double(nCtx) / 2.0;
    const double perToken = double(r.weightBytesPerToken) + r.kvBytesReadPerToken;
    if (bandwidthGbps && *bandwidthGbps > 0 && perToken > 0) {
        r.bandwidthGbps = *bandwidthGbps;
        r.predictedTgTps = *bandwidthGbps * 1e9 / perToken;
    }
    return r;
}

}  // namespace

std::string_view fitVerdictName(FitVerdict verdict) {
    switch (verdict) {
        case FitVerdict::Fits: return "fits";
        case FitVerdict::Tight: return "tight";
        case FitVerdict::No: return "no";
    }
    return "no";
}

FitVerdict fitVerdict(uint64_t neededBytes, const SystemMemory& memory) {
    const double needed = double(neededBytes);
    if (needed <= kFitsShareOfAvailable * double(memory.availableBytes)) return FitVerdict::Fits;
    if (neededBytes <= memory.availableBytes || needed <= kTightShareOfTotal * double(memory.totalBytes))
        return FitVerdict::Tight;
    return FitVerdict::No;
}

uint64_t bytesPerTokenFromFile(const GgufFile& file) {
    // Model binds the output to token_embd when output.weight is absent (ArchDescriptor::tiedOutputAllowed).
    const bool tied = file.findTensor("output.weight") == nullptr;
    uint64_t bytes = 0;
    uint64_t embdRow = 0;
    for (const GgufTensor& t : file.tensors()) {
        if (t.name == "token_embd.weight") {
            // ggml shape [n_embd, n_vocab]: a row is one token's n_embd values.
            embdRow = kernels::rowBytes(t.type, u64(t.ne[0]));
            if (!tied) continue;
        }
        bytes += t.nbytes;
    }
    return bytes + embdRow;
}

uint64_t ModelShape::parameterCount() const {
    const int64_t heads = nHead > 0 ? nHead : (headDim > 0 ? nEmbd / headDim : 0);
    const int64_t dimV = headDimV > 0 ? headDimV : headDim;
    const uint64_t perLayer = u64(nEmbd) * u64(heads * headDim + nHeadKv * headDim + nHeadKv * dimV)  // q, k, v
                              + u64(heads * dimV) * u64(nEmbd)                                         // o
                              + 3 * u64(nEmbd) * u64(nFf)                                              // gate, up, down
                              + 2 * u64(nEmbd);                                                        // two norms
    return u64(nVocab) * u64(nEmbd) * (tiedOutput ? 1 : 2) + u64(nLayer) * perLayer + u64(nEmbd);
}

ModelConfig ModelShape::config() const {
    ModelConfig c;
    c.nVocab = nVocab;
    c.nEmbd = nEmbd;
    c.nLayer = nLayer;
    c.headDim = headDim;
    c.headDimV = headDimV > 0 ? headDimV : headDim;
    c.nHead = nHead > 0 ? nHead : (headDim > 0 ? nEmbd / headDim : 0);
    c.nHeadKv = nHeadKv;
    c.nFf = nFf;
    c.nCtxTrain = nCtxTrain;
    c.nRot = headDim;
    return c;
}

ModelShape shapeOf(const GgufFile& file, const ModelConfig& config) {
    ModelShape s;
    s.fileBytes = file.fileBytes();
    s.nLayer = config.nLayer;
    s.nHead = config.nHead;
    s.nHeadKv = config.nHeadKv;
    s.headDim = config.headDim;
    s.headDimV = config.headDimV;
    s.nEmbd = config.nEmbd;
    s.nFf = config.nFf;
    s.nVocab = config.nVocab;
    s.nCtxTrain = config.nCtxTrain;
    s.tiedOutput = file.findTensor("output.weight") == nullptr;
    if (const GgufTensor* embd = file.findTensor("token_embd.weight")) {
        s.embdBytes = embd->nbytes;
        s.embdType = embd->type;
    }
    return s;
}

FitReport fitCheck(const GgufFile& file, const ModelConfig& config, int64_t nCtx, kernels::GgmlType kvType,
                   const SystemMemory& memory, std::optional<double> bandwidthGbps) {
    FitReport r;
    r.memory = estimateMemory(file, config, nCtx, kvType);
    r.weightBytesPerToken = bytesPerTokenFromFile(file);
    return finish(r, r.memory.weightBytes, config, nCtx, kvType, memory, bandwidthGbps);
}

FitReport fitCheck(const ModelShape& shape, int64_t nCtx, kernels::GgmlType kvType, const SystemMemory& memory,
                   std::optional<double> bandwidthGbps) {
    const ModelConfig config = shape.config();
    uint64_t embd = shape.embdBytes;
    if (embd == 0) {
        const uint64_t params = shape.parameterCount();
        const uint64_t embdParams = u64(shape.nVocab) * u64(shape.nEmbd);
        embd = params > 0 ? uint64_t(double(shape.fileBytes) * double(embdParams) / double(params)) : 0;
    }
    const uint64_t embdRow = shape.nVocab > 0 ? embd / u64(shape.nVocab) : 0;

    // The copy of a tied embedding the load makes (loadedCopyBytes), as loadedWeightBytes counts it.
    uint64_t tiedCopy = 0;
    if (shape.tiedOutput) {
        tiedCopy = embd;
        if (shape.embdType) tiedCopy = loadedCopyBytes(*shape.embdType, shape.nEmbd, shape.nVocab, embd);
    }

    FitReport r;
    r.memory.weightBytes = shape.fileBytes + tiedCopy;
    r.memory.kvBytesPerToken = kvBytesPerToken(config, kvType);
    r.memory.nCtx = nCtx;
    r.memory.kvBytes = r.memory.kvBytesPerToken * u64(nCtx);
    r.memory.computeBytes = computeBytes(config, nCtx);
    r.memory.overheadBytes = kFixedOverheadBytes;
    r.weightBytesPerToken = shape.fileBytes - std::min(shape.fileBytes, shape.tiedOutput ? 0 : embd) + embdRow;
    return finish(r, r.memory.weightBytes, config, nCtx, kvType, memory, bandwidthGbps);
}

std::string FitReport::summary() const {
    std::string s = "needs " + humanBytes(neededBytes()) + " of " + humanBytes(availableBytes) + " available";
    switch (verdict) {
        case FitVerdict::Fits:
            s += ": fits";
            break;
        case FitVerdict::Tight:
            s += neededBytes() <= availableBytes
                     ? ": tight (little headroom)"
                     : " (" + humanBytes(totalBytes) + " total): tight (only once other programs free memory)";
            break;
        case FitVerdict::No:
            s += " (" + humanBytes(totalBytes) + " total): does not fit";
            break;
    }
    if (maxCtxFit > 0) {
        s += "; up to " + std::to_string(maxCtxFit) + " tokens of context";
        if (nCtxTrain > 0 && maxCtxFit == nCtxTrain) s += " (the trained maximum)";
    } else {
        s += "; not even an empty context fits";
    }
    char buf[96];
    if (predictedTgTps > 0) {
        std::snprintf(buf, sizeof buf, "; ~%.*f tok/s predicted at %.1f GB/s", predictedTgTps < 10 ? 1 : 0,
                      predictedTgTps, bandwidthGbps);
        s += buf;
    } else {
        s += "; speed unknown (no bandwidth figure)";
    }
    return s;
}

}  // namespace hearth::engine
