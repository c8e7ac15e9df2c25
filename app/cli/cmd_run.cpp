// hearth-cli run / chat: generate text and stream it to stdout; speed goes to stderr.
#include <cstdio>
#include <iostream>
#include <string>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/session.h"

namespace hearth::cli {
namespace {

bool printText(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
}

void printStats(const engine::GenerationStats& s) {
    std::fprintf(stderr,
                 "\nprompt: %d tokens (%d evaluated) in %.3f s, %.2f tokens/s | generation: %d tokens in %.3f s, "
                 "%.2f tokens/s | stop: %s\n",
                 s.promptTokens, s.promptEvaluated, s.promptSeconds, s.promptTokensPerSecond(), s.generatedTokens,
                 s.generateSeconds, s.generateTokensPerSecond(), std::string(engine::stopReasonName(s.stopReason)).c_str());
}

struct Setup {
    LoadedModel loaded;
    std::unique_ptr<engine::Session> session;
    engine::GenerationParams gen;
};

Result<Setup> setUp(const Args& args, int64_t defaultTokens) {
    auto loaded = loadModel(args);
    if (!loaded) return loaded.error();
    auto params = contextParams(args, *loaded->model);
    if (!params) return params.error();
    auto sampler = samplerParams(args, 0.8f);
    if (!sampler) return sampler.error();
    auto n = args.intValue("-n", defaultTokens, -1, int64_t{1} << 30);
    if (!n) return n.error();

    Setup setup{std::move(loaded).value(), nullptr, {}};
    auto session = engine::Session::create(*setup.loaded.model, setup.loaded.vocab, *params);
    if (!session) return session.error();
    setup.session = std::move(session).value();
    setup.gen.maxTokens = int(*n);
    setup.gen.sampler = *sampler;
    if (auto system = args.value("--system")) setup.session->setSystemPrompt(*system);
    return setup;
}

}  // namespace

int cmdRun(const Args& args) {
    auto prompt = args.required("-p");
    if (!prompt) return fail(prompt.message());
    auto setup = setUp(args, 128);
    if (!setup) return fail(setup.message());

    auto stats = args.has("--chat") ? setup->session->chat(*prompt, setup->gen, printText)
                                    : setup->session->generateText(*prompt, false, setup->gen, [&](auto text) {
                                          return printText(text);
                                      });
    if (!stats) return fail(stats.message());
    printStats(*stats);
    return 0;
}

int cmdChat(const Args& args) {
    auto setup = setUp(args, -1);
    if (!setup) return fail(setup.message());
    engine::Session& session = *setup->session;
    std::fprintf(stderr, "chat format: %s, context %d tokens. /reset starts over, /quit or Ctrl-D leaves.\n",
                 std::string(engine::chatFormatName(session.chatFormat())).c_str(), session.nCtx());
    std::string line;
    for (;;) {
        std::fprintf(stdout, "\n> ");
        std::fflush(stdout);
        if (!std::getline(std::cin, line)) break;
        if (line == "/quit") break;
        if (line == "/reset") {
            session.resetConversation();
            continue;
        }
        if (line.empty()) continue;
        auto stats = session.chat(line, setup->gen, printText);
        if (!stats) {
            std::fprintf(stderr, "hearth-cli: %s\n", stats.message().c_str());
            continue;
        }
        std::fprintf(stderr, "\n[%d tokens, %.1f tokens/s; context %d/%d]", stats->generatedTokens,
                     stats->generateTokensPerSecond(), session.nPast(), session.nCtx());
    }
    std::fprintf(stdout, "\n");
    return 0;
}

}  // namespace hearth::cli
