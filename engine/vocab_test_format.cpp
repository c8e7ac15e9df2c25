#include "engine/vocab_test_format.h"

#include <charconv>

namespace hearth::engine {

std::vector<std::string> parseVocabTestInput(std::string_view contents) {
    std::vector<std::string> texts;
    size_t start = 0;
    for (size_t end; (end = contents.find(kVocabTestSeparator, start)) != std::string_view::npos;
         start = end + kVocabTestSeparator.size()) {
        texts.emplace_back(contents.substr(start, end - start));
    }
    if (start < contents.size()) {
        texts.emplace_back(contents.substr(start));
    }
    return texts;
}

std::string formatVocabTestIds(std::span<const int32_t> ids) {
    std::string line;
    for (int32_t id : ids) {
        line += ' ';
        line += std::to_string(id);
    }
    return line;
}

Result<std::vector<std::vector<int32_t>>> parseVocabTestOutput(std::string_view contents) {
    std::vector<std::vector<int32_t>> lines;
    size_t lineNumber = 0;
    while (!contents.empty()) {
        ++lineNumber;
        const size_t newline = contents.find('\n');
        std::string_view line = contents.substr(0, newline);
        contents = newline == std::string_view::npos ? std::string_view() : contents.substr(newline + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        std::vector<int32_t> ids;
        size_t i = 0;
        while (i < line.size()) {
            if (line[i] == ' ') {
                ++i;
                continue;
            }
            int32_t id = 0;
            const auto [end, ec] = std::from_chars(line.data() + i, line.data() + line.size(), id);
            if (ec != std::errc() || (end != line.data() + line.size() && *end != ' ')) {
                return Error{"line " + std::to_string(lineNumber) + ": expected token ids separated by spaces, found '" +
                             std::string(line) + "'"};
            }
            ids.push_back(id);
            i = static_cast<size_t>(end - line.data());
        }
        lines.push_back(std::move(ids));
    }
    return lines;
}

}  // namespace hearth::engine
