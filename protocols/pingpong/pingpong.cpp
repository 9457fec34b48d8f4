#include "protocols/pingpong/pingpong.h"

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
  explicit Node(std::int64_t in_flight) : in_flight_(in_flight) {}

  void on_start(Context& ctx) override {
    for (NodeId peer = 0; peer < ctx.cluster_size(); ++peer) {
      if (peer == ctx.self()) continue;
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
};

class PingPong final : public Protocol {
 public:
  explicit PingPong(std::int64_t in_flight) : in_flight_(in_flight) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(in_flight_); }

 private:
  std::int64_t in_flight_;
};

}  // namespace

void register_pingpong(ProtocolRegistry& registry) {
  ProtocolInfo info{
      "pingpong",
      "every node keeps pings in flight to every peer (a network load generator)",
      {},
      [](ObjectReader& params, std::uint32_t) {
        params.integer("in_flight", 1, 1, 1000);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        return std::make_unique<PingPong>(config.params.value("in_flight", 1));
      }};
  // Pings are its own traffic: it answers no client operation (only the empty workload).
  info.workloads = {{"none", {}}};
  info.nodes_min = 2;
  info.observer_checks_liveness = false;
  registry.add(std::move(info));
}

}  // namespace dsim::pingpong
