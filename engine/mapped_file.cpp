#include "engine/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace hearth::engine {
namespace {

Error systemError(const std::string& what, const std::string& path, int err) {
    return Error{"cannot " + what + " '" + path + "': " + std::strerror(err)};
}

}  // namespace

Result<MappedFile> MappedFile::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return systemError("open", path, errno);

    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return systemError("stat", path, err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{"cannot map '" + path + "': not a regular file"};
    }

    MappedFile file;
    file.path_ = path;
    if (st.st_size > 0) {
        const auto size = static_cast<size_t>(st.st_size);
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return systemError("mmap", path, err);
        }
        file.data_ = static_cast<const uint8_t*>(p);
        file.size_ = size;
    }
    // The mapping keeps its own reference to the file.
    ::close(fd);
    return file;
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      path_(std::move(other.path_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        path_ = std::move(other.path_);
    }
    return *this;
}

void MappedFile::release() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
}

void MappedFile::dropPages(size_t offset, size_t n) const {
    if (data_ == nullptr || offset >= size_) return;
    n = std::min(n, size_ - offset);
    const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const auto base = reinterpret_cast<uintptr_t>(data_) + offset;
    const uintptr_t first = (base + page - 1) / page * page;  // whole pages only: neighbours may still be in use
    const uintptr_t last = (base + n) / page * page;
    if (first < last) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

void MappedFile::prefault(size_t offset, size_t n) const {
    if (data_ == nullptr || offset >= size_) return;
    n = std::min(n, size_ - offset);
    const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const auto base = reinterpret_cast<uintptr_t>(data_) + offset;
    const uintptr_t first = base / page * page;  // every page the range touches
    const uintptr_t last = (base + n + page - 1) / page * page;
    if (first >= last) return;
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14 (older headers lack the name; older kernels answer EINVAL)
#endif
    if (madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_READ) != 0)
        madvise(reinterpret_cast<void*>(first), last - first, MADV_WILLNEED);
}

}  // namespace hearth::engine
