// Shared helpers for the kernel tests: deterministic random numbers and byte-offset buffers.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hearth::kernels::test {

// xorshift64*: deterministic across platforms (std:: distributions are not).
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed * 0x9e3779b97f4a7c15ull + 1) {}
    uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545f4914f6cdd1dull;
    }
    uint32_t bits32() { return static_cast<uint32_t>(next() >> 32); }
    // Uniform in [-1, 1).
    float uniform() { return static_cast<float>(static_cast<double>(next() >> 11) * 0x1p-53 * 2.0 - 1.0); }
    // Roughly normal (sum of uniforms), scaled.
    float normal(float scale) {
        float s = 0.0f;
        for (int i = 0; i < 4; ++i) s += uniform();
        return s * scale * 0.866f;
    }

private:
    uint64_t state_;
};

// A byte buffer whose payload starts `offset` bytes past a 64-byte boundary, to test misaligned rows.
class OffsetBuffer {
public:
    OffsetBuffer(size_t bytes, size_t offset) : storage_(bytes + offset + 128), offset_(offset) {
        const auto base = reinterpret_cast<uintptr_t>(storage_.data());
        start_ = static_cast<size_t>((64 - base % 64) % 64) + offset_;
    }
    uint8_t* data() { return storage_.data() + start_; }
    float* floats() { return reinterpret_cast<float*>(data()); }

private:
    std::vector<uint8_t> storage_;
    size_t offset_;
    size_t start_ = 0;
};

inline uint32_t bitsOf(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

inline float floatOf(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline float readF32(const void* p) {
    float f;
    std::memcpy(&f, p, sizeof f);
    return f;
}

inline void writeF32(void* p, float f) { std::memcpy(p, &f, sizeof f); }

// Same value, or both NaN.
inline bool sameFloat(float a, float b) {
    return (std::isnan(a) && std::isnan(b)) || bitsOf(a) == bitsOf(b);
}

}  // namespace hearth::kernels::test
