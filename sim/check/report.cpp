// The two renderings of a linearizability result: JSON for traces and the visualizer, text for
// a person at a terminal.
#include <fmt/format.h>

#include "sim/check/linearizability.h"

namespace dsim::check {

namespace {

// A person reads the end of a long partial linearization: that is where it broke.
constexpr std::size_t kShownLinearizedMax = 12;

nlohmann::json failure_json(const PartitionFailure& failure) {
  nlohmann::json j = {{"split", failure.split},
                      {"linearized", failure.linearized},
                      {"blocked", failure.blocked},
                      {"state", failure.state}};
  j["key"] = failure.key ? nlohmann::json(*failure.key) : nlohmann::json(nullptr);
  return j;
}

std::string interval(const Operation& op) {
  if (op.complete_ns == Operation::kNever) return fmt::format("[{}, open)", op.invoke_ns);
  return fmt::format("[{}, {}]", op.invoke_ns, op.complete_ns);
}

std::string op_line(const History& history, std::size_t index) {
  const Operation& op = history.ops[index];
  return fmt::format("#{:<5} {:<40} {}", index, describe(op), interval(op));
}

std::string describe_failure(const PartitionFailure& failure, const History& history) {
  std::string text =
      failure.split ? fmt::format("key {}: not linearizable\n",
                                  failure.key ? show_value(nlohmann::json(*failure.key)) : "nil")
                    : std::string("not linearizable\n");
  const std::size_t count = failure.linearized.size();
  text += fmt::format("  longest partial linearization: {} operation{}\n", count,
                      count == 1 ? "" : "s");
  const std::size_t first = count > kShownLinearizedMax ? count - kShownLinearizedMax : 0;
  if (first > 0) text += fmt::format("    ... {} earlier (see --json)\n", first);
  for (std::size_t i = first; i < count; i++) {
    text += fmt::format("    {:>4}. {}\n", i + 1, op_line(history, failure.linearized[i]));
  }
  text += fmt::format("  state after it: {}\n", failure.state);
  text += "  none of these can come next (real time allows only them; each is rejected in that\n"
          "  state, or leaves a value that an operation still to come can never see):\n";
  for (std::size_t index : failure.blocked) {
    text += fmt::format("          {}\n", op_line(history, index));
  }
  return text;
}

}  // namespace

nlohmann::json to_json(const LinearizabilityResult& result, const History&) {
  nlohmann::json failures = nlohmann::json::array();
  for (const PartitionFailure& failure : result.failures) failures.push_back(failure_json(failure));
  return {{"verdict", verdict_name(result.verdict)},
          {"reason", result.reason},
          {"steps", result.steps},
          {"memo_bytes_peak", result.memo_bytes_peak},
          {"partitions", result.partitions},
          {"failures", std::move(failures)}};
}

std::string describe(const LinearizabilityResult& result, const History& history) {
  switch (result.verdict) {
    case Verdict::ok:
      return fmt::format("ok: linearizable ({} operations, {} partition{}, {} search steps)\n",
                         history.ops.size(), result.partitions, result.partitions == 1 ? "" : "s",
                         result.steps);
    case Verdict::unknown:
      return fmt::format("unknown: {} (after {} search steps)\n", result.reason, result.steps);
    case Verdict::illegal: break;
  }
  std::string text =
      result.failures.size() == 1 && !result.failures[0].split
          ? std::string("illegal: the history is not linearizable\n")
          : fmt::format("illegal: {} key(s) not linearizable\n", result.failures.size());
  for (const PartitionFailure& failure : result.failures) text += describe_failure(failure, history);
  if (!result.reason.empty()) text += fmt::format("(then stopped: {})\n", result.reason);
  return text;
}

}  // namespace dsim::check
