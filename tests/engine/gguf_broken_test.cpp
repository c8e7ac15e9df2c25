// Every deliberately broken GGUF file (tests/engine/broken_gguf.h) is rejected, without crashing, with a one-line
// message that names the part at fault. Truncations are one test over every prefix; each other case is its own
// test.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "engine/gguf_reader.h"
#include "tests/engine/broken_gguf.h"

namespace hearth::engine {
namespace {

using testing::BrokenGguf;
using testing::brokenGgufCorpus;

bool isTruncation(const BrokenGguf& c) { return c.name.rfind("truncated-", 0) == 0; }

void expectRejected(const BrokenGguf& c) {
    SCOPED_TRACE(c.name);
    auto r = GgufFile::parse(c.bytes);
    ASSERT_FALSE(r.ok()) << c.name << " was accepted";
    const std::string& msg = r.message();
    EXPECT_NE(msg.find(c.expectedError), std::string::npos)
        << "error message:  " << msg << "\nexpected to contain: " << c.expectedError;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
}

TEST(GgufBroken, BaseFileIsValid) {
    // Each broken case changes one thing in this file, so it must parse.
    const std::vector<uint8_t> bytes = testing::validGguf();
    auto r = GgufFile::parse(bytes);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ((*r)->tensors().size(), 3u);
    EXPECT_EQ((*r)->getString("general.architecture"), "llama");
    EXPECT_EQ((*r)->getArray("tokenizer.ggml.tokens")->strings.size(), 3u);
}

TEST(GgufBroken, CorpusNamesAreUniqueAndFileSafe) {
    std::set<std::string> names;
    for (const BrokenGguf& c : brokenGgufCorpus()) {
        EXPECT_TRUE(names.insert(c.name).second) << c.name;
        EXPECT_EQ(c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos) << c.name;
        EXPECT_FALSE(c.expectedError.empty()) << c.name;
    }
}

TEST(GgufBroken, EveryTruncationIsRejected) {
    const std::vector<uint8_t> valid = testing::validGguf();
    size_t count = 0;
    for (const BrokenGguf& c : brokenGgufCorpus()) {
        if (!isTruncation(c)) continue;
        expectRejected(c);
        ++count;
    }
    // Every prefix up to the data section plus the cuts inside the data.
    EXPECT_GT(count, 800u);
}

TEST(GgufBroken, OpenReportsTheSameErrorAsParse) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("hearth_gguf_broken_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    for (const BrokenGguf& c : brokenGgufCorpus()) {
        if (isTruncation(c) && c.name != "truncated-at-0000" && c.name != "truncated-at-0100") continue;
        const std::string path = (dir / (c.name + ".gguf")).string();
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(c.bytes.data()),
                                                    static_cast<std::streamsize>(c.bytes.size()));
        auto r = GgufFile::open(path);
        ASSERT_FALSE(r.ok()) << c.name;
        EXPECT_EQ(r.message(), GgufFile::parse(c.bytes).message()) << c.name;
    }
    std::filesystem::remove_all(dir);
}

class GgufBrokenCase : public ::testing::TestWithParam<BrokenGguf> {};

TEST_P(GgufBrokenCase, IsRejectedWithItsMessage) { expectRejected(GetParam()); }

std::vector<BrokenGguf> namedCases() {
    std::vector<BrokenGguf> out;
    for (BrokenGguf& c : brokenGgufCorpus()) {
        if (!isTruncation(c)) out.push_back(std::move(c));
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, GgufBrokenCase, ::testing::ValuesIn(namedCases()),
                         [](const ::testing::TestParamInfo<BrokenGguf>& info) {
                             std::string name = info.param.name;
                             for (char& ch : name) {
                                 if (ch == '-') ch = '_';
                             }
                             return name;
                         });

}  // namespace
}  // namespace hearth::engine
