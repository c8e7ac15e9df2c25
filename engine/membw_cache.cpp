// The bandwidth cache file. The engine has no JSON library (and needs none elsewhere), so the few lines of the
// format are written and read here by hand: a strict little JSON reader that rejects anything it does not
// understand, which makes a corrupt or foreign file simply "no cache".
#include "engine/membw_cache.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::engine::membw_cache {
namespace {

constexpr int kVersion = 1;
constexpr size_t kMaxFileBytes = 1 << 20;  // a real cache is a few hundred bytes; anything huge is not ours
constexpr int kMaxDepth = 8;               // the format nests 3 deep; a bound keeps a hostile file off the stack

std::string envOrEmpty(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
}

// A parsed JSON value (only what the format can hold).
struct Value {
    enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<Value> array;
    std::vector<std::pair<std::string, Value>> object;

    const Value* member(std::string_view key) const {
        for (const auto& [k, v] : object) {
            if (k == key) return &v;
        }
        return nullptr;
    }
};

class Reader {
public:
    explicit Reader(std::string_view text) : s_(text) {}

    // The whole text as one value, or nullopt on any syntax error or trailing garbage.
    std::optional<Value> document() {
        Value v;
        if (!value(v, 0)) return std::nullopt;
        skipSpace();
        if (pos_ != s_.size()) return std::nullopt;
        return v;
    }

private:
    void skipSpace() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
            ++pos_;
        }
    }
    bool consume(char c) {
        skipSpace();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    bool value(Value& out, int depth) {
        if (depth > kMaxDepth) return false;
        skipSpace();
        if (pos_ >= s_.size()) return false;
        const char c = s_[pos_];
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            out.kind = Value::Kind::String;
            return string(out.string);
        }
        if (c == 't' || c == 'f') {
            out.kind = Value::Kind::Bool;
            out.boolean = c == 't';
            return literal(c == 't' ? "true" : "false");
        }
        if (c == 'n') return literal("null");
        return number(out);
    }

    bool object(Value& out, int depth) {
        out.kind = Value::Kind::Object;
        ++pos_;  // '{'
        if (consume('}')) return true;
        do {
            skipSpace();
            std::string key;
            if (pos_ >= s_.size() || s_[pos_] != '"' || !string(key)) return false;
            if (!consume(':')) return false;
            Value v;
            if (!value(v, depth + 1)) return false;
            out.object.emplace_back(std::move(key), std::move(v));
        } while (consume(','));
        return consume('}');
    }

    bool array(Value& out, int depth) {
        out.kind = Value::Kind::Array;
        ++pos_;  // '['
        if (consume(']')) return true;
        do {
            Value v;
            if (!value(v, depth + 1)) return false;
            out.array.push_back(std::move(v));
        } while (consume(','));
        return consume(']');
    }

    // A string; \uXXXX escapes outside ASCII are kept as UTF-8 (surrogate pairs included).
    bool string(std::string& out) {
        ++pos_;  // '"'
        while (pos_ < s_.size()) {
            const char c = s_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) return false;
            const char e = s_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        uint32_t lo = 0;
                        if (!literal("\\u") || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return false;
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default: return false;
            }
        }
        return false;  // unterminated
    }

    bool hex4(uint32_t& cp) {
        if (pos_ + 4 > s_.size()) return false;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= uint32_t(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= uint32_t(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= uint32_t(h - 'A' + 10);
            else return false;
        }
        return true;
    }

    static void appendUtf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    bool number(Value& out) {
        const size_t start = pos_;
        if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
        bool digits = false;
        while (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
                                    s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
            digits |= s_[pos_] >= '0' && s_[pos_] <= '9';
            ++pos_;
        }
        if (!digits) return false;
        // strtod in the "C" locale semantics: istringstream with the classic locale.
        std::istringstream in{std::string(s_.substr(start, pos_ - start))};
        in.imbue(std::locale::classic());
        double d = 0;
        in >> d;
        if (in.fail() || !in.eof() || !std::isfinite(d)) return false;
        out.kind = Value::Kind::Number;
        out.number = d;
        return true;
    }

    std::string_view s_;
    size_t pos_ = 0;
};

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// Shortest text that reads back as the same double, independent of the locale.
std::string numberText(double d) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(17);
    out << d;
    return out.str();
}

