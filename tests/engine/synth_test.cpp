// Synthesized models (engine/model_synth.h) and the bandwidth probe (engine/membw.h): llama.cpp's type mix per file
// type against the counts the peer measured with llama.cpp's own quantizer, and synthesized files that load, run
// and tokenize in our engine.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "engine/forward.h"
#include "engine/gguf_reader.h"
#include "engine/membw.h"
#include "engine/model.h"
#include "engine/model_synth.h"
#include "engine/vocab.h"

namespace hearth::engine {
namespace {

using kernels::GgmlType;
using Counts = std::map<std::string, int>;

Counts countsOf(const std::vector<SynthTensor>& plan) {
    Counts c;
    for (const auto& [name, n] : typeCounts(plan)) c[name] = n;
    return c;
}

Counts mix(std::string_view shape, std::string_view fileType, const TypeMixOptions& o = {}) {
    const SynthShape* s = findSynthShape(shape);
    EXPECT_NE(s, nullptr) << shape;
    auto ft = fileTypeFromName(fileType);
    EXPECT_TRUE(ft.has_value()) << fileType;
    if (!s || !ft) return {};
    return countsOf(synthTensorPlan(*s, *ft, o));
}

// ../shared/peer/README.md: the tensor type counts of llama.cpp's quantizer on the TinyLlama-1.1B shape.
TEST(SynthTypeMix, TinyLlamaMatchesLlamaCppQuantizer) {
    EXPECT_EQ(mix("tinyllama-1.1b", "F16"), (Counts{{"F16", 156}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "Q8_0"), (Counts{{"Q8_0", 156}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "Q4_0"), (Counts{{"Q4_0", 155}, {"Q6_K", 1}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "Q4_K_M"), (Counts{{"Q4_K", 135}, {"Q6_K", 21}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "Q2_K"), (Counts{{"Q2_K", 89}, {"Q3_K", 44}, {"Q4_K", 22}, {"Q6_K", 1}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "TQ2_0"), (Counts{{"TQ2_0", 154}, {"Q4_K", 1}, {"Q6_K", 1}, {"F32", 45}}));
    EXPECT_EQ(mix("tinyllama-1.1b", "F32"), (Counts{{"F32", 201}}));
}

// Mixes of well-known Llama-2-7B files (llama.cpp's load log of the quantized files: "type q4_K: 193 tensors").
TEST(SynthTypeMix, Llama7BMatchesKnownFiles) {
    EXPECT_EQ(mix("llama-7b", "Q4_K_M"), (Counts{{"Q4_K", 193}, {"Q6_K", 33}, {"F32", 65}}));
    EXPECT_EQ(mix("llama-7b", "Q4_K_S"), (Counts{{"Q4_K", 217}, {"Q5_K", 8}, {"Q6_K", 1}, {"F32", 65}}));
    EXPECT_EQ(mix("llama-7b", "Q3_K_M"), (Counts{{"Q3_K", 129}, {"Q4_K", 92}, {"Q5_K", 4}, {"Q6_K", 1}, {"F32", 65}}));
    // Derived from the rules rather than a file: without grouped-query attention, attn_v of Q2_K is Q3_K (not Q4_K).
    EXPECT_EQ(mix("llama-7b", "Q2_K"), (Counts{{"Q2_K", 129}, {"Q3_K", 96}, {"Q6_K", 1}, {"F32", 65}}));
}

// Q4_K_M gives Q6_K to attn_v and ffn_down of the first and last eighth of the layers and every third in between.
TEST(SynthTypeMix, MoreBitsLayersOfQ4KM) {
    const auto plan = synthTensorPlan(*findSynthShape("tinyllama-1.1b"), FileType::Q4_K_M);
    std::vector<int> v, down;
    for (const SynthTensor& t : plan) {
        int layer = -1;
        char role[32] = {};
        if (std::sscanf(t.spec.name.c_str(), "blk.%d.%31[a-z_]", &layer, role) != 2) continue;
        if (t.spec.type != GgmlType::Q6_K) continue;
        if (std::string(role) == "attn_v") v.push_back(layer);
        if (std::string(role) == "ffn_down") down.push_back(layer);
    }
    const std::vector<int> want = {0, 1, 4, 7, 10, 13, 16, 19, 20, 21};
    EXPECT_EQ(v, want);
    EXPECT_EQ(down, want);
}

TEST(SynthTypeMix, PlanOrderShapesAndOverrides) {
    const SynthShape& s = *findSynthShape("tinyllama-1.1b");
    const auto plan = synthTensorPlan(s, FileType::Q4_0);
    ASSERT_EQ(plan.size(), 201u);
    // llama-quantize's order: non-layer tensors by name, then each layer's tensors by name.
    EXPECT_EQ(plan[0].spec.name, "output.weight");
    EXPECT_EQ(plan[1].spec.name, "output_norm.weight");
    EXPECT_EQ(plan[2].spec.name, "token_embd.weight");
    EXPECT_EQ(plan[3].spec.name, "blk.0.attn_k.weight");
    EXPECT_EQ(plan[3].spec.shape, (std::vector<int64_t>{2048, 256}));  // 4 KV heads x 64
    EXPECT_EQ(plan[8].spec.name, "blk.0.ffn_down.weight");
    EXPECT_EQ(plan[8].spec.shape, (std::vector<int64_t>{5632, 2048}));
    EXPECT_EQ(plan[2].spec.shape, (std::vector<int64_t>{2048, 32000}));
    EXPECT_EQ(plan[0].spec.type, GgmlType::Q6_K);
    EXPECT_EQ(plan[1].spec.type, GgmlType::F32);
    EXPECT_TRUE(plan[1].isNorm);
    EXPECT_EQ(plan.back().spec.name, "blk.21.ffn_up.weight");

    TypeMixOptions pure;
    pure.pure = true;
    EXPECT_EQ(mix("tinyllama-1.1b", "Q4_0", pure), (Counts{{"Q4_0", 156}, {"F32", 45}}));
    TypeMixOptions out;
    out.outputType = GgmlType::Q8_0;
    out.tokenEmbdType = GgmlType::F16;
    EXPECT_EQ(mix("tinyllama-1.1b", "Q4_K_M", out), (Counts{{"Q4_K", 134}, {"Q6_K", 20}, {"Q8_0", 1}, {"F16", 1}, {"F32", 45}}));
}

TEST(SynthTypeMix, FileTypeNamesAndValues) {
    // general.file_type values are llama.cpp's llama_ftype.
    EXPECT_EQ(uint32_t(*fileTypeFromName("Q4_K_M")), 15u);
    EXPECT_EQ(uint32_t(*fileTypeFromName("Q8_0")), 7u);
    EXPECT_EQ(uint32_t(*fileTypeFromName("BF16")), 32u);
    EXPECT_EQ(uint32_t(*fileTypeFromName("TQ2_0")), 37u);
    EXPECT_EQ(uint32_t(*fileTypeFromName("F32")), 0u);
    EXPECT_FALSE(fileTypeFromName("Q4_K").has_value());  // a tensor type, not a file type
    for (FileType t : allFileTypes()) {
        EXPECT_EQ(fileTypeFromName(fileTypeName(t)), t);
        EXPECT_EQ(*fileTypeNameOf(uint32_t(t)), fileTypeName(t));
    }
    EXPECT_FALSE(fileTypeNameOf(4).has_value());
}

class TempDir {
public:
    TempDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("hearth-synth-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::vector<uint8_t> readAll(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Every file type whose type mix this build can quantize: the file has the planned types and metadata, loads,
// gives finite logits, and its vocabulary tokenizes text. The others fail with an error naming the missing type.
TEST(Synth, TinyModelOfEveryFileTypeLoadsAndRuns) {
    TempDir dir;
    const SynthShape& shape = *findSynthShape("tiny");
    int written = 0;
    for (FileType ft : allFileTypes()) {
        SCOPED_TRACE(std::string(fileTypeName(ft)));
        SynthOptions o;
        o.shape = "tiny";
        o.fileType = ft;
        o.nThreads = 2;
        const std::string path = dir.file(std::string(fileTypeName(ft)) + ".gguf");
        const auto plan = synthTensorPlan(shape, ft);
        const Status quantizable = checkQuantizers(plan, ft);
        const Status st = synthesizeModel(o, path);
        if (!quantizable) {
            ASSERT_FALSE(st.ok());
            EXPECT_NE(st.message().find("cannot quantize"), std::string::npos) << st.message();
            EXPECT_FALSE(std::filesystem::exists(path));
            continue;
        }
        ASSERT_TRUE(st.ok()) << st.message();
        ++written;

        auto file = GgufFile::open(path);
        ASSERT_TRUE(file.ok()) << file.message();
        EXPECT_EQ((*file)->getUint("general.file_type"), uint64_t(ft));
        EXPECT_EQ((*file)->getString("general.architecture"), "llama");
        EXPECT_EQ((*file)->alignment(), 32u);
        ASSERT_EQ((*file)->tensors().size(), plan.size());
        for (size_t i = 0; i < plan.size(); ++i) {
            EXPECT_EQ((*file)->tensors()[i].name, plan[i].spec.name);
            EXPECT_EQ((*file)->tensors()[i].type, plan[i].spec.type) << plan[i].spec.name;
        }
        auto vocab = Vocab::fromGguf(**file);
        ASSERT_TRUE(vocab.ok()) << vocab.message();
        EXPECT_FALSE(vocab->tokenize("hello world", true, false).empty());

        bool allComputable = true;
        for (const SynthTensor& t : plan) allComputable &= kernels::traitsOf(t.spec.type).computeSupported;
        auto model = Model::load(std::move(file).value());
        ASSERT_TRUE(model.ok()) << model.message();
        ContextParams cp;
        cp.nCtx = 16;
        cp.nThreads = 2;
        auto ctx = Context::create(**model, cp);
        ASSERT_TRUE(ctx.ok()) << ctx.message();
        const std::vector<int32_t> tokens = {1, 100, 300, 511};
        ASSERT_TRUE((*ctx)->eval(tokens, false).ok());
        const float* logits = (*ctx)->logits(0);
        float maxAbs = 0;
        for (int i = 0; i < 512; ++i) {
            ASSERT_TRUE(std::isfinite(logits[i])) << "logit " << i;
            maxAbs = std::max(maxAbs, std::fabs(logits[i]));
        }
        EXPECT_GT(maxAbs, 0.f);  // random weights give non-trivial logits
        EXPECT_TRUE(allComputable);
    }
    EXPECT_GE(written, 4);  // F32, F16, BF16, Q8_0 at least
}

namespace {

// Writes a model of one of the test shapes ("tiny", "tiny-mqa") in file type `type` to path.
void synthTo(const std::string& shape, FileType type, const std::string& path) {
    SynthOptions o;
    o.shape = shape;
    o.fileType = type;
    ASSERT_TRUE(synthesizeModel(o, path).ok()) << shape;
}

}  // namespace

// A model with one KV head, generating at a depth of 700 tokens: on two threads the attention of each new token is
// split over the keys and merged (engine/ops.h attentionKvHeadTilePart), on one thread it is not; both must give
// the same logits (up to F32 summation order; the matmuls give identical results on any thread count).
TEST(Synth, SplitAttentionGivesTheSameLogitsAsOneThread) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(synthTo("tiny-mqa", FileType::F16, dir.file("mqa.gguf")));
    auto file = GgufFile::open(dir.file("mqa.gguf"));
    ASSERT_TRUE(file.ok()) << file.message();
    auto model = Model::load(std::move(file).value());
    ASSERT_TRUE(model.ok()) << model.message();
    ASSERT_EQ((*model)->config().nHeadKv, 1);
    std::vector<int32_t> prompt(700);
    for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = int32_t(3 + (i * 37) % 509);
    std::vector<std::vector<float>> logits[2];
    for (int threads : {1, 2}) {
        auto ctx = Context::create(**model, ContextParams{.nCtx = 1024, .nThreads = threads, .kv = KvType::F32});
        ASSERT_TRUE(ctx.ok()) << ctx.message();
        ASSERT_TRUE((*ctx)->eval(prompt).ok());
        for (int32_t next : {7, 300, 42}) {  // one token at a time: one attention tile per layer
            ASSERT_TRUE((*ctx)->eval(std::vector<int32_t>{next}).ok());
            logits[threads - 1].emplace_back((*ctx)->logits(0), (*ctx)->logits(0) + 512);
        }
    }
    for (size_t step = 0; step < 3; ++step) {
        float maxDiff = 0, maxAbs = 0;
        for (size_t i = 0; i < 512; ++i) {
            maxDiff = std::max(maxDiff, std::fabs(logits[0][step][i] - logits[1][step][i]));
            maxAbs = std::max(maxAbs, std::fabs(logits[0][step][i]));
        }
        EXPECT_GT(maxAbs, 0.f);
        EXPECT_LE(maxDiff, 1e-4f * std::max(1.f, maxAbs)) << "step " << step;
    }
}

TEST(Synth, SameSeedSameFileOtherSeedOtherWeights) {
    TempDir dir;
    SynthOptions o;
    o.shape = "tiny";
    o.fileType = FileType::Q8_0;
    o.seed = 7;
    o.nThreads = 1;
    ASSERT_TRUE(synthesizeModel(o, dir.file("a.gguf")).ok());
    o.nThreads = 2;  // the thread count must not matter
    ASSERT_TRUE(synthesizeModel(o, dir.file("b.gguf")).ok());
    o.seed = 8;
    ASSERT_TRUE(synthesizeModel(o, dir.file("c.gguf")).ok());
    const auto a = readAll(dir.file("a.gguf")), b = readAll(dir.file("b.gguf")), c = readAll(dir.file("c.gguf"));
    EXPECT_EQ(a, b);
    ASSERT_EQ(a.size(), c.size());
    EXPECT_NE(a, c);
}

TEST(Synth, VocabularyIsSentencePieceStyle) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(synthTo("tiny", FileType::F16, dir.file("m.gguf")));
    auto file = GgufFile::open(dir.file("m.gguf"));
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->getString("tokenizer.ggml.model"), "llama");
    const GgufValue* tokens = (*file)->getArray("tokenizer.ggml.tokens");
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->count, 512u);
    EXPECT_EQ(tokens->strings[0], "<unk>");
    EXPECT_EQ(tokens->strings[1], "<s>");
    EXPECT_EQ(tokens->strings[2], "</s>");
    EXPECT_EQ(tokens->strings[3], "<0x00>");
    EXPECT_EQ(tokens->strings[258], "<0xFF>");
    EXPECT_EQ((*file)->getUint("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ((*file)->getUint("tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ((*file)->getUint("tokenizer.ggml.unknown_token_id"), 0u);
    const GgufValue* scores = (*file)->getArray("tokenizer.ggml.scores");
    ASSERT_NE(scores, nullptr);
    EXPECT_GT(scores->arrayFloat(300), scores->arrayFloat(400));  // earlier pieces merge first
    auto vocab = Vocab::fromGguf(**file);
    ASSERT_TRUE(vocab.ok()) << vocab.message();
    // Text round-trips (letters are pieces; anything else falls back to byte tokens).
    const std::string text = "the quick brown fox, 42 ~é";
    const auto ids = vocab->tokenize(text, false, false);
    EXPECT_EQ(vocab->detokenize(ids), text);
}

TEST(Synth, VocabFromAnotherFile) {
    TempDir dir;
    const std::string stories = std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf";
    if (!std::filesystem::exists(stories)) GTEST_SKIP() << stories << " is absent (../shared not next to the checkout)";
    SynthOptions o;
    o.shape = "tiny";  // vocab 512, as stories260K's
    o.fileType = FileType::Q8_0;
    o.vocabFrom = stories;
    ASSERT_TRUE(synthesizeModel(o, dir.file("m.gguf")).ok());
    auto src = GgufFile::open(stories);
    auto dst = GgufFile::open(dir.file("m.gguf"));
    ASSERT_TRUE(src.ok() && dst.ok());
    const GgufValue* a = (*src)->getArray("tokenizer.ggml.tokens");
    const GgufValue* b = (*dst)->getArray("tokenizer.ggml.tokens");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->strings, b->strings);
    const GgufValue* sa = (*src)->getArray("tokenizer.ggml.scores");
    const GgufValue* sb = (*dst)->getArray("tokenizer.ggml.scores");
    ASSERT_TRUE(sa && sb);
    ASSERT_EQ(sa->count, sb->count);
    EXPECT_EQ(sa->arrayFloat(300), sb->arrayFloat(300));
    auto va = Vocab::fromGguf(**src);
    auto vb = Vocab::fromGguf(**dst);
    ASSERT_TRUE(va.ok() && vb.ok());
    EXPECT_EQ(va->tokenize("Once upon a time", true, false), vb->tokenize("Once upon a time", true, false));

    // A vocabulary of the wrong size is refused before anything is written.
    o.shape = "tinyllama-1.1b";
    const Status st = synthesizeModel(o, dir.file("big.gguf"));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("512"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("32000"), std::string::npos) << st.message();
    EXPECT_FALSE(std::filesystem::exists(dir.file("big.gguf")));
}

TEST(Synth, UnknownShapeOrArchitectureIsNamed) {
    TempDir dir;
    SynthOptions o;
    o.shape = "gpt-5";
    Status st = synthesizeModel(o, dir.file("x.gguf"));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("gpt-5"), std::string::npos);
    EXPECT_NE(st.message().find("tinyllama-1.1b"), std::string::npos);  // lists the known ones
    o.shape = "tiny";
    o.arch = "mamba";
    st = synthesizeModel(o, dir.file("x.gguf"));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("mamba"), std::string::npos);
}

TEST(Membw, MeasuresPositiveBandwidth) {
    MembwParams p;
    p.nThreads = 2;
    p.bufferBytes = 8 << 20;
    p.passes = 3;
    auto r = measureReadBandwidth(p);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->passGbps.size(), 3u);
    EXPECT_GT(r->gbps, 0.0);
    EXPECT_GE(r->bestGbps, r->gbps);
    EXPECT_EQ(r->nThreads, 2);
    EXPECT_GT(r->bufferBytes, 0u);
    EXPECT_LE(r->bufferBytes, uint64_t(8) << 20);
    p.nThreads = 0;
    EXPECT_FALSE(measureReadBandwidth(p).ok());
}

}  // namespace
}  // namespace hearth::engine
