#include "app/cli/json_writer.h"

#include <cmath>
#include <fmt/format.h>

namespace hearth::cli {

std::string jsonEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += fmt::format("\\u{:04x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

void JsonWriter::separate() {
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += ',';
        first_.back() = false;
    }
}

JsonWriter& JsonWriter::beginObject() {
    separate();
    out_ += '{';
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::endObject() {
    first_.pop_back();
    out_ += '}';
    return *this;
}
JsonWriter& JsonWriter::beginArray() {
    separate();
    out_ += '[';
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::endArray() {
    first_.pop_back();
    out_ += ']';
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
    separate();
    out_ += '"';
    out_ += jsonEscape(k);
    out_ += "\":";
    afterKey_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
    separate();
    out_ += '"';
    out_ += jsonEscape(s);
    out_ += '"';
    return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
    separate();
    out_ += fmt::format("{}", v);
    return *this;
}
JsonWriter& JsonWriter::value(uint64_t v) {
    separate();
    out_ += fmt::format("{}", v);
    return *this;
}
JsonWriter& JsonWriter::value(double v) {
    separate();
    out_ += std::isfinite(v) ? fmt::format("{}", v) : std::string("null");
    return *this;
}
JsonWriter& JsonWriter::value(float v) {
    separate();
    out_ += std::isfinite(v) ? fmt::format("{}", v) : std::string("null");
    return *this;
}
JsonWriter& JsonWriter::value(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
}

}  // namespace hearth::cli
