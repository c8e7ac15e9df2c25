// The bandwidth cache file (engine/membw_cache.h): what one process stores the next reads back, per thread count
// and per CPU, and a damaged or foreign file never crashes a reader and is replaced by the next store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/membw_cache.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;

// Points HEARTH_CACHE_DIR at a fresh directory for the test and restores the environment afterwards.
class MembwCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* old = std::getenv("HEARTH_CACHE_DIR");
        hadOld_ = old != nullptr;
        if (hadOld_) old_ = old;
        dir_ = fs::temp_directory_path() /
               ("hearth-membw-cache-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        ::setenv("HEARTH_CACHE_DIR", (dir_ / "cache").c_str(), 1);
    }
    void TearDown() override {
        if (hadOld_) ::setenv("HEARTH_CACHE_DIR", old_.c_str(), 1);
        else ::unsetenv("HEARTH_CACHE_DIR");
        fs::remove_all(dir_);
    }

    static void writeFile(const std::string& text) {
        fs::create_directories(fs::path(membw_cache::path()).parent_path());
        std::ofstream(membw_cache::path(), std::ios::binary) << text;
    }
    static std::string readFile() {
        std::ifstream in(membw_cache::path(), std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    static MembwResult result(int threads, double gbps) {
        MembwResult r;
        r.nThreads = threads;
        r.gbps = gbps;
        r.bestGbps = gbps * 1.1;
        r.cpuShare = 0.97;
        return r;
    }

    fs::path dir_;
    std::string old_;
    bool hadOld_ = false;
};

TEST_F(MembwCacheTest, PathFollowsOverrideThenXdgThenHome) {
    EXPECT_EQ(membw_cache::path(), (dir_ / "cache" / "membw.json").string());
    ::unsetenv("HEARTH_CACHE_DIR");
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const std::string oldXdg = xdg != nullptr ? xdg : "";
    ::setenv("XDG_CACHE_HOME", "/tmp/xdg-cache", 1);
    EXPECT_EQ(membw_cache::path(), "/tmp/xdg-cache/hearth/membw.json");
    ::unsetenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    ASSERT_NE(home, nullptr);
    EXPECT_EQ(membw_cache::path(), std::string(home) + "/.cache/hearth/membw.json");
    if (xdg != nullptr) ::setenv("XDG_CACHE_HOME", oldXdg.c_str(), 1);
}

TEST_F(MembwCacheTest, NoFileIsNoCache) {
    EXPECT_FALSE(fs::exists(membw_cache::path()));
    EXPECT_FALSE(membw_cache::load(1).has_value());
}

TEST_F(MembwCacheTest, RoundTrip) {
    auto stored = membw_cache::store(result(2, 13.75));
    ASSERT_TRUE(stored) << stored.message();
    EXPECT_EQ(stored->cpuModel, membw_cache::cpuModel());
    EXPECT_EQ(stored->measuredAt.size(), std::string("2026-12-07T09:20:38Z").size()) << stored->measuredAt;

    const auto loaded = membw_cache::load(2);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->threads, 2);
    EXPECT_DOUBLE_EQ(loaded->gbps, 13.75);  // exact: the file keeps every digit
    EXPECT_DOUBLE_EQ(loaded->bestGbps, 13.75 * 1.1);
    EXPECT_DOUBLE_EQ(loaded->cpuShare, 0.97);
    EXPECT_EQ(loaded->measuredAt, stored->measuredAt);
    EXPECT_EQ(loaded->cpuModel, membw_cache::cpuModel());

    // The file is plain JSON any tool can read.
    const auto doc = nlohmann::json::parse(readFile());
    EXPECT_EQ(doc["entries"].size(), 1u);
    EXPECT_EQ(doc["entries"][0]["threads"], 2);
}

TEST_F(MembwCacheTest, OneEntryPerThreadCount) {
    ASSERT_TRUE(membw_cache::store(result(1, 8.5)));
    ASSERT_TRUE(membw_cache::store(result(2, 14.0)));
    ASSERT_TRUE(membw_cache::store(result(1, 9.25)));  // re-measured: replaces the 1-thread entry
    EXPECT_DOUBLE_EQ(membw_cache::load(1)->gbps, 9.25);
    EXPECT_DOUBLE_EQ(membw_cache::load(2)->gbps, 14.0);
    EXPECT_FALSE(membw_cache::load(4).has_value());
    EXPECT_EQ(nlohmann::json::parse(readFile())["entries"].size(), 2u);
}

