#include "sim/core/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

namespace dsim {

std::optional<std::string> read_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = fmt::format("cannot open: {}", std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    if (error) *error = "read failed";
    return std::nullopt;
  }
  return buffer.str();
}

bool write_file_atomic(const std::string& path, const std::string& content, std::string* error) {
  // The process id keeps two concurrent writers (fuzz workers) off each other's temp file.
  const std::string temp = fmt::format("{}.tmp-{}", path, static_cast<long>(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      if (error) *error = fmt::format("cannot write {}: {}", temp, std::strerror(errno));
      return false;
    }
    out << content;
    out.flush();
    if (!out) {
      if (error) *error = fmt::format("write to {} failed", temp);
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    if (error) *error = fmt::format("cannot rename {} to {}: {}", temp, path, std::strerror(errno));
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace dsim
