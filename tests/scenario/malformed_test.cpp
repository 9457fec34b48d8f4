// A broad table of malformed scenarios. Each must be rejected with exactly one problem, at the
// exact JSON path of the offending value, whose message says what was expected (and, where a
// value was given, what was found). One problem each: a mistake must not cascade.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

struct Case {
  std::string name;
  json doc;
  std::string path;  // the JSON Pointer of the one problem
  std::string text;  // a part of its message
};

std::ostream& operator<<(std::ostream& out, const Case& c) { return out << c.name; }

// The minimal document with the value at `pointer` replaced (or added).
// With a register workload, so a linearizability check has a history to judge.
json with_workload() {
  json doc = minimal_doc();
  doc["workload"] = {{"kind", "register"}};
  return doc;
}

json with(const std::string& pointer, json value, json doc = with_workload()) {
  doc[json::json_pointer(pointer)] = std::move(value);
  return doc;
}

json without(const std::string& pointer) {
  json doc = minimal_doc();
  const json::json_pointer ptr(pointer);
  doc[ptr.parent_pointer()].erase(ptr.back());
  return doc;
}

// A document whose only fault is `fault` (5 nodes, 10 s run).
json fault(json fault) { return doc_with_faults(json::array({std::move(fault)})); }

json J(const char* text) { return json::parse(text); }
json fault(const char* text) { return fault(J(text)); }

