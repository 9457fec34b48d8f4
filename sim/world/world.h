// The world: a cluster of nodes running one protocol, the network between them, the clients
// that use them and the fault schedule that torments them, driven by one event queue. Built
// from a Scenario; run_scenario (run.h) is its public face.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/hash.h"
#include "sim/core/rng.h"
#include "sim/core/slab.h"
#include "sim/net/network.h"
#include "sim/node/clock.h"
#include "sim/node/observer.h"
#include "sim/node/protocol.h"
#include "sim/trace/trace.h"
#include "sim/workload/generator.h"
#include "sim/world/memory.h"
#include "sim/world/run.h"

namespace dsim {

class World final : private ClusterView {
 public:
  World(const Scenario& scenario, const RunOptions& options);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Runs to the end (time, event budget, quiescence or a safety violation) and fills `result`.
  void run(RunResult& result);

 private:
  // A node's window on the world: every call lands back in the World, tagged with the node.
  class NodeContext final : public Context {
   public:
    NodeContext() = default;
    NodeContext(World* world, NodeId node) : world_(world), node_(node) {}
    NodeId self() const override { return node_; }
    std::uint32_t cluster_size() const override;
    TimeNs now() const override;
    void send(NodeId to, MessagePtr message) override;
    TimerId set_timer(TimeNs after_ns, std::uint64_t tag) override;
    void cancel_timer(TimerId timer) override;
    Storage& storage() override;
    Rng& rng() override;
    void reply(const Request& request, Reply reply) override;
    void annotate(std::string_view key, const nlohmann::json& value) override;

   private:
    World* world_ = nullptr;
    NodeId node_ = 0;
  };
  friend class NodeContext;

  enum EventKind : std::uint32_t {
    kDeliver,        // arg: flight slot
    kTimer,          // target: node, arg: timer id
    kFault,          // arg: index into steps_
    kClientNext,     // target: client
    kClientTimeout,  // target: client, arg: op index * kAttemptsLimit + attempt
    kRequestArrive,  // arg: request slot
    kReplyArrive,    // arg: reply slot
    kFinalPhase,     // the workload's final operations are dealt to the clients
    kHandle,         // target: node, arg: Backlogged::seq; a slow node's event, handled now
  };
  static constexpr std::uint64_t kAttemptsLimit = 128;

  struct Timer {
    std::uint64_t tag = 0;
    TimeNs due_local_ns = 0;
    TimeNs due_true_ns = 0;
  };
  // What a paused node missed, replayed in order when it resumes.
  struct Missed {
    EventKind kind;
    std::uint64_t arg;
  };
  // An event a slow node has taken in (slow.cpp); the front of the backlog is the one it works on.
  struct Backlogged {
    EventKind kind;       // kDeliver, kTimer or kRequestArrive
    std::uint64_t arg;
    std::uint64_t seq;    // the kHandle event's arg: stale ones (after a crash) match nothing
    TimeNs arrived_ns;
    TimeNs done_ns;       // when its handler runs; kTimeNever until the node starts on it
  };
  // A value a node published, and since when it holds (for selectors that pick the newest).
  struct Annotation {
    nlohmann::json value;
    TimeNs since_ns = 0;
  };
  // What every delivery reads (process, paused, ctx) comes first, in one cache line: with
  // thousands of nodes the Node array outgrows the cache and each line is a miss.
  struct Node {
    std::unique_ptr<Process> process;  // null while crashed
    bool paused = false;
    NodeContext ctx;
    Storage storage;
    LocalClock clock;
    Rng rng{0};
    std::map<TimerId, Timer> timers;
    std::vector<Missed> missed;
    std::map<std::string, Annotation, std::less<>> annotations;
    // Slowness (slow.cpp): a busy CPU. Each active slow fault adds a draw to every event's cost;
    // events start when the node is free, in arrival order (or due timers first, timers_first).
    std::set<std::size_t> slow;  // the active slow faults (indexes into scenario_.faults)
    Rng slow_rng{0};
    std::deque<Backlogged> backlog;
    std::uint64_t backlog_seq_next = 0;
    // Due timers overtake queued messages and requests (FaultAction::SlowOrder::timers_first):
    // set while an active slow fault asks for it, kept while the node drains what it left.
    bool timers_first = false;
    // The livelock watchdogs' counts (watchdog.cpp) in the 100 ms window `rate_window`.
    std::uint64_t rate_window = 0;
    std::uint64_t sent_in_window = 0;
    std::uint64_t timers_in_window = 0;
  };
  struct Flight {
    NodeId from = 0;
    NodeId to = 0;
    std::uint64_t id = 0;
    std::uint64_t digest = 0;
    MessagePtr message;
  };
  struct ClientRequestFlight {
    Request request;
    NodeId node = 0;
    std::uint64_t op = 0;
  };
  struct ClientReplyFlight {
    std::uint32_t client = 0;
    std::uint64_t op = 0;
    std::uint32_t attempt = 0;
    NodeId node = 0;
    Reply reply;
  };
  struct Client {
    Rng rng{0};                 // operation choices and client-link latency
    std::optional<std::uint64_t> op;  // the operation in progress
    std::uint32_t attempt = 0;
    NodeId node = 0;            // where the current attempt went
    bool maybe_applied = false; // some attempt may have taken effect (timed out)
    std::uint64_t issued = 0;
    bool idle = false;          // nothing to issue: no operation, no pause pending
    bool pinned = false;        // the operation is answered by `node` only (OpTemplate::pinned)
    std::deque<OpTemplate> final_ops;  // dealt at the final phase, issued in order
  };
  // One step of the fault schedule: a scenario action, or the undo of one.
  struct FaultStep {
    TimeNs at_ns = 0;
    std::size_t fault = 0;  // index into scenario_.faults
    bool undo = false;
  };

