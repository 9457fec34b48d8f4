// Dynamo's checks, with the simulator's view of every replica:
//   replica-monotonic (after every event)  a replica never forgets a version it held: under LWW
//       its tag for a key never decreases, under vector clocks every clock it held stays covered
//       by one it holds (judged per incarnation; a wiped disk legitimately forgets);
//   convergence (at the end, when the run lasts convergence_ms past the calm, for every key no
//       client wrote in the last convergence_ms)
//       diverged                  the live home replicas of a key hold different versions;
//       lost-acknowledged-write   a write a client was told succeeded is covered by no home
//                                 replica (LWW: every replica's tag is lower).
// Metrics: sibling counts, read repairs, hints written / handed off / outstanding, Merkle
// exchanges, messages, bytes and keys sent.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocols/dynamo/node.h"
#include "sim/node/observer.h"

namespace dsim::dynamo {

class DynamoObserver final : public Observer {
 public:
  DynamoObserver(const Options& options, std::shared_ptr<const quorum::Ring> ring)
      : options_(options), ring_(std::move(ring)) {}
  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override;
  void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) override;

 private:
  struct Track {
    const Node* incarnation = nullptr;
    Counters last;
    std::map<std::string, Record> held;  // what the replica held, as last seen
  };
  void fold(Track& t, const Node* now);
  std::optional<Finding> check_convergence(const ClusterView& view, const std::string& key) const;
  nlohmann::json metrics(const ClusterView& view) const;

  Options options_;
  std::shared_ptr<const quorum::Ring> ring_;
  std::vector<Track> tracks_;
  Counters total_;
  std::uint64_t max_siblings_ = 0;
  std::map<std::string, std::vector<Sibling>> acknowledged_;  // key -> writes answered ok
};

}  // namespace dsim::dynamo
