#include "app/cli/cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace hearth::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& spec) {
    Args args;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& word = argv[i];
        const OptionSpec* found = nullptr;
        for (const OptionSpec& s : spec) {
            if (word == s.name || (!s.alias.empty() && word == s.alias)) found = &s;
        }
        if (!found) {
            if (!word.empty() && word[0] == '-') return Error{"unknown option '" + word + "'"};
            return Error{"unexpected argument '" + word + "'"};
        }
        if (!found->takesValue) {
            args.flags_.insert(found->name);
            continue;
        }
        if (i + 1 >= argv.size()) return Error{"option '" + word + "' needs a value"};
        args.values_[found->name] = argv[++i];
    }
    return args;
}

bool Args::has(std::string_view name) const {
    return flags_.find(name) != flags_.end() || values_.find(name) != values_.end();
}

std::optional<std::string> Args::value(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

Result<std::string> Args::required(std::string_view name) const {
    auto v = value(name);
    if (!v) return Error{"missing required option '" + std::string(name) + "'"};
    return *v;
}

Result<int64_t> Args::intValue(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
    auto v = value(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const long long parsed = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE) {
        return Error{"option '" + std::string(name) + "' expects an integer, found '" + *v + "'"};
    }
    if (parsed < min || parsed > max) {
        return Error{"option '" + std::string(name) + "' must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", found " + *v};
    }
    return static_cast<int64_t>(parsed);
}

Result<double> Args::floatValue(std::string_view name, double fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const double parsed = std::strtod(v->c_str(), &end);
    // nan / inf parse, but no sampling parameter means anything with them.
    if (v->empty() || *end != '\0' || errno == ERANGE || !std::isfinite(parsed)) {
        return Error{"option '" + std::string(name) + "' expects a finite number, found '" + *v + "'"};
    }
    return parsed;
}

}  // namespace hearth::cli