  // ---- Events ----
  void dispatch(const Event& e);
  void prefetch_records(const Event& next) const;
  void prefetch_objects(const Event& next) const;
  void deliver(std::uint64_t slot);
  void fire_timer(NodeId node, TimerId timer);
  void arrive_request(std::uint64_t slot);
  void handle_message(std::uint64_t slot);
  void handle_timer(NodeId node, TimerId timer);
  void handle_request(std::uint64_t slot);
  void after_node_event(NodeId node);

  // ---- Slow nodes (slow.cpp) ----
  // True when `node` is slow or still working through earlier events: the event is then taken
  // into its backlog and handled later (kHandle), after those before it.
  bool defer(NodeId node, EventKind kind, std::uint64_t arg);
  void start_backlogged(NodeId node);
  void pick_next_backlogged(Node& n);
  void handle_backlogged(NodeId node, std::uint64_t seq);
  void clear_backlog(NodeId node);
  // The trace's "queued_ns" for the event being handled: how long it waited in a slow node's
  // backlog (0: it did not).
  void add_queued(nlohmann::json& data) const;
  // At resume: what finished while the node was paused is handled now, in order.
  void resume_backlog(NodeId node);

  // ---- Livelock watchdogs (watchdog.cpp) ----
  enum class Activity { message, timer };
  // Counts a message `node` sent or a timer it fired. Past run.messages_per_node_s_max (or
  // timers_per_node_s_max) within one 100 ms window of simulated time, the node is looping: the
  // run records livelock:message-storm (timer-storm) and stops, long before memory runs out.
  void count_activity(NodeId node, Activity activity);
  // The messages in flight by type, most numerous first, at most `types_max` of them.
  nlohmann::json in_flight_by_type(std::size_t types_max) const;

  // ---- Nodes (world.cpp) ----
  void boot(NodeId node);
  void crash(NodeId node, bool lose_unsynced);
  void send(NodeId from, NodeId to, MessagePtr message);
  TimerId set_timer(NodeId node, TimeNs after_ns, std::uint64_t tag);
  void reschedule_timers(NodeId node);
  void reply(NodeId node, const Request& request, Reply reply);
  void annotate(NodeId node, std::string_view key, const nlohmann::json& value);
  // Re-sends, in link order, the held messages of every link no longer clogged.
  void release_opened_links();

  // ---- Faults (faults.cpp) ----
  void schedule_faults();
  void apply_fault(const FaultStep& step);
  void apply_node_fault(const FaultAction& action, bool undo, std::size_t fault);
  void apply_network_fault(const FaultAction& action, bool undo, std::size_t fault);
  // The nodes a fault acts on: as written, or for a selector the node chosen when it fired (kept
  // for its undo); empty when no node matched.
  std::vector<NodeId> fault_targets(const FaultAction& action, bool undo, std::size_t fault);
  std::optional<NodeId> select_node(const NodeSelector& selector);
  void isolate_selected(const FaultAction& action, bool undo, std::size_t fault);

