// libFuzzer target for everything after GGUF parsing: the input chooses the hyper-parameters, metadata values and
// types, tensor shapes and types, and the vocabulary of a small, structurally valid GGUF built with GgufWriter, plus
// a text. The file then goes through ModelConfig::fromGguf, the memory estimate, Vocab::fromGguf with tokenize /
// detokenize of the text, Model::load, Context::create and a short eval. Every stage must either succeed or return
// an error; crashes, sanitizer reports, hangs and huge allocations are bugs.
//
// Most choices default to the consistent value (so the fuzzer reaches the later stages) and only sometimes pick a
// hostile one: zero, negative, huge, the wrong GGUF type, an array, or a value off by one.
#include <fuzzer/FuzzedDataProvider.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/forward.h"
#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "engine/memory_estimate.h"
#include "engine/model.h"
#include "engine/model_config.h"
#include "engine/vocab.h"

using namespace hearth::engine;
using hearth::kernels::GgmlType;

namespace {

volatile uint64_t gSink;

constexpr uint64_t kMaxTensorBytes = uint64_t{4} << 20;  // total tensor data of one input

// An integer metadata value: usually `good` as uint32, sometimes hostile.
void putInt(GgufWriter& w, FuzzedDataProvider& p, const std::string& key, int64_t good) {
    const uint8_t mode = p.ConsumeIntegral<uint8_t>();
    if (mode < 200) {
        w.addUint32(key, uint32_t(good));
        return;
    }
    switch (mode % 16) {
    case 0: return;  // absent
    case 1: w.addUint32(key, 0); return;
    case 2: w.addInt32(key, -1); return;
    case 3: w.addInt32(key, p.ConsumeIntegral<int32_t>()); return;
    case 4: w.addUint64(key, p.ConsumeIntegral<uint64_t>()); return;
    case 5: w.addInt64(key, std::numeric_limits<int64_t>::min()); return;
    case 6: w.addUint32(key, uint32_t(good + p.ConsumeIntegralInRange<int>(-2, 2))); return;
    case 7: w.addFloat32(key, float(good)); return;
    case 8: w.addString(key, std::to_string(good)); return;
    case 9: {  // per-layer array, maybe not uniform
        std::vector<int32_t> v(p.ConsumeIntegralInRange<size_t>(0, 4), int32_t(good));
        if (!v.empty() && p.ConsumeBool()) v.back() = p.ConsumeIntegral<int32_t>();
        w.addArray(key, std::span<const int32_t>(v));
        return;
    }
    case 10: w.addUint8(key, uint8_t(good)); return;
    case 11: w.addInt16(key, int16_t(good)); return;
    case 12: w.addUint32(key, 0xffffffffu); return;
    case 13: w.addInt64(key, std::numeric_limits<int64_t>::max()); return;
    case 14: w.addBool(key, true); return;
    default: w.addUint32(key, p.ConsumeIntegral<uint32_t>()); return;
    }
}

void putFloat(GgufWriter& w, FuzzedDataProvider& p, const std::string& key, float good) {
    const uint8_t mode = p.ConsumeIntegral<uint8_t>();
    if (mode < 220) {
        w.addFloat32(key, good);
        return;
    }
    switch (mode % 8) {
    case 0: return;
    case 1: w.addFloat32(key, 0.f); return;
    case 2: w.addFloat32(key, -good); return;
    case 3: w.addFloat32(key, std::numeric_limits<float>::quiet_NaN()); return;
    case 4: w.addFloat32(key, std::numeric_limits<float>::infinity()); return;
    case 5: w.addFloat64(key, p.ConsumeFloatingPoint<double>()); return;
    case 6: w.addInt32(key, p.ConsumeIntegral<int32_t>()); return;
    default: w.addString(key, "x"); return;
    }
}

// A tensor dimension: usually `good`, sometimes off.
int64_t dim(FuzzedDataProvider& p, int64_t good) {
    const uint8_t mode = p.ConsumeIntegral<uint8_t>();
    if (mode < 245) return good;
    switch (mode % 4) {
    case 0: return good + 1;
    case 1: return good > 1 ? good - 1 : 2;
    case 2: return good * 2;
    default: return p.ConsumeIntegralInRange<int64_t>(1, 64);
    }
}

GgmlType tensorType(FuzzedDataProvider& p, int64_t rowLen) {
    const uint8_t mode = p.ConsumeIntegral<uint8_t>();
    if (mode < 224) return GgmlType::F32;
    switch (mode % 8) {
    case 0: case 1: return GgmlType::F16;
    case 2: return GgmlType::BF16;
    case 3: return rowLen % 32 == 0 ? GgmlType::Q8_0 : GgmlType::F16;
    case 4: return rowLen % 32 == 0 ? GgmlType::Q4_0 : GgmlType::F16;
    case 5: return rowLen % 256 == 0 ? GgmlType::Q4_K : GgmlType::F32;
    case 6: return GgmlType::I32;
    default: return GgmlType(p.ConsumeIntegralInRange<uint32_t>(0, 40));
    }
}

struct Builder {
    GgufWriter w;
    FuzzedDataProvider& p;
    uint64_t total = 0;
    bool ok = true;

