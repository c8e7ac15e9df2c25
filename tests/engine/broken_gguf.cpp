#include "tests/engine/broken_gguf.h"

#include <array>
#include <cstdio>
#include <optional>
#include <utility>

#include "engine/gguf_writer.h"

namespace hearth::engine::testing {
namespace {

constexpr uint64_t kAlign = 32;
constexpr uint64_t kAuto = ~uint64_t{0};  // TensorDesc::offset: lay out after the previous tensor
constexpr uint32_t kF32 = 0;
constexpr uint32_t kQ8_0 = 8;
constexpr uint32_t kF64 = 28;

// A GGUF file described field by field, so one field at a time can be made wrong. Values are raw on-disk numbers.
struct KvDesc {
    std::string key;
    uint32_t type = 0;
    std::vector<uint8_t> value;  // encoded value bytes
};

struct TensorDesc {
    std::string name;
    std::vector<uint64_t> ne;
    uint32_t type = kF32;
    uint64_t offset = kAuto;
    uint64_t bytes = 0;  // for kAuto layout and data size; computed from shape when 0
};

struct FileDesc {
    std::string magic = "GGUF";
    uint32_t version = 3;
    std::optional<uint64_t> nTensors;  // header count override
    std::optional<uint64_t> nKv;
    std::vector<KvDesc> kvs;
    std::vector<TensorDesc> tensors;
    uint64_t alignment = kAlign;  // used for layout only; the key is in kvs
    std::optional<uint64_t> dataBytes;  // data section size override
};

template <class T>
std::vector<uint8_t> scalar(T v) {
    GgufBytes b;
    if constexpr (sizeof(T) == 1) b.u8(static_cast<uint8_t>(v));
    else if constexpr (std::is_same_v<T, float>) b.f32(v);
    else if constexpr (std::is_same_v<T, double>) b.f64(v);
    else if constexpr (sizeof(T) == 2) b.u16(static_cast<uint16_t>(v));
    else if constexpr (sizeof(T) == 4) b.u32(static_cast<uint32_t>(v));
    else b.u64(static_cast<uint64_t>(v));
    return b.take();
}

std::vector<uint8_t> stringValue(std::string_view s) {
    GgufBytes b;
    b.str(s);
    return b.take();
}

uint32_t t(GgufType type) { return static_cast<uint32_t>(type); }

uint64_t shapeBytes(const TensorDesc& d) {
    if (d.bytes != 0) return d.bytes;
    uint64_t n = 1;
    for (uint64_t ne : d.ne) n *= ne;
    if (d.type == kQ8_0) return n / 32 * 34;
    if (d.type == kF64) return n * 8;
    return n * 4;
}

uint64_t alignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

// Serialized file plus where its parts start, for cutting it.
struct Built {
    std::vector<uint8_t> bytes;
    uint64_t infosEnd = 0;
    uint64_t dataOffset = 0;
};

Built build(const FileDesc& d) {
    GgufBytes b;
    b.raw(d.magic).u32(d.version).u64(d.nTensors.value_or(d.tensors.size())).u64(d.nKv.value_or(d.kvs.size()));
    for (const KvDesc& kv : d.kvs) b.str(kv.key).u32(kv.type).raw(kv.value);
    uint64_t next = 0;
    uint64_t dataEnd = 0;
    for (const TensorDesc& td : d.tensors) {
        b.str(td.name).u32(static_cast<uint32_t>(td.ne.size()));
        for (uint64_t ne : td.ne) b.u64(ne);
        const uint64_t offset = td.offset == kAuto ? next : td.offset;
        b.u32(td.type).u64(offset);
        const uint64_t bytes = shapeBytes(td);
        // Absurd explicit offsets (cases pointing outside the file) do not size the data section.
        if (offset < (uint64_t{1} << 20) && bytes < (uint64_t{1} << 20)) {
            next = alignUp(offset + bytes, d.alignment);
            dataEnd = std::max(dataEnd, next);
        }
    }
    Built out;
    out.infosEnd = b.size();
    b.padTo(d.alignment);
    out.dataOffset = b.size();
    // Recognisable data: byte i of the data section is i mod 251.
    const uint64_t dataBytes = d.dataBytes.value_or(dataEnd);
    for (uint64_t i = 0; i < dataBytes; ++i) b.u8(static_cast<uint8_t>(i % 251));
    out.bytes = b.take();
    return out;
}

// The valid base file: every value type, string and numeric arrays, tensors of F32 and Q8_0 in 1 and 2 dims.
FileDesc baseDesc() {
    FileDesc d;
    auto add = [&](std::string key, GgufType type, std::vector<uint8_t> value) {
        d.kvs.push_back(KvDesc{std::move(key), t(type), std::move(value)});
    };
    add("general.architecture", GgufType::String, stringValue("llama"));
    add("general.name", GgufType::String, stringValue("broken-corpus base"));
    add("general.alignment", GgufType::Uint32, scalar<uint32_t>(kAlign));
    add("llama.context_length", GgufType::Uint32, scalar<uint32_t>(128));
    add("llama.embedding_length", GgufType::Uint64, scalar<uint64_t>(8));
    add("llama.attention.layer_norm_rms_epsilon", GgufType::Float32, scalar<float>(1e-5f));
    add("llama.rope.freq_base", GgufType::Float64, scalar<double>(10000.0));
    add("test.u8", GgufType::Uint8, scalar<uint8_t>(200));
    add("test.i8", GgufType::Int8, scalar<int8_t>(-100));
    add("test.u16", GgufType::Uint16, scalar<uint16_t>(60000));
    add("test.i16", GgufType::Int16, scalar<int16_t>(-30000));
    add("test.i32", GgufType::Int32, scalar<int32_t>(-7));
    add("test.i64", GgufType::Int64, scalar<int64_t>(-1));
    add("test.bool", GgufType::Bool, scalar<uint8_t>(1));
    {
        GgufBytes b;
        b.type(GgufType::String).u64(3).str("<unk>").str("<s>").str("hello");
        add("tokenizer.ggml.tokens", GgufType::Array, b.take());
    }
    {
        GgufBytes b;
        b.type(GgufType::Float32).u64(3).f32(0.f).f32(-1.f).f32(-2.5f);
        add("tokenizer.ggml.scores", GgufType::Array, b.take());
    }
    {
        GgufBytes b;
        b.type(GgufType::Int32).u64(3).i32(2).i32(3).i32(1);
        add("tokenizer.ggml.token_type", GgufType::Array, b.take());
    }
    d.tensors.push_back(TensorDesc{"token_embd.weight", {8, 4}, kF32});
    d.tensors.push_back(TensorDesc{"blk.0.attn_q.weight", {32, 2}, kQ8_0});
    d.tensors.push_back(TensorDesc{"output_norm.weight", {8}, kF32});
    return d;
}

size_t kvIndex(const FileDesc& d, std::string_view key) {
    for (size_t i = 0; i < d.kvs.size(); ++i) {
        if (d.kvs[i].key == key) return i;
    }
    std::fprintf(stderr, "broken_gguf: no key %s in the base file\n", std::string(key).c_str());
    std::abort();  // test-data programming error
}

std::string pad4(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04llu", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

std::vector<uint8_t> validGguf() { return build(baseDesc()).bytes; }

std::vector<BrokenGguf> brokenGgufCorpus() {
    std::vector<BrokenGguf> out;
    auto addDesc = [&](std::string name, const FileDesc& d, std::string expected) {
        out.push_back(BrokenGguf{std::move(name), build(d).bytes, std::move(expected)});
    };
    auto addBytes = [&](std::string name, std::vector<uint8_t> bytes, std::string expected) {
        out.push_back(BrokenGguf{std::move(name), std::move(bytes), std::move(expected)});
    };
    auto variant = [&](std::string name, std::string expected, auto&& change) {
        FileDesc d = baseDesc();
        change(d);
        addDesc(std::move(name), d, std::move(expected));
    };

    // --- Truncation: every prefix through the tensor infos and padding, several inside the data. ---
    const Built base = build(baseDesc());
    for (uint64_t len = 0; len < base.dataOffset; ++len) {
        addBytes("truncated-at-" + pad4(len),
                 std::vector<uint8_t>(base.bytes.begin(), base.bytes.begin() + static_cast<ptrdiff_t>(len)),
                 len == 0 ? "file is empty" : "truncated");
    }
    const uint64_t dataBytes = base.bytes.size() - base.dataOffset;
    for (uint64_t cut : {uint64_t{0}, uint64_t{1}, uint64_t{100}, uint64_t{128}, uint64_t{191}, dataBytes - 32,
                         dataBytes - 1}) {
        const uint64_t len = base.dataOffset + cut;
        addBytes("truncated-in-data-at-" + pad4(len),
                 std::vector<uint8_t>(base.bytes.begin(), base.bytes.begin() + static_cast<ptrdiff_t>(len)),
                 "runs past the end of the file");
    }

    // --- Header ---
    variant("bad-magic", "not a GGUF file: expected magic 'GGUF' at offset 0, found 'GGML'",
            [](FileDesc& d) { d.magic = "GGML"; });
    addBytes("text-file", GgufBytes().raw("Once upon a time, there was a little girl named Lily.\n").take(),
             "not a GGUF file");
    variant("version-1", "GGUF version 1 is not supported", [](FileDesc& d) { d.version = 1; });
    variant("version-0", "unsupported GGUF version 0", [](FileDesc& d) { d.version = 0; });
    variant("version-4", "unsupported GGUF version 4 (expected 2 or 3)", [](FileDesc& d) { d.version = 4; });
    variant("big-endian-v3", "big-endian GGUF files are not supported", [](FileDesc& d) { d.version = 0x03000000; });
    variant("big-endian-v2", "big-endian GGUF files are not supported", [](FileDesc& d) { d.version = 0x02000000; });
    variant("absurd-tensor-count", "implausible header counts",
            [](FileDesc& d) { d.nTensors = ~uint64_t{0}; });
    variant("absurd-tensor-count-2e40", "implausible header counts",
            [](FileDesc& d) { d.nTensors = uint64_t{1} << 40; });
    variant("absurd-kv-count", "implausible header counts", [](FileDesc& d) { d.nKv = uint64_t{1} << 63; });
    variant("absurd-kv-count-1e6", "implausible header counts", [](FileDesc& d) { d.nKv = 1000000; });
    // One entry more than written: the first tensor info is taken as key 17 (its n_dims 2 as type uint16), the
    // tensor infos are then misread from the middle of a shape and fail without reading past the buffer.
    variant("kv-count-one-too-many", "tensor info 0 name: string of", [](FileDesc& d) { d.nKv = d.kvs.size() + 1; });

    // --- Metadata ---
    {
        // Key length 2^64-1 with plenty of bytes after it for the count check to pass.
        GgufBytes b;
        b.raw("GGUF").u32(3).u64(0).u64(1).u64(~uint64_t{0}).zeros(64);
        addBytes("absurd-key-length", b.take(), "metadata key 0: string of 18446744073709551615 bytes at offset 32");
        GgufBytes b2;
        b2.raw("GGUF").u32(3).u64(0).u64(1).u64(uint64_t{1} << 62).zeros(64);
        addBytes("absurd-key-length-2e62", b2.take(), "string of 4611686018427387904 bytes at offset 32 runs past");
    }
    variant("absurd-string-value-length", "metadata key 1 ('general.name') string value: string of 1099511627776",
            [](FileDesc& d) {
                GgufBytes b;
                b.u64(uint64_t{1} << 40).raw("x");
                d.kvs[1].value = b.take();
            });
    variant("absurd-string-array-length", "array of 2305843009213693952 string elements", [](FileDesc& d) {
        GgufBytes b;
        b.type(GgufType::String).u64(uint64_t{1} << 61).str("a");
        d.kvs[kvIndex(d, "tokenizer.ggml.tokens")].value = b.take();
    });
    variant("absurd-float-array-length", "array of 18446744073709551615 float32 elements", [](FileDesc& d) {
        GgufBytes b;
        b.type(GgufType::Float32).u64(~uint64_t{0}).f32(1.f);
        d.kvs[kvIndex(d, "tokenizer.ggml.scores")].value = b.take();
    });
    variant("absurd-array-element-string-length", "array element 1: string of 1125899906842624 bytes", [](FileDesc& d) {
        // Second token's length is huge: "array element 1 ... string of N bytes".
        GgufBytes b;
        b.type(GgufType::String).u64(3).str("<unk>").u64(uint64_t{1} << 50).raw("<s>").str("hello");
        d.kvs[kvIndex(d, "tokenizer.ggml.tokens")].value = b.take();
    });
    variant("nested-array", "nested arrays are not supported", [](FileDesc& d) {
        GgufBytes b;
        b.type(GgufType::Array).u64(1).type(GgufType::Int32).u64(1).i32(5);
        d.kvs[kvIndex(d, "tokenizer.ggml.token_type")].value = b.take();
    });
    variant("unknown-value-type-13", "('test.u8') has unknown value type 13",
            [](FileDesc& d) { d.kvs[kvIndex(d, "test.u8")].type = 13; });
    variant("unknown-value-type-max", "has unknown value type 4294967295",
            [](FileDesc& d) { d.kvs[kvIndex(d, "test.u8")].type = ~uint32_t{0}; });
    variant("unknown-array-element-type", "array has unknown element type 200", [](FileDesc& d) {
        GgufBytes b;
        b.u32(200).u64(1).u32(0);
        d.kvs[kvIndex(d, "tokenizer.ggml.token_type")].value = b.take();
    });
    variant("duplicate-key", "duplicate metadata key 'general.name'", [](FileDesc& d) {
        d.kvs.push_back(KvDesc{"general.name", t(GgufType::String), stringValue("again")});
    });
    variant("alignment-zero", "'general.alignment' is 0, expected a non-zero power of two",
            [](FileDesc& d) { d.kvs[kvIndex(d, "general.alignment")].value = scalar<uint32_t>(0); });
    variant("alignment-48", "'general.alignment' is 48, expected a non-zero power of two",
            [](FileDesc& d) { d.kvs[kvIndex(d, "general.alignment")].value = scalar<uint32_t>(48); });
    variant("alignment-int32", "'general.alignment' has type int32, expected uint32", [](FileDesc& d) {
        d.kvs[kvIndex(d, "general.alignment")].type = t(GgufType::Int32);
    });
    variant("alignment-string", "'general.alignment' has type string, expected uint32", [](FileDesc& d) {
        KvDesc& kv = d.kvs[kvIndex(d, "general.alignment")];
        kv.type = t(GgufType::String);
        kv.value = stringValue("32");
    });

    // --- Tensor infos ---
    {
        // A tensor name of length 2^63 with enough bytes after the header for the count check.
        GgufBytes b;
        b.raw("GGUF").u32(3).u64(1).u64(0).u64(uint64_t{1} << 63).zeros(64);
        addBytes("absurd-tensor-name-length", b.take(), "tensor info 0 name: string of 9223372036854775808 bytes");
    }
    variant("duplicate-tensor-name", "duplicate tensor name 'token_embd.weight'",
            [](FileDesc& d) { d.tensors[2].name = "token_embd.weight"; });
    variant("zero-dims", "tensor 2 ('output_norm.weight') has 0 dimensions", [](FileDesc& d) {
        d.tensors[2].ne.clear();
        d.tensors[2].bytes = 32;
    });
    variant("five-dims", "has 5 dimensions", [](FileDesc& d) { d.tensors[2].ne = {8, 1, 1, 1, 1}; });
    variant("absurd-dims", "has 4294967295 dimensions", [](FileDesc& d) {
        // n_dims is written from ne.size(); fake 2^32-1 by a raw override below.
        d.tensors[2].ne = {8};
    });
    {
        // Patch n_dims of the last tensor to 0xffffffff in the built bytes of the previous case.
        BrokenGguf& c = out.back();
        const std::string name = "output_norm.weight";
        for (size_t i = 0; i + name.size() + 4 <= c.bytes.size(); ++i) {
            if (std::equal(name.begin(), name.end(), c.bytes.begin() + static_cast<ptrdiff_t>(i))) {
                for (size_t k = 0; k < 4; ++k) c.bytes[i + name.size() + k] = 0xff;
                break;
            }
        }
    }
    variant("zero-dimension", "tensor 0 ('token_embd.weight') dimension 1 is 0", [](FileDesc& d) {
        d.tensors[0].ne = {8, 0};
        d.tensors[0].bytes = 128;
    });
    variant("negative-dimension", "dimension 0 is -8", [](FileDesc& d) {
        d.tensors[2].ne = {static_cast<uint64_t>(int64_t{-8})};
        d.tensors[2].bytes = 32;
    });
    variant("element-count-overflow", "has more than 2^63 elements", [](FileDesc& d) {
        d.tensors[2].ne = {uint64_t{1} << 32, uint64_t{1} << 32, 4};
        d.tensors[2].bytes = 32;
    });
    variant("byte-size-overflow", "needs more than 2^64 bytes", [](FileDesc& d) {
        d.tensors[2].ne = {uint64_t{1} << 62};
        d.tensors[2].type = kF64;
        d.tensors[2].bytes = 32;
    });
    variant("row-not-multiple-of-block", "tensor 'blk.0.attn_q.weight' (Q8_0, shape [33, 2]): row length 33 is "
            "not a multiple of the block size 32",
            [](FileDesc& d) {
                d.tensors[1].ne = {33, 2};
                d.tensors[1].bytes = 68;
            });
    variant("unknown-tensor-type-99", "tensor 'blk.0.attn_q.weight' has unknown type id 99",
            [](FileDesc& d) { d.tensors[1].type = 99; });
    variant("removed-tensor-type-4", "tensor 'blk.0.attn_q.weight' has unknown type id 4",
            [](FileDesc& d) { d.tensors[1].type = 4; });
    variant("removed-tensor-type-31", "has unknown type id 31", [](FileDesc& d) { d.tensors[1].type = 31; });
    variant("misaligned-offset", "tensor 'output_norm.weight' data offset 228 is not a multiple of the alignment 32",
            [](FileDesc& d) { d.tensors[2].offset = 228; });
    variant("misaligned-offset-align64", "data offset 160 is not a multiple of the alignment 64", [](FileDesc& d) {
        d.kvs[kvIndex(d, "general.alignment")].value = scalar<uint32_t>(64);
        d.alignment = 64;
        d.tensors[1].offset = 160;
    });
    variant("offset-outside-file", "tensor 'output_norm.weight': data [offset 1099511627776, 32 bytes]",
            [](FileDesc& d) { d.tensors[2].offset = uint64_t{1} << 40; });
    variant("offset-near-2e64", "runs past the end of the file",
            [](FileDesc& d) { d.tensors[2].offset = ~uint64_t{0} - 31; });
    variant("tensor-too-big-for-file", "tensor 'output_norm.weight': data [offset 224, 4096 bytes]",
            [](FileDesc& d) {
                d.tensors[2].ne = {1024};
                d.dataBytes = 256;
            });
    variant("overlap-same-offset", "tensors 'token_embd.weight' [offset 0, 128 bytes] and 'output_norm.weight' "
            "[offset 0, 32 bytes] overlap",
            [](FileDesc& d) { d.tensors[2].offset = 0; });
    variant("overlap-partial", "'token_embd.weight' [offset 0, 128 bytes] and 'blk.0.attn_q.weight' [offset 96, "
            "68 bytes] overlap",
            [](FileDesc& d) {
                d.tensors[1].offset = 96;
                d.tensors[2].offset = 192;
            });
    variant("tensor-count-one-too-many", "tensor 3 ('') has 0 dimensions", [](FileDesc& d) {
        // The reader takes the padding as a fourth tensor info: a zero-length name, then n_dims 0.
        d.nTensors = d.tensors.size() + 1;
    });
    return out;
}

}  // namespace hearth::engine::testing
