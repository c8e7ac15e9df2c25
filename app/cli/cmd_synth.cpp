// hearth-cli synth: write a random-weight model of a real shape with llama.cpp's type mix for a file type, so
// benchmarks run on files comparable with the ones users download.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "app/cli/commands.h"
#include "engine/model_synth.h"

namespace hearth::cli {
namespace {

Result<kernels::GgmlType> tensorTypeOption(const Args& args, std::string_view name) {
    const auto v = args.value(name);
    auto t = kernels::typeFromName(*v);
    if (!t) return Error{std::string(name) + ": unknown tensor type '" + *v + "'"};
    return *t;
}

}  // namespace

int cmdSynth(const Args& args) {
    auto out = args.required("-o");
    if (!out) return fail(out.message());
    auto shape = args.required("--shape");
    if (!shape) return fail(shape.message());
    auto typeName = args.required("--type");
    if (!typeName) return fail(typeName.message());
    auto fileType = engine::fileTypeFromName(*typeName);
    if (!fileType) {
        std::string names;
        for (engine::FileType t : engine::allFileTypes()) {
            names += (names.empty() ? "" : " ") + std::string(engine::fileTypeName(t));
        }
        return fail("--type: unknown file type '" + *typeName + "' (known: " + names + ")");
    }
    auto seed = args.intValue("--seed", 42, 0, INT64_MAX);
    if (!seed) return fail(seed.message());
    const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
    auto threads = args.intValue("-t", hw, 1, 1024);
    if (!threads) return fail(threads.message());

    engine::SynthOptions o;
    o.arch = args.value("--arch").value_or("llama");
    o.shape = *shape;
    o.fileType = *fileType;
    o.seed = uint64_t(*seed);
    o.vocabFrom = args.value("--vocab-from").value_or("");
    o.nThreads = int(*threads);
    o.mix.pure = args.has("--pure");
    if (args.has("--output-type")) {
        auto t = tensorTypeOption(args, "--output-type");
        if (!t) return fail(t.message());
        o.mix.outputType = *t;
    }
    if (args.has("--embd-type")) {
        auto t = tensorTypeOption(args, "--embd-type");
        if (!t) return fail(t.message());
        o.mix.tokenEmbdType = *t;
    }
    const bool tty = isatty(fileno(stderr));
    if (tty) {
        o.progress = [](size_t i, size_t n, const engine::SynthTensor& t) {
            std::fprintf(stderr, "\r[%3zu/%3zu] %-28s %-6s", i + 1, n, t.spec.name.c_str(),
                         std::string(kernels::typeName(t.spec.type)).c_str());
            std::fflush(stderr);
        };
    }

    Status st = engine::synthesizeModel(o, *out);
    if (tty) std::fprintf(stderr, "\r%60s\r", "");
    if (!st) {
        const bool missing = st.message().find("cannot quantize") != std::string::npos;
        return fail(st.message() + (missing ? " (--pure or --output-type/--embd-type avoid it)" : ""));
    }

    const engine::SynthShape& s = *engine::findSynthShape(o.shape);
    std::string mix;
    for (const auto& [name, count] : engine::typeCounts(engine::synthTensorPlan(s, o.fileType, o.mix))) {
        mix += (mix.empty() ? "" : ", ") + name + " " + std::to_string(count);
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(*out, ec);
    std::printf("wrote %s: %s %s, %.2f MiB, tensor types: %s\n", out->c_str(), std::string(s.name).c_str(),
                typeName->c_str(), ec ? 0.0 : double(bytes) / (1024.0 * 1024.0), mix.c_str());
    return 0;
}

}  // namespace hearth::cli
