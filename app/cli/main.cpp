// hearth-cli: run GGUF models from the terminal. `hearth-cli COMMAND [options]`; `hearth-cli --help` lists them.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/cli/commands.h"

namespace hearth::cli {
namespace {

const OptionSpec kModel{"-m", true, "--model"};
const OptionSpec kThreads{"-t", true, "--threads"};
const OptionSpec kCtx{"--ctx", true};
const OptionSpec kJson{"--json", false};
const OptionSpec kVerbose{"-v", false, "--verbose"};
const OptionSpec kKvType{"--kv-type", true};
const OptionSpec kNoRepack{"--no-repack", false};

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"info", "info -m MODEL [--ctx N] [--kv-type f16|q8_0|f32] [-t N] [--json]",
         {kModel, kCtx, kKvType, kThreads, kJson, kVerbose}, cmdInfo},
        {"tokenize", "tokenize -m MODEL (--text STR | --file PATH | --vocab-test FILE.inp) [--bos]",
         {kModel, {"--text", true}, {"--file", true}, {"--vocab-test", true}, {"--bos", false}, kVerbose},
         cmdTokenize},
        {"logits", "logits -m MODEL --tokens \"1 2 3\" [-t N] [--ctx N] [--kv-type f32|f16|q8_0] [--json]",
         {kModel, {"--tokens", true}, kThreads, kCtx, kKvType, kNoRepack, kJson, kVerbose}, cmdLogits},
        {"run", "run -m MODEL -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P] "
                "[--repeat-penalty R] [--seed S] [-t N] [--ctx N] [--kv-type f16|q8_0|f32] [--chat]",
         {kModel, {"-p", true, "--prompt"}, {"-n", true}, {"--temp", true}, {"--top-k", true}, {"--top-p", true},
          {"--min-p", true}, {"--repeat-penalty", true}, {"--seed", true}, kThreads, kCtx, kKvType, {"--chat", false},
          {"--system", true}, kNoRepack, kVerbose},
         cmdRun},
        {"chat", "chat -m MODEL [--system TEXT] [--temp T] [--seed S] [-n N] [-t N] [--ctx N] [--kv-type f16|q8_0|f32]",
         {kModel, {"--system", true}, {"--temp", true}, {"--top-k", true}, {"--top-p", true}, {"--min-p", true},
          {"--repeat-penalty", true}, {"--seed", true}, {"-n", true}, kThreads, kCtx, kKvType, kNoRepack, kVerbose},
         cmdChat},
        {"bench", "bench -m MODEL [-t N] [-p 512] [-n 128] [-d 0] [-r 3] [--kv-type f16|q8_0|f32] [--no-repack] "
                  "[--remeasure] [--json]",
         {kModel, kThreads, {"-p", true}, {"-n", true}, {"-d", true}, {"-r", true}, kKvType, kNoRepack,
          {"--remeasure", false}, kJson, kVerbose},
         cmdBench},
        {"embed", "embed -m MODEL --text STR [--raw] [-t N] [--json]",
         {kModel, {"--text", true}, {"--raw", false}, kThreads, kNoRepack, kJson, kVerbose}, cmdEmbed},
        {"membw", "membw [-t N] [--mib 1024] [--passes 21] [--json]",
         {kThreads, {"--mib", true}, {"--passes", true}, kJson, kVerbose}, cmdMembw},
        {"synth", "synth --arch llama --shape NAME --type FTYPE [--vocab-from GGUF] [--seed S] [-t N] [--pure] "
                  "[--output-type T] [--embd-type T] -o OUT.gguf",
         {{"--arch", true}, {"--shape", true}, {"--type", true}, {"--vocab-from", true}, {"--seed", true},
          kThreads, {"--pure", false}, {"--output-type", true}, {"--embd-type", true}, {"-o", true}, kVerbose},
         cmdSynth},
    };
    return table;
}

void printUsage(FILE* out) {
    std::fprintf(out, "usage: hearth-cli COMMAND [options]\n\ncommands:\n");
    for (const Command& c : commands()) std::fprintf(out, "  hearth-cli %s\n", c.usage);
    std::fprintf(out, "\n-t N sets threads, --ctx N the context (default: the model's, capped at 4096),\n"
                      "--kv-type the KV cache type (f16 default; q8_0 about half the memory, needs head_dim\n"
                      "a multiple of 32; f32 exact), --no-repack keeps every weight in the file's layout\n"
                      "(no load-time copy for the faster kernels), --json prints one JSON document on stdout,\n"
                      "-v logs more on stderr.\n");
}

int runMain(int argc, char** argv) {
    // Logs always go to stderr so that stdout holds only the command's output (one JSON document with --json).
    // Quiet by default (warnings about ignored metadata would add lines around an error's one-line reason);
    // -v shows warnings and progress.
    auto logger = spdlog::stderr_color_mt("hearth");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::err);

    if (argc < 2) {
        printUsage(stderr);
        return 1;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(stdout);
        return 0;
    }
    for (const Command& c : commands()) {
        if (name != c.name) continue;
        std::vector<std::string> rest(argv + 2, argv + argc);
        for (const std::string& word : rest) {
            if (word == "--help" || word == "-h") {
                std::printf("usage: hearth-cli %s\n", c.usage);
                return 0;
            }
        }
        auto args = Args::parse(rest, c.options);
        if (!args) return fail(args.message() + " (usage: hearth-cli " + c.usage + ")");
        if (args->has("-v")) spdlog::set_level(spdlog::level::info);
        return c.run(*args);
    }
    return fail("unknown command '" + name + "' (try hearth-cli --help)");
}

}  // namespace
}  // namespace hearth::cli

int main(int argc, char** argv) {
    // The engine reports errors as values; this is the last guard against anything else (e.g. out of memory).
    try {
        return hearth::cli::runMain(argc, argv);
    } catch (const std::exception& e) {
        return hearth::cli::fail(std::string("internal error: ") + e.what());
    } catch (...) {
        return hearth::cli::fail("internal error");
    }
}