TEST_F(MembwCacheTest, AnotherCpusEntriesAreIgnoredAndDropped) {
    membw_cache::Entry other;
    other.threads = 2;
    other.gbps = 99.0;
    other.measuredAt = "2020-01-01T00:00:00Z";
    other.cpuModel = "Some Other CPU \"quoted\" \\ model";  // escaping round-trips too
    ASSERT_TRUE(membw_cache::store(other));
    EXPECT_FALSE(membw_cache::load(2).has_value()) << "a figure measured on another CPU must not be used";

    ASSERT_TRUE(membw_cache::store(result(1, 7.0)));
    EXPECT_DOUBLE_EQ(membw_cache::load(1)->gbps, 7.0);
    const auto doc = nlohmann::json::parse(readFile());
    ASSERT_EQ(doc["entries"].size(), 1u) << "the other CPU's entry is stale and goes";
    EXPECT_EQ(doc["entries"][0]["cpu_model"], membw_cache::cpuModel());
}

TEST_F(MembwCacheTest, CorruptOrForeignFileIsNoCacheAndGetsOverwritten) {
    const std::string cpu = membw_cache::cpuModel();
    const std::string good = "{\"version\": 1, \"entries\": [{\"threads\": 3, \"gbps\": 5.5, \"measured_at\": \"x\", "
                             "\"cpu_model\": " + nlohmann::json(cpu).dump() + "}]}";
    writeFile(good);
    ASSERT_TRUE(membw_cache::load(3).has_value()) << "a hand-written valid file (optional fields absent) is read";
    EXPECT_DOUBLE_EQ(membw_cache::load(3)->gbps, 5.5);

    const std::string bad[] = {
        "",
        "garbage",
        good.substr(0, good.size() / 2),                       // truncated
        good + "x",                                            // trailing garbage
        std::string(100000, '['),                              // deep nesting
        "{\"version\": 2, \"entries\": []}",                   // a future format
        "[1, 2, 3]",                                           // some other program's JSON
        "{\"version\": 1, \"entries\": [{\"threads\": \"3\", \"gbps\": 5.5, \"measured_at\": \"x\", \"cpu_model\": \"y\"}]}",
        "{\"version\": 1, \"entries\": [{\"threads\": 3, \"gbps\": -1, \"measured_at\": \"x\", \"cpu_model\": \"y\"}]}",
        std::string("\x00\xff\xfe{", 4),
    };
    for (const std::string& text : bad) {
        writeFile(text);
        EXPECT_FALSE(membw_cache::load(3).has_value()) << text.substr(0, 80);
        EXPECT_FALSE(membw_cache::load(1).has_value()) << text.substr(0, 80);
    }
    // The next store replaces the corrupt file with a valid one.
    ASSERT_TRUE(membw_cache::store(result(1, 6.5)));
    EXPECT_DOUBLE_EQ(membw_cache::load(1)->gbps, 6.5);
    EXPECT_TRUE(nlohmann::json::accept(readFile()));
}

TEST_F(MembwCacheTest, UnwritableDirectoryIsAnErrorNotACrash) {
    // The cache "directory" is a regular file: nothing can be created below it.
    fs::create_directories(dir_);
    std::ofstream(dir_ / "cache") << "a file";
    auto stored = membw_cache::store(result(1, 6.5));
    ASSERT_FALSE(stored);
    EXPECT_NE(stored.message().find("cache"), std::string::npos) << stored.message();
    EXPECT_FALSE(membw_cache::load(1).has_value());
}

TEST(MembwCacheCpu, ModelNameIsReadOrUnknown) {
    const std::string cpu = membw_cache::cpuModel();
    EXPECT_FALSE(cpu.empty());
    std::ifstream in("/proc/cpuinfo");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("model name") != std::string::npos) {
        EXPECT_NE(cpu, "unknown");
        EXPECT_NE(text.find(cpu), std::string::npos) << cpu;
    }
}

}  // namespace
}  // namespace hearth::engine
