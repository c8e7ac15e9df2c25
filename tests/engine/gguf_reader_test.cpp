// GGUF reader and writer: round trips of every metadata value type and of tensor layouts (in memory and streamed
// to disk), odd-but-valid layouts, the memory mapping, and the real models in ../shared.
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "engine/mapped_file.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;
using kernels::GgmlType;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        path_ = fs::temp_directory_path() /
                ("hearth_gguf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

std::unique_ptr<GgufFile> parseOk(const std::vector<uint8_t>& bytes) {
    auto r = GgufFile::parse(bytes);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
    return v;
}

bool dataInside(const GgufFile& f, const GgufTensor& t, std::span<const uint8_t> file) {
    return t.data >= file.data() + f.dataOffset() && t.data + t.nbytes <= file.data() + file.size();
}

TEST(GgufWriterReader, RoundTripsEveryScalarValueType) {
    GgufWriter w;
    w.addUint8("u8", 250);
    w.addInt8("i8", -120);
    w.addUint16("u16", 65000);
    w.addInt16("i16", -32000);
    w.addUint32("u32", 4000000000u);
    w.addInt32("i32", -2000000000);
    w.addUint64("u64", std::numeric_limits<uint64_t>::max());
    w.addInt64("i64", std::numeric_limits<int64_t>::min());
    w.addFloat32("f32", 1.5e-5f);
    w.addFloat64("f64", 1e300);
    w.addBool("yes", true);
    w.addBool("no", false);
    w.addString("s", "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C");
    w.addString("empty", "");
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);

    EXPECT_EQ(f->version(), 3u);
    ASSERT_EQ(f->metadata().size(), 14u);
    EXPECT_EQ(f->metadata()[0].key, "u8");  // file order is insertion order
    EXPECT_EQ(f->find("u8")->type, GgufType::Uint8);
    EXPECT_EQ(f->getUint("u8"), 250u);
    EXPECT_EQ(f->getInt("i8"), -120);
    EXPECT_EQ(f->find("i8")->type, GgufType::Int8);
    EXPECT_EQ(f->getUint("u16"), 65000u);
    EXPECT_EQ(f->getInt("i16"), -32000);
    EXPECT_EQ(f->getUint("u32"), 4000000000u);
    EXPECT_EQ(f->getInt("i32"), -2000000000);
    EXPECT_EQ(f->getUint("u64"), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(f->getInt("i64"), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(f->getFloat("f32"), static_cast<double>(1.5e-5f));
    EXPECT_EQ(f->find("f32")->type, GgufType::Float32);
    EXPECT_EQ(f->getFloat("f64"), 1e300);
    EXPECT_EQ(f->getBool("yes"), true);
    EXPECT_EQ(f->getBool("no"), false);
    EXPECT_EQ(f->getString("s"), "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C");
    EXPECT_EQ(f->getString("empty"), "");
    EXPECT_TRUE(f->tensors().empty());
}

TEST(GgufWriterReader, GettersConvertOnlyWhenTheValueFits) {
    GgufWriter w;
    w.addInt32("negative", -1);
    w.addInt8("small", 7);
    w.addUint64("huge", std::numeric_limits<uint64_t>::max());
    w.addUint16("u16", 9);
    w.addFloat32("f", 2.0f);
    w.addString("s", "3");
    w.addBool("b", true);
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);

    EXPECT_EQ(f->getUint("negative"), std::nullopt);
    EXPECT_EQ(f->getInt("negative"), -1);
    EXPECT_EQ(f->getUint("small"), 7u);
    EXPECT_EQ(f->getInt("huge"), std::nullopt);
    EXPECT_EQ(f->getInt("u16"), 9);
    EXPECT_EQ(f->getFloat("u16"), std::nullopt);
    EXPECT_EQ(f->getUint("f"), std::nullopt);
    EXPECT_EQ(f->getUint("s"), std::nullopt);
    EXPECT_EQ(f->getString("u16"), std::nullopt);
    EXPECT_EQ(f->getBool("u16"), std::nullopt);
    EXPECT_EQ(f->getUint("b"), std::nullopt);
    EXPECT_EQ(f->getArray("s"), nullptr);
    EXPECT_EQ(f->find("missing"), nullptr);
    EXPECT_EQ(f->getUint("missing"), std::nullopt);
}

TEST(GgufWriterReader, RoundTripsArraysOfEveryElementType) {
    const std::vector<uint8_t> u8 = {0, 1, 255};
    const std::vector<int8_t> i8 = {-128, 0, 127};
    const std::vector<uint16_t> u16 = {1, 65535};
    const std::vector<int16_t> i16 = {-32768, 32767};
    const std::vector<uint32_t> u32 = {7, 4000000000u};
    const std::vector<int32_t> i32 = {-5, 1, 2, 3};
    const std::vector<uint64_t> u64 = {uint64_t{1} << 40};
    const std::vector<int64_t> i64 = {-(int64_t{1} << 50), 3};
    const std::vector<float> f32 = {0.5f, -1.25f, 1e-3f};
    const std::vector<double> f64 = {3.141592653589793, -2.0};
    const std::vector<std::string> strings = {"<unk>", "", "\xE2\x96\x81the", std::string("nul\0byte", 8)};
    const std::vector<std::string_view> views = {"a", "bc"};

    GgufWriter w;
    w.addArray("u8", u8);
    w.addArray("i8", i8);
    w.addArray("u16", u16);
    w.addArray("i16", i16);
    w.addArray("u32", u32);
    w.addArray("i32", i32);
    w.addArray("u64", u64);
    w.addArray("i64", i64);
    w.addArray("f32", f32);
    w.addArray("f64", f64);
    w.addBoolArray("bools", {true, false, true});
    w.addStringArray("strings", strings);
    w.addStringArray("views", views);
    w.addArray("empty", std::span<const float>());
    w.addStringArray("empty_strings", std::span<const std::string>());
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);

    auto checkInts = [&](const char* key, GgufType elem, const auto& expected) {
        SCOPED_TRACE(key);
        const GgufValue* v = f->getArray(key);
        ASSERT_NE(v, nullptr);
        EXPECT_EQ(v->elemType, elem);
        ASSERT_EQ(v->count, expected.size());
        for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(v->arrayInt(i), static_cast<int64_t>(expected[i]));
    };
    checkInts("u8", GgufType::Uint8, u8);
    checkInts("i8", GgufType::Int8, i8);
    checkInts("u16", GgufType::Uint16, u16);
    checkInts("i16", GgufType::Int16, i16);
    checkInts("u32", GgufType::Uint32, u32);
    checkInts("i32", GgufType::Int32, i32);
    checkInts("u64", GgufType::Uint64, u64);
    checkInts("i64", GgufType::Int64, i64);
    checkInts("bools", GgufType::Bool, std::vector<int>{1, 0, 1});

    const GgufValue* vf = f->getArray("f32");
    ASSERT_NE(vf, nullptr);
    EXPECT_EQ(vf->elemType, GgufType::Float32);
    ASSERT_EQ(vf->count, 3u);
    for (size_t i = 0; i < f32.size(); ++i) EXPECT_EQ(vf->arrayFloat(i), static_cast<double>(f32[i]));
    EXPECT_EQ(vf->arrayInt(1), -1);  // float -> int truncates
    const GgufValue* vd = f->getArray("f64");
    ASSERT_NE(vd, nullptr);
    EXPECT_EQ(vd->arrayFloat(0), f64[0]);
    EXPECT_EQ(vd->arrayFloat(1), f64[1]);
    EXPECT_EQ(f->getArray("i32")->arrayFloat(0), -5.0);

    const GgufValue* vs = f->getArray("strings");
    ASSERT_NE(vs, nullptr);
    EXPECT_EQ(vs->elemType, GgufType::String);
    ASSERT_EQ(vs->count, strings.size());
    ASSERT_EQ(vs->strings.size(), strings.size());
    for (size_t i = 0; i < strings.size(); ++i) EXPECT_EQ(vs->strings[i], strings[i]);
    ASSERT_EQ(f->getArray("views")->strings.size(), 2u);
    EXPECT_EQ(f->getArray("views")->strings[1], "bc");

    EXPECT_EQ(f->getArray("empty")->count, 0u);
    EXPECT_EQ(f->getArray("empty_strings")->count, 0u);
    EXPECT_TRUE(f->getArray("empty_strings")->strings.empty());
}

