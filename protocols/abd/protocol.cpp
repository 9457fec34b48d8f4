// Registration: parameters, the known bug, the observer.
#include <fmt/format.h>

#include "protocols/abd/abd.h"
#include "protocols/abd/node.h"

namespace dsim::abd {

namespace {

constexpr const char* kBugWriteBack = "read-without-write-back";

Options read_options(ObjectReader& params, std::uint32_t nodes) {
  Options o;
  const TimeNs max_ns = 60 * kNsPerSec;
  o.replicas = static_cast<std::uint32_t>(params.integer("replicas", 0, 0, 1000));
  o.tokens_per_node = static_cast<std::uint32_t>(params.integer("tokens_per_node", 8, 1, 1024));
  o.retransmit_ns = params.duration_ms("retransmit_ms", o.retransmit_ns, kNsPerMs / 10, max_ns);
  o.op_timeout_ns = params.duration_ms("op_timeout_ms", o.op_timeout_ns, kNsPerMs, max_ns);
  params.finish();
  if (o.replicas > nodes) {
    params.diag().error(params.path("replicas"),
                        fmt::format("expected at most the cluster size ({}), found {}", nodes, o.replicas));
  }
  return o;
}

// Invariants: a replica's tag never decreases within an incarnation (updates adopt only higher
// tags), and no two replicas hold one tag with different values (a tag names one write).
class AbdObserver final : public Observer {
 public:
  std::optional<Finding> after_event(const ClusterView& view, NodeId id) override {
    if (tracks_.size() < view.size()) tracks_.resize(view.size());
    const auto* node = static_cast<const Node*>(view.process(id));
    Track& t = tracks_[id];
    if (node != t.incarnation) fold(t, node);
    if (!node) return std::nullopt;
    for (const auto& [key, stored] : node->registers()) {
      auto& seen = t.tags[key];
      if (stored.tag < seen) {
        return Finding{Finding::Kind::safety, "invariant", "tag-monotonic",
                       fmt::format("node {} register '{}' went from tag ({}, {}) back to ({}, {})", id, key, seen.ts,
                                   seen.writer, stored.tag.ts, stored.tag.writer),
                       0, {{"node", id}, {"key", key}}};
      }
      seen = stored.tag;
      auto [it, fresh] = values_.try_emplace({key, stored.tag}, stored.value);
      if (!fresh && it->second != stored.value) {
        return Finding{Finding::Kind::safety, "invariant", "one-value-per-tag",
                       fmt::format("register '{}' tag ({}, {}) holds {} on node {} but {} elsewhere", key,
                                   stored.tag.ts, stored.tag.writer, stored.value.dump(), id, it->second.dump()),
                       0, {{"node", id}, {"key", key}}};
      }
    }
    t.last = node->counters();
    return std::nullopt;
  }

  void at_end(const ClusterView& view, const check::History&, TimeNs, Report& report) override {
    for (NodeId id = 0; id < tracks_.size() && id < view.size(); ++id) fold(tracks_[id], nullptr);
    report.metrics["abd"] = {{"reads", total_.reads},          {"writes", total_.writes},
                             {"write_backs", total_.write_backs}, {"write_backs_skipped", total_.write_backs_skipped},
                             {"gave_up", total_.gave_up},      {"round_messages", total_.messages}};
  }

 private:
  struct Track {
    const Node* incarnation = nullptr;
    Counters last;
    std::map<std::string, Tag> tags;
  };
  // A new incarnation (or the end): bank the old one's counters; storage carries the tags over.
  void fold(Track& t, const Node* now) {
    total_.reads += t.last.reads;
    total_.writes += t.last.writes;
    total_.write_backs += t.last.write_backs;
    total_.write_backs_skipped += t.last.write_backs_skipped;
    total_.gave_up += t.last.gave_up;
    total_.messages += t.last.messages;
    t.last = Counters{};
    t.incarnation = now;
    if (!now) return;
    // A wiped disk legitimately forgets: judge monotonicity per incarnation.
    t.tags.clear();
  }

  std::vector<Track> tracks_;
  std::map<std::pair<std::string, Tag>, nlohmann::json> values_;
  Counters total_;
};

class Abd final : public Protocol {
 public:
  Abd(Options options, std::uint32_t nodes)
      : options_(options), ring_(std::make_shared<quorum::Ring>(nodes, options.tokens_per_node)) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_, ring_); }
  std::unique_ptr<Observer> make_observer() const override { return std::make_unique<AbdObserver>(); }

 private:
  Options options_;
  std::shared_ptr<const quorum::Ring> ring_;
};

}  // namespace

void register_abd(ProtocolRegistry& registry) {
  ProtocolInfo info{
      "abd",
      "the Attiya-Bar-Noy-Dolev multi-writer register: majority query and update rounds, reads write back; "
      "no leader, no clocks",
      {{kBugWriteBack, "reads answer after the query round without writing the value back (new/old inversion)"}},
      [](ObjectReader& params, std::uint32_t nodes) { read_options(params, nodes); },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Diagnostics diag;
        ObjectReader params(config.params, "/cluster/params", diag);
        Options o = read_options(params, config.nodes);
        o.bug_read_without_write_back = config.bugs.count(kBugWriteBack) > 0;
        return std::make_unique<Abd>(o, config.nodes);
      }};
  // A read/write register per key: kv's appends fail (no read-modify-write), gets and puts are
  // judged by the kv model; visibility probes are reads and writes too.
  info.workloads = {{"kv", {"kv"}}, {"register", {"cas-register", "register"}}, {"visibility", {"register"}}};
  info.nodes_min = 1;
  info.metrics = {
      {"abd.reads", "reads served"}, {"abd.writes", "writes served"},
      {"abd.write_backs", "reads that wrote the value back to a quorum before answering"},
      {"abd.write_backs_skipped", "reads that skipped the write-back (every replica already agreed)"},
      {"abd.gave_up", "operations abandoned without a quorum"},
      {"abd.round_messages", "messages of the quorum rounds"},
  };
  info.observer_checks_liveness = false;
  registry.add(std::move(info));
}

}  // namespace dsim::abd