json latency(json value) { return with("/network/latency", std::move(value)); }
json workload(json value) { return with("/workload", std::move(value)); }

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // The document and its top level.
      {"document is an array", json::array(), "", "expected an object, found an array"},
      {"document is a string", "scenario", "", "expected an object, found the string"},
      {"document is null", nullptr, "", "expected an object, found null"},
      {"document is a number", 42, "", "expected an object, found 42"},
      {"unknown top-level key", with("/clutser", json::object()), "/clutser", "unknown key; expected one of"},
      {"missing cluster", json::object(), "/cluster", "missing; expected an object"},
      {"name not a string", with("/name", 5), "/name", "expected a string, found 5"},
      {"description not a string", with("/description", json::array()), "/description", "expected a string"},

      // cluster
      {"cluster not an object", with("/cluster", "pb"), "/cluster", "expected an object, found the string \"pb\""},
      {"protocol missing", without("/cluster/protocol"), "/cluster/protocol", "missing"},
      {"protocol unknown", with("/cluster/protocol", "paxos-made-simple"), "/cluster/protocol", "\"primary-backup\""},
      {"protocol not a string", with("/cluster/protocol", 3), "/cluster/protocol", "found 3"},
      {"nodes missing", without("/cluster/nodes"), "/cluster/nodes", "missing"},
      {"nodes zero", with("/cluster/nodes", 0), "/cluster/nodes", "from 1 to 4096, found 0"},
      {"nodes too many", with("/cluster/nodes", 4097), "/cluster/nodes", "found 4097"},
      {"nodes negative", with("/cluster/nodes", -1), "/cluster/nodes", "found -1"},
      {"nodes fractional", with("/cluster/nodes", 2.5), "/cluster/nodes", "found 2.5"},
      {"nodes a string", with("/cluster/nodes", "3"), "/cluster/nodes", "found the string \"3\""},
      {"nodes empty array", with("/cluster/nodes", json::array()), "/cluster/nodes", "found an array"},
      {"nodes 4097 names", with("/cluster/nodes", std::vector<std::string>(4097, "a")), "/cluster/nodes", "1 to 4096 node names"},
      {"duplicate node name", with("/cluster/nodes", J(R"(["a", "b", "a"])")), "/cluster/nodes/2", "distinct node names, found \"a\" again"},
      {"node name starts with a digit", with("/cluster/nodes", J(R"(["1x"])")), "/cluster/nodes/0", "a node name"},
      {"node name with a space", with("/cluster/nodes", J(R"(["a b"])")), "/cluster/nodes/0", "a node name"},
      {"node name empty", with("/cluster/nodes", J(R"([""])")), "/cluster/nodes/0", "a node name"},
      {"node name too long", with("/cluster/nodes", json::array({std::string(33, 'a')})), "/cluster/nodes/0", "a node name"},
      {"node name with unicode", with("/cluster/nodes", json::array({"n\xc3\xa9"})), "/cluster/nodes/0", "a node name"},
      {"node name reserved", with("/cluster/nodes", J(R"(["a", "default"])")), "/cluster/nodes/1", "keywords"},
      {"node name not a string", with("/cluster/nodes", J(R"(["a", 3])")), "/cluster/nodes/1", "found 3"},
      {"params not an object", with("/cluster/params", json::array()), "/cluster/params", "expected an object"},
      {"params unknown", with("/cluster/params", J(R"({"bogus": 1})")), "/cluster/params/bogus", "unknown key"},
      {"params out of range", with("/cluster/params", J(R"({"retransmit_ms": -5})")), "/cluster/params/retransmit_ms", "found -5"},
      {"bugs not an array", with("/cluster/bugs", "skip-sync"), "/cluster/bugs", "an array of strings"},
      {"bug unknown", with("/cluster/bugs", J(R"(["off-by-one"])")), "/cluster/bugs/0", "\"skip-sync\""},
      {"bug twice", with("/cluster/bugs", J(R"(["skip-sync", "skip-sync"])")), "/cluster/bugs/1", "distinct bugs"},
      {"bug not a string", with("/cluster/bugs", J(R"([1])")), "/cluster/bugs/0", "expected a string, found 1"},
      {"cluster unknown key", with("/cluster/size", 3), "/cluster/size", "unknown key; expected one of: bugs, nodes, params, protocol"},

      // network
      {"network not an object", with("/network", json::array()), "/network", "expected an object"},
      {"latency unknown preset", latency("lan"), "/network/latency", "\"same-dc\", \"same-region\", \"cross-region\""},
      {"latency a number", latency(5), "/network/latency", "found 5"},
      {"latency unknown dist", latency({{"dist", "gaussian"}}), "/network/latency/dist", "\"constant\""},
      {"latency without dist", latency(json::object()), "/network/latency/dist", "missing"},
      {"uniform min above max", latency({{"dist", "uniform"}, {"min_ms", 5}, {"max_ms", 1}}), "/network/latency/max_ms", "max_ms >= min_ms"},
      {"uniform without max", latency({{"dist", "uniform"}, {"min_ms", 5}}), "/network/latency/max_ms", "missing"},
      {"normal mean zero", latency({{"dist", "normal"}, {"mean_ms", 0}, {"stddev_ms", 1}}), "/network/latency/mean_ms", "more than 0"},
      {"normal without stddev", latency({{"dist", "normal"}, {"mean_ms", 1}}), "/network/latency/stddev_ms", "missing"},
      {"lognormal negative stddev", latency({{"dist", "lognormal"}, {"mean_ms", 1}, {"stddev_ms", -1}}), "/network/latency/stddev_ms", "found -1"},
      {"exponential mean zero", latency({{"dist", "exponential"}, {"mean_ms", 0}}), "/network/latency/mean_ms", "more than 0"},
      {"exponential with stddev", latency({{"dist", "exponential"}, {"mean_ms", 1}, {"stddev_ms", 1}}), "/network/latency/stddev_ms", "unknown key"},
      {"constant negative", latency({{"dist", "constant"}, {"value_ms", -1}}), "/network/latency/value_ms", "found -1"},
      {"constant as a string", latency({{"dist", "constant"}, {"value_ms", "1"}}), "/network/latency/value_ms", "found the string \"1\""},
      {"latency above an hour", latency({{"dist", "constant"}, {"value_ms", 3600001}}), "/network/latency/value_ms", "to 3600000"},
      {"negative floor", latency({{"dist", "constant"}, {"value_ms", 1}, {"floor_ms", -1}}), "/network/latency/floor_ms", "found -1"},
      {"client latency a number", with("/network/client_latency", 5), "/network/client_latency", "found 5"},
      {"loss above 1", with("/network/loss", 1.5), "/network/loss", "from 0 to 1, found 1.5"},
      {"duplicate negative", with("/network/duplicate", -0.1), "/network/duplicate", "found -0.1"},
      {"reorder a string", with("/network/reorder", "often"), "/network/reorder", "found the string \"often\""},
      {"network unknown key", with("/network/jitter", 1), "/network/jitter", "unknown key"},
      {"links not an array", with("/network/links", json::object()), "/network/links", "an array of at most"},
      {"link not an object", with("/network/links", J(R"([1])")), "/network/links/0", "expected an object, found 1"},
      {"link without to", with("/network/links", J(R"([{"from": "n0"}])")), "/network/links/0/to", "missing"},
      {"link from unknown node", with("/network/links", J(R"([{"from": "n9", "to": "n1"}])")), "/network/links/0/from", "one of \"n0\", \"n1\", \"n2\""},
      {"link to repeats a node", with("/network/links", J(R"([{"from": "*", "to": ["n1", "n1"]}])")), "/network/links/0/to/1", "distinct nodes"},
      {"link to empty", with("/network/links", J(R"([{"from": "*", "to": []}])")), "/network/links/0/to", "non-empty array"},
      {"link loss above 1", with("/network/links", J(R"([{"from": "*", "to": "*", "loss": 2}])")), "/network/links/0/loss", "found 2"},
      {"link unknown key", with("/network/links", J(R"([{"from": "*", "to": "*", "speed": 2}])")), "/network/links/0/speed", "unknown key"},
      {"link bad latency", with("/network/links", J(R"([{"from": "*", "to": "*", "latency": "slow"}])")), "/network/links/0/latency", "latency preset"},

      // clocks
      {"clocks not an object", with("/clocks", json::array()), "/clocks", "expected an object"},
      {"clock of unknown node", with("/clocks", J(R"({"n7": {}})")), "/clocks/n7", "\"default\" or a node name"},
      {"drift too large", with("/clocks", J(R"({"n1": {"drift_ppm": 600000}})")), "/clocks/n1/drift_ppm", "from -500000 to 500000"},
      {"drift fractional", with("/clocks", J(R"({"n1": {"drift_ppm": 1.5}})")), "/clocks/n1/drift_ppm", "found 1.5"},
      {"offset a string", with("/clocks", J(R"({"default": {"offset_ms": "x"}})")), "/clocks/default/offset_ms", "found the string"},
      {"clock unknown key", with("/clocks", J(R"({"n1": {"skew": 1}})")), "/clocks/n1/skew", "unknown key"},
      {"clock not an object", with("/clocks", J(R"({"n1": 5})")), "/clocks/n1", "expected an object, found 5"},

      // faults: the entry
      {"faults not an array", with("/faults", json::object()), "/faults", "an array of at most"},
      {"fault not an object", fault(5), "/faults/0", "expected an object, found 5"},
      {"fault without at_ms", fault(R"({"action": "heal"})"), "/faults/0/at_ms", "missing"},
      {"fault at negative time", fault(R"({"at_ms": -1, "action": "heal"})"), "/faults/0/at_ms", "found -1"},
      {"fault after the run", fault(R"({"at_ms": 20000, "action": "heal"})"), "/faults/0/at_ms", "from 0 to 10000, found 20000"},
      {"fault at_ms a string", fault(R"({"at_ms": "1s", "action": "heal"})"), "/faults/0/at_ms", "found the string \"1s\""},
      {"fault without action", fault(R"({"at_ms": 1})"), "/faults/0/action", "missing"},
      {"fault unknown action", fault(R"({"at_ms": 1, "action": "explode"})"), "/faults/0/action", "\"crash\""},
      {"fault unknown key", fault(R"({"at_ms": 1, "action": "heal", "when": 2})"), "/faults/0/when", "unknown key"},
      {"fault label not a string", fault(R"({"at_ms": 1, "action": "heal", "label": 5})"), "/faults/0/label", "found 5"},
      {"second fault is the bad one", doc_with_faults(J(R"([{"at_ms": 1, "action": "heal"}, {"at_ms": 2, "action": "crash", "node": "n9"}])")), "/faults/1/node", "\"n4\""},

      // faults: node targets and durations
      {"crash without node", fault(R"({"at_ms": 1, "action": "crash"})"), "/faults/0/node", "missing"},
      {"crash unknown node", fault(R"({"at_ms": 1, "action": "crash", "node": "n9"})"), "/faults/0/node", "one of \"n0\", \"n1\", \"n2\", \"n3\", \"n4\""},
      {"crash node and nodes", fault(R"({"at_ms": 1, "action": "crash", "node": "n1", "nodes": ["n2"]})"), "/faults/0/nodes", "either \"node\" or \"nodes\""},
      {"crash nodes a string", fault(R"({"at_ms": 1, "action": "crash", "nodes": "n1"})"), "/faults/0/nodes", "non-empty array of node names"},
      {"crash nodes empty", fault(R"({"at_ms": 1, "action": "crash", "nodes": []})"), "/faults/0/nodes", "non-empty array"},
      {"crash nodes repeated", fault(R"({"at_ms": 1, "action": "crash", "nodes": ["n1", "n1"]})"), "/faults/0/nodes/1", "distinct nodes"},
      {"crash node a number", fault(R"({"at_ms": 1, "action": "crash", "node": 1})"), "/faults/0/node", "found 1"},
      {"lose_unsynced not a bool", fault(R"({"at_ms": 1, "action": "crash", "node": "n1", "lose_unsynced": "yes"})"), "/faults/0/lose_unsynced", "true or false"},
      {"lose_unsynced on pause", fault(R"({"at_ms": 1, "action": "pause", "node": "n1", "lose_unsynced": true})"), "/faults/0/lose_unsynced", "unknown key"},
      {"fault duration zero", fault(R"({"at_ms": 1, "action": "crash", "node": "n1", "duration_ms": 0})"), "/faults/0/duration_ms", "more than 0"},
      {"fault duration negative", fault(R"({"at_ms": 1, "action": "pause", "node": "n1", "duration_ms": -5})"), "/faults/0/duration_ms", "found -5"},
      {"restart with duration", fault(R"({"at_ms": 1, "action": "restart", "node": "n1", "duration_ms": 100})"), "/faults/0/duration_ms", "\"restart\" is not undone"},
      {"heal with duration", fault(R"({"at_ms": 1, "action": "heal", "duration_ms": 100})"), "/faults/0/duration_ms", "not undone"},
      {"resume with duration", fault(R"({"at_ms": 1, "action": "resume", "node": "n1", "duration_ms": 100})"), "/faults/0/duration_ms", "not undone"},
      {"heal with a node", fault(R"({"at_ms": 1, "action": "heal", "node": "n1"})"), "/faults/0/node", "unknown key"},

      // faults: partitions
      {"partition without groups", fault(R"({"at_ms": 1, "action": "partition"})"), "/faults/0/groups", "missing"},
      {"partition one group", fault(R"({"at_ms": 1, "action": "partition", "groups": [["n0"]]})"), "/faults/0/groups", "at least 2 arrays"},
      {"partition overlapping groups", fault(R"({"at_ms": 1, "action": "partition", "groups": [["n0", "n1"], ["n2", "n1"]]})"), "/faults/0/groups/1/1", "\"n1\" also in group 0"},
      {"partition empty group", fault(R"({"at_ms": 1, "action": "partition", "groups": [["n0"], []]})"), "/faults/0/groups/1", "non-empty array"},
      {"partition unknown node", fault(R"({"at_ms": 1, "action": "partition", "groups": [["n0"], ["zz"]]})"), "/faults/0/groups/1/0", "found the string \"zz\""},
      {"one-way overlapping", fault(R"({"at_ms": 1, "action": "partition-one-way", "from": ["n0", "n1"], "to": ["n1"]})"), "/faults/0/to", "disjoint, found \"n1\" in both"},
      {"one-way without to", fault(R"({"at_ms": 1, "action": "partition-one-way", "from": "n0"})"), "/faults/0/to", "missing"},
      {"one-way with star", fault(R"({"at_ms": 1, "action": "partition-one-way", "from": "n0", "to": "*"})"), "/faults/0/to", "one of \"n0\""},
      {"isolate everyone", fault(R"({"at_ms": 1, "action": "isolate", "nodes": ["n0", "n1", "n2", "n3", "n4"]})"), "/faults/0/nodes", "fewer than all 5 nodes"},
      {"majority not a minority", fault(R"({"at_ms": 1, "action": "partition-majority", "minority": ["n0", "n1", "n2"]})"), "/faults/0/minority", "at most 2 of the 5 nodes, found 3"},
      {"majority minority a string", fault(R"({"at_ms": 1, "action": "partition-majority", "minority": "n1"})"), "/faults/0/minority", "non-empty array"},
      {"majority without minority", fault(R"({"at_ms": 1, "action": "partition-majority"})"), "/faults/0/minority", "missing"},
      {"bridge three groups", fault(R"({"at_ms": 1, "action": "bridge", "groups": [["n0"], ["n1"], ["n2"]], "bridge": "n3"})"), "/faults/0/groups", "2 arrays"},
      {"bridge inside a group", fault(R"({"at_ms": 1, "action": "bridge", "groups": [["n0", "n2"], ["n1"]], "bridge": "n2"})"), "/faults/0/bridge", "neither group, found \"n2\" in group 0"},
      {"bridge missing", fault(R"({"at_ms": 1, "action": "bridge", "groups": [["n0"], ["n1"]]})"), "/faults/0/bridge", "missing"},
      {"bridge unknown node", fault(R"({"at_ms": 1, "action": "bridge", "groups": [["n0"], ["n1"]], "bridge": "x"})"), "/faults/0/bridge", "a node name"},
      {"explicit pair to itself", fault(R"({"at_ms": 1, "action": "partition", "pairs": [["n0", "n0"]]})"), "/faults/0/pairs/0", "two different nodes"},
      {"explicit pair of one", fault(R"({"at_ms": 1, "action": "partition", "pairs": [["n0"]]})"), "/faults/0/pairs/0", "a pair of node names"},
      {"explicit pair repeated", fault(R"({"at_ms": 1, "action": "partition", "pairs": [["n0", "n1"], ["n0", "n1"]]})"), "/faults/0/pairs/1", "distinct pairs"},
      {"explicit pairs empty", fault(R"({"at_ms": 1, "action": "partition", "pairs": []})"), "/faults/0/pairs", "non-empty array"},
      {"pairs on isolate", fault(R"({"at_ms": 1, "action": "isolate", "node": "n1", "pairs": [["n0", "n1"]]})"), "/faults/0/pairs", "unknown key"},

      // faults: clogs, network, clocks
      {"clog both forms", fault(R"({"at_ms": 1, "action": "clog", "from": "n0", "to": "n1", "node": "n2"})"), "/faults/0/node", "either \"from\"/\"to\" or \"node\"/\"nodes\""},
      {"clog with nothing", fault(R"({"at_ms": 1, "action": "clog"})"), "/faults/0/node", "missing"},
      {"clog a node to itself", fault(R"({"at_ms": 1, "action": "clog", "from": "n1", "to": "n1"})"), "/faults/0/to", "at least one link"},
      {"clog without from", fault(R"({"at_ms": 1, "action": "clog", "to": "n1"})"), "/faults/0/from", "missing"},
      {"unclog with duration", fault(R"({"at_ms": 1, "action": "unclog", "duration_ms": 5})"), "/faults/0/duration_ms", "not undone"},
      {"network with nothing", fault(R"({"at_ms": 1, "action": "network"})"), "/faults/0", "at least one of \"loss\""},
      {"network loss above 1", fault(R"({"at_ms": 1, "action": "network", "loss": 3})"), "/faults/0/loss", "found 3"},
      {"network bad latency", fault(R"({"at_ms": 1, "action": "network", "latency": "fast"})"), "/faults/0/latency", "latency preset"},
      {"clock step of zero", fault(R"({"at_ms": 1, "action": "clock-step", "node": "n1", "delta_ms": 0})"), "/faults/0/delta_ms", "non-zero"},
      {"clock step without delta", fault(R"({"at_ms": 1, "action": "clock-step", "node": "n1"})"), "/faults/0/delta_ms", "missing"},
      {"clock drift too large", fault(R"({"at_ms": 1, "action": "clock-drift", "node": "n1", "drift_ppm": 1000000})"), "/faults/0/drift_ppm", "found 1000000"},
      {"clock resync with duration", fault(R"({"at_ms": 1, "action": "clock-resync", "node": "n1", "duration_ms": 5})"), "/faults/0/duration_ms", "not undone"},
      {"slow without delay", fault(R"({"at_ms": 1, "action": "slow", "node": "n1"})"), "/faults/0/delay", "missing; expected a latency preset or object"},
      {"slow bad distribution", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": {"dist": "zipf", "mean_ms": 5}})"), "/faults/0/delay/dist", "\"constant\""},
      {"slow delay a word", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": "sluggish"})"), "/faults/0/delay", "a latency preset"},
      {"slow negative delay", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": {"dist": "constant", "value_ms": -5}})"), "/faults/0/delay/value_ms", "found -5"},
      {"slow delay above 60 s", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": {"dist": "constant", "value_ms": 60001}})"), "/faults/0/delay", "at most 60000 ms per event"},
      {"slow mixture above 60 s", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": {"dist": "mixture", "components": [{"weight": 1, "latency": {"dist": "pareto", "scale_ms": 90000, "shape": 2}}]}})"), "/faults/0/delay", "at most 60000 ms"},
      {"slow unknown node", fault(R"({"at_ms": 1, "action": "slow", "node": "n9", "delay": {"dist": "constant", "value_ms": 5}})"), "/faults/0/node", "found the string \"n9\""},
      {"slow without node", fault(R"({"at_ms": 1, "action": "slow", "delay": {"dist": "constant", "value_ms": 5}})"), "/faults/0/node", "missing"},
      {"slow negative duration", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": {"dist": "constant", "value_ms": 5}, "duration_ms": -1})"), "/faults/0/duration_ms", "found -1"},
      {"slow unknown order", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": "same-dc", "order": "lifo"})"), "/faults/0/order", "one of \"arrival\", \"timers-first\""},
      {"slow order not a string", fault(R"({"at_ms": 1, "action": "slow", "node": "n1", "delay": "same-dc", "order": 1})"), "/faults/0/order", "found 1"},
      {"unslow with an order", fault(R"({"at_ms": 1, "action": "unslow", "node": "n1", "order": "arrival"})"), "/faults/0/order", "unknown key"},
      {"unslow with duration", fault(R"({"at_ms": 1, "action": "unslow", "node": "n1", "duration_ms": 5})"), "/faults/0/duration_ms", "not undone"},
      {"unslow with a delay", fault(R"({"at_ms": 1, "action": "unslow", "node": "n1", "delay": "same-dc"})"), "/faults/0/delay", "unknown key"},
      {"selector without annotated", fault(R"({"at_ms": 1, "action": "crash", "node": {}})"), "/faults/0/node/annotated", "missing; expected a non-empty object of annotation keys"},
      {"selector annotated empty", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {}}})"), "/faults/0/node/annotated", "non-empty object"},
      {"selector annotated a string", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": "leader"}})"), "/faults/0/node/annotated", "found the string \"leader\""},
      {"selector value an array", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"role": ["leader"]}}})"), "/faults/0/node/annotated/role", "a string, number, boolean or null"},
      {"selector empty key", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"": "leader"}}})"), "/faults/0/node/annotated/", "annotation key of 1 to 64"},
      {"selector unknown pick", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"role": "leader"}, "pick": "any"}})"), "/faults/0/node/pick", "\"lowest\", \"newest\", \"random\""},
      {"selector unknown key", fault(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"role": "leader"}, "role": "leader"}})"), "/faults/0/node/role", "unknown key"},
      {"selector on restart", fault(R"({"at_ms": 1, "action": "restart", "node": {"annotated": {"role": "leader"}}})"), "/faults/0/node", "\"restart\" cannot choose its node by annotation; \"crash\""},
      {"selector on clog", fault(R"({"at_ms": 1, "action": "clog", "node": {"annotated": {"role": "leader"}}})"), "/faults/0/node", "\"clog\" cannot choose"},
      {"selector in nodes", fault(R"({"at_ms": 1, "action": "crash", "nodes": {"annotated": {"role": "leader"}}})"), "/faults/0/nodes", "non-empty array of node names"},

      // workload
      {"workload not an object", workload(json::array()), "/workload", "expected an object"},
      {"workload unknown kind", workload({{"kind", "bank-transfers"}}), "/workload/kind", "\"register\""},
      {"workload kind a number", workload({{"kind", 1}}), "/workload/kind", "expected a string, found 1"},
      {"clients without a kind", workload({{"clients", 2}}), "/workload/clients", "kind \"none\""},
      {"too many clients", workload({{"kind", "register"}, {"clients", 1001}}), "/workload/clients", "from 0 to 1000"},
      {"negative clients", workload({{"kind", "register"}, {"clients", -1}}), "/workload/clients", "found -1"},
      {"too many ops", workload({{"kind", "register"}, {"ops", 100000000}}), "/workload/ops", "from 0 to 10000000"},
      {"negative think", workload({{"kind", "register"}, {"think_ms", -1}}), "/workload/think_ms", "found -1"},
      {"zero timeout", workload({{"kind", "register"}, {"timeout_ms", 0}}), "/workload/timeout_ms", "more than 0"},
      {"zero attempts", workload({{"kind", "register"}, {"attempts", 0}}), "/workload/attempts", "from 1 to 100"},
      {"start after the run", workload({{"kind", "register"}, {"start_ms", 20000}}), "/workload/start_ms", "found 20000"},
      {"stop after the run", workload({{"kind", "register"}, {"stop_ms", 20000}}), "/workload/stop_ms", "found 20000"},
      {"stop before start", workload({{"kind", "register"}, {"start_ms", 500}, {"stop_ms", 500}}), "/workload/stop_ms", "after start_ms"},
      {"target unknown node", workload({{"kind", "register"}, {"target", "n9"}}), "/workload/target", "\"round-robin\" or a node name"},
      {"target a number", workload({{"kind", "register"}, {"target", 1}}), "/workload/target", "found 1"},
      {"generator key out of range", workload({{"kind", "register"}, {"keys", 0}}), "/workload/keys", "found 0"},
      {"generator key unknown", workload({{"kind", "register"}, {"rate", 10}}), "/workload/rate", "unknown key"},
      {"generator mix above 1", workload({{"kind", "register"}, {"read", 0.8}, {"write", 0.4}}), "/workload/write", "read + write <= 1"},

      // checks
      {"checks not an object", with("/checks", json::array()), "/checks", "expected an object"},
      {"invariants not a bool", with("/checks/invariants", "yes"), "/checks/invariants", "true or false"},
      {"unknown model", with("/checks/linearizability", "bank"), "/checks/linearizability", "\"register\""},
      {"model a number", with("/checks/linearizability", 5), "/checks/linearizability", "found 5"},
      {"model object without model", with("/checks/linearizability", json::object()), "/checks/linearizability/model", "missing"},
      {"model object unknown model", with("/checks/linearizability", J(R"({"model": "bank"})")), "/checks/linearizability/model", "found the string \"bank\""},
      {"steps_max zero", with("/checks/linearizability", J(R"({"model": "register", "steps_max": 0})")), "/checks/linearizability/steps_max", "found 0"},
      {"memo_mb_max zero", with("/checks/linearizability", J(R"({"model": "register", "memo_mb_max": 0})")), "/checks/linearizability/memo_mb_max", "found 0"},
      {"memo_mb_max huge", with("/checks/linearizability", {{"model", "register"}, {"memo_mb_max", 1LL << 40}}), "/checks/linearizability/memo_mb_max", "to 1048576"},
      {"linearizability unknown key", with("/checks/linearizability", J(R"({"model": "register", "budget": 1})")), "/checks/linearizability/budget", "unknown key"},
      {"liveness a string", with("/checks/liveness", "yes"), "/checks/liveness", "true, false or an object"},
      {"liveness within zero", with("/checks/liveness", J(R"({"within_ms": 0})")), "/checks/liveness/within_ms", "more than 0"},
      {"liveness calm after the run", with("/checks/liveness", J(R"({"calm_ms": 20000})")), "/checks/liveness/calm_ms", "found 20000"},
      {"checks unknown key", with("/checks/fairness", true), "/checks/fairness", "unknown key"},

      // expect
      {"expect not an object", with("/expect", "holds"), "/expect", "expected an object"},
      {"safety unknown", with("/expect/safety", "maybe"), "/expect/safety", "one of \"holds\", \"violated\", \"any\""},
      {"violation without violated", with("/expect/violation", "invariant:x"), "/expect/violation", "unless \"safety\" is \"violated\""},
      {"violation empty", with("/expect", J(R"({"safety": "violated", "violation": []})")), "/expect/violation", "array of 1 to 64"},
      {"violation empty string", with("/expect", J(R"({"safety": "violated", "violation": [""]})")), "/expect/violation/0", "finding id prefix"},
      {"violation a number", with("/expect", J(R"({"safety": "violated", "violation": 5})")), "/expect/violation", "found 5"},
      {"expect liveness unknown", with("/expect/liveness", "sometimes"), "/expect/liveness", "\"any\", \"holds\", \"violated\""},
      {"expect unknown key", with("/expect/outcome", "ok"), "/expect/outcome", "unknown key"},

      // run
      {"run not an object", with("/run", json::array()), "/run", "expected an object"},
      {"seed negative", with("/run/seed", -1), "/run/seed", "found -1"},
      {"seed fractional", with("/run/seed", 1.5), "/run/seed", "found 1.5"},
      {"seed a string", with("/run/seed", "1"), "/run/seed", "found the string \"1\""},
      {"seed above 64 bits", json::parse(R"({"cluster": {"protocol": "primary-backup", "nodes": 3}, "run": {"seed": 18446744073709551616}})"), "/run/seed", "to 18446744073709551615"},
      {"duration zero", with("/run/duration_ms", 0), "/run/duration_ms", "more than 0"},
      {"duration negative", with("/run/duration_ms", -10), "/run/duration_ms", "found -10"},
      {"duration above 7 days", with("/run/duration_ms", 604800001), "/run/duration_ms", "at most 604800000"},
      {"duration infinite-ish", with("/run/duration_ms", 1e300), "/run/duration_ms", "found 1e+300"},
      {"events_max zero", with("/run/events_max", 0), "/run/events_max", "from 1 to 10000000000"},
      {"events_max too large", with("/run/events_max", 100000000000LL), "/run/events_max", "found 100000000000"},
      {"run unknown key", with("/run/steps", 5), "/run/steps", "unknown key; expected one of: duration_ms, events_max, memory_mb_max, messages_per_node_s_max, seed, timers_per_node_s_max"},
  };
  return all;
}

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, ReportsOneProblemAtTheExactPath) {
  const Case& c = GetParam();
  const auto list = problems(c.doc);
  ASSERT_EQ(list.size(), 1u) << format_problems(list);
  EXPECT_EQ(list[0].path, c.path) << list[0].message;
  EXPECT_NE(list[0].message.find(c.text), std::string::npos) << "message: " << list[0].message;
  EXPECT_NE(list[0].message.find("expected"), std::string::npos) << list[0].message;
}

