// Running jobs in child processes: one fork() per job, at most `parallel` at a time. A child
// starts from the parent's clean state and ends with its job, so no state leaks from one run
// into the next, and a job that crashes kills only its child: the parent sees the signal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dsim::fuzz {

inline constexpr std::uint32_t kParallelMax = 256;
inline constexpr std::size_t kJobOutputBytesMax = 64u << 20;  // a child saying more is cut off

struct JobOutput {
  std::vector<std::string> lines;  // what the job emitted, one entry per emit() call
  int signal = 0;                  // the signal that killed the child, 0 when it exited
  int exit_status = 0;             // its exit status when it exited
  bool truncated = false;          // it emitted more than kJobOutputBytesMax
};

// Emits one line (no '\n' inside) to the parent.
using Emit = std::function<void(const std::string& line)>;

// Runs job(i, emit) for every i in [0, count) in a child process of its own; calls done(i, output)
// in the parent as each child ends (in completion order: callers order by i themselves).
void run_forked(std::size_t count, std::uint32_t parallel, const std::function<void(std::size_t, const Emit&)>& job,
                const std::function<void(std::size_t, JobOutput)>& done);

// "SIGSEGV" for SIGSEGV; "SIG<n>" for a signal without a name.
std::string signal_name(int signal);

}  // namespace dsim::fuzz
