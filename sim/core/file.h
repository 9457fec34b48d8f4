// Bounded whole-file reads and crash-safe writes, for every command that touches a file.
//
// A read opens the file without blocking (a FIFO with no writer must not hang the tool), refuses
// anything that is not a regular file (devices such as /dev/zero, FIFOs, sockets, directories),
// and enforces its size limit while reading, so an endless or growing file costs at most the
// limit. Each caller passes the limit that fits what it reads.
//
// A write goes to an unnamed temporary file in the target's directory (O_TMPFILE, where the
// file system supports it) that is named and renamed over the target only when complete: a
// reader never sees a half-written output, and a killed writer leaves no temporary file behind.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

namespace dsim {

// nullopt when the file cannot be read, is not a regular file, or holds more than `bytes_max`
// bytes; `error` then says why, without the path (callers name the file).
std::optional<std::string> read_file(const std::string& path, std::size_t bytes_max, std::string* error = nullptr);

// A regular file read as a stream, with read_file's refusals and size limit (which read_file is
// built on): for inputs parsed as they are read, such as a trace of a million events.
class FileReader {
 public:
  FileReader();
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // False with `error` set (without the path) when read_file would refuse the file.
  bool open(const std::string& path, std::size_t bytes_max, std::string* error = nullptr);
  // The content; it ends early when a read fails or the file grows past the limit.
  std::istream& stream();
  // The size the file had when opened: a hint (files under /proc say 0).
  std::size_t size_at_open() const { return size_at_open_; }
  // The bytes the stream has taken from the file so far.
  std::size_t bytes_read() const;
  // "" while every read succeeded; else why the stream ended early ("read failed: ...").
  const std::string& failure() const;

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::istream> stream_;
  std::size_t size_at_open_ = 0;
  int fd_ = -1;
};

// False on failure, with `error` set (naming the path); the target is then unchanged.
bool write_file_atomic(const std::string& path, const std::string& content, std::string* error = nullptr);

// A file written piece by piece through a stream and named only when complete, with the same
// guarantees as write_file_atomic (which is built on it): for outputs too large to hold in
// memory first, such as the export of a million-event trace.
class AtomicFileWriter {
 public:
  AtomicFileWriter();
  ~AtomicFileWriter();  // without a successful commit(): the target is unchanged, no temporary left
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Starts the temporary file in `path`'s folder; false with `error` set when it cannot.
  bool open(const std::string& path, std::string* error = nullptr);
  // Where the content goes (buffered); a failed write sets the stream's badbit and fails commit().
  std::ostream& stream();
  // Flushes and names the file `path`; false with `error` set when any write failed.
  bool commit(std::string* error = nullptr);

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
  std::string path_;
  std::string named_temp_;  // the fallback's temporary name where there is no O_TMPFILE, else ""
  int fd_ = -1;
};

// Whether write_file_atomic(path, ...) could create the file now (its folder exists and takes new
// files, and the path is not a folder), found out without leaving anything behind: so a command
// can refuse an unwritable output before it spends minutes on the work.
bool can_write_file(const std::string& path, std::string* error = nullptr);

// "12 MiB", "640 KiB", "17 bytes": sizes in messages, without long digit strings.
std::string format_bytes(std::size_t bytes);

}  // namespace dsim
