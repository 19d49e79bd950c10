#include "tanba/base/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <random>
#include <utility>

#include "tanba/base/error.hpp"

namespace tanba {
namespace fs = std::filesystem;

namespace {

Bytes read_stream(std::istream& in, std::size_t max_size, const std::string& what) {
    Bytes out;
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        auto n = static_cast<std::size_t>(in.gcount());
        if (out.size() + n > max_size)
            throw Error(ErrorCode::INPUT_TOO_LARGE, what + " is larger than " + std::to_string(max_size) + " bytes");
        out.insert(out.end(), buf, buf + n);
    }
    return out;
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, ByteView data, const std::string& what) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorCode::IO_ERROR, "writing " + what + ": " + errno_text());
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

Bytes read_file(const fs::path& path, std::size_t max_size) {
    if (path == "-") return read_stream(std::cin, max_size, "standard input");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) throw Error(ErrorCode::FILE_NOT_FOUND, path.string());
        throw Error(ErrorCode::IO_ERROR, "opening " + path.string() + ": " + errno_text());
    }
    Bytes out;
    std::uint8_t buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            throw Error(ErrorCode::IO_ERROR, "reading " + path.string() + ": " + std::strerror(e));
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_size) {
            ::close(fd);
            throw Error(ErrorCode::INPUT_TOO_LARGE,
                        path.string() + " is larger than " + std::to_string(max_size) + " bytes");
        }
        out.insert(out.end(), buf, buf + n);
    }
    ::close(fd);
    return out;
}

void read_chunks(const fs::path& path, const std::function<void(ByteView)>& each) {
    const bool stdin_ = path == "-";
    int fd = stdin_ ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) throw Error(ErrorCode::FILE_NOT_FOUND, path.string());
        throw Error(ErrorCode::IO_ERROR, "opening " + path.string() + ": " + errno_text());
    }
    struct Closer {
        int fd;
        bool own;
        ~Closer() { if (own) ::close(fd); }
    } closer{fd, !stdin_};
    std::vector<std::uint8_t> buf(1u << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorCode::IO_ERROR, "reading " + path.string() + ": " + errno_text());
        }
        if (n == 0) return;
        each(ByteView(buf.data(), static_cast<std::size_t>(n)));
    }
}

PendingFile::PendingFile(fs::path path, fs::path tmp, int fd, Overwrite overwrite)
    : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd), overwrite_(overwrite) {}

PendingFile::PendingFile(PendingFile&& o) noexcept
    : path_(std::move(o.path_)), tmp_(std::move(o.tmp_)), fd_(std::exchange(o.fd_, -1)), overwrite_(o.overwrite_) {}

PendingFile::~PendingFile() { discard(); }

void PendingFile::discard() noexcept {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(tmp_.c_str());
    fd_ = -1;
}

PendingFile PendingFile::open(const fs::path& path, FileMode mode, Overwrite overwrite, std::size_t reserve) {
    if (path == "-") return PendingFile(path, {}, -1, overwrite);
    if (overwrite == Overwrite::Refuse && fs::exists(path)) throw Error(ErrorCode::FILE_EXISTS, path.string());
    const mode_t perms = mode == FileMode::Private ? 0600 : 0644;
    std::random_device rd;
    fs::path tmp = path;
    tmp += ".tmp" + std::to_string(rd());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, perms);
    if (fd < 0) throw Error(ErrorCode::IO_ERROR, "creating " + path.string() + ": " + errno_text());
    PendingFile file(path, tmp, fd, overwrite);
    ::fchmod(fd, perms);  // not widened by the umask, not narrowed either
    if (reserve > 0) {
        const int e = ::posix_fallocate(fd, 0, static_cast<off_t>(reserve));
        if (e != 0 && e != EOPNOTSUPP && e != EINVAL)
            throw Error(ErrorCode::IO_ERROR, "reserving space for " + path.string() + ": " + std::strerror(e));
    }
    return file;
}

void PendingFile::commit(ByteView data) {
    if (path_ == "-") {
        std::cout.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        std::cout.flush();
        return;
    }
    if (fd_ < 0) throw Error(ErrorCode::INTERNAL, "PendingFile committed twice");
    struct Discard {
        PendingFile& f;
        ~Discard() { f.discard(); }
    } discard_on_exit{*this};
    write_all(fd_, data, path_.string());
    if (::ftruncate(fd_, static_cast<off_t>(data.size())) != 0)  // drop what was reserved beyond
        throw Error(ErrorCode::IO_ERROR, "writing " + path_.string() + ": " + errno_text());
    if (::fsync(fd_) != 0) throw Error(ErrorCode::IO_ERROR, "syncing " + path_.string() + ": " + errno_text());
    if (overwrite_ == Overwrite::Refuse) {
        // link() fails if the target appeared meanwhile: no silent replacement.
        if (::link(tmp_.c_str(), path_.c_str()) != 0) {
            const int e = errno;
            if (e == EEXIST) throw Error(ErrorCode::FILE_EXISTS, path_.string());
            throw Error(ErrorCode::IO_ERROR, "writing " + path_.string() + ": " + std::strerror(e));
        }
    } else if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        throw Error(ErrorCode::IO_ERROR, "writing " + path_.string() + ": " + errno_text());
    }
}

void write_file(const fs::path& path, ByteView data, FileMode mode, Overwrite overwrite) {
    PendingFile::open(path, mode, overwrite).commit(data);
}

}  // namespace tanba