TEST(GgufWriterReader, AddingAnExistingKeyReplacesItsValue) {
    GgufWriter w;
    w.addUint32("a", 1);
    w.addString("b", "x");
    w.addString("a", "now a string");
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);
    ASSERT_EQ(f->metadata().size(), 2u);
    EXPECT_EQ(f->metadata()[0].key, "a");
    EXPECT_EQ(f->getString("a"), "now a string");
}

TEST(GgufWriterReader, RoundTripsTensorLayouts) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    const std::vector<float> embd = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    w.addTensorF32("token_embd.weight", {4, 3}, embd);
    w.addTensorF32("norm", {1}, std::vector<float>{42.f});
    w.addTensor({"four_d", {2, 3, 1, 5}, GgmlType::F32}, pattern(2 * 3 * 5 * 4, 1));
    w.addTensor({"half", {6, 2}, GgmlType::F16}, pattern(24, 2));
    w.addTensor({"q8", {64, 3}, GgmlType::Q8_0}, pattern(2 * 34 * 3, 3));
    w.addTensor({"q4k", {256, 2}, GgmlType::Q4_K}, pattern(2 * 144, 4));  // the reader accepts any known type
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);

    EXPECT_EQ(f->alignment(), 32u);
    EXPECT_EQ(f->dataOffset() % 32, 0u);
    EXPECT_EQ(bytes->size() % 32, 0u);  // every tensor is padded, the last one too
    ASSERT_EQ(f->tensors().size(), 6u);

    const GgufTensor* t = f->findTensor("token_embd.weight");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->nDims, 2u);
    EXPECT_EQ(t->ne[0], 4);
    EXPECT_EQ(t->ne[1], 3);
    EXPECT_EQ(t->ne[2], 1);
    EXPECT_EQ(t->nElements(), 12);
    EXPECT_EQ(t->nRows(), 3);
    EXPECT_EQ(t->type, GgmlType::F32);
    EXPECT_EQ(t->nbytes, 48u);
    EXPECT_EQ(t->offset, 0u);
    EXPECT_EQ(std::memcmp(t->data, embd.data(), 48), 0);

    const GgufTensor* n = f->findTensor("norm");
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->nDims, 1u);
    EXPECT_EQ(n->offset, 64u);  // 48 bytes padded to 64
    float v = 0;
    std::memcpy(&v, n->data, 4);
    EXPECT_EQ(v, 42.f);

    const GgufTensor* d4 = f->findTensor("four_d");
    ASSERT_NE(d4, nullptr);
    EXPECT_EQ(d4->nDims, 4u);
    EXPECT_EQ(d4->ne[3], 5);
    EXPECT_EQ(d4->nRows(), 15);
    EXPECT_EQ(std::memcmp(d4->data, pattern(120, 1).data(), 120), 0);

    EXPECT_EQ(f->findTensor("half")->nbytes, 24u);
    EXPECT_EQ(f->findTensor("q8")->nbytes, 6u * 34);
    EXPECT_EQ(std::memcmp(f->findTensor("q8")->data, pattern(204, 3).data(), 204), 0);
    EXPECT_EQ(f->findTensor("q4k")->type, GgmlType::Q4_K);
    EXPECT_EQ(f->findTensor("q4k")->nbytes, 288u);
    EXPECT_EQ(f->findTensor("missing"), nullptr);

    for (const GgufTensor& x : f->tensors()) {
        SCOPED_TRACE(std::string(x.name));
        EXPECT_EQ(x.offset % 32, 0u);
        EXPECT_TRUE(dataInside(*f, x, *bytes));
    }
}

