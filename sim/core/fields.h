// Field lists: a struct names its fields once, with DSIM_FIELDS(a, b, c), and gets from that one
// declaration its JSON form (for traces), a stable digest (for fingerprints) and a compact binary
// encoding (for durable storage). One mechanism instead of three hand-written functions that
// drift apart.
//
//   struct Vote { std::uint64_t term = 0; bool granted = false; DSIM_FIELDS(term, granted) };
//
// Supported field types: integers, bool, enums, double, std::string, std::vector, std::optional,
// std::map, std::set, nlohmann::json and any struct that itself has DSIM_FIELDS.
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/hash.h"

// C++20 __VA_OPT__ recursion: applies `macro` to each argument (up to 256 of them).
#define DSIM_PARENS ()
#define DSIM_EXPAND(...) DSIM_EXPAND3(DSIM_EXPAND3(DSIM_EXPAND3(DSIM_EXPAND3(__VA_ARGS__))))
#define DSIM_EXPAND3(...) DSIM_EXPAND2(DSIM_EXPAND2(DSIM_EXPAND2(DSIM_EXPAND2(__VA_ARGS__))))
#define DSIM_EXPAND2(...) DSIM_EXPAND1(DSIM_EXPAND1(DSIM_EXPAND1(DSIM_EXPAND1(__VA_ARGS__))))
#define DSIM_EXPAND1(...) __VA_ARGS__
#define DSIM_FOR_EACH(macro, ...) __VA_OPT__(DSIM_EXPAND(DSIM_FOR_EACH_STEP(macro, __VA_ARGS__)))
#define DSIM_FOR_EACH_STEP(macro, a1, ...) \
  macro(a1) __VA_OPT__(DSIM_FOR_EACH_AGAIN DSIM_PARENS(macro, __VA_ARGS__))
#define DSIM_FOR_EACH_AGAIN() DSIM_FOR_EACH_STEP
#define DSIM_VISIT_FIELD(name) visitor(#name, name);

#define DSIM_FIELDS(...)                                                          \
  template <class Visitor>                                                        \
  void fields(Visitor&& visitor) const {                                          \
    DSIM_FOR_EACH(DSIM_VISIT_FIELD, __VA_ARGS__)                                  \
  }                                                                               \
  template <class Visitor>                                                        \
  void fields(Visitor&& visitor) {                                                \
    DSIM_FOR_EACH(DSIM_VISIT_FIELD, __VA_ARGS__)                                  \
  }

// GCC reports std::optional's payload as maybe-uninitialized when a visitor reads it behind the
// has_value() check (GCC bug 80635, a false positive); it is silenced for this header only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace dsim::fields {

template <class T>
concept HasFields = requires(const T& t) { t.fields([](const char*, const auto&) {}); };

template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> struct IsMap : std::false_type {};
template <class K, class V> struct IsMap<std::map<K, V>> : std::true_type {};
template <class T> struct IsSet : std::false_type {};
template <class T> struct IsSet<std::set<T>> : std::true_type {};

// ---- JSON ------------------------------------------------------------------------------------

template <class T>
nlohmann::json to_json(const T& value) {
  if constexpr (HasFields<T>) {
    nlohmann::json out = nlohmann::json::object();
    value.fields([&](const char* name, const auto& field) { out[name] = to_json(field); });
    return out;
  } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(to_json(item));
    return out;
  } else if constexpr (IsMap<T>::value) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [k, v] : value) out.push_back(nlohmann::json::array({to_json(k), to_json(v)}));
    return out;
  } else if constexpr (IsOptional<T>::value) {
    return value ? to_json(*value) : nlohmann::json(nullptr);
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<std::underlying_type_t<T>>(value);
  } else {
    return nlohmann::json(value);
  }
}

// ---- JSON text ---------------------------------------------------------------------------------

// Appends exactly what `j.dump()` would write. dump() allocates an output adapter and reads the
// locale on every call; scalars and plain ASCII strings — what storage encodes and clients hash
// on every operation — are written here directly, anything else goes through dump().
inline void append_json_text(std::string& out, const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  char digits[24];
  switch (j.type()) {
    case T::null: out.append("null"); return;
    case T::boolean: out.append(j.get<bool>() ? "true" : "false"); return;
    case T::number_integer: {
      const auto r = std::to_chars(digits, digits + sizeof digits, j.get<std::int64_t>());
      out.append(digits, r.ptr);
      return;
    }
    case T::number_unsigned: {
      const auto r = std::to_chars(digits, digits + sizeof digits, j.get<std::uint64_t>());
      out.append(digits, r.ptr);
      return;
    }
    case T::string: {
      const std::string& s = j.get_ref<const std::string&>();
      // Printable ASCII without '"' or '\\' is written verbatim; the rest needs escaping.
      const bool plain =
          std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
      if (!plain) break;
      out.push_back('"');
      out.append(s);
      out.push_back('"');
      return;
    }
    default: break;
  }
  out.append(j.dump());
}

inline std::string json_text(const nlohmann::json& j) {
  std::string out;
  append_json_text(out, j);
  return out;
}

// ---- Digest ----------------------------------------------------------------------------------

