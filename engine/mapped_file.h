// MappedFile: a read-only memory mapping of a whole file. Model weights are used in place from the page cache
// (zero-copy), so opening a multi-gigabyte model costs no RAM until pages are touched. Move-only; the mapping
// lives as long as the object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "engine/result.h"

namespace hearth::engine {

class MappedFile {
public:
    // Maps `path` read-only. Errors name the path and the failing step (open, stat, not a regular file, mmap)
    // with the system's reason. An empty file maps to an empty span (mmap cannot map zero bytes).
    static Result<MappedFile> open(const std::string& path);

    MappedFile() = default;
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const uint8_t> bytes() const { return {data_, size_}; }
    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    const std::string& path() const { return path_; }

    // Tells the kernel that bytes [offset, offset + n) of the mapping will not be read for a while (e.g. weights
    // copied elsewhere at load): the whole pages inside the range leave this process's resident memory and are
    // read from the file again if touched. A hint; out-of-range parts are ignored.
    void dropPages(size_t offset, size_t n) const;

    // Reads bytes [offset, offset + n) of the mapping in now, so later reads neither wait for the disk nor take a
    // page fault per page (MADV_POPULATE_READ; on kernels before 5.14 a readahead request that does not wait).
    // For data read sparsely and unpredictably later, e.g. token embedding rows. A hint; out-of-range parts are
    // ignored.
    void prefault(size_t offset, size_t n) const;

private:
    void release();

    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::string path_;
};

}  // namespace hearth::engine
