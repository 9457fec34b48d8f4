#include "sim/fuzz/pool.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dsim::fuzz {

namespace {

// The wire, over one socketpair per worker. Parent to worker: a job index, 8 bytes in host
// order (both ends are the same binary). Worker to parent: "L<line>\n" per emitted line, then
// "E\n" when the job returned. The end frame carries no status: a job that returns has status 0,
// and every other ending (a signal, exit(), a throw) ends the worker, whose wait status then
// says how, exactly as a process of its own would have.
constexpr char kFrameLine = 'L';
constexpr char kFrameEnd = 'E';
// Workers found dead between jobs (killed from outside: nothing of ours ends an idle worker)
// before the pool gives up rather than fork replacements for ever.
constexpr std::size_t kIdleDeathsMax = 64;
constexpr std::size_t kReadChunk = 1 << 16;

// The parent's ends of the sockets of every pool alive in this process. A new worker closes them
// all: a worker holding another worker's parent end would keep that worker from seeing EOF when
// the parent dies, and a pool started inside another's `done` (the fuzz parent shrinking a crash)
// must not lend its sockets to the other's workers.
std::vector<int>& parent_ends() {
  static std::vector<int> fds;
  return fds;
}

void forget_parent_end(int fd) {
  auto& fds = parent_ends();
  const auto it = std::find(fds.begin(), fds.end(), fd);
  assert(it != fds.end());
  fds.erase(it);
}

// False when the peer is gone. MSG_NOSIGNAL: a dead peer is an answer, not a SIGPIPE.
bool send_all(int fd, const char* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// False at EOF (or an error) before `size` bytes.
bool read_exact(int fd, void* data, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, static_cast<char*>(data) + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// The worker's side. Each job's lines go out as they are emitted, so a crash loses only what
// the job had not said yet. Bounded: the parent sends at most `count` indices, then closes.
[[noreturn]] void serve(int fd, std::size_t count, const Job& job) {
  const auto send_or_die = [fd](const std::string& frame) {
    if (!send_all(fd, frame.data(), frame.size())) std::_Exit(120);  // the parent is gone: nobody to tell
  };
  const Emit emit = [&](const std::string& line) {
    assert(line.find('\n') == std::string::npos);
    send_or_die(kFrameLine + line + '\n');
  };
  for (std::size_t served = 0; served < count; ++served) {
    std::uint64_t index = 0;
    if (!read_exact(fd, &index, sizeof index)) break;  // the parent has no more jobs (or is gone)
    assert(index < count);
    try {
      job(static_cast<std::size_t>(index), emit);
    } catch (const std::exception& e) {
      // As a process of its own would: say why, and end. A job cut short by a throw may have
      // left anything behind, so no other job runs after it in this process.
      send_or_die(kFrameLine + nlohmann::json{{"error", e.what()}}.dump() + '\n');
      ::_exit(1);
    }
    send_or_die(std::string{kFrameEnd, '\n'});
  }
  // _exit: no static destructors, no flushing of the stdio buffers copied from the parent.
  ::_exit(0);
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;                     // the parent's end of the socketpair
  std::optional<std::size_t> job;  // the job it runs; none while idle
  JobOutput out;                   // that job's lines so far
  std::size_t bytes = 0;           // their size as a pipe would have carried them: line + '\n'
  char kind = 0;                   // the frame being read: 0 between frames
  std::string frame;               // its payload so far, never more than the room left
  bool frame_cut = false;          // its payload outgrew the room: the line is lost
};

Worker fork_worker(std::size_t count, const Job& job) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::runtime_error(fmt::format("socketpair: {}", std::strerror(errno)));
  }
  parent_ends().push_back(fds[0]);
  // Flushed so the worker does not inherit (and later repeat) buffered parent output.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    forget_parent_end(fds[0]);
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(error)));
  }
  if (pid == 0) {
    for (const int fd : parent_ends()) ::close(fd);
    parent_ends().clear();  // they were the parent's; a pool this worker starts keeps its own
    serve(fds[1], count, job);
  }
  ::close(fds[1]);
  Worker w;
  w.pid = pid;
  w.fd = fds[0];
  return w;
}

// Waits for a worker whose socket is closed (by its death, or by us at the end).
int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  }
  return status;
}

// Appends part of a frame's payload, keeping no more than an L frame has room for (the job's
// output bound) or an E frame can hold (nothing).
void take(Worker& w, std::string_view part) {
  const std::size_t limit = w.kind == kFrameLine ? kJobOutputBytesMax - w.bytes : 0;
  const std::size_t keep = std::min(part.size(), limit - std::min(limit, w.frame.size()));
  w.frame.append(part.data(), keep);
  w.frame_cut |= keep < part.size();
}

// A whole L frame: the line is kept when it and its '\n' fit in the bound. One that does not
// fills the output, as the bytes that reached a pipe's cut would have: nothing after it fits.
void end_line(Worker& w) {
  if (!w.frame_cut && w.frame.size() < kJobOutputBytesMax - w.bytes) {
    w.bytes += w.frame.size() + 1;
    w.out.lines.push_back(std::move(w.frame));
  } else {
    w.out.truncated = true;
    w.bytes = kJobOutputBytesMax;
  }
  assert(w.bytes <= kJobOutputBytesMax);
  std::string().swap(w.frame);  // a cut frame may have held megabytes
  w.frame_cut = false;
}

