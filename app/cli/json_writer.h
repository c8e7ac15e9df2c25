// A minimal streaming JSON writer for hearth-cli's --json output: one document on stdout, numbers as plain
// JSON numbers (floats in their shortest round-trip form; non-finite values as null, which JSON lacks).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::cli {

class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(float v);
    JsonWriter& value(bool v);

    template <class T>
    JsonWriter& field(std::string_view k, const T& v) { return key(k).value(v); }

    const std::string& str() const { return out_; }

private:
    void separate();
    std::string out_;
    std::vector<bool> first_;   // per open container: no element written yet
    bool afterKey_ = false;
};

std::string jsonEscape(std::string_view s);

}  // namespace hearth::cli