// Walks the value instead of hashing its dump(): no allocation on the per-message path.
inline std::uint64_t digest_json(std::uint64_t h, const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  // Signed and unsigned integers of one value are the same JSON (3 parsed back from storage is
  // unsigned), so they share a tag: the digest follows the text, as dump() would.
  const T tag = j.type() == T::number_unsigned ? T::number_integer : j.type();
  h = hash_combine(h, static_cast<std::uint64_t>(tag));
  switch (j.type()) {
    case T::boolean: return hash_combine(h, j.get<bool>());
    case T::number_integer: return hash_combine(h, static_cast<std::uint64_t>(j.get<std::int64_t>()));
    case T::number_unsigned: return hash_combine(h, j.get<std::uint64_t>());
    case T::number_float: return hash_combine(h, std::bit_cast<std::uint64_t>(j.get<double>()));
    case T::string: return hash_combine(h, hash_bytes(j.get_ref<const std::string&>()));
    case T::array:
      h = hash_combine(h, j.size());
      for (const auto& item : j) h = digest_json(h, item);
      return h;
    case T::object:
      h = hash_combine(h, j.size());
      for (const auto& [key, value] : j.items()) h = digest_json(hash_combine(h, hash_bytes(key)), value);
      return h;
    default: return h;  // null, discarded, binary: the type alone
  }
}

template <class T>
std::uint64_t digest(std::uint64_t h, const T& value) {
  if constexpr (HasFields<T>) {
    value.fields([&](const char*, const auto& field) { h = digest(h, field); });
    return h;
  } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
    h = hash_combine(h, value.size());
    for (const auto& item : value) h = digest(h, item);
    return h;
  } else if constexpr (IsMap<T>::value) {
    h = hash_combine(h, value.size());
    for (const auto& [k, v] : value) h = digest(digest(h, k), v);
    return h;
  } else if constexpr (IsOptional<T>::value) {
    return value ? digest(hash_combine(h, 1), *value) : hash_combine(h, 0);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return hash_combine(h, hash_bytes(value));
  } else if constexpr (std::is_same_v<T, double>) {
    return hash_combine(h, std::bit_cast<std::uint64_t>(value));
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    return digest_json(h, value);
  } else {
    static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "unsupported field type");
    return hash_combine(h, static_cast<std::uint64_t>(value));
  }
}

template <class T>
std::uint64_t digest(const T& value) {
  return digest(0x6473696d, value);
}

// ---- Binary encoding -------------------------------------------------------------------------

class Writer {
 public:
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void bytes(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool bytes(std::string& s) {
    std::uint64_t n = 0;
    if (!varint(n) || n > in_.size() - pos_) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

template <class T>
void encode_into(Writer& w, const T& value) {
  if constexpr (HasFields<T>) {
    value.fields([&](const char*, const auto& field) { encode_into(w, field); });
  } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
    w.varint(value.size());
    for (const auto& item : value) encode_into(w, item);
  } else if constexpr (IsMap<T>::value) {
    w.varint(value.size());
    for (const auto& [k, v] : value) {
      encode_into(w, k);
      encode_into(w, v);
    }
  } else if constexpr (IsOptional<T>::value) {
    w.varint(value ? 1 : 0);
    if (value) encode_into(w, *value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.bytes(value);
  } else if constexpr (std::is_same_v<T, double>) {
    w.varint(std::bit_cast<std::uint64_t>(value));
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    w.bytes(json_text(value));
  } else if constexpr (std::is_enum_v<T>) {
    w.varint(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_signed_v<T>) {
    const auto v = static_cast<std::int64_t>(value);  // zigzag keeps small negatives short
    w.varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  } else {
    static_assert(std::is_integral_v<T>, "unsupported field type");
    w.varint(static_cast<std::uint64_t>(value));
  }
}

template <class T>
bool decode_from(Reader& r, T& value) {
  if constexpr (HasFields<T>) {
    bool ok = true;
    value.fields([&](const char*, auto& field) { ok = ok && decode_from(r, field); });
    return ok;
  } else if constexpr (IsVector<T>::value || IsSet<T>::value || IsMap<T>::value) {
    std::uint64_t n = 0;
    if (!r.varint(n)) return false;
    value.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      if constexpr (IsMap<T>::value) {
        typename T::key_type k{};
        typename T::mapped_type v{};
        if (!decode_from(r, k) || !decode_from(r, v)) return false;
        value.emplace(std::move(k), std::move(v));
      } else {
        typename T::value_type item{};
        if (!decode_from(r, item)) return false;
        if constexpr (IsSet<T>::value) value.insert(std::move(item));
        else value.push_back(std::move(item));
      }
    }
    return true;
  } else if constexpr (IsOptional<T>::value) {
    std::uint64_t present = 0;
    if (!r.varint(present)) return false;
    if (!present) {
      value.reset();
      return true;
    }
    value.emplace();
    return decode_from(r, *value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return r.bytes(value);
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    std::string text;
    if (!r.bytes(text)) return false;
    value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return !value.is_discarded();
  } else {
    std::uint64_t v = 0;
    if (!r.varint(v)) return false;
    if constexpr (std::is_same_v<T, double>) {
      value = std::bit_cast<double>(v);
    } else if constexpr (std::is_enum_v<T>) {
      value = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      value = v != 0;
    } else if constexpr (std::is_signed_v<T>) {
      value = static_cast<T>(static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1)));
    } else {
      value = static_cast<T>(v);
    }
    return true;
  }
}

template <class T>
std::string encode(const T& value) {
  Writer w;
  encode_into(w, value);
  return w.take();
}

// False when `bytes` is not a complete encoding of a T (e.g. a torn write).
template <class T>
bool decode(std::string_view bytes, T& value) {
  Reader r(bytes);
  return decode_from(r, value) && r.done();
}

}  // namespace dsim::fields

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