// Feeds bytes from the worker into its job's output; true when they ended with its E frame.
bool consume(Worker& w, std::string_view bytes) {
  while (!bytes.empty()) {
    if (w.kind == 0) {
      w.kind = bytes.front();
      assert(w.kind == kFrameLine || w.kind == kFrameEnd);
      bytes.remove_prefix(1);
      continue;
    }
    const std::size_t nl = bytes.find('\n');
    take(w, bytes.substr(0, nl));
    if (nl == std::string_view::npos) return false;
    bytes.remove_prefix(nl + 1);
    const char kind = w.kind;
    w.kind = 0;
    if (kind == kFrameEnd) {
      assert(bytes.empty());  // an idle worker says nothing until it has a job
      return true;
    }
    if (kind == kFrameLine) end_line(w);
  }
  return false;
}

class Pool {
 public:
  Pool(std::size_t count, std::uint32_t parallel, const Job& job, const Done& done)
      : count_(count), parallel_(parallel), job_(job), done_(done) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Also the way out when `done` throws: a busy worker is killed, an idle one reads EOF and
  // exits; every worker is reaped, so none outlives the call. shutdown(), not only close(): the
  // worker sees EOF even if some other process forked from this one holds a copy of our end.
  ~Pool() {
    for (Worker& w : workers_) {
      ::shutdown(w.fd, SHUT_RDWR);
      forget_parent_end(w.fd);
      ::close(w.fd);
      if (w.job) ::kill(w.pid, SIGKILL);
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }

  void run() {
    while (workers_.size() < std::min<std::size_t>(parallel_, count_)) start_worker();
    while (finished_ < count_) {
      assert(std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.job.has_value(); }) ||
             next_ < count_);
      std::vector<pollfd> fds;
      for (const Worker& w : workers_) fds.push_back(pollfd{w.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
      }
      // Back to front, so removing a dead worker leaves the indices still to visit valid.
      for (std::size_t i = fds.size(); i-- > 0;) {
        if (fds[i].revents != 0) service(i);
      }
    }
    assert(next_ == count_);
  }

 private:
  void start_worker() {
    workers_.push_back(fork_worker(count_, job_));
    assign(workers_.back());
  }

  // Hands the next job to an idle worker. A worker that died idle refuses it (the send fails);
  // the job stays queued, and the worker's EOF is seen by the next poll.
  void assign(Worker& w) {
    assert(!w.job && w.kind == 0 && w.out.lines.empty());
    if (next_ == count_) return;
    const std::uint64_t index = next_;
    if (!send_all(w.fd, reinterpret_cast<const char*>(&index), sizeof index)) return;
    w.job = next_++;
  }

  void service(std::size_t i) {
    char chunk[kReadChunk];
    const ssize_t n = ::read(workers_[i].fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) return bury(i);  // EOF (or a reset): the worker is dead
    Worker& w = workers_[i];
    if (!w.job) {
      // An idle worker says nothing until it has a job: one that does is broken. Its EOF buries
      // it like any worker that died between jobs.
      ::kill(w.pid, SIGKILL);
      return;
    }
    if (!consume(w, std::string_view(chunk, static_cast<std::size_t>(n)))) return;
    const std::size_t job = *w.job;
    JobOutput out = std::move(w.out);
    w.out = JobOutput{};
    w.bytes = 0;
    w.job.reset();
    assign(w);  // first, so the worker runs while `done` does
    finish(job, std::move(out));
  }

  // A dead worker: its job (if it had one) ends with the worker's wait status, and a replacement
  // takes over the jobs still queued.
  void bury(std::size_t i) {
    Worker w = std::move(workers_[i]);
    workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(i));
    forget_parent_end(w.fd);
    ::close(w.fd);
    const int status = reap(w.pid);
    if (next_ < count_) start_worker();
    if (!w.job) {
      if (++idle_deaths_ > kIdleDeathsMax) {
        throw std::runtime_error(fmt::format("{} fuzz workers died between jobs: something is killing them",
                                             idle_deaths_));
      }
      return;
    }
    JobOutput out = std::move(w.out);
    out.truncated |= w.frame_cut;  // a line cut short by the death, but only after passing the bound
    if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
    if (WIFEXITED(status)) out.exit_status = WEXITSTATUS(status);
    finish(*w.job, std::move(out));
  }

  void finish(std::size_t job, JobOutput out) {
    ++finished_;
    assert(finished_ <= count_);
    done_(job, std::move(out));
  }

  const std::size_t count_;
  const std::uint32_t parallel_;
  const Job& job_;
  const Done& done_;
  std::vector<Worker> workers_;
  std::size_t next_ = 0;      // the next job to hand out
  std::size_t finished_ = 0;  // jobs whose `done` has been called
  std::size_t idle_deaths_ = 0;
};

}  // namespace

void run_pooled(std::size_t count, std::uint32_t parallel, const Job& job, const Done& done) {
  assert(parallel >= 1 && parallel <= kParallelMax);
  Pool pool(count, parallel, job, done);
  pool.run();
}

std::string signal_name(int signal) {
  if (const char* abbrev = ::sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return fmt::format("SIG{}", signal);
}

}  // namespace dsim::fuzz
