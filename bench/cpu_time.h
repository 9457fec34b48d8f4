// CPU time, the benchmarks' clock: it stays meaningful when other processes share the cores
// (wall time on these machines is noise).
#pragma once

#include <sys/resource.h>

#include <ctime>

namespace dsim::bench {

// This thread's CPU time, in seconds.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// This process's CPU time plus that of its children that have been waited for, in seconds: the
// cost of work done in worker processes.
inline double process_and_children_cpu_seconds() {
  const auto seconds = [](const rusage& u) {
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
  };
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  return seconds(self) + seconds(children);
}

}  // namespace dsim::bench