    // A tensor named `name` whose intended shape is `shape`; the fuzzer may perturb each dim, the type, or drop it.
    void tensor(const std::string& name, std::vector<int64_t> shape, bool vector) {
        const uint8_t mode = p.ConsumeIntegral<uint8_t>();
        if (mode == 255) return;  // missing
        for (int64_t& d : shape) d = dim(p, d);
        if (mode == 254) shape.push_back(1 + (mode & 1));
        if (mode == 253 && shape.size() > 1) shape.pop_back();
        GgufTensorSpec spec{name, shape, vector ? (mode == 252 ? GgmlType::F16 : GgmlType::F32)
                                                : tensorType(p, shape[0])};
        auto bytes = ggufTensorBytes(spec);
        if (!bytes || total + *bytes > kMaxTensorBytes) {
            ok = false;
            return;
        }
        total += *bytes;
        std::vector<uint8_t> data(static_cast<size_t>(*bytes));
        // Small finite values whatever the type (F32 0.0625-ish, F16/BF16 small, quant blocks harmless).
        for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t((i * 37 + 11) & 0x3f);
        w.addTensor(std::move(spec), std::move(data));
    }
};

std::string tokenString(FuzzedDataProvider& p, int32_t i, bool spm) {
    const uint8_t mode = p.ConsumeIntegral<uint8_t>();
    if (mode < 64) return p.ConsumeRandomLengthString(8);
    if (i < 3) return spm ? (i == 0 ? "<unk>" : i == 1 ? "<s>" : "</s>") : (i == 0 ? "<|endoftext|>" : i == 1 ? "<|im_start|>" : "<|im_end|>");
    if (spm && i < 3 + 256) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "<0x%02X>", unsigned(i - 3));
        return buf;
    }
    static const char* kPieces[] = {"a", "b", "\xe2\x96\x81", "\xe2\x96\x81" "a", "ab", "\xc4\xa0", "\xc4\xa0" "a",
                                    "ba", "abc", "\xc4\x8a", "", " ", "<|eot_id|>", "1", "12"};
    return kPieces[size_t(i) % (sizeof kPieces / sizeof kPieces[0])];
}

}  // namespace

