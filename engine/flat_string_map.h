// Open-addressing hash map for the tokenizer's hot lookups: token text -> id, and (left, right) merge pair ->
// rank. A slot holds only the value and hash bits (8 bytes); the key of a value is read back through the owner's
// `keyOf(value)` accessor, so a 128k-token / 280k-merge vocabulary needs a few MB and loads in tens of ms
// (std::unordered_map allocated a node per entry and made loading several times slower).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::engine {

// A key is one string (second part empty) or a pair of strings. Values are >= 0. Linear probing, load factor
// <= 2/3; no erase.
class FlatStringMap {
public:
    static constexpr int32_t kAbsent = -1;
    using Key = std::pair<std::string_view, std::string_view>;

    // Sizes the table for n entries (call before inserting them: a later rehash also works, but costs time).
    template <class KeyOf>
    void reserve(size_t n, const KeyOf& keyOf) {
        const size_t capacity = std::bit_ceil(std::max<size_t>(n + n / 2 + 1, 16));
        if (capacity > slots_.size()) {
            rehash(capacity, keyOf);
        }
    }
    size_t size() const { return count_; }

    // Inserts `key` -> `value` (value >= 0; keyOf(value) must return `key`). When the key is already present its
    // value is replaced if `overwrite`, else kept.
    template <class KeyOf>
    void insert(const Key& key, int32_t value, bool overwrite, const KeyOf& keyOf) {
        if ((count_ + 1) * 3 > slots_.size() * 2) {
            rehash(std::max<size_t>(slots_.size() * 2, 16), keyOf);
        }
        const uint64_t h = hash(key);
        for (size_t i = h & mask_;; i = (i + 1) & mask_) {
            Slot& slot = slots_[i];
            if (slot.value == kAbsent) {
                slot = {static_cast<uint32_t>(h >> 32), value};
                ++count_;
                return;
            }
            if (slot.hashHigh == static_cast<uint32_t>(h >> 32) && keyOf(slot.value) == key) {
                if (overwrite) {
                    slot.value = value;
                }
                return;
            }
        }
    }

    // The value stored for `key`, or kAbsent.
    template <class KeyOf>
    int32_t find(const Key& key, const KeyOf& keyOf) const {
        if (count_ == 0) {
            return kAbsent;
        }
        const uint64_t h = hash(key);
        for (size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& slot = slots_[i];
            if (slot.value == kAbsent) {
                return kAbsent;
            }
            if (slot.hashHigh == static_cast<uint32_t>(h >> 32) && keyOf(slot.value) == key) {
                return slot.value;
            }
        }
    }

private:
    struct Slot {
        uint32_t hashHigh = 0;  // upper hash bits: most mismatches are rejected without reading the key
        int32_t value = kAbsent;
    };

    static uint64_t hash(const Key& key) {
        uint64_t h = std::hash<std::string_view>{}(key.first);
        if (!key.second.empty()) {
            h ^= std::hash<std::string_view>{}(key.second) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        }
        return h;
    }

    template <class KeyOf>
    void rehash(size_t capacity, const KeyOf& keyOf) {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(capacity, Slot{});
        mask_ = capacity - 1;
        count_ = 0;
        for (const Slot& slot : old) {
            if (slot.value != kAbsent) {
                insert(keyOf(slot.value), slot.value, true, keyOf);
            }
        }
    }

    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t count_ = 0;
};

}  // namespace hearth::engine
