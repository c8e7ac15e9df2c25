// ThreadPool: every index of a parallelFor (and of a parallelForDynamic, on grain boundaries) is visited exactly
// once, for every range size and thread count; the static split is deterministic; the pool can be reused many times and runs callbacks on distinct threads.
#include "engine/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace hearth::engine {
namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexOnce) {
    for (int nThreads = 1; nThreads <= 4; ++nThreads) {
        ThreadPool pool(nThreads);
        EXPECT_EQ(pool.size(), nThreads);
        for (int64_t n : {0, 1, 2, 3, 4, 5, 7, 8, 31, 64, 1000, 1001}) {
            for (int64_t grain : {1, 3, 32}) {
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                for (auto& h : hits) h = 0;
                pool.parallelFor(
                    n,
                    [&](int64_t begin, int64_t end) {
                        ASSERT_LE(0, begin);
                        ASSERT_LT(begin, end);
                        ASSERT_LE(end, n);
                        // Chunk starts fall on multiples of the grain.
                        EXPECT_EQ(begin % grain, 0) << "n " << n << " grain " << grain;
                        for (int64_t i = begin; i < end; ++i) hits[size_t(i)]++;
                    },
                    grain);
                for (int64_t i = 0; i < n; ++i) {
                    ASSERT_EQ(hits[size_t(i)].load(), 1)
                        << "index " << i << " of " << n << " with " << nThreads << " threads, grain " << grain;
                }
            }
        }
    }
}

TEST(ThreadPool, DynamicChunksCoverEveryIndexOnceOnGrainBoundaries) {
    for (const int nThreads : {1, 2, 3}) {
        ThreadPool pool(nThreads);
        for (const int64_t n : {1, 15, 16, 17, 100, 1000, 11264}) {
            for (const int64_t chunkItems : {0, 1, 40, 704}) {
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                std::atomic<bool> aligned{true};
                pool.parallelForDynamic(n, [&](int64_t b, int64_t e) {
                    if (b % 16 != 0 || (e != n && e % 16 != 0) || b >= e) aligned = false;
                    // With workers, at most chunkItems rounded up to the grain (plus a partial grain at n); one
                    // thread runs the whole range in one call.
                    if (nThreads > 1 && e - b > std::max<int64_t>(16, (chunkItems + 15) / 16 * 16) + 15) {
                        aligned = false;
                    }
                    for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
                }, 16, chunkItems);
                for (int64_t i = 0; i < n; ++i) {
                    ASSERT_EQ(hits[size_t(i)].load(), 1) << "n " << n << " index " << i << " threads " << nThreads;
                }
                EXPECT_TRUE(aligned.load()) << "n " << n << " chunk " << chunkItems << " threads " << nThreads;
            }
        }
    }
}

TEST(ThreadPool, ChunksAreContiguousBalancedAndDeterministic) {
    for (int nth = 1; nth <= 4; ++nth) {
        for (int64_t n : {0, 1, 5, 10, 17, 100}) {
            int64_t expectBegin = 0;
            for (int ith = 0; ith < nth; ++ith) {
                int64_t b = 0, e = 0;
                ThreadPool::chunk(n, ith, nth, 1, &b, &e);
                EXPECT_EQ(b, expectBegin);
                // Sizes differ by at most one: the first n % nth chunks get the extra item.
                EXPECT_EQ(e - b, n / nth + (ith < n % nth ? 1 : 0));
                expectBegin = e;
            }
            EXPECT_EQ(expectBegin, n);
        }
    }
}

TEST(ThreadPool, RunUsesDistinctThreadsAndTheCaller) {
    for (int nThreads = 1; nThreads <= 4; ++nThreads) {
        ThreadPool pool(nThreads);
        std::mutex mu;
        std::set<int> indices;
        std::set<std::thread::id> ids;
        const std::thread::id caller = std::this_thread::get_id();
        pool.run([&](int ith, int nth) {
            EXPECT_EQ(nth, nThreads);
            std::lock_guard<std::mutex> lock(mu);
            indices.insert(ith);
            ids.insert(std::this_thread::get_id());
            if (ith == 0) {
                EXPECT_EQ(std::this_thread::get_id(), caller) << "thread 0 is the caller";
            }
        });
        EXPECT_EQ(int(indices.size()), nThreads);
        EXPECT_EQ(int(ids.size()), nThreads);
    }
}

TEST(ThreadPool, ReusedManyTimesGivesTheSameSums) {
    // Thousands of back-to-back dispatches (like the matmuls of a generation) with a result that would show a
    // lost or doubled chunk, or a dispatch returning before its workers finished.
    const int64_t n = 257;
    std::vector<int64_t> data(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) data[size_t(i)] = i * i;
    int64_t expected = 0;
    for (int64_t v : data) expected += v;

    for (int nThreads = 1; nThreads <= 4; ++nThreads) {
        ThreadPool pool(nThreads);
        for (int rep = 0; rep < 3000; ++rep) {
            std::vector<int64_t> partial(size_t(n), 0);
            pool.parallelFor(n, [&](int64_t b, int64_t e) {
                for (int64_t i = b; i < e; ++i) partial[size_t(i)] = data[size_t(i)];
            });
            int64_t sum = 0;
            for (int64_t v : partial) sum += v;
            ASSERT_EQ(sum, expected) << "repetition " << rep << " with " << nThreads << " threads";
        }
    }
}

TEST(ThreadPool, DestroysCleanlyWhileIdleAndAfterWork) {
    for (int nThreads = 1; nThreads <= 4; ++nThreads) {
        { ThreadPool idle(nThreads); }
        ThreadPool pool(nThreads);
        std::atomic<int> calls{0};
        pool.run([&](int, int) { calls++; });
        EXPECT_EQ(calls.load(), nThreads);
    }
}

}  // namespace
}  // namespace hearth::engine
