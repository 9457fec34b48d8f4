#include "sim/fuzz/pool.h"

#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dsim::fuzz {

namespace {

struct Child {
  std::size_t job = 0;
  pid_t pid = -1;
  int fd = -1;
  std::string buffer;
  bool truncated = false;
};

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::_Exit(120);  // the parent is gone: nobody is left to tell
    done += static_cast<std::size_t>(n);
  }
}

Child start(std::size_t job, const std::function<void(std::size_t, const Emit&)>& fn) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  // Flushed so the child does not inherit (and later repeat) buffered parent output.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    const int out = fds[1];
    int status = 0;
    try {
      fn(job, [out](const std::string& line) {
        assert(line.find('\n') == std::string::npos);
        write_all(out, line + "\n");
      });
    } catch (const std::exception& e) {
      write_all(out, nlohmann::json{{"error", e.what()}}.dump() + "\n");
      status = 1;
    }
    // _exit: no static destructors, no flushing of the stdio buffers copied from the parent.
    ::_exit(status);
  }
  ::close(fds[1]);
  return Child{job, pid, fds[0], {}, false};
}

JobOutput finish(Child& child) {
  ::close(child.fd);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  }
  JobOutput out;
  out.truncated = child.truncated;
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  if (WIFEXITED(status)) out.exit_status = WEXITSTATUS(status);
  std::size_t from = 0;
  while (from < child.buffer.size()) {
    const std::size_t nl = child.buffer.find('\n', from);
    if (nl == std::string::npos) break;  // a line cut short by a crash is not a line
    out.lines.push_back(child.buffer.substr(from, nl - from));
    from = nl + 1;
  }
  return out;
}

}  // namespace

void run_forked(std::size_t count, std::uint32_t parallel, const std::function<void(std::size_t, const Emit&)>& job,
                const std::function<void(std::size_t, JobOutput)>& done) {
  assert(parallel >= 1 && parallel <= kParallelMax);
  std::vector<Child> running;
  std::size_t next = 0;
  char chunk[1 << 16];
  while (next < count || !running.empty()) {
    while (next < count && running.size() < parallel) running.push_back(start(next++, job));
    std::vector<pollfd> fds;
    for (const Child& c : running) fds.push_back(pollfd{c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    }
    // Back to front, so erasing a finished child leaves the indices still to visit valid.
    for (std::size_t i = fds.size(); i-- > 0;) {
      if (fds[i].revents == 0) continue;
      Child& c = running[i];
      const ssize_t n = ::read(c.fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        const auto room = kJobOutputBytesMax - std::min(kJobOutputBytesMax, c.buffer.size());
        c.buffer.append(chunk, std::min(room, static_cast<std::size_t>(n)));
        c.truncated |= static_cast<std::size_t>(n) > room;
        continue;
      }
      // End of file (or a read error, which ends the job's output the same way).
      const std::size_t job_index = c.job;
      JobOutput out = finish(c);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      done(job_index, std::move(out));
    }
  }
}

std::string signal_name(int signal) {
  if (const char* abbrev = ::sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return fmt::format("SIG{}", signal);
}

}  // namespace dsim::fuzz
