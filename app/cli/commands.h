// hearth-cli commands. Each takes its parsed options and returns the process exit status (0 ok, 1 error, with
// a one-line reason already printed on stderr).
#pragma once

#include <vector>

#include "app/cli/cli_args.h"

namespace hearth::cli {

struct Command {
    const char* name;
    const char* usage;   // one line, options included
    std::vector<OptionSpec> options;
    int (*run)(const Args& args);
};

int cmdInfo(const Args& args);
int cmdTokenize(const Args& args);
int cmdLogits(const Args& args);
int cmdRun(const Args& args);
int cmdChat(const Args& args);
int cmdBench(const Args& args);
int cmdMembw(const Args& args);
int cmdSynth(const Args& args);
int cmdEmbed(const Args& args);

// Prints "hearth-cli: <message>" on stderr and returns 1.
int fail(const std::string& message);

}  // namespace hearth::cli
