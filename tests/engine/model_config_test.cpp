// ModelConfig::fromGguf: hyper-parameters of real files, defaults, rope scaling, and errors that name the key and
// the value found.
#include "engine/model_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;

Result<ModelConfig> configOf(const std::string& relPath) {
    auto file = GgufFile::open((fs::path(HEARTH_SHARED_DIR) / relPath).string());
    if (!file.ok()) return file.error();
    return ModelConfig::fromGguf(**file);
}

#define SKIP_WITHOUT(relPath)                                               \
    if (!fs::exists(fs::path(HEARTH_SHARED_DIR) / (relPath)))               \
    GTEST_SKIP() << "shared test data not found: " << HEARTH_SHARED_DIR << "/" << (relPath)

TEST(ModelConfig, Stories260K) {
    SKIP_WITHOUT("models/stories260K.gguf");
    const auto c = configOf("models/stories260K.gguf");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->arch, "llama");
    EXPECT_EQ(c->nVocab, 512);
    EXPECT_EQ(c->nEmbd, 64);
    EXPECT_EQ(c->nLayer, 5);
    EXPECT_EQ(c->nHead, 8);
    EXPECT_EQ(c->nHeadKv, 4);
    EXPECT_EQ(c->headDim, 8);   // 64 / 8, no key_length in the file
    EXPECT_EQ(c->headDimV, 8);
    EXPECT_EQ(c->nFf, 172);
    EXPECT_EQ(c->nCtxTrain, 2048);
    EXPECT_EQ(c->nRot, 8);
    EXPECT_FLOAT_EQ(c->rmsEps, 1e-5f);
    EXPECT_FLOAT_EQ(c->ropeTheta, 10000.f);  // default: no freq_base key
    EXPECT_EQ(c->ropeStyle, RopeStyle::Norm);
    EXPECT_EQ(c->ropeScaling, RopeScaling::None);
    EXPECT_EQ(c->kvDim(), 32);
}

TEST(ModelConfig, Qwen2IsNeoxWithALargeTheta) {
    SKIP_WITHOUT("conformance/models/arch-qwen2.gguf");
    const auto c = configOf("conformance/models/arch-qwen2.gguf");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->arch, "qwen2");
    EXPECT_EQ(c->ropeStyle, RopeStyle::Neox);
    EXPECT_FLOAT_EQ(c->ropeTheta, 1e6f);
    EXPECT_EQ(c->nHead, 4);
    EXPECT_EQ(c->nHeadKv, 2);
    EXPECT_EQ(c->headDim, 64);
    EXPECT_FLOAT_EQ(c->rmsEps, 1e-6f);
    EXPECT_EQ(c->nVocab, 512);
}

TEST(ModelConfig, LlamaWithOneKvHead) {
    SKIP_WITHOUT("conformance/models/arch-llama-gqa1.gguf");
    const auto c = configOf("conformance/models/arch-llama-gqa1.gguf");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->nHead, 8);
    EXPECT_EQ(c->nHeadKv, 1);
    EXPECT_EQ(c->headDim, 32);
    EXPECT_EQ(c->kvDim(), 32);
    EXPECT_FLOAT_EQ(c->ropeTheta, 500000.f);
    EXPECT_EQ(c->ropeStyle, RopeStyle::Norm);
}

TEST(ModelConfig, Gemma2HeadDimComesFromKeyLength) {
    SKIP_WITHOUT("conformance/models/arch-gemma2.gguf");
    const auto c = configOf("conformance/models/arch-gemma2.gguf");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->nEmbd, 64);
    EXPECT_EQ(c->nHead, 4);
    EXPECT_EQ(c->headDim, 32);  // not 64 / 4
    EXPECT_EQ(c->nLayer, 26);
    EXPECT_EQ(c->ropeStyle, RopeStyle::Neox);
}

TEST(ModelConfig, Phi3IsNeox) {
    SKIP_WITHOUT("conformance/models/arch-phi3.gguf");
    const auto c = configOf("conformance/models/arch-phi3.gguf");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->ropeStyle, RopeStyle::Neox);
}