  // ---- Clients (clients.cpp) ----
  void client_next(std::uint32_t client);
  void client_send(std::uint32_t client);
  void client_timeout(std::uint32_t client, std::uint64_t op, std::uint32_t attempt);
  void client_reply(std::uint64_t slot);
  // `answered`: a node's reply ended the operation (not the client's own timeout).
  void client_complete(std::uint32_t client, check::OpType type, nlohmann::json output, bool answered);
  NodeId first_target(std::uint32_t client, const OpTemplate& t);
  bool clients_may_issue(std::uint32_t client) const;
  std::optional<OpTemplate> next_op(Client& c, std::uint32_t client);
  void client_idle(std::uint32_t client);
  void start_final_phase();

  // ---- Recording ----
  // Folds an event into the fingerprint and, when tracing, appends it to the trace; the event's
  // JSON is built only then, so an untraced run pays for a hash and nothing else.
  template <class MakeData>
  void record(TraceKind kind, std::int64_t actor, std::uint64_t digest, MakeData&& make_data) {
    std::uint64_t h = hash_combine(fingerprint_, static_cast<std::uint64_t>(queue_.now_ns()));
    h = hash_combine(h, (static_cast<std::uint64_t>(kind) << 32) ^ static_cast<std::uint64_t>(actor));
    fingerprint_ = hash_combine(h, digest);
    if (tracing()) append_trace(TraceEvent{queue_.now_ns(), kind, actor, make_data()});
  }
  // Tracing is on and the trace is within its own budget. The trace never counts against the
  // run's memory budget: what a run does must not depend on whether it is watched.
  bool tracing() const { return options_.trace && !trace_.cut; }
  void append_trace(TraceEvent event);
  void record_finding(const Finding& finding);
  // What the history and the messages in flight hold (sim/world/memory.h): vectors by capacity,
  // plus the heap bytes their elements own, counted as they are recorded. The run's budget.
  std::uint64_t recorded_bytes() const;

  // ---- ClusterView ----
  std::uint32_t size() const override { return static_cast<std::uint32_t>(nodes_.size()); }
  const Process* process(NodeId node) const override { return nodes_[node].process.get(); }
  bool paused(NodeId node) const override { return nodes_[node].paused; }
  const Storage& storage(NodeId node) const override { return nodes_[node].storage; }
  TimeNs now_ns() const override { return queue_.now_ns(); }

  void finish(RunResult& result);
  void check_broadcast_run(nlohmann::json& metrics);
  bool budget_spent() const;  // the run stopped at run.events_max or run.memory_mb_max
  void record_budget_finding();

  const Scenario& scenario_;
  RunOptions options_;
  std::unique_ptr<Protocol> protocol_;
  std::unique_ptr<Observer> observer_;
  std::unique_ptr<Generator> generator_;
  EventQueue queue_;
  Network network_;
  std::vector<Node> nodes_;
  std::vector<Client> clients_;
  std::vector<FaultStep> steps_;
  std::map<std::size_t, std::int64_t> drift_before_;  // clock-drift fault -> drift to restore
  std::map<std::size_t, std::vector<NodeId>> selected_;  // selector fault -> the node it chose
  Rng select_rng_{0};           // "pick": "random" draws, only when such a fault fires
  bool keep_annotations_ = false;  // tracing, or a fault chooses its node by them

  Slab<Flight> flights_;
  Slab<ClientRequestFlight> requests_;
  Slab<ClientReplyFlight> replies_;
  std::map<NodePair, std::deque<std::uint64_t>> held_;  // clogged links' messages, in order

  TimeNs handling_arrived_ns_ = kTimeNever;  // a backlogged event's arrival, while it is handled
  TimerId next_timer_id_ = 1;
  std::uint64_t next_message_id_ = 0;
  std::uint64_t ops_issued_ = 0;
  TimeNs end_ns_ = 0;
  TimeNs stop_issuing_ns_ = 0;
  TimeNs calm_ns_ = 0;
  enum class FinalPhase { none, waiting, scheduled, started };
  FinalPhase final_phase_ = FinalPhase::none;
  std::uint64_t fingerprint_ = 0;
  bool stopped_ = false;
  RunStats stats_;
  std::vector<Finding> findings_;
  check::History history_;
  std::vector<std::uint32_t> history_client_;  // op index -> client
  std::vector<TimeNs> answered_ns_;             // op index -> when a reply ended it, or kTimeNever
  std::uint64_t heap_bytes_ = 0;                // owned by history ops
  std::uint64_t trace_bytes_ = 0;               // owned by trace events, bounded on its own
  Trace trace_;
};

}  // namespace dsim
