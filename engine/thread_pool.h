// ThreadPool: a persistent pool of nThreads - 1 workers plus the calling thread, for the forward pass.
//
// A dispatch costs a few microseconds: workers spin briefly on a generation counter before blocking on it
// (std::atomic wait/notify, a futex on Linux), so the back-to-back matmuls of one token keep them hot while an
// idle session does not burn a core. Work is split into contiguous, deterministic chunks: thread i always gets
// the same [begin, end) for the same n, and every output element is computed by exactly one thread, so results do
// not depend on the thread count as long as the callback computes each element the same way.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace hearth::engine {

class ThreadPool {
public:
    // nThreads >= 1 (values below 1 mean 1); nThreads - 1 worker threads are started.
    explicit ThreadPool(int nThreads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return nThreads_; }

    // Calls fn(ith, nth) once on each of the nth = size() threads (the caller is ith = 0) and returns when all
    // have finished. Not reentrant: fn must not call run/parallelFor on the same pool.
    void run(const std::function<void(int ith, int nth)>& fn);

    // Splits [0, n) into size() contiguous chunks (the first n % size() get one more) and calls fn(begin, end)
    // for each non-empty chunk. With grain > 1, chunk boundaries fall on multiples of grain (except n itself).
    void parallelFor(int64_t n, const std::function<void(int64_t begin, int64_t end)>& fn, int64_t grain = 1);

    // Like parallelFor, but the threads claim chunks of at most `chunkItems` (rounded up to a multiple of grain) in
    // turn until none is left, so a thread that runs slower (its memory stream, or descheduled on a shared machine)
    // takes fewer chunks instead of keeping the others waiting. Each thread starts on its own contiguous share (as
    // parallelFor's) and claims it front to back, then takes chunks from the back of the others' shares; chunks
    // shrink towards one grain as a share runs out. Chunk starts are multiples of grain. Which thread gets a chunk
    // varies from run to run: fn must compute each item the same way whoever runs it.
    void parallelForDynamic(int64_t n, const std::function<void(int64_t begin, int64_t end)>& fn, int64_t grain,
                            int64_t chunkItems);

    // Work (roughly: multiply-adds) below which waking a thread costs more than it saves: a dispatch costs a few
    // microseconds, about what a core needs for this much work. grainFor(cost of one item) is the number of items
    // per chunk that reaches it, so small problems (and tiny models) stay on the calling thread. A different
    // split never changes results: each element is computed the same way by whichever thread owns it.
    static constexpr int64_t kMinWorkPerThread = 64 * 1024;
    static int64_t grainFor(int64_t costPerItem) {
        const int64_t c = costPerItem < 1 ? 1 : costPerItem;
        return (kMinWorkPerThread + c - 1) / c;
    }

    // Profiling aids (for StageProfile): dispatches counts run() calls that woke the workers; with profiling on,
    // waitSeconds sums the time the caller spent waiting for the workers after finishing its own share (load
    // imbalance plus wake-up latency). Off, run() reads no clock.
    void setProfiling(bool on) { profiling_ = on; }
    int64_t dispatches() const { return dispatches_; }
    double waitSeconds() const { return waitSeconds_; }
    void clearStats() {
        dispatches_ = 0;
        waitSeconds_ = 0;
    }

    // The chunk [begin, end) that thread ith of nth gets for n items in multiples of grain.
    static void chunk(int64_t n, int ith, int nth, int64_t grain, int64_t* begin, int64_t* end);

private:
    void workerLoop(int ith);

    int nThreads_ = 1;
    std::vector<std::thread> workers_;
    const std::function<void(int, int)>* task_ = nullptr;  // valid while a generation is running
    std::atomic<uint32_t> generation_{0};                   // bumped once per dispatch
    std::atomic<int> pending_{0};                           // workers still running the current generation
    std::atomic<bool> stop_{false};
    bool profiling_ = false;
    int64_t dispatches_ = 0;
    double waitSeconds_ = 0;
};

}  // namespace hearth::engine