// A small, valid llama metadata set; tests change one key at a time.
GgufWriter baseWriter() {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addUint32("llama.embedding_length", 64);
    w.addUint32("llama.block_count", 2);
    w.addUint32("llama.attention.head_count", 8);
    w.addUint32("llama.attention.head_count_kv", 4);
    w.addUint32("llama.feed_forward_length", 128);
    w.addUint32("llama.context_length", 256);
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.addUint32("llama.vocab_size", 100);
    return w;
}

Result<ModelConfig> parse(const GgufWriter& w) {
    auto bytes = w.toBytes();
    if (!bytes.ok()) return bytes.error();
    // The parsed file views the buffer: keep it alive for the duration of fromGguf.
    static std::vector<uint8_t> keep;
    keep = std::move(bytes.value());
    auto file = GgufFile::parse(keep);
    if (!file.ok()) return file.error();
    return ModelConfig::fromGguf(**file);
}

// The error message names the key and shows the value found.
void expectError(const GgufWriter& w, const std::string& key, const std::string& value) {
    const auto c = parse(w);
    ASSERT_FALSE(c.ok()) << "expected an error about " << key;
    EXPECT_NE(c.message().find(key), std::string::npos) << c.message();
    EXPECT_NE(c.message().find(value), std::string::npos) << c.message();
}

TEST(ModelConfig, DefaultsFromASyntheticFile) {
    const auto c = parse(baseWriter());
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->nVocab, 100);   // from llama.vocab_size (no tensor, no token list)
    EXPECT_EQ(c->headDim, 8);    // 64 / 8
    EXPECT_EQ(c->headDimV, 8);
    EXPECT_EQ(c->nRot, 8);       // defaults to head_dim
    EXPECT_FLOAT_EQ(c->ropeTheta, 10000.f);

    GgufWriter w;  // head_count_kv absent -> equals head_count
    w.addString("general.architecture", "llama");
    w.addUint32("llama.embedding_length", 64);
    w.addUint32("llama.block_count", 2);
    w.addUint32("llama.attention.head_count", 8);
    w.addUint32("llama.feed_forward_length", 128);
    w.addUint32("llama.context_length", 256);
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    const std::vector<std::string> tokens = {"a", "b", "c"};
    w.addStringArray("tokenizer.ggml.tokens", tokens);
    const auto d = parse(w);
    ASSERT_TRUE(d.ok()) << d.message();
    EXPECT_EQ(d->nHeadKv, 8);
    EXPECT_EQ(d->nVocab, 3);  // from the token list
}

TEST(ModelConfig, VocabComesFromTokenEmbdRows) {
    GgufWriter w = baseWriter();
    std::vector<float> embd(64 * 7, 0.f);
    w.addTensorF32("token_embd.weight", {64, 7}, embd);
    const auto c = parse(w);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->nVocab, 7);

    GgufWriter bad = baseWriter();
    std::vector<float> wrong(32 * 7, 0.f);
    bad.addTensorF32("token_embd.weight", {32, 7}, wrong);  // row length must be n_embd
    expectError(bad, "token_embd.weight", "32");
}

