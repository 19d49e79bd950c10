#pragma once
// File I/O with size limits and safe writes.
#include <cstddef>
#include <filesystem>
#include <functional>

#include "tanba/base/bytes.hpp"

namespace tanba {

/// Default cap for untrusted input files (certificates, CSRs, keys): 4 MiB.
inline constexpr std::size_t kDefaultMaxInput = 4u << 20;

/// Reads a whole file, or "-" for standard input. Throws FILE_NOT_FOUND, IO_ERROR,
/// INPUT_TOO_LARGE (when larger than max_size).
Bytes read_file(const std::filesystem::path& path, std::size_t max_size = kDefaultMaxInput);

/// Calls `each` with consecutive chunks of a file (or "-" for standard input), in constant
/// memory whatever its size. Throws FILE_NOT_FOUND, IO_ERROR.
void read_chunks(const std::filesystem::path& path, const std::function<void(ByteView)>& each);

enum class FileMode { Public, Private };   // 0644 or 0600
enum class Overwrite { Refuse, Replace };

/// A file written in two steps, so that work whose result cannot be written is not done:
/// open() creates a temporary file next to the target — a missing or unwritable directory,
/// an existing target (Overwrite::Refuse) or a full disk fails here, before any work — and
/// reserves `reserve` bytes of disk for it; commit() writes, syncs and moves it into place
/// (with Overwrite::Refuse, FILE_EXISTS if the target appeared meanwhile). Destroyed without
/// commit, it removes the temporary file. "-" is standard output (nothing to prepare).
class PendingFile {
public:
    static PendingFile open(const std::filesystem::path& path, FileMode mode = FileMode::Public,
                            Overwrite overwrite = Overwrite::Replace, std::size_t reserve = 0);
    PendingFile(PendingFile&& other) noexcept;
    PendingFile& operator=(PendingFile&&) = delete;
    ~PendingFile();

    /// Throws IO_ERROR, FILE_EXISTS; the temporary file is gone either way.
    void commit(ByteView data);
    const std::filesystem::path& path() const { return path_; }

private:
    PendingFile(std::filesystem::path path, std::filesystem::path tmp, int fd, Overwrite overwrite);
    void discard() noexcept;
    std::filesystem::path path_, tmp_;
    int fd_ = -1;
    Overwrite overwrite_;
};

/// Writes the file atomically (temporary file + fsync + rename) with the given permissions,
/// or to standard output when path is "-". With Overwrite::Refuse, an existing file is
/// FILE_EXISTS. A private file is created with mode 0600 from the start (never wider).
void write_file(const std::filesystem::path& path, ByteView data, FileMode mode = FileMode::Public,
                Overwrite overwrite = Overwrite::Replace);

}  // namespace tanba