TEST(GgufWriterReader, HonoursAlignmentAndVersion2) {
    GgufWriter w(2);
    w.setAlignment(64);
    w.addTensorF32("a", {3}, std::vector<float>{1, 2, 3});
    w.addTensorF32("b", {5}, std::vector<float>{1, 2, 3, 4, 5});
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->version(), 2u);
    EXPECT_EQ(f->alignment(), 64u);
    EXPECT_EQ(f->getUint("general.alignment"), 64u);
    EXPECT_EQ(f->dataOffset() % 64, 0u);
    EXPECT_EQ(f->findTensor("b")->offset, 64u);
}

TEST(GgufWriterReader, StreamsTensorDataToDiskInPieces) {
    TempDir dir;
    const std::string path = dir.file("streamed.gguf");
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addTensorInfo({"big", {100, 7}, GgmlType::F32});
    w.addTensor({"small", {2}, GgmlType::F32}, pattern(8, 9));
    w.addTensorInfo({"q", {32, 5}, GgmlType::Q8_0});
    std::vector<size_t> produced;
    const Status st = w.writeFile(path, [&](size_t index, const GgufTensorSpec& spec, GgufTensorSink& sink) {
        produced.push_back(index);
        const uint64_t total = *ggufTensorBytes(spec);
        const std::vector<uint8_t> all = pattern(total, static_cast<uint8_t>(index));
        // Odd-sized pieces, as a synthesizer writing row by row would.
        for (uint64_t at = 0; at < total; at += 13) {
            const uint64_t n = std::min<uint64_t>(13, total - at);
            if (Status s = sink.write(std::span<const uint8_t>(all.data() + at, n)); !s) return s;
        }
        return Status{};
    });
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(produced, (std::vector<size_t>{0, 2}));
    EXPECT_FALSE(fs::exists(path + ".part"));

    auto r = GgufFile::open(path);
    ASSERT_TRUE(r.ok()) << r.message();
    const GgufFile& f = **r;
    EXPECT_EQ(f.fileBytes(), fs::file_size(path));
    ASSERT_EQ(f.tensors().size(), 3u);
    EXPECT_EQ(std::memcmp(f.findTensor("big")->data, pattern(2800, 0).data(), 2800), 0);
    EXPECT_EQ(std::memcmp(f.findTensor("small")->data, pattern(8, 9).data(), 8), 0);
    EXPECT_EQ(std::memcmp(f.findTensor("q")->data, pattern(170, 2).data(), 170), 0);
}

