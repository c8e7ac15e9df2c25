// Command-line parsing for hearth-cli: `hearth-cli COMMAND [options]`. Each command declares the options it
// takes (with or without a value); anything else is an error that names the option, so scripts fail loudly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace hearth::cli {

struct OptionSpec {
    std::string name;      // as typed: "-m", "--ctx"
    bool takesValue;
    std::string alias{};   // optional second spelling: "--model"
};

class Args {
public:
    // argv without the program name and the command.
    static Result<Args> parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& spec);

    bool has(std::string_view name) const;
    std::optional<std::string> value(std::string_view name) const;
    // Typed values: an error names the option and the text found.
    Result<int64_t> intValue(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
    Result<double> floatValue(std::string_view name, double fallback) const;
    Result<std::string> required(std::string_view name) const;

private:
    std::map<std::string, std::string, std::less<>> values_;
    std::set<std::string, std::less<>> flags_;
};

}  // namespace hearth::cli
