// Whole-file reads and crash-safe writes. A write goes to a temporary file beside the target
// and is renamed over it, so a reader never sees a half-written output.
#pragma once

#include <optional>
#include <string>

namespace dsim {

// nullopt when the file cannot be read; `error` then says why.
std::optional<std::string> read_file(const std::string& path, std::string* error = nullptr);
// False on failure, with `error` set; the target is then unchanged.
bool write_file_atomic(const std::string& path, const std::string& content, std::string* error = nullptr);

}  // namespace dsim
