// make_broken_gguf DIR: writes the broken-GGUF corpus (tests/engine/broken_gguf.h) into DIR, one file per case
// named <case>.gguf, plus valid.gguf (the base they are derived from) and expected.tsv (case name, tab, the
// substring the reader's error must contain). Used to check `hearth-cli info` on each file and as a fuzz seed.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tests/engine/broken_gguf.h"

namespace {

bool writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
        std::fprintf(stderr, "make_broken_gguf: cannot create '%s': %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    const bool ok = (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    if (std::fclose(f) != 0 || !ok) {
        std::fprintf(stderr, "make_broken_gguf: cannot write '%s': %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: make_broken_gguf DIR\n"
                             "Writes deliberately malformed GGUF files (DIR/<case>.gguf), DIR/valid.gguf and\n"
                             "DIR/expected.tsv (case, expected error substring). DIR must exist.\n");
        return 2;
    }
    const std::string dir = argv[1];
    using hearth::engine::testing::BrokenGguf;
    const std::vector<BrokenGguf> corpus = hearth::engine::testing::brokenGgufCorpus();
    std::string tsv;
    for (const BrokenGguf& c : corpus) {
        if (!writeFile(dir + "/" + c.name + ".gguf", c.bytes)) return 1;
        tsv += c.name + ".gguf\t" + c.expectedError + "\n";
    }
    if (!writeFile(dir + "/valid.gguf", hearth::engine::testing::validGguf())) return 1;
    if (!writeFile(dir + "/expected.tsv", std::vector<uint8_t>(tsv.begin(), tsv.end()))) return 1;
    std::printf("wrote %zu broken GGUF files, valid.gguf and expected.tsv to %s\n", corpus.size(), dir.c_str());
    return 0;
}