TEST(ModelConfig, RopeScaling) {
    GgufWriter linear = baseWriter();
    linear.addString("llama.rope.scaling.type", "linear");
    linear.addFloat32("llama.rope.scaling.factor", 4.f);
    auto c = parse(linear);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->ropeScaling, RopeScaling::Linear);
    EXPECT_FLOAT_EQ(c->ropeScaleFactor, 4.f);

    GgufWriter old = baseWriter();  // older files: only rope.scale_linear
    old.addFloat32("llama.rope.scale_linear", 2.f);
    c = parse(old);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->ropeScaling, RopeScaling::Linear);
    EXPECT_FLOAT_EQ(c->ropeScaleFactor, 2.f);

    GgufWriter yarn = baseWriter();
    yarn.addString("llama.rope.scaling.type", "yarn");
    yarn.addFloat32("llama.rope.scaling.factor", 4.f);
    yarn.addUint32("llama.rope.scaling.original_context_length", 32768);
    yarn.addFloat32("llama.rope.freq_base", 1e6f);
    c = parse(yarn);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->ropeScaling, RopeScaling::Yarn);
    EXPECT_EQ(c->ropeOrigCtx, 32768);
    EXPECT_FLOAT_EQ(c->ropeTheta, 1e6f);

    GgufWriter l3 = baseWriter();  // Llama 3.1 factors imply llama3 scaling
    l3.addFloat32("llama.rope.scaling.factor", 8.f);
    l3.addFloat32("llama.rope.scaling.low_freq_factor", 1.f);
    l3.addFloat32("llama.rope.scaling.high_freq_factor", 4.f);
    l3.addUint32("llama.rope.scaling.original_context_length", 8192);
    c = parse(l3);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->ropeScaling, RopeScaling::Llama3);
    EXPECT_FLOAT_EQ(c->ropeScaleFactor, 8.f);
    EXPECT_FLOAT_EQ(c->ropeLowFreqFactor, 1.f);
    EXPECT_FLOAT_EQ(c->ropeHighFreqFactor, 4.f);

    GgufWriter unknown = baseWriter();
    unknown.addString("llama.rope.scaling.type", "longrope2");
    expectError(unknown, "llama.rope.scaling.type", "longrope2");
}

TEST(ModelConfig, UniformPerLayerArraysAreAccepted) {
    GgufWriter w = baseWriter();
    const std::vector<int32_t> same = {4, 4};
    w.addArray("llama.attention.head_count_kv", std::span<const int32_t>(same));
    const auto c = parse(w);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->nHeadKv, 4);

    GgufWriter mixed = baseWriter();
    const std::vector<int32_t> differ = {4, 2};
    mixed.addArray("llama.attention.head_count_kv", std::span<const int32_t>(differ));
    expectError(mixed, "llama.attention.head_count_kv", "differs per layer");
}

TEST(ModelConfig, BrokenValuesNameTheKeyAndTheValue) {
    GgufWriter w = baseWriter();
    w.addUint32("llama.attention.head_count_kv", 3);  // 8 % 3 != 0
    expectError(w, "llama.attention.head_count_kv", "3");

    w = baseWriter();
    w.addUint32("llama.attention.head_count_kv", 16);  // more KV heads than query heads
    expectError(w, "llama.attention.head_count_kv", "16");

    w = baseWriter();
    w.addUint32("llama.block_count", 0);
    expectError(w, "llama.block_count", "0");

    w = baseWriter();
    w.addUint64("llama.embedding_length", uint64_t{1} << 40);  // absurd
    expectError(w, "llama.embedding_length", std::to_string(uint64_t{1} << 40));

    w = baseWriter();
    w.addFloat32("llama.attention.layer_norm_rms_epsilon", -1.f);
    expectError(w, "llama.attention.layer_norm_rms_epsilon", "-1");

    w = baseWriter();
    w.addFloat32("llama.rope.freq_base", 0.f);
    expectError(w, "llama.rope.freq_base", "0");

    w = baseWriter();
    w.addString("llama.block_count", "two");  // wrong type
    expectError(w, "llama.block_count", "string");

    w = baseWriter();
    w.addUint32("llama.rope.dimension_count", 7);  // odd
    expectError(w, "llama.rope.dimension_count", "7");

    w = baseWriter();
    w.addUint32("llama.attention.head_count", 7);  // 64 % 7 != 0 and no key_length
    w.addUint32("llama.attention.head_count_kv", 7);
    expectError(w, "llama.attention.key_length", "7");

    GgufWriter missing;
    missing.addString("general.architecture", "llama");
    missing.addUint32("llama.block_count", 2);
    expectError(missing, "llama.embedding_length", "missing");

    GgufWriter noArch;
    expectError(noArch, "general.architecture", "missing");
}

}  // namespace
}  // namespace hearth::engine
