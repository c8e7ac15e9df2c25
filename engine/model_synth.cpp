#include "engine/model_synth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "engine/gguf_reader.h"
#include "engine/thread_pool.h"
#include "kernels/dispatch.h"

namespace hearth::engine {

using kernels::GgmlType;

// ---------------------------------------------------------------------------------------------------------------
// File types

namespace {

struct FileTypeInfo {
    FileType type;
    std::string_view name;
    GgmlType base;
};

// llama-quantize's list (the subset of types this engine targets), with the tensor type most weights get.
constexpr FileTypeInfo kFileTypes[] = {
    {FileType::AllF32, "F32", GgmlType::F32},      {FileType::F16, "F16", GgmlType::F16},
    {FileType::BF16, "BF16", GgmlType::BF16},      {FileType::Q8_0, "Q8_0", GgmlType::Q8_0},
    {FileType::Q4_0, "Q4_0", GgmlType::Q4_0},      {FileType::Q4_1, "Q4_1", GgmlType::Q4_1},
    {FileType::Q5_0, "Q5_0", GgmlType::Q5_0},      {FileType::Q5_1, "Q5_1", GgmlType::Q5_1},
    {FileType::Q2_K, "Q2_K", GgmlType::Q2_K},      {FileType::Q3_K_S, "Q3_K_S", GgmlType::Q3_K},
    {FileType::Q3_K_M, "Q3_K_M", GgmlType::Q3_K},  {FileType::Q3_K_L, "Q3_K_L", GgmlType::Q3_K},
    {FileType::Q4_K_S, "Q4_K_S", GgmlType::Q4_K},  {FileType::Q4_K_M, "Q4_K_M", GgmlType::Q4_K},
    {FileType::Q5_K_S, "Q5_K_S", GgmlType::Q5_K},  {FileType::Q5_K_M, "Q5_K_M", GgmlType::Q5_K},
    {FileType::Q6_K, "Q6_K", GgmlType::Q6_K},      {FileType::IQ4_NL, "IQ4_NL", GgmlType::IQ4_NL},
    {FileType::IQ4_XS, "IQ4_XS", GgmlType::IQ4_XS}, {FileType::TQ1_0, "TQ1_0", GgmlType::TQ1_0},
    {FileType::TQ2_0, "TQ2_0", GgmlType::TQ2_0},
};

const FileTypeInfo& infoOf(FileType type) {
    for (const FileTypeInfo& i : kFileTypes) {
        if (i.type == type) return i;
    }
    return kFileTypes[0];  // unreachable for valid enum values
}

std::vector<FileType> makeFileTypeList() {
    std::vector<FileType> v;
    for (const FileTypeInfo& i : kFileTypes) v.push_back(i.type);
    return v;
}

}  // namespace

std::span<const FileType> allFileTypes() {
    static const std::vector<FileType> list = makeFileTypeList();
    return list;
}

std::string_view fileTypeName(FileType type) { return infoOf(type).name; }

std::optional<FileType> fileTypeFromName(std::string_view name) {
    for (const FileTypeInfo& i : kFileTypes) {
        if (i.name == name) return i.type;
    }
    return std::nullopt;
}

std::optional<std::string_view> fileTypeNameOf(uint32_t rawFileType) {
    for (const FileTypeInfo& i : kFileTypes) {
        if (uint32_t(i.type) == rawFileType) return i.name;
    }
    return std::nullopt;
}

GgmlType fileTypeBaseType(FileType type) { return infoOf(type).base; }

// ---------------------------------------------------------------------------------------------------------------
// Shapes

namespace {

constexpr SynthShape kShapes[] = {
    // name, label, vocab, embd, layers, heads, kv heads, ff, ctx, rope theta, rms eps
    {"tiny", "Tiny", 512, 256, 2, 8, 4, 768, 256, 10000.f, 1e-5f},
    // One KV head (multi-query attention, as Gemma 2B or Falcon): tests of attention split over the keys.
    {"tiny-mqa", "Tiny MQA", 512, 256, 2, 8, 1, 768, 1024, 10000.f, 1e-5f},
    {"tinyllama-1.1b", "TinyLlama 1.1B", 32000, 2048, 22, 32, 4, 5632, 2048, 10000.f, 1e-5f},
    {"llama-7b", "Llama 7B", 32000, 4096, 32, 32, 32, 11008, 4096, 10000.f, 1e-5f},
    {"llama-13b", "Llama 13B", 32000, 5120, 40, 40, 40, 13824, 4096, 10000.f, 1e-5f},
};

}  // namespace

std::span<const SynthShape> synthShapes() { return kShapes; }

const SynthShape* findSynthShape(std::string_view name) {
    for (const SynthShape& s : kShapes) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------------------------
// Type mix: llama.cpp's default rules for a llama-architecture model without an importance matrix.

namespace {

enum class Role : uint8_t { TokenEmbd, Output, Norm, AttnQ, AttnK, AttnV, AttnOutput, FfnGate, FfnUp, FfnDown };

bool isQuantized(GgmlType t) { return kernels::traitsOf(t).blockElems > 1; }

bool fits(GgmlType t, int64_t nCols) { return nCols % int64_t(kernels::traitsOf(t).blockElems) == 0; }

// The layers that get more bits in the _M mixes: the first and last eighth, and every third one in between.
bool useMoreBits(int64_t layer, int64_t nLayer) {
    return layer < nLayer / 8 || layer >= 7 * nLayer / 8 || (layer - nLayer / 8) % 3 == 2;
}

// A type whose block does not divide the row length is replaced by a close one with 32-element blocks (and F16
// when even that does not fit), as llama.cpp does.
GgmlType fallbackFor(GgmlType t, int64_t nCols) {
    if (fits(t, nCols)) return t;
    GgmlType r = GgmlType::F16;
    switch (t) {
    case GgmlType::TQ1_0:
    case GgmlType::TQ2_0: r = GgmlType::Q4_0; break;
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::IQ4_XS: r = GgmlType::IQ4_NL; break;
    case GgmlType::Q4_K: r = GgmlType::Q5_0; break;
    case GgmlType::Q5_K: r = GgmlType::Q5_1; break;
    case GgmlType::Q6_K: r = GgmlType::Q8_0; break;
    default: break;
    }
    return fits(r, nCols) ? r : GgmlType::F16;
}

// The mixed-type rules proper (only called for quantized file types without --pure).
GgmlType mixedType(const SynthShape& s, FileType ft, Role role, int64_t layer, int64_t nCols, GgmlType base) {
    const int64_t n = s.nLayer;
    const bool gqa4 = s.nGqa() >= 4;
    using F = FileType;
    switch (role) {
    case Role::Output:
        if (!fits(base, nCols)) return GgmlType::Q8_0;
        return base == GgmlType::Q8_0 ? base : GgmlType::Q6_K;
    case Role::TokenEmbd:
        return ft == F::TQ1_0 || ft == F::TQ2_0 ? GgmlType::Q4_K : base;
    case Role::AttnV:
        if (ft == F::Q2_K) return gqa4 ? GgmlType::Q4_K : GgmlType::Q3_K;
        if (ft == F::Q3_K_M) return layer < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
        if (ft == F::Q3_K_L) return GgmlType::Q5_K;
        if ((ft == F::IQ4_NL || ft == F::IQ4_XS) && gqa4) return GgmlType::Q5_K;
        if ((ft == F::Q4_K_M || ft == F::Q5_K_M) && useMoreBits(layer, n)) return GgmlType::Q6_K;
        if (ft == F::Q4_K_S && layer < 4) return GgmlType::Q5_K;
        return base;
    case Role::FfnDown:
        if (ft == F::Q2_K) return GgmlType::Q3_K;
        if (ft == F::Q3_K_M) return layer < n / 16 ? GgmlType::Q5_K : GgmlType::Q4_K;
        if (ft == F::Q3_K_L) return GgmlType::Q5_K;
        if (ft == F::Q4_K_M) return useMoreBits(layer, n) ? GgmlType::Q6_K : base;
        if ((ft == F::IQ4_NL || ft == F::IQ4_XS) && layer < n / 8) return GgmlType::Q5_K;
        if (ft == F::Q5_K_M && useMoreBits(layer, n)) return GgmlType::Q6_K;
        if (ft == F::Q4_K_S && layer < n / 8) return GgmlType::Q5_K;
        return base;
    case Role::AttnOutput:
        if (ft == F::Q2_K) return GgmlType::Q3_K;
        if (ft == F::Q3_K_M) return GgmlType::Q4_K;
        if (ft == F::Q3_K_L) return GgmlType::Q5_K;
        return base;
    default:
        return base;  // attn_q, attn_k, ffn_gate, ffn_up: no rule for these file types
    }
}

GgmlType typeFor(const SynthShape& s, FileType ft, const TypeMixOptions& mix, Role role, int64_t layer,
                 int64_t nCols) {
    if (role == Role::Norm) return GgmlType::F32;  // 1-D tensors are never quantized
    const GgmlType base = fileTypeBaseType(ft);
    GgmlType t = base;
    if (!mix.pure && isQuantized(base)) t = fallbackFor(mixedType(s, ft, role, layer, nCols, base), nCols);
    if (role == Role::TokenEmbd && mix.tokenEmbdType) t = *mix.tokenEmbdType;
    if (role == Role::Output && mix.outputType) t = *mix.outputType;
    return t;
}

}  // namespace

std::vector<SynthTensor> synthTensorPlan(const SynthShape& s, FileType ft, const TypeMixOptions& mix) {
    const int64_t kvDim = s.nHeadKv * s.headDim();
    std::vector<SynthTensor> plan;
    auto add = [&](std::string name, std::vector<int64_t> shape, Role role, int64_t layer) {
        SynthTensor t;
        t.spec.type = typeFor(s, ft, mix, role, layer, shape[0]);
        t.spec.name = std::move(name);
        t.spec.shape = std::move(shape);
        t.isNorm = role == Role::Norm;
        plan.push_back(std::move(t));
    };
    // llama-quantize visits (and writes) tensors sorted by layer (non-layer ones first), then by name; its
    // per-role layer counters therefore equal the layer index used here.
    add("output.weight", {s.nEmbd, s.nVocab}, Role::Output, -1);
    add("output_norm.weight", {s.nEmbd}, Role::Norm, -1);
    add("token_embd.weight", {s.nEmbd, s.nVocab}, Role::TokenEmbd, -1);
    for (int64_t l = 0; l < s.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        add(p + "attn_k.weight", {s.nEmbd, kvDim}, Role::AttnK, l);
        add(p + "attn_norm.weight", {s.nEmbd}, Role::Norm, l);
        add(p + "attn_output.weight", {s.nEmbd, s.nEmbd}, Role::AttnOutput, l);
        add(p + "attn_q.weight", {s.nEmbd, s.nEmbd}, Role::AttnQ, l);
        add(p + "attn_v.weight", {s.nEmbd, kvDim}, Role::AttnV, l);
        add(p + "ffn_down.weight", {s.nFf, s.nEmbd}, Role::FfnDown, l);
        add(p + "ffn_gate.weight", {s.nEmbd, s.nFf}, Role::FfnGate, l);
        add(p + "ffn_norm.weight", {s.nEmbd}, Role::Norm, l);
        add(p + "ffn_up.weight", {s.nEmbd, s.nFf}, Role::FfnUp, l);
    }
    return plan;
}

std::vector<std::pair<std::string, int>> typeCounts(const std::vector<SynthTensor>& plan) {
    std::map<std::string, int> counts;
    for (const SynthTensor& t : plan) ++counts[std::string(kernels::typeName(t.spec.type))];
    return {counts.begin(), counts.end()};
}

Status checkQuantizers(const std::vector<SynthTensor>& plan, FileType type) {
    for (const SynthTensor& t : plan) {
        if (!kernels::traitsOf(t.spec.type).computeSupported) {
            return Error{"file type " + std::string(fileTypeName(type)) + " needs tensor type " +
                         std::string(kernels::typeName(t.spec.type)) + " (e.g. for " + t.spec.name +
                         "), which this build cannot quantize yet"};
        }
    }
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Random values

namespace {

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t hashName(std::string_view s) {  // FNV-1a
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
    return h;
}

// Fills row[0, n) with N(mean, stddev) values drawn from a generator seeded by (tensorSeed, row): the same row gets
// the same values whichever thread makes it.
void fillRow(uint64_t tensorSeed, int64_t row, float mean, float stddev, float* out, int64_t n) {
    uint64_t state = tensorSeed ^ (uint64_t(row) * 0xd1b54a32d192ed03ULL);
    splitmix64(state);
    constexpr double kTwoPi = 6.283185307179586;
    for (int64_t i = 0; i < n; i += 2) {
        // Box-Muller: two uniforms in (0, 1] give two independent standard normals.
        const double u1 = (double(splitmix64(state) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
        const double u2 = double(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
        const double r = std::sqrt(-2.0 * std::log(u1));
        out[i] = mean + stddev * float(r * std::cos(kTwoPi * u2));
        if (i + 1 < n) out[i + 1] = mean + stddev * float(r * std::sin(kTwoPi * u2));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

// A SentencePiece-style vocabulary of n tokens (n >= 259): <unk>, <s>, </s>, the 256 byte-fallback tokens, then
// pieces that merge pairwise (single characters, then "▁"-prefixed and longer letter strings), scored so that
// earlier pieces merge first, as a trained SentencePiece model's are.
void addDefaultVocab(GgufWriter& w, int64_t n) {
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<float> scores = {0.f, 0.f, 0.f};
    std::vector<int32_t> types = {2, 3, 3};  // llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte
    for (int b = 0; b < 256; ++b) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "<0x%02X>", b);
        tokens.emplace_back(buf);
        scores.push_back(0.f);
        types.push_back(6);
    }
    const std::string space = "\xe2\x96\x81";  // U+2581, SentencePiece's word boundary
    std::vector<std::string> pieces = {space};
    const std::string letters = "etaoinshrdlcumwfgypbvkjxqz";
    std::string singles = letters;
    for (char c : letters) singles += char(c - 'a' + 'A');
    singles += "0123456789.,!?'\"-:;()";
    for (char c : singles) pieces.emplace_back(1, c);
    // Letter strings of growing length, each followed by its word-initial form.
    std::vector<std::string> level = {""};
    while (int64_t(pieces.size()) + 259 < n + 64) {
        std::vector<std::string> next;
        for (const std::string& prefix : level) {
            for (char c : letters) next.push_back(prefix + c);
        }
        for (const std::string& p : next) {
            if (p.size() > 1) pieces.push_back(p);
            pieces.push_back(space + p);
        }
        level = std::move(next);
    }
    for (size_t i = 0; int64_t(tokens.size()) < n; ++i) {
        tokens.push_back(pieces[i]);
        scores.push_back(-float(i + 1));
        types.push_back(1);
    }
    w.addString("tokenizer.ggml.model", "llama");
    w.addString("tokenizer.ggml.pre", "default");
    w.addStringArray("tokenizer.ggml.tokens", std::span<const std::string>(tokens));
    w.addArray("tokenizer.ggml.scores", std::span<const float>(scores));
    w.addArray("tokenizer.ggml.token_type", std::span<const int32_t>(types));
    w.addUint32("tokenizer.ggml.bos_token_id", 1);
    w.addUint32("tokenizer.ggml.eos_token_id", 2);
    w.addUint32("tokenizer.ggml.unknown_token_id", 0);
    w.addBool("tokenizer.ggml.add_bos_token", true);
    w.addBool("tokenizer.ggml.add_eos_token", false);
}

uint32_t elemSize(GgufType t) {
    switch (t) {
    case GgufType::Uint8: case GgufType::Int8: case GgufType::Bool: return 1;
    case GgufType::Uint16: case GgufType::Int16: return 2;
    case GgufType::Uint32: case GgufType::Int32: case GgufType::Float32: return 4;
    case GgufType::Uint64: case GgufType::Int64: case GgufType::Float64: return 8;
    default: return 0;
    }
}

// Copies every tokenizer.* key of another GGUF file, value types unchanged.
Status copyVocab(GgufWriter& w, const std::string& path, int64_t nVocab) {
    auto file = GgufFile::open(path);
    if (!file) return file.error();
    const GgufValue* tokens = (*file)->getArray("tokenizer.ggml.tokens");
    if (!tokens || tokens->elemType != GgufType::String) {
        return Error{path + ": no tokenizer.ggml.tokens string array to copy the vocabulary from"};
    }
    if (int64_t(tokens->count) != nVocab) {
        return Error{path + ": its vocabulary has " + std::to_string(tokens->count) + " tokens, the shape needs " +
                     std::to_string(nVocab)};
    }
    for (const GgufKv& kv : (*file)->metadata()) {
        if (kv.key.substr(0, 10) != "tokenizer.") continue;
        const GgufValue& v = kv.value;
        switch (v.type) {
        case GgufType::Uint8: w.addUint8(kv.key, uint8_t(v.u)); break;
        case GgufType::Int8: w.addInt8(kv.key, int8_t(v.i)); break;
        case GgufType::Uint16: w.addUint16(kv.key, uint16_t(v.u)); break;
        case GgufType::Int16: w.addInt16(kv.key, int16_t(v.i)); break;
        case GgufType::Uint32: w.addUint32(kv.key, uint32_t(v.u)); break;
        case GgufType::Int32: w.addInt32(kv.key, int32_t(v.i)); break;
        case GgufType::Uint64: w.addUint64(kv.key, v.u); break;
        case GgufType::Int64: w.addInt64(kv.key, v.i); break;
        case GgufType::Float32: w.addFloat32(kv.key, float(v.f)); break;
        case GgufType::Float64: w.addFloat64(kv.key, v.f); break;
        case GgufType::Bool: w.addBool(kv.key, v.u != 0); break;
        case GgufType::String: w.addString(kv.key, v.str); break;
        case GgufType::Array:
            if (v.elemType == GgufType::String) {
                w.addStringArray(kv.key, std::span<const std::string_view>(v.strings));
            } else {
                // Numeric array: u32 element type, u64 count, then the elements exactly as stored.
                GgufBytes b;
                b.type(v.elemType).u64(v.count);
                b.raw(std::span<const uint8_t>(v.elems, size_t(v.count) * elemSize(v.elemType)));
                w.addRawValue(kv.key, uint32_t(GgufType::Array), b.take());
            }
            break;
        }
    }
    return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Writing

Status synthesizeModel(const SynthOptions& o, const std::string& outPath) {
    if (o.arch != "llama") return Error{"synth: architecture '" + o.arch + "' is not supported (only llama)"};
    const SynthShape* shape = findSynthShape(o.shape);
    if (!shape) {
        std::string names;
        for (const SynthShape& s : synthShapes()) names += (names.empty() ? "" : ", ") + std::string(s.name);
        return Error{"synth: unknown shape '" + o.shape + "' (known: " + names + ")"};
    }
    const std::vector<SynthTensor> plan = synthTensorPlan(*shape, o.fileType, o.mix);
    if (Status st = checkQuantizers(plan, o.fileType); !st) return st;

    GgufWriter w;
    // Metadata as llama.cpp's converter writes it for a llama model, then what its quantizer adds.
    w.addString("general.architecture", "llama");
    w.addString("general.type", "model");
    w.addString("general.name", std::string(shape->label) + " synthetic " + std::string(fileTypeName(o.fileType)));
    w.addUint32("llama.block_count", uint32_t(shape->nLayer));
    w.addUint32("llama.context_length", uint32_t(shape->nCtxTrain));
    w.addUint32("llama.embedding_length", uint32_t(shape->nEmbd));
    w.addUint32("llama.feed_forward_length", uint32_t(shape->nFf));
    w.addUint32("llama.attention.head_count", uint32_t(shape->nHead));
    w.addUint32("llama.attention.head_count_kv", uint32_t(shape->nHeadKv));
    w.addFloat32("llama.rope.freq_base", shape->ropeTheta);
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", shape->rmsEps);
    w.addUint32("llama.vocab_size", uint32_t(shape->nVocab));
    w.addUint32("llama.rope.dimension_count", uint32_t(shape->headDim()));
    w.addUint32("general.file_type", uint32_t(o.fileType));
    if (o.vocabFrom.empty()) {
        addDefaultVocab(w, shape->nVocab);
    } else if (Status st = copyVocab(w, o.vocabFrom, shape->nVocab); !st) {
        return st;
    }
    w.addUint32("general.quantization_version", 2);
    w.setAlignment(32);
    for (const SynthTensor& t : plan) w.addTensorInfo(t.spec);

    ThreadPool pool(std::max(1, o.nThreads));
    auto produce = [&](size_t index, const GgufTensorSpec& spec, GgufTensorSink& sink) -> Status {
        const SynthTensor& t = plan[index];
        if (o.progress) o.progress(index, plan.size(), t);
        const int64_t nCols = spec.shape[0];
        int64_t nRows = 1;
        for (size_t d = 1; d < spec.shape.size(); ++d) nRows *= spec.shape[d];
        const size_t rowBytes = size_t(kernels::rowBytes(spec.type, uint64_t(nCols)));
        uint64_t tensorSeed = o.seed ^ hashName(spec.name);
        splitmix64(tensorSeed);
        const float stddev = t.isNorm ? 0.02f : float(1.0 / std::sqrt(double(nCols)));
        const float mean = t.isNorm ? 1.f : 0.f;
        // Chunks of rows small enough that their F32 values stay cache-friendly and RAM use stays flat.
        const int64_t rowsPerChunk = std::max<int64_t>(1, (int64_t{4} << 20) / nCols);
        std::vector<uint8_t> out;
        for (int64_t r0 = 0; r0 < nRows; r0 += rowsPerChunk) {
            const int64_t r1 = std::min(nRows, r0 + rowsPerChunk);
            out.resize(size_t(r1 - r0) * rowBytes);
            pool.parallelFor(r1 - r0, [&](int64_t b, int64_t e) {
                std::vector<float> row(size_t(nCols + 1));
                for (int64_t r = b; r < e; ++r) {
                    fillRow(tensorSeed, r0 + r, mean, stddev, row.data(), nCols);
                    kernels::quantizeRow(spec.type, row.data(), out.data() + size_t(r) * rowBytes, nCols);
                }
            });
            if (Status st = sink.write(out); !st) return st;
        }
        return {};
    };
    return w.writeFile(outPath, produce);
}

}  // namespace hearth::engine
