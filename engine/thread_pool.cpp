#include "engine/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace hearth::engine {
namespace {

// Busy-wait iterations before blocking. A matmul of a small model takes tens of microseconds, so a short spin
// catches the next dispatch of the same token; the machine may be shared, so the spin stays short.
constexpr int kSpinIterations = 4000;  // ~0.1-0.5 ms depending on the cost of a pause

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

}  // namespace

ThreadPool::ThreadPool(int nThreads) : nThreads_(std::max(1, nThreads)) {
    workers_.reserve(nThreads_ - 1);
    for (int i = 1; i < nThreads_; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : workers_) t.join();
}

void ThreadPool::workerLoop(int ith) {
    uint32_t seen = 0;
    for (;;) {
        // Wait for a new generation: spin first, then block.
        uint32_t gen = generation_.load(std::memory_order_acquire);
        for (int spin = 0; gen == seen && spin < kSpinIterations; ++spin) {
            cpuRelax();
            gen = generation_.load(std::memory_order_acquire);
        }
        while (gen == seen) {
            generation_.wait(seen, std::memory_order_acquire);
            gen = generation_.load(std::memory_order_acquire);
        }
        seen = gen;
        if (stop_.load(std::memory_order_relaxed)) return;

        (*task_)(ith, nThreads_);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
}

void ThreadPool::run(const std::function<void(int, int)>& fn) {
    if (nThreads_ == 1) {
        fn(0, 1);
        return;
    }
    task_ = &fn;
    pending_.store(nThreads_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();

    fn(0, nThreads_);
    ++dispatches_;

    // Wait for the workers: spin first, then block.
    std::chrono::steady_clock::time_point waitStart;
    if (profiling_) waitStart = std::chrono::steady_clock::now();
    int left = pending_.load(std::memory_order_acquire);
    for (int spin = 0; left != 0 && spin < kSpinIterations; ++spin) {
        cpuRelax();
        left = pending_.load(std::memory_order_acquire);
    }
    while (left != 0) {
        pending_.wait(left, std::memory_order_acquire);
        left = pending_.load(std::memory_order_acquire);
    }
    if (profiling_) waitSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - waitStart).count();
    task_ = nullptr;
}

void ThreadPool::parallelForDynamic(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain,
                                    int64_t chunkItems) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    if (nThreads_ == 1 || n <= grain) {
        fn(0, n);
        return;
    }
    const int64_t step = std::max<int64_t>(1, (chunkItems + grain - 1) / grain) * grain;
    if (n > int64_t(UINT32_MAX)) {
        // Too many items for the shares below (32-bit ends): chunks of `step` from the front, in turn.
        std::atomic<int64_t> next{0};
        run([&](int, int) {
            for (int64_t begin = next.fetch_add(step, std::memory_order_relaxed); begin < n;
                 begin = next.fetch_add(step, std::memory_order_relaxed)) {
                fn(begin, std::min(n, begin + step));
            }
        });
        return;
    }
    // Each thread owns a contiguous share of [0, n) (ThreadPool::chunk, in whole grains) and claims chunks from its
    // front, so it streams its share in order (a matmul's weights: one prefetch stream per thread, no jump between
    // chunks). A thread whose share is used up takes chunks from the back of the others' shares. Chunks shrink as a
    // share runs out (a quarter of what is left of it, down to one grain), so the threads end within about a grain
    // of each other: a fixed chunk of n / 16 left the caller waiting up to that long at every matmul. A share's two
    // ends live in one word, claimed by compare-and-swap.
    const int nth = nThreads_;
    // The smallest chunk: a quarter of `step` in whole grains. Smaller ones cost more than they balance: a prompt's
    // matmul re-reads all its tokens' activations per chunk (one grain each made F16 pp512 ~8 % slower).
    const int64_t minChunk = std::max(grain, step / 4 / grain * grain);
    // Per share, front << 32 | back: [front, back) is unclaimed. One cache line each: the owners claim from their
    // own shares at the same time, and shares in one line sent the line back and forth between the cores at every
    // claim (Q2_K TinyLlama tg, 2 threads, alternated pairs: +0.6 % and +1.3 %, near the machine's noise).
    struct alignas(64) Share {
        std::atomic<uint64_t> range;
    };
    std::vector<Share> shares(static_cast<size_t>(nth));
    for (int i = 0; i < nth; ++i) {
        int64_t begin = 0, end = 0;
        chunk(n, i, nth, grain, &begin, &end);
        shares[size_t(i)].range.store(uint64_t(begin) << 32 | uint64_t(end), std::memory_order_relaxed);
    }
    // Claims a chunk of `share` from its front (the owner) or its back (another thread); false when it is empty.
    auto claim = [&](std::atomic<uint64_t>& share, bool fromFront, int64_t* begin, int64_t* end) {
        uint64_t cur = share.load(std::memory_order_relaxed);
        uint64_t next = 0;
        do {
            const int64_t front = int64_t(cur >> 32);
            const int64_t back = int64_t(cur & UINT32_MAX);
            if (front >= back) return false;
            const int64_t quarter = (back - front) / 4;
            const int64_t size = std::min(step, std::max(minChunk, (quarter + grain - 1) / grain * grain));
            if (fromFront) {
                *begin = front;
                *end = std::min(back, front + size);
                next = uint64_t(*end) << 32 | uint64_t(back);
            } else {
                // back is the share's end (n or a multiple of grain) or a chunk start, so starts stay on grains.
                *begin = std::max(front, (back - size) / grain * grain);
                *end = back;
                next = uint64_t(front) << 32 | uint64_t(*begin);
            }
        } while (!share.compare_exchange_weak(cur, next, std::memory_order_relaxed, std::memory_order_relaxed));
        return true;
    };
    run([&](int ith, int) {
        int64_t begin = 0, end = 0;
        while (claim(shares[size_t(ith)].range, true, &begin, &end)) fn(begin, end);
        for (int k = 1; k < nth; ++k) {
            std::atomic<uint64_t>& other = shares[size_t((ith + k) % nth)].range;
            while (claim(other, false, &begin, &end)) fn(begin, end);
        }
    });
}

void ThreadPool::chunk(int64_t n, int ith, int nth, int64_t grain, int64_t* begin, int64_t* end) {
    grain = std::max<int64_t>(1, grain);
    const int64_t units = (n + grain - 1) / grain;  // the last unit may be partial
    const int64_t per = units / nth;
    const int64_t extra = units % nth;
    const int64_t first = ith * per + std::min<int64_t>(ith, extra);
    const int64_t count = per + (ith < extra ? 1 : 0);
    *begin = std::min(n, first * grain);
    *end = std::min(n, (first + count) * grain);
}

void ThreadPool::parallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain) {
    if (n <= 0) return;
    if (nThreads_ == 1 || n <= std::max<int64_t>(1, grain)) {
        fn(0, n);
        return;
    }
    run([&](int ith, int nth) {
        int64_t begin = 0, end = 0;
        chunk(n, ith, nth, grain, &begin, &end);
        if (begin < end) fn(begin, end);
    });
}

}  // namespace hearth::engine
