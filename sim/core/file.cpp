#include "sim/core/file.h"

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

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

std::string too_large_message(std::size_t bytes_max) {
  return fmt::format("expected a file of at most {}, found a larger one", format_bytes(bytes_max));
}

bool set_error(std::string* error, std::string text) {
  if (error) *error = std::move(text);
  return false;
}

bool write_all(int fd, std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string temp_name(const std::string& path) { return fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid())); }

}  // namespace

// Opens `path` for reading without blocking and refuses what is not a regular file of at most
// `bytes_max` bytes (by its size now; readers enforce the limit again while reading, since a file
// may grow). A descriptor and its size now in `size`, or -1 with `error` set.
static int open_regular_file(const std::string& path, std::size_t bytes_max, std::size_t& size, std::string* error) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
  Fd in{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  struct stat st {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
    set_error(error, fmt::format("cannot open: {}", std::strerror(errno)));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    set_error(error, fmt::format("expected a regular file, found {}", kind_of(st.st_mode)));
    return -1;
  }
  if (st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) > bytes_max) {
    set_error(error, too_large_message(bytes_max));
    return -1;
  }
  size = static_cast<std::size_t>(st.st_size);
  return std::exchange(in.fd, -1);
}

std::optional<std::string> read_file(const std::string& path, std::size_t bytes_max, std::string* error) {
  FileReader reader;
  if (!reader.open(path, bytes_max, error)) return std::nullopt;
  std::string text;
  // The size is a hint only (files under /proc say 0, a file may grow): the reader enforces the limit.
  text.reserve(reader.size_at_open());
  char chunk[1 << 16];
  std::istream& in = reader.stream();
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (!reader.failure().empty()) {
    set_error(error, reader.failure());
    return std::nullopt;
  }
  return text;
}

// The reading stream's buffer: 64 KiB at a time from the descriptor; a failed read or a file past
// the limit ends the stream and is remembered, so a parser sees an end and the caller the reason.
class FileReader::Buffer final : public std::streambuf {
 public:
  Buffer(int fd, std::size_t bytes_max) : fd_(fd), bytes_max_(bytes_max), data_(kBytes) {}
  const std::string& failure() const { return failure_; }
  std::size_t bytes_read() const { return read_; }
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!failure_.empty()) return traits_type::eof();
    ssize_t n = -1;
    do n = ::read(fd_, data_.data(), data_.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) failure_ = fmt::format("read failed: {}", std::strerror(errno));
    else if (static_cast<std::size_t>(n) > bytes_max_ - read_) failure_ = too_large_message(bytes_max_);
    if (n <= 0 || !failure_.empty()) return traits_type::eof();
    read_ += static_cast<std::size_t>(n);
    setg(data_.data(), data_.data(), data_.data() + n);
    return traits_type::to_int_type(data_[0]);
  }

 private:
  static constexpr std::size_t kBytes = 64u << 10;
  int fd_;
  std::size_t bytes_max_;
  std::size_t read_ = 0;
  std::vector<char> data_;
  std::string failure_;
};

FileReader::FileReader() = default;

FileReader::~FileReader() {
  stream_.reset();
  buffer_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool FileReader::open(const std::string& path, std::size_t bytes_max, std::string* error) {
  assert(fd_ < 0);  // one file per reader
  fd_ = open_regular_file(path, bytes_max, size_at_open_, error);
  if (fd_ < 0) return false;
  buffer_ = std::make_unique<Buffer>(fd_, bytes_max);
  stream_ = std::make_unique<std::istream>(buffer_.get());
  return true;
}

std::istream& FileReader::stream() {
  assert(stream_);  // open() succeeded
  return *stream_;
}

std::size_t FileReader::bytes_read() const { return buffer_ ? buffer_->bytes_read() : 0; }

const std::string& FileReader::failure() const {
  static const std::string none;
  return buffer_ ? buffer_->failure() : none;
}

// The stream's buffer: 256 KiB at a time to the descriptor; a failed write is remembered.
class AtomicFileWriter::Buffer final : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), data_(kBytes) { setp(data_.data(), data_.data() + data_.size()); }
  bool failed() const { return failed_; }
  int sync() override {
    const std::string_view pending(pbase(), static_cast<std::size_t>(pptr() - pbase()));
    failed_ = failed_ || !write_all(fd_, pending);
    setp(data_.data(), data_.data() + data_.size());
    return failed_ ? -1 : 0;
  }
  int_type overflow(int_type ch) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) sputc(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }

 private:
  static constexpr std::size_t kBytes = 256u << 10;
  int fd_;
  std::vector<char> data_;
  bool failed_ = false;
};

AtomicFileWriter::AtomicFileWriter() = default;

AtomicFileWriter::~AtomicFileWriter() {
  stream_.reset();
  buffer_.reset();
  if (fd_ >= 0) ::close(fd_);
  if (!named_temp_.empty()) std::remove(named_temp_.c_str());
}

bool AtomicFileWriter::open(const std::string& path, std::string* error) {
  assert(fd_ < 0);  // one file per writer
  path_ = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return set_error(error, fmt::format("cannot write {}: it is a directory", path));
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  // No O_TMPFILE here (EOPNOTSUPP, EISDIR on old kernels): a named temporary file instead.
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    named_temp_ = temp_name(path);
    fd_ = ::open(named_temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) named_temp_.clear();
  }
  if (fd_ < 0) return set_error(error, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  buffer_ = std::make_unique<Buffer>(fd_);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
  return true;
}

std::ostream& AtomicFileWriter::stream() {
  assert(stream_);  // open() succeeded
  return *stream_;
}

bool AtomicFileWriter::commit(std::string* error) {
  assert(stream_);
  stream_->flush();
  if (buffer_->failed() || !*stream_) return set_error(error, fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
  std::string temp = named_temp_;
  if (temp.empty()) {
    // linkat cannot replace an existing file, so the complete file gets a temporary name first;
    // it exists only between these two calls.
    temp = temp_name(path_);
    std::remove(temp.c_str());
    const std::string proc = fmt::format("/proc/self/fd/{}", fd_);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return set_error(error, fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
    }
  }
  if (std::rename(temp.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    return set_error(error, fmt::format("cannot write {}: {}", path_, std::strerror(e)));
  }
  named_temp_.clear();  // it is the target now
  return true;
}

bool write_file_atomic(const std::string& path, const std::string& content, std::string* error) {
  AtomicFileWriter writer;
  if (!writer.open(path, error)) return false;
  writer.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return writer.commit(error);
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
  const std::string temp = temp_name(path);
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
