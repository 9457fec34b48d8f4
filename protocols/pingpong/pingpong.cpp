#include "protocols/pingpong/pingpong.h"

#include <algorithm>

namespace dsim::pingpong {

namespace {

struct Ping {
  static constexpr std::string_view kType = "Ping";
  std::uint64_t round = 0;
  DSIM_FIELDS(round)
};

struct Pong {
  static constexpr std::string_view kType = "Pong";
  std::uint64_t round = 0;
  DSIM_FIELDS(round)
};

class Node final : public Process {
 public:
  Node(std::int64_t in_flight, std::int64_t peers) : in_flight_(in_flight), peers_(peers) {}

  // Every other node, or with `peers` k the next k nodes around the ring (a sparse load whose
  // per-node work does not grow with the cluster).
  void on_start(Context& ctx) override {
    const NodeId n = ctx.cluster_size();
    const NodeId count = peers_ == 0 ? n - 1 : static_cast<NodeId>(std::min<std::int64_t>(peers_, n - 1));
    for (NodeId d = 1; d <= count; ++d) {
      const NodeId peer = peers_ == 0 ? (d - 1 < ctx.self() ? d - 1 : d) : (ctx.self() + d) % n;
      for (std::int64_t i = 0; i < in_flight_; ++i) ctx.send(peer, Ping{0});
    }
  }
  void on_message(Context& ctx, NodeId from, const Message& message) override {
    if (const Ping* ping = message.as<Ping>()) {
      ctx.send(from, Pong{ping->round});
    } else if (const Pong* pong = message.as<Pong>()) {
      ctx.send(from, Ping{pong->round + 1});
    }
  }
  void on_timer(Context&, TimerId, std::uint64_t) override {}

 private:
  std::int64_t in_flight_;
  std::int64_t peers_;
};

class PingPong final : public Protocol {
 public:
  PingPong(std::int64_t in_flight, std::int64_t peers) : in_flight_(in_flight), peers_(peers) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(in_flight_, peers_); }

 private:
  std::int64_t in_flight_;
  std::int64_t peers_;
};

}  // namespace

void register_pingpong(ProtocolRegistry& registry) {
  ProtocolInfo info{
      "pingpong",
      "every node keeps pings in flight to every peer (a network load generator)",
      {},
      [](ObjectReader& params, std::uint32_t) {
        params.integer("in_flight", 1, 1, 1000);
        params.integer("peers", 0, 0, 4096);  // 0: every other node
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        return std::make_unique<PingPong>(config.params.value("in_flight", 1), config.params.value("peers", 0));
      }};
  // Pings are its own traffic: it answers no client operation (only the empty workload).
  info.workloads = {{"none", {}}};
  info.nodes_min = 2;
  info.observer_checks_liveness = false;
  registry.add(std::move(info));
}

}  // namespace dsim::pingpong