TEST(GgufWriterReader, RejectsAProducerWritingTheWrongAmount) {
    TempDir dir;
    GgufWriter w;
    w.addTensorInfo({"t", {8}, GgmlType::F32});
    const std::vector<uint8_t> bytes(40, 1);

    const Status tooFew = w.writeFile(dir.file("few.gguf"), [&](size_t, const GgufTensorSpec&, GgufTensorSink& s) {
        return s.write(std::span<const uint8_t>(bytes.data(), 31));
    });
    ASSERT_FALSE(tooFew.ok());
    EXPECT_NE(tooFew.message().find("the producer wrote 31 bytes, expected 32"), std::string::npos)
        << tooFew.message();
    EXPECT_FALSE(fs::exists(dir.file("few.gguf")));
    EXPECT_FALSE(fs::exists(dir.file("few.gguf.part")));

    const Status tooMany = w.writeFile(dir.file("many.gguf"), [&](size_t, const GgufTensorSpec&, GgufTensorSink& s) {
        return s.write(bytes);
    });
    ASSERT_FALSE(tooMany.ok());
    EXPECT_NE(tooMany.message().find("more than its 32 bytes"), std::string::npos) << tooMany.message();
    EXPECT_FALSE(fs::exists(dir.file("many.gguf")));

    const Status failing = w.writeFile(dir.file("fail.gguf"), [&](size_t, const GgufTensorSpec&, GgufTensorSink&) {
        return Status{Error{"synthesizer gave up"}};
    });
    ASSERT_FALSE(failing.ok());
    EXPECT_EQ(failing.message(), "synthesizer gave up");

    const auto noProducer = w.toBytes();
    ASSERT_FALSE(noProducer.ok());
    EXPECT_NE(noProducer.message().find("tensor 't' has no data"), std::string::npos) << noProducer.message();
}

