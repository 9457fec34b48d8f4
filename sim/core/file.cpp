#include "sim/core/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace dsim {

namespace {

// Closes a descriptor on every path out of a function.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool set_error(std::string* error, std::string text) {
  if (error) *error = std::move(text);
  return false;
}

bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The named-temporary fallback for file systems without O_TMPFILE.
bool write_named_temp(const std::string& path, const std::string& content, std::string* error) {
  const std::string temp = fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid()));
  Fd out{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (out.fd < 0) return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  if (!write_all(out.fd, content)) {
    const int e = errno;
    std::remove(temp.c_str());
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(e)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(e)));
  }
  return true;
}

}  // namespace

std::optional<std::string> read_file(const std::string& path, std::size_t bytes_max, std::string* error) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
  Fd in{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (in.fd < 0) {
    set_error(error, fmt::format("cannot open: {}", std::strerror(errno)));
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) {
    set_error(error, fmt::format("cannot open: {}", std::strerror(errno)));
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    set_error(error, fmt::format("expected a regular file, found {}", kind_of(st.st_mode)));
    return std::nullopt;
  }
  const auto too_large = [&] {
    set_error(error, fmt::format("expected a file of at most {}, found a larger one", format_bytes(bytes_max)));
    return std::nullopt;
  };
  if (st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) > bytes_max) return too_large();
  std::string text;
  // The size is a hint only (files under /proc say 0, a file may grow): the loop enforces the limit.
  text.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in.fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      set_error(error, fmt::format("read failed: {}", std::strerror(errno)));
      return std::nullopt;
    }
    if (n == 0) break;
    if (static_cast<std::size_t>(n) > bytes_max - text.size()) return too_large();
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

bool write_file_atomic(const std::string& path, const std::string& content, std::string* error) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd out{::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644)};
  if (out.fd < 0) {
    // No O_TMPFILE here (EOPNOTSUPP, EISDIR on old kernels): a named temporary file instead.
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return write_named_temp(path, content, error);
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  if (!write_all(out.fd, content)) {
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  // linkat cannot replace an existing file, so the complete file gets a temporary name first; it
  // exists only between these two calls.
  const std::string temp = fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid()));
  std::remove(temp.c_str());
  const std::string proc = fmt::format("/proc/self/fd/{}", out.fd);
  if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(e)));
  }
  return true;
}

bool can_write_file(const std::string& path, std::string* error) {
  if (path.empty()) return set_error(error, "cannot write a file with an empty name");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return set_error(error, fmt::format("cannot write {}: it is a directory", path));
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd probe{::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644)};
  if (probe.fd >= 0) return true;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  const std::string temp = fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid()));
  Fd named{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
  if (named.fd < 0) return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  std::remove(temp.c_str());
  return true;
}

std::string format_bytes(std::size_t bytes) {
  if (bytes >= (1u << 30) && bytes % (1u << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  if (bytes >= (1u << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1u << 20));
  return fmt::format("{} bytes", bytes);
}

}  // namespace dsim