INSTANTIATE_TEST_SUITE_P(Table, Malformed, ::testing::ValuesIn(cases()), [](const auto& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
});

TEST(Malformed, TableIsBroad) { EXPECT_GE(cases().size(), 180u); }

TEST(Malformed, EveryProblemOfADocumentIsReportedInOnePass) {
  json doc = minimal_doc();
  doc["cluster"]["bugs"] = json::array({"nope"});
  doc["network"] = {{"loss", 2}, {"latency", "lan"}};
  doc["faults"] = J(R"([{"at_ms": -1, "action": "crash", "node": "n7"}])");
  doc["workload"] = {{"kind", "register"}, {"clients", 5000}};
  doc["run"] = {{"seed", "x"}};
  doc["extra"] = 1;
  const auto list = problems(doc);
  std::vector<std::string> paths;
  for (const auto& d : list) paths.push_back(d.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/run/seed", "/cluster/bugs/0", "/network/latency", "/network/loss",
                                             "/faults/0/at_ms", "/faults/0/node", "/workload/clients", "/extra"}))
      << format_problems(list);
}

TEST(Malformed, ABrokenClusterDoesNotCascadeIntoNodeReferences) {
  json doc = doc_with_faults(J(R"([{"at_ms": 1, "action": "crash", "node": "n1"}])"));
  doc["cluster"]["nodes"] = 0;
  doc["clocks"] = {{"n1", {{"drift_ppm", 5}}}};
  doc["workload"] = {{"kind", "register"}, {"target", "n1"}};
  const auto list = problems(doc);
  ASSERT_EQ(list.size(), 1u) << format_problems(list);
  EXPECT_EQ(list[0].path, "/cluster/nodes");
}

TEST(Malformed, KeysWithSlashAndTildeAreEscapedInPaths) {
  json doc = minimal_doc();
  doc["cluster"]["a~b/c"] = 1;
  const auto list = problems(doc);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].path, "/cluster/a~0b~1c");
}

TEST(Malformed, SchemaAndCommentKeysAreToleratedEverywhere) {
  json doc = minimal_doc();
  doc["$schema"] = "schema.json";
  doc["comment"] = "top";
  doc["cluster"]["comment"] = "c";
  doc["network"] = {{"comment", "n"}, {"latency", {{"dist", "constant"}, {"value_ms", 1}, {"comment", "l"}}}};
  doc["clocks"] = {{"comment", "c"}, {"default", {{"comment", "d"}}}};
  doc["faults"] = J(R"([{"at_ms": 1, "action": "heal", "comment": "f"}])");
  doc["workload"] = {{"kind", "register"}, {"comment", "w"}};
  doc["checks"] = {{"comment", "c"}};
  doc["expect"] = {{"comment", "e"}};
  doc["run"] = {{"comment", "r"}};
  const Scenario s = parse_ok(doc);
  EXPECT_EQ(s.workload.params, json::object()) << "comments are not generator parameters";
}

}  // namespace
}  // namespace dsim::testing
