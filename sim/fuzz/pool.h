// Running jobs in worker processes: `parallel` long-lived workers, each forked once, take jobs
// one at a time from the parent. A job that crashes (a signal, exit(), a throw) kills only its
// worker: the parent reports the job with the worker's wait status and forks a replacement for
// the jobs still to run. docs/architecture.md ("Worker processes") says why a worker's past
// cannot change a job's result.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dsim::fuzz {

inline constexpr std::uint32_t kParallelMax = 256;
inline constexpr std::size_t kJobOutputBytesMax = 64u << 20;  // a job saying more is cut off

struct JobOutput {
  std::vector<std::string> lines;  // what the job emitted, one entry per emit() call
  int signal = 0;                  // the signal that killed its worker, 0 when none did
  int exit_status = 0;             // the worker's exit status when the job ended it (1: it threw)
  bool truncated = false;          // it emitted more than kJobOutputBytesMax (line + '\n' each)
};

// Emits one line (no '\n' inside) to the parent.
using Emit = std::function<void(const std::string& line)>;
using Job = std::function<void(std::size_t index, const Emit& emit)>;
using Done = std::function<void(std::size_t index, JobOutput output)>;

// Runs job(i, emit) for every i in [0, count) in at most `parallel` worker processes; calls
// done(i, output) in the parent as each job ends (in completion order: callers order by i
// themselves). Jobs are handed out in ascending order. A job that throws a std::exception emits
// {"error": what()} and ends its worker with exit status 1. `done` runs while the other workers
// keep working; it may itself call run_pooled.
void run_pooled(std::size_t count, std::uint32_t parallel, const Job& job, const Done& done);

// "SIGSEGV" for SIGSEGV; "SIG<n>" for a signal without a name.
std::string signal_name(int signal);

}  // namespace dsim::fuzz
