// A message is a plain C++ struct of its protocol: a type name and its fields listed once with
// DSIM_FIELDS, which give it a JSON form for traces and a digest for the run fingerprint.
// Nothing is serialized on the hot path.
//
//   struct Ping {
//     static constexpr std::string_view kType = "Ping";
//     std::uint64_t round = 0;
//     DSIM_FIELDS(round)
//   };
//   ctx.send(peer, Ping{7});                       // boxed into a Message by the context
//   if (const Ping* p = message.as<Ping>()) ...    // and unboxed on receipt
//
// (A struct may instead derive from MessageOf<T> to be a Message itself.)
// Messages are immutable once sent (MessagePtr is shared and const), so the network can
// duplicate one without copying it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/core/fields.h"

namespace dsim {

using NodeId = std::uint32_t;

class Message {
 public:
  virtual ~Message() = default;
  virtual std::string_view type() const = 0;
  virtual nlohmann::json to_json() const = 0;
  virtual std::uint64_t digest() const = 0;

  // The message as a T, or nullptr when it is another type. A type-tag comparison, not a
  // dynamic_cast: it is on every protocol's receive path.
  template <class T>
  const T* as() const;

 protected:
  virtual const void* type_tag() const = 0;
};

using MessagePtr = std::shared_ptr<const Message>;

template <class Derived>
class MessageOf : public Message {
 public:
  std::string_view type() const override { return Derived::kType; }
  nlohmann::json to_json() const override {
    return fields::to_json(static_cast<const Derived&>(*this));
  }
  std::uint64_t digest() const override {
    return fields::digest(hash_bytes(Derived::kType), static_cast<const Derived&>(*this));
  }
  // Compared for identity only, never ordered.
  static const void* static_type_tag() {
    static const char tag = 0;
    return &tag;
  }

 protected:
  const void* type_tag() const override { return static_type_tag(); }
};

// A plain message struct carried as a Message.
template <class T>
class Boxed final : public Message {
 public:
  explicit Boxed(T v) : value(std::move(v)) {}
  std::string_view type() const override { return T::kType; }
  nlohmann::json to_json() const override { return fields::to_json(value); }
  std::uint64_t digest() const override { return fields::digest(hash_bytes(T::kType), value); }
  static const void* static_type_tag() {
    static const char tag = 0;
    return &tag;
  }
  T value;

 protected:
  const void* type_tag() const override { return static_type_tag(); }
};

template <class T>
const T* Message::as() const {
  if constexpr (std::is_base_of_v<Message, T>) {
    return type_tag() == T::static_type_tag() ? static_cast<const T*>(this) : nullptr;
  } else {
    return type_tag() == Boxed<T>::static_type_tag() ? &static_cast<const Boxed<T>*>(this)->value : nullptr;
  }
}

// The Message for `message`: itself when it is one, else boxed.
template <class M>
MessagePtr make_message(M message) {
  if constexpr (std::is_base_of_v<Message, M>) {
    return std::make_shared<const M>(std::move(message));
  } else {
    return std::make_shared<const Boxed<M>>(std::move(message));
  }
}

}  // namespace dsim