TEST(GgufWriterReader, WriterRejectsInvalidTensors) {
    auto errorOf = [](GgufTensorSpec spec, size_t dataBytes) {
        GgufWriter w;
        w.addTensor(std::move(spec), std::vector<uint8_t>(dataBytes));
        auto r = w.toBytes();
        return r.ok() ? std::string("accepted") : r.message();
    };
    EXPECT_NE(errorOf({"q", {33, 2}, GgmlType::Q8_0}, 68).find("row length 33 is not a multiple of the block size 32"),
              std::string::npos);
    EXPECT_NE(errorOf({"z", {4, 0}, GgmlType::F32}, 0).find("dimension of 0"), std::string::npos);
    EXPECT_NE(errorOf({"five", {1, 1, 1, 1, 1}, GgmlType::F32}, 4).find("5 dimensions"), std::string::npos);
    EXPECT_NE(errorOf({"none", {}, GgmlType::F32}, 4).find("0 dimensions"), std::string::npos);
    EXPECT_NE(errorOf({"short", {4}, GgmlType::F32}, 12).find("has 12 bytes of data, its shape and type need 16"),
              std::string::npos);

    GgufWriter w;
    w.addTensorF32("same", {1}, std::vector<float>{1});
    w.addTensorF32("same", {1}, std::vector<float>{2});
    auto r = w.toBytes();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("duplicate tensor name 'same'"), std::string::npos);
}

TEST(GgufReader, AcceptsTensorsStoredOutOfOrder) {
    // Hand-made: tensor infos list b (at offset 32) before a (at offset 0); the reader only requires no overlap.
    GgufBytes b;
    b.raw("GGUF").u32(3).u64(2).u64(0);
    b.str("b").u32(1).u64(8).u32(0).u64(32);
    b.str("a").u32(1).u64(8).u32(0).u64(0);
    b.padTo(32);
    for (int i = 0; i < 64; ++i) b.u8(static_cast<uint8_t>(i));
    const std::vector<uint8_t> bytes = b.take();
    auto f = parseOk(bytes);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->tensors()[0].name, "b");
    EXPECT_EQ(f->findTensor("a")->data[0], 0);
    EXPECT_EQ(f->findTensor("b")->data[0], 32);
}

TEST(GgufReader, AcceptsAVocabOnlyFileWithoutFinalPadding) {
    // Vocabulary-only GGUFs (llama.cpp's ggml-vocab-*.gguf) end right after the metadata.
    GgufBytes b;
    b.raw("GGUF").u32(3).u64(0).u64(1).str("general.architecture").type(GgufType::String).str("llama");
    const std::vector<uint8_t> bytes = b.take();
    ASSERT_NE(bytes.size() % 32, 0u);
    auto f = parseOk(bytes);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->dataOffset(), bytes.size());
    EXPECT_EQ(f->getString("general.architecture"), "llama");
}

TEST(GgufReader, ReadsAnyNonZeroBoolByteAsTrue) {
    GgufWriter w;
    w.addRawValue("b", static_cast<uint32_t>(GgufType::Bool), {7});
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok());
    auto f = parseOk(*bytes);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->getBool("b"), true);
}

TEST(MappedFile, ReportsMissingFilesAndDirectories) {
    auto missing = MappedFile::open("/nonexistent/dir/model.gguf");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.message(), "cannot open '/nonexistent/dir/model.gguf': No such file or directory");

    auto dir = MappedFile::open(fs::temp_directory_path().string());
    ASSERT_FALSE(dir.ok());
    EXPECT_NE(dir.message().find("not a regular file"), std::string::npos) << dir.message();

    auto gguf = GgufFile::open("/nonexistent/model.gguf");
    ASSERT_FALSE(gguf.ok());
    EXPECT_NE(gguf.message().find("cannot open '/nonexistent/model.gguf'"), std::string::npos);
}

TEST(MappedFile, MapsEmptyAndNonEmptyFilesAndMoves) {
    TempDir dir;
    const std::string empty = dir.file("empty.gguf");
    std::ofstream(empty).close();
    auto e = MappedFile::open(empty);
    ASSERT_TRUE(e.ok()) << e.message();
    EXPECT_EQ(e->size(), 0u);
    EXPECT_TRUE(e->bytes().empty());
    auto g = GgufFile::open(empty);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.message().find("the file is empty"), std::string::npos) << g.message();

    const std::string text = dir.file("text.bin");
    std::ofstream(text) << "hello";
    auto m = MappedFile::open(text);
    ASSERT_TRUE(m.ok()) << m.message();
    MappedFile moved = std::move(m).value();
    ASSERT_EQ(moved.size(), 5u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(moved.data()), 5), "hello");
    EXPECT_EQ(moved.path(), text);
    MappedFile other;
    other = std::move(moved);
    EXPECT_EQ(other.size(), 5u);
    EXPECT_EQ(moved.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_EQ(moved.data(), nullptr);
}

