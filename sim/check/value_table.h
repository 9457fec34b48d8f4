// Interns the values of a history as small integers, so that model states are plain words that
// hash and compare exactly and cheaply. A model may intern new values while searching; `bytes()`
// lets the checker count that memory against its budget.
//
// It also records which values operations observed (a read's result, a cas's expected value).
// A model uses that to map every state that no operation can ever observe to one value,
// kUnobserved: such states behave alike from then on, so the memo may merge them. Without this,
// n concurrent appends give n! distinct strings, nearly all of which no read ever returns.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dsim::check {

using Word = std::int64_t;

// A state no operation can observe; never an interned id.
inline constexpr Word kUnobserved = -1;

class ValueTable {
 public:
  ValueTable() = default;
  ValueTable(const ValueTable&) = delete;  // `texts_` points into `ids_`
  ValueTable& operator=(const ValueTable&) = delete;

  // The id of `text`, adding it when new. Ids are dense and start at 0, in order of first use.
  Word intern(std::string_view text);
  const std::string& text(Word id) const;
  std::int64_t bytes() const { return bytes_; }

  // Marks an interned value as one some operation observes.
  void observe(Word id);
  // While on, every value counts as observed, so models keep states concrete: for replaying
  // a linearization to show it to a person. Exactness of the merging makes the replay accept
  // and reject the same operations.
  void set_observe_everything(bool on) { observe_everything_ = on; }
  bool is_observed(Word id) const;
  // Whether `text` is a prefix of (or equal to) an observed value.
  bool is_prefix_of_observed(std::string_view text) const;

  // A memo for a model's pure functions of values (`function` is the model's own code), so that
  // a search repeating a step does not rebuild strings: kNone when not yet computed.
  static constexpr Word kNone = -2;
  Word derived(std::int32_t function, Word a, Word b) const;
  void set_derived(std::int32_t function, Word a, Word b, Word result);

 private:
  // Only looked up, never iterated, so ids depend on first use alone (deterministic). Elements
  // of an unordered_map keep their address across rehashing, which `texts_` relies on.
  std::unordered_map<std::string, Word> ids_;
  std::vector<const std::string*> texts_;
  std::vector<bool> observed_;                         // by id
  std::set<std::string_view> observed_texts_;          // views of the map's keys
  struct DerivedKey {
    std::int32_t function;
    Word a;
    Word b;
    bool operator==(const DerivedKey&) const = default;
  };
  struct DerivedHash {
    std::size_t operator()(const DerivedKey& key) const;
  };
  std::unordered_map<DerivedKey, Word, DerivedHash> derived_;  // looked up only, never iterated
  std::int64_t bytes_ = 0;
  bool observe_everything_ = false;
};

}  // namespace dsim::check