std::string nowUtc() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The entries of the file at `file` (all CPUs), or nothing when it is missing or not in this format.
std::vector<Entry> readAll(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(size_t(in.gcount()));
    if (text.size() > kMaxFileBytes) return {};
    const std::optional<Value> doc = Reader(text).document();
    if (!doc || doc->kind != Value::Kind::Object) return {};
    const Value* version = doc->member("version");
    const Value* entries = doc->member("entries");
    if (version == nullptr || version->kind != Value::Kind::Number || version->number != kVersion) return {};
    if (entries == nullptr || entries->kind != Value::Kind::Array) return {};
    std::vector<Entry> out;
    for (const Value& v : entries->array) {
        if (v.kind != Value::Kind::Object) return {};
        const Value* threads = v.member("threads");
        const Value* gbps = v.member("gbps");
        const Value* measuredAt = v.member("measured_at");
        const Value* cpu = v.member("cpu_model");
        const bool valid = threads != nullptr && threads->kind == Value::Kind::Number && threads->number >= 1 &&
                           threads->number <= 65536 && threads->number == std::floor(threads->number) &&
                           gbps != nullptr && gbps->kind == Value::Kind::Number && gbps->number > 0 &&
                           measuredAt != nullptr && measuredAt->kind == Value::Kind::String && cpu != nullptr &&
                           cpu->kind == Value::Kind::String;
        if (!valid) return {};
        Entry e;
        e.threads = int(threads->number);
        e.gbps = gbps->number;
        e.measuredAt = measuredAt->string;
        e.cpuModel = cpu->string;
        // Optional figures: absent in a hand-written entry, not a reason to distrust the file.
        if (const Value* best = v.member("best_gbps"); best != nullptr && best->kind == Value::Kind::Number) {
            e.bestGbps = best->number;
        }
        if (const Value* share = v.member("cpu_share"); share != nullptr && share->kind == Value::Kind::Number) {
            e.cpuShare = share->number;
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

std::string path() {
    std::filesystem::path dir;
    if (std::string d = envOrEmpty("HEARTH_CACHE_DIR"); !d.empty()) {
        dir = d;
    } else if (std::string xdg = envOrEmpty("XDG_CACHE_HOME"); !xdg.empty() && xdg.front() == '/') {
        // The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
        dir = std::filesystem::path(xdg) / "hearth";
    } else if (std::string home = envOrEmpty("HOME"); !home.empty()) {
        dir = std::filesystem::path(home) / ".cache" / "hearth";
    } else {
        return {};
    }
    return (dir / "membw.json").string();
}

std::string cpuModel() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
        if (key != "model name") continue;
        size_t start = colon + 1;
        while (start < line.size() && line[start] == ' ') ++start;
        std::string value = line.substr(start);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
        if (!value.empty()) return value;
    }
    return "unknown";
}

std::optional<Entry> load(int nThreads) {
    const std::string file = path();
    if (file.empty()) return std::nullopt;
    const std::string cpu = cpuModel();
    for (Entry& e : readAll(file)) {
        if (e.threads == nThreads && e.cpuModel == cpu) return std::move(e);
    }
    return std::nullopt;
}

Status store(const Entry& entry) {
    const std::string file = path();
    if (file.empty()) return Error{"no cache directory: neither HEARTH_CACHE_DIR, XDG_CACHE_HOME nor HOME is set"};
    if (entry.threads < 1 || !(entry.gbps > 0)) return Error{"not a measurement: threads < 1 or no bandwidth"};

    // Keep this CPU's other thread counts; another CPU's entries are stale (the machine changed).
    std::vector<Entry> entries;
    for (Entry& e : readAll(file)) {
        if (e.cpuModel == entry.cpuModel && e.threads != entry.threads) entries.push_back(std::move(e));
    }
    entries.push_back(entry);

    std::string text = "{\n  \"version\": " + std::to_string(kVersion) + ",\n  \"entries\": [";
    for (size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        text += i == 0 ? "\n" : ",\n";
        text += "    {\"threads\": " + std::to_string(e.threads) + ", \"gbps\": " + numberText(e.gbps) +
                ", \"best_gbps\": " + numberText(e.bestGbps) + ", \"cpu_share\": " + numberText(e.cpuShare) +
                ", \"measured_at\": " + quoted(e.measuredAt) + ", \"cpu_model\": " + quoted(e.cpuModel) + "}";
    }
    text += "\n  ]\n}\n";

    std::error_code ec;
    const std::filesystem::path target(file);
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return Error{"cannot create " + target.parent_path().string() + ": " + ec.message()};
    // A per-process temporary name: the app and hearth-cli may store at the same moment; the last rename wins,
    // and either way the file is whole.
    const std::filesystem::path tmp = target.string() + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::filesystem::remove(tmp, ec);
            return Error{"cannot write " + tmp.string()};
        }
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        return Error{"cannot replace " + file + ": " + ec.message()};
    }
    return {};
}

Result<Entry> store(const MembwResult& result) {
    Entry e;
    e.threads = result.nThreads;
    e.gbps = result.gbps;
    e.bestGbps = result.bestGbps;
    e.cpuShare = result.cpuShare;
    e.measuredAt = nowUtc();
    e.cpuModel = cpuModel();
    if (Status st = store(e); !st) return st.error();
    return e;
}

}  // namespace hearth::engine::membw_cache