// ---- Real files from ../shared ----

std::string sharedPath(const std::string& rel) { return std::string(HEARTH_SHARED_DIR) + "/" + rel; }

#define REQUIRE_SHARED_FILE(path)                                                                  \
    do {                                                                                           \
        if (!fs::exists(path)) GTEST_SKIP() << (path) << " is absent (needs ../shared next to the repo)"; \
    } while (0)

void expectAllTensorsInside(const GgufFile& f) {
    for (const GgufTensor& t : f.tensors()) {
        SCOPED_TRACE(std::string(t.name));
        EXPECT_EQ(t.offset % f.alignment(), 0u);
        EXPECT_GE(t.nElements(), 1);
        EXPECT_EQ(t.nbytes, kernels::rowBytes(t.type, static_cast<uint64_t>(t.ne[0])) * t.nRows());
        EXPECT_LE(f.dataOffset() + t.offset + t.nbytes, f.fileBytes());
    }
}

TEST(GgufRealFiles, Stories260K) {
    const std::string path = sharedPath("models/stories260K.gguf");
    REQUIRE_SHARED_FILE(path);
    auto r = GgufFile::open(path);
    ASSERT_TRUE(r.ok()) << r.message();
    const GgufFile& f = **r;
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.getString("general.architecture"), "llama");
    EXPECT_EQ(f.getUint("llama.embedding_length"), 64u);
    EXPECT_EQ(f.getUint("llama.block_count"), 5u);
    EXPECT_EQ(f.getUint("llama.attention.head_count"), 8u);
    EXPECT_EQ(f.getUint("llama.attention.head_count_kv"), 4u);
    EXPECT_EQ(f.getUint("llama.feed_forward_length"), 172u);
    EXPECT_EQ(f.getUint("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(f.getString("tokenizer.ggml.model"), "llama");
    const GgufValue* tokens = f.getArray("tokenizer.ggml.tokens");
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->strings.size(), 512u);
    EXPECT_EQ(tokens->strings[0], "<unk>");
    EXPECT_EQ(tokens->strings[1], "<s>");
    EXPECT_EQ(f.getArray("tokenizer.ggml.scores")->count, 512u);

    ASSERT_EQ(f.tensors().size(), 3u + 5u * 9u);
    const GgufTensor* embd = f.findTensor("token_embd.weight");
    ASSERT_NE(embd, nullptr);
    EXPECT_EQ(embd->type, GgmlType::F32);
    EXPECT_EQ(embd->nDims, 2u);
    EXPECT_EQ(embd->ne[0], 64);
    EXPECT_EQ(embd->ne[1], 512);
    const GgufTensor* down = f.findTensor("blk.4.ffn_down.weight");
    ASSERT_NE(down, nullptr);
    EXPECT_EQ(down->ne[0], 172);
    EXPECT_EQ(down->ne[1], 64);
    const GgufTensor* k = f.findTensor("blk.0.attn_k.weight");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->ne[1], 32);  // 4 kv heads x head_dim 8
    EXPECT_EQ(f.findTensor("output_norm.weight")->nDims, 1u);
    expectAllTensorsInside(f);
}

TEST(GgufRealFiles, Stories260KQuantizedFallsBackToF16ForOddRows) {
    const std::string path = sharedPath("conformance/models/stories260K-Q8_0.gguf");
    REQUIRE_SHARED_FILE(path);
    auto r = GgufFile::open(path);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ((*r)->findTensor("blk.0.ffn_down.weight")->type, GgmlType::F16);  // row length 172
    EXPECT_EQ((*r)->findTensor("blk.0.ffn_up.weight")->type, GgmlType::Q8_0);
    EXPECT_EQ((*r)->findTensor("token_embd.weight")->type, GgmlType::Q8_0);
    expectAllTensorsInside(**r);
}