// The vocabulary warns (spdlog) about every ignored bad id; thousands of lines per second only slow the fuzzer.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider p(data, size);
    Builder b{GgufWriter(), p};
    GgufWriter& w = b.w;

    // Intended (consistent) hyper-parameters, small.
    const bool qwen = p.ConsumeBool();
    const int64_t nHeadKv = p.ConsumeIntegralInRange<int64_t>(1, 3);
    const int64_t nHead = nHeadKv * p.ConsumeIntegralInRange<int64_t>(1, 3);
    const int64_t headDim = 2 * p.ConsumeIntegralInRange<int64_t>(1, 8);
    const int64_t nEmbd = p.ConsumeBool() ? nHead * headDim : 32 * p.ConsumeIntegralInRange<int64_t>(1, 2);
    const int64_t nFf = p.ConsumeIntegralInRange<int64_t>(1, 64);
    const int64_t nLayer = p.ConsumeIntegralInRange<int64_t>(1, 3);
    const int64_t nCtxTrain = p.ConsumeIntegralInRange<int64_t>(1, 128);
    const bool spm = p.ConsumeBool();
    const int32_t nVocab = p.ConsumeIntegralInRange<int32_t>(1, spm ? 300 : 64);
    const std::string arch = qwen ? "qwen2" : "llama";

    {
        const uint8_t m = p.ConsumeIntegral<uint8_t>();
        if (m < 250) w.addString("general.architecture", arch);
        else if (m == 250) w.addUint32("general.architecture", 1);
        else if (m == 251) w.addString("general.architecture", "");
        else if (m == 252) w.addString("general.architecture", "gemma2");
        else if (m == 253) w.addString("general.architecture", p.ConsumeRandomLengthString(16));
    }
    const std::string k = arch + ".";
    putInt(w, p, k + "embedding_length", nEmbd);
    putInt(w, p, k + "block_count", nLayer);
    putInt(w, p, k + "attention.head_count", nHead);
    putInt(w, p, k + "attention.head_count_kv", nHeadKv);
    putInt(w, p, k + "feed_forward_length", nFf);
    putInt(w, p, k + "context_length", nCtxTrain);
    if (nEmbd != nHead * headDim || p.ConsumeIntegral<uint8_t>() > 240) putInt(w, p, k + "attention.key_length", headDim);
    if (p.ConsumeIntegral<uint8_t>() > 240) putInt(w, p, k + "attention.value_length", headDim);
    if (p.ConsumeIntegral<uint8_t>() > 200) putInt(w, p, k + "rope.dimension_count", headDim);
    putFloat(w, p, k + "attention.layer_norm_rms_epsilon", 1e-5f);
    if (p.ConsumeIntegral<uint8_t>() > 200) putFloat(w, p, k + "rope.freq_base", 10000.f);
    if (p.ConsumeIntegral<uint8_t>() > 240) {
        static const char* kTypes[] = {"none", "linear", "yarn", "llama3", "bogus"};
        w.addString(k + "rope.scaling.type", kTypes[p.ConsumeIntegralInRange<int>(0, 4)]);
        putFloat(w, p, k + "rope.scaling.factor", 4.f);
        putInt(w, p, k + "rope.scaling.original_context_length", 64);
        putFloat(w, p, k + "rope.scaling.low_freq_factor", 1.f);
        putFloat(w, p, k + "rope.scaling.high_freq_factor", 4.f);
    }

    // Vocabulary.
    {
        const uint8_t m = p.ConsumeIntegral<uint8_t>();
        if (m < 250) w.addString("tokenizer.ggml.model", spm ? "llama" : "gpt2");
        else if (m == 250) w.addString("tokenizer.ggml.model", "bert");
        else if (m == 251) w.addUint32("tokenizer.ggml.model", 0);
        else if (m == 252) w.addString("tokenizer.ggml.model", p.ConsumeRandomLengthString(8));
    }
    if (!spm) {
        static const char* kPre[] = {"default", "llama-bpe", "qwen2", "gpt-2", "deepseek-llm", "deepseek-coder",
                                     "falcon", "starcoder", "bloom", "viking", "dbrx", "smollm", "tekken",
                                     "chatglm-bpe", "unknown-pre"};
        const uint8_t m = p.ConsumeIntegral<uint8_t>();
        if (m < 250) w.addString("tokenizer.ggml.pre", kPre[m % (sizeof kPre / sizeof kPre[0])]);
        else if (m == 250) w.addUint32("tokenizer.ggml.pre", 7);
        else if (m == 251) w.addString("tokenizer.ggml.pre", p.ConsumeRandomLengthString(8));
    }
    {
        auto count = [&](int64_t good) -> size_t {
            const uint8_t m = p.ConsumeIntegral<uint8_t>();
            if (m < 245) return size_t(good);
            if (m < 250) return size_t(good + 1);
            if (m < 254) return good > 0 ? size_t(good - 1) : 0;
            return 0;
        };
        std::vector<std::string> tokens(count(nVocab));
        for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = tokenString(p, int32_t(i), spm);
        if (p.ConsumeIntegral<uint8_t>() < 252) w.addStringArray("tokenizer.ggml.tokens", std::span<const std::string>(tokens));
        else w.addArray("tokenizer.ggml.tokens", std::span<const int32_t>(std::vector<int32_t>(tokens.size(), 1)));

        std::vector<float> scores(count(nVocab));
        for (size_t i = 0; i < scores.size(); ++i) scores[i] = p.ConsumeBool() ? -float(i) : p.ConsumeFloatingPoint<float>();
        if (spm || p.ConsumeBool()) w.addArray("tokenizer.ggml.scores", std::span<const float>(scores));

        std::vector<int32_t> types(count(nVocab));
        for (size_t i = 0; i < types.size(); ++i) {
            const uint8_t m = p.ConsumeIntegral<uint8_t>();
            types[i] = m < 200 ? (i < 3 ? 3 : spm && i < 3 + 256 ? 6 : 1) : m < 250 ? int32_t(m % 8) : int32_t(m) - 300;
        }
        const uint8_t tm = p.ConsumeIntegral<uint8_t>();
        if (tm < 240) w.addArray("tokenizer.ggml.token_type", std::span<const int32_t>(types));
        else if (tm < 245) {
            std::vector<float> f(types.begin(), types.end());
            w.addArray("tokenizer.ggml.token_type", std::span<const float>(f));
        } else if (tm < 250) {
            std::vector<uint8_t> u(types.begin(), types.end());
            w.addArray("tokenizer.ggml.token_type", std::span<const uint8_t>(u));
        } else if (tm < 253) {
            w.addStringArray("tokenizer.ggml.token_type", std::span<const std::string>(tokens));
        }

        if (!spm) {
            std::vector<std::string> merges;
            const size_t nMerges = p.ConsumeIntegralInRange<size_t>(0, 12);
            static const char* kMerges[] = {"a b", "ab c", "\xc4\xa0 a", "b a", "1 2", "ab", "", " ", "a  b", " a"};
            for (size_t i = 0; i < nMerges; ++i)
                merges.push_back(p.ConsumeIntegral<uint8_t>() < 128 ? kMerges[i % 10] : p.ConsumeRandomLengthString(6));
            const uint8_t mm = p.ConsumeIntegral<uint8_t>();
            if (mm < 250) w.addStringArray("tokenizer.ggml.merges", std::span<const std::string>(merges));
            else if (mm < 253) w.addArray("tokenizer.ggml.merges", std::span<const int32_t>(std::vector<int32_t>{1, 2}));
        }
        static const char* kIds[] = {"bos", "eos", "eot", "unknown", "padding"};
        for (const char* id : kIds) {
            const std::string key = std::string("tokenizer.ggml.") + id + "_token_id";
            const uint8_t m = p.ConsumeIntegral<uint8_t>();
            if (m < 100) w.addUint32(key, uint32_t(m % nVocab));
            else if (m < 150) continue;
            else if (m < 170) w.addUint32(key, uint32_t(nVocab));
            else if (m < 190) w.addInt32(key, -1);
            else if (m < 210) w.addUint32(key, 0xffffffffu);
            else if (m < 230) w.addInt64(key, p.ConsumeIntegral<int64_t>());
            else if (m < 240) w.addString(key, "1");
            else w.addUint32(key, p.ConsumeIntegral<uint32_t>());
        }
        static const char* kFlags[] = {"add_bos_token", "add_eos_token", "add_space_prefix"};
        for (const char* f : kFlags) {
            const uint8_t m = p.ConsumeIntegral<uint8_t>();
            if (m < 200) continue;
            const std::string key = std::string("tokenizer.ggml.") + f;
            if (m < 240) w.addBool(key, m & 1);
            else if (m < 250) w.addUint32(key, m);
            else w.addString(key, "true");
        }
        if (p.ConsumeIntegral<uint8_t>() > 240) {
            const uint8_t m = p.ConsumeIntegral<uint8_t>();
            if (m < 200) w.addString("tokenizer.chat_template", p.ConsumeRandomLengthString(64));
            else if (m < 230) w.addString("tokenizer.chat_template", std::string(size_t(1) << 20, 'x'));
            else w.addUint32("tokenizer.chat_template", 3);
        }
    }

    // Tensors (ggml order: [row length, rows]).
    const int64_t qDim = nHead * headDim, kvDim = nHeadKv * headDim;
    b.tensor("token_embd.weight", {nEmbd, nVocab}, false);
    b.tensor("output_norm.weight", {nEmbd}, true);
    if (p.ConsumeBool()) b.tensor("output.weight", {nEmbd, nVocab}, false);
    if (p.ConsumeIntegral<uint8_t>() > 240) b.tensor("rope_freqs.weight", {headDim / 2}, true);
    for (int64_t l = 0; l < nLayer && b.ok; ++l) {
        const std::string pre = "blk." + std::to_string(l) + ".";
        b.tensor(pre + "attn_norm.weight", {nEmbd}, true);
        b.tensor(pre + "attn_q.weight", {nEmbd, qDim}, false);
        b.tensor(pre + "attn_k.weight", {nEmbd, kvDim}, false);
        b.tensor(pre + "attn_v.weight", {nEmbd, kvDim}, false);
        if (qwen || p.ConsumeIntegral<uint8_t>() > 240) {
            b.tensor(pre + "attn_q.bias", {qDim}, true);
            b.tensor(pre + "attn_k.bias", {kvDim}, true);
            b.tensor(pre + "attn_v.bias", {kvDim}, true);
        }
        b.tensor(pre + "attn_output.weight", {qDim, nEmbd}, false);
        b.tensor(pre + "ffn_norm.weight", {nEmbd}, true);
        b.tensor(pre + "ffn_gate.weight", {nEmbd, nFf}, false);
        b.tensor(pre + "ffn_up.weight", {nEmbd, nFf}, false);
        b.tensor(pre + "ffn_down.weight", {nFf, nEmbd}, false);
    }
    if (!b.ok) return 0;

    // Run-time choices, then the text.
    static const int kCtx[] = {0, 1, 2, 3, 8, 64};
    const int nCtx = kCtx[p.ConsumeIntegralInRange<int>(0, 5)];
    const int nBatch = p.ConsumeIntegralInRange<int>(1, 4);
    const bool exact = p.ConsumeBool();
    const bool f32Kv = p.ConsumeBool();
    int32_t evalTokens[3];
    for (int32_t& t : evalTokens) {
        const uint8_t m = p.ConsumeIntegral<uint8_t>();
        t = m < 240 ? int32_t(m % nVocab) : m < 248 ? nVocab : -1;
    }
    const size_t nEval = p.ConsumeIntegralInRange<size_t>(1, 3);
    const std::string text = p.ConsumeRemainingBytesAsString();

    auto bytes = w.toBytes();
    if (!bytes) return 0;
    const std::vector<uint8_t> fileBytes = std::move(*bytes);
    auto parsed = GgufFile::parse(std::span<const uint8_t>(fileBytes));
    if (!parsed) return 0;
    std::unique_ptr<GgufFile> file = std::move(*parsed);
    uint64_t h = 0;

    auto config = ModelConfig::fromGguf(*file);
    if (config) {
        for (int64_t ctx : {int64_t{1}, int64_t{4096}, config->nCtxTrain, int64_t{1} << 24}) {
            const MemoryEstimate e = estimateMemory(*file, *config, ctx);
            h += e.totalBytes();
        }
        h += uint64_t(maxContextForBudget(*file, *config, uint64_t{1} << 30));
        h += uint64_t(maxContextForBudget(*file, *config, 0));
    }

    auto vocab = Vocab::fromGguf(*file);
    if (vocab) {
        for (bool special : {false, true}) {
            const std::vector<int32_t> ids = vocab->tokenize(text, special, special);
            for (int32_t id : ids) h += uint64_t(id);
            h += vocab->detokenize(ids, special, special).size();
        }
        for (int32_t id : {-1, 0, 1, nVocab - 1, nVocab, vocab->nTokens(), std::numeric_limits<int32_t>::max()}) {
            h += vocab->tokenToPiece(id, true).size() + vocab->tokenText(id).size();
            h += vocab->isEog(id) + uint64_t(vocab->tokenType(id)) + (vocab->tokenScore(id) > 0.f);
        }
        const int32_t junk[] = {-5, nVocab, vocab->bos(), vocab->eos(), 0};
        h += vocab->detokenize(junk, true, true).size();
        h += vocab->chatTemplate().size() + vocab->eogTokens().size() + uint64_t(vocab->newline());
        h += uint64_t(vocab->findToken(text.substr(0, 8)));
    }

    auto model = Model::load(std::move(file));
    if (model) {
        ContextParams params;
        params.nCtx = nCtx;
        params.nBatch = nBatch;
        params.exact = exact;
        params.kv = f32Kv ? KvType::F32 : KvType::F16;
        auto ctx = Context::create(**model, params);
        if (ctx) {
            Context& c = **ctx;
            for (int round = 0; round < 3; ++round) {
                const hearth::Status s = c.eval(std::span<const int32_t>(evalTokens, nEval), round == 1);
                if (s) {
                    for (int i = 0; i < c.nLogits(); ++i) h += c.logits(i)[c.nVocab() - 1] > 0.f;
                }
            }
            c.truncate(0);
            if (vocab && vocab->nTokens() == c.nVocab()) {
                std::vector<int32_t> ids = vocab->tokenize(text.substr(0, 64), true, false);
                if (!ids.empty()) {
                    const hearth::Status s = c.eval(ids);  // may exceed nCtx: must be an error, not a crash
                    h += s.ok();
                }
            }
        }
    }
    gSink = h;
    return 0;
}