TEST(GgufRealFiles, EveryConformanceModelAndVocabParses) {
    const fs::path models = sharedPath("conformance/models");
    REQUIRE_SHARED_FILE(models.string());
    int checked = 0;
    for (const char* sub : {"conformance/models", "conformance/vocab"}) {
        for (const auto& entry : fs::directory_iterator(sharedPath(sub))) {
            if (entry.path().extension() != ".gguf") continue;
            SCOPED_TRACE(entry.path().string());
            auto r = GgufFile::open(entry.path().string());
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_TRUE((*r)->getString("general.architecture").has_value());
            expectAllTensorsInside(**r);
            if (std::string_view(sub) == "conformance/vocab") {
                EXPECT_TRUE((*r)->tensors().empty());
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 28);
}

TEST(GgufRealFiles, QuantCoverageFilesUseTheirType) {
    const std::string path = sharedPath("conformance/models/qcov-Q4_K.gguf");
    REQUIRE_SHARED_FILE(path);
    for (const char* type : {"Q4_K", "Q2_K", "IQ4_XS", "TQ1_0", "BF16", "Q5_1"}) {
        SCOPED_TRACE(type);
        auto r = GgufFile::open(sharedPath(std::string("conformance/models/qcov-") + type + ".gguf"));
        ASSERT_TRUE(r.ok()) << r.message();
        const GgufTensor* q = (*r)->findTensor("blk.0.attn_q.weight");
        ASSERT_NE(q, nullptr);
        EXPECT_EQ(kernels::typeName(q->type), type);
        EXPECT_EQ((*r)->findTensor("blk.0.attn_norm.weight")->type, GgmlType::F32);  // 1-D norms stay F32
    }
}

// parseHeader: the metadata and tensor infos from the first bytes of a file (HTTP Range reads before a download).
TEST(GgufReader, ParseHeaderReadsAPrefixAndSaysWhenMoreIsNeeded) {
    GgufWriter w;
    w.addString("general.architecture", "llama");
    w.addString("general.long", std::string(5000, 'x'));
    std::vector<float> big(256 * 64, 1.0f);
    w.addTensorF32("a.weight", {256, 64}, big);
    w.addTensorF32("b.weight", {256}, std::vector<float>(256, 2.0f));
    auto bytes = w.toBytes();
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    const std::span<const uint8_t> all(*bytes);
    auto full = GgufFile::parse(all);
    ASSERT_TRUE(full.ok()) << full.message();
    const uint64_t headerEnd = (*full)->dataOffset();
    ASSERT_LT(headerEnd + 256 * 64 * 4, all.size());

    // The header alone (no tensor data): shapes and types as in the whole file, no data, the whole file's size.
    bool needMore = true;
    auto head = GgufFile::parseHeader(all.first(headerEnd), all.size(), &needMore);
    ASSERT_TRUE(head.ok()) << head.message();
    EXPECT_FALSE(needMore);
    EXPECT_EQ((*head)->fileBytes(), all.size());
    EXPECT_EQ((*head)->dataOffset(), headerEnd);
    ASSERT_EQ((*head)->tensors().size(), 2u);
    EXPECT_EQ((*head)->tensors()[0].ne[1], 64);
    EXPECT_EQ((*head)->tensors()[0].type, GgmlType::F32);
    EXPECT_EQ((*head)->tensors()[0].data, nullptr);
    EXPECT_EQ((*head)->getString("general.architecture"), "llama");

    // Cut inside the long string: an error, and more bytes would help.
    auto cut = GgufFile::parseHeader(all.first(3000), all.size(), &needMore);
    EXPECT_FALSE(cut.ok());
    EXPECT_TRUE(needMore);
    // The same prefix as a whole file of 3000 bytes: nothing more exists.
    cut = GgufFile::parseHeader(all.first(3000), 3000, &needMore);
    EXPECT_FALSE(cut.ok());
    EXPECT_FALSE(needMore);
    // A declared size too small for the tensors: refused like a truncated file.
    auto small = GgufFile::parseHeader(all.first(headerEnd), headerEnd + 100, &needMore);
    EXPECT_FALSE(small.ok());
    EXPECT_FALSE(needMore);
    // Not a GGUF: wrong at once, no point in more bytes.
    std::vector<uint8_t> html(4096, 'x');
    std::memcpy(html.data(), "<!do", 4);
    auto notGguf = GgufFile::parseHeader(html, 1 << 20, &needMore);
    EXPECT_FALSE(notGguf.ok());
    EXPECT_FALSE(needMore);
}

}  // namespace
}  // namespace hearth::engine
