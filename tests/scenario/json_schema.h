// A small JSON Schema (2020-12) validator for the subset scenarios/schema.json uses, so tests can
// ask whether the schema accepts a document. A keyword outside the subset is reported as an
// error rather than ignored: a schema that grows a new keyword must grow it here too, or the
// schema/parser agreement test would pass without judging it.
#pragma once

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dsim::testing {

class JsonSchema {
 public:
  explicit JsonSchema(nlohmann::json root) : root_(std::move(root)) {}

  // Whether `doc` is valid; otherwise `why` says where the first failing keyword is.
  bool accepts(const nlohmann::json& doc, std::string* why = nullptr) const {
    std::string reason;
    const bool ok = valid(root_, doc, "", reason);
    if (why) *why = reason;
    return ok;
  }

 private:
  using json = nlohmann::json;

  static bool fail(std::string& why, const std::string& path, const std::string& what) {
    if (why.empty()) why = (path.empty() ? "/" : path) + ": " + what;
    return false;
  }

  static bool has_type(const json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
      return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    }
    return false;
  }

  // Numbers compared as JSON numbers: 18446744073709551615 stays exact against an unsigned.
  static int compare(const json& a, const json& b) {
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
      return a.get<std::uint64_t>() < b.get<std::uint64_t>() ? -1 : a.get<std::uint64_t>() > b.get<std::uint64_t>();
    }
    if (a.is_number_integer() && b.is_number_integer() && !a.is_number_unsigned() && !b.is_number_unsigned()) {
      return a.get<std::int64_t>() < b.get<std::int64_t>() ? -1 : a.get<std::int64_t>() > b.get<std::int64_t>();
    }
    const long double x = a.is_number_unsigned()  ? static_cast<long double>(a.get<std::uint64_t>())
                          : a.is_number_integer() ? static_cast<long double>(a.get<std::int64_t>())
                                                  : static_cast<long double>(a.get<double>());
    const long double y = b.is_number_unsigned()  ? static_cast<long double>(b.get<std::uint64_t>())
                          : b.is_number_integer() ? static_cast<long double>(b.get<std::int64_t>())
                                                  : static_cast<long double>(b.get<double>());
    return x < y ? -1 : x > y;
  }

  // The one pattern the schema uses: a node name.
  static bool matches(const std::string& pattern, const std::string& s, std::string& why, const std::string& path) {
    if (pattern != "^[A-Za-z][A-Za-z0-9_-]{0,31}$") return fail(why, path, "unsupported pattern " + pattern);
    auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    auto rest = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-'; };
    if (s.empty() || s.size() > 32 || !letter(s[0])) return false;
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (!rest(s[i])) return false;
    }
    return true;
  }

  const json& resolve(const std::string& ref) const {
    static const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
    return root_.at("$defs").at(ref.substr(prefix.size()));
  }

  bool valid(const json& schema, const json& v, const std::string& path, std::string& why) const {
    if (schema.is_boolean()) return schema.get<bool>() || fail(why, path, "schema false");
    static const std::set<std::string> kIgnored = {"description", "title", "$schema", "$id", "comment", "$defs"};
    for (const auto& [key, arg] : schema.items()) {
      if (kIgnored.count(key) || key == "then" || key == "else") continue;
      if (!keyword(key, arg, schema, v, path, why)) return false;
    }
    return true;
  }

  bool keyword(const std::string& key, const json& arg, const json& schema, const json& v, const std::string& path,
               std::string& why) const {
    if (key == "$ref") return valid(resolve(arg.get<std::string>()), v, path, why);
    if (key == "type") {
      if (arg.is_string()) return has_type(v, arg.get<std::string>()) || fail(why, path, "type " + arg.get<std::string>());
      for (const auto& t : arg) {
        if (has_type(v, t.get<std::string>())) return true;
      }
      return fail(why, path, "type " + arg.dump());
    }
    if (key == "enum") {
      for (const auto& e : arg) {
        if (e == v) return true;
      }
      return fail(why, path, "enum " + arg.dump());
    }
    if (key == "const") return arg == v || fail(why, path, "const " + arg.dump());
    if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum") {
      if (!v.is_number()) return true;
      const int c = compare(v, arg);
      const bool ok = key == "minimum" ? c >= 0 : key == "maximum" ? c <= 0 : key == "exclusiveMinimum" ? c > 0 : c < 0;
      return ok || fail(why, path, key + " " + arg.dump());
    }
    if (key == "minLength" || key == "maxLength") {
      if (!v.is_string()) return true;
      const auto n = v.get<std::string>().size();
      const bool ok = key == "minLength" ? n >= arg.get<std::size_t>() : n <= arg.get<std::size_t>();
      return ok || fail(why, path, key);
    }
    if (key == "pattern") {
      if (!v.is_string()) return true;
      return matches(arg.get<std::string>(), v.get<std::string>(), why, path) || fail(why, path, "pattern");
    }
    if (key == "if") {
      std::string ignored;
      if (valid(arg, v, path, ignored)) return !schema.contains("then") || valid(schema["then"], v, path, why);
      return !schema.contains("else") || valid(schema["else"], v, path, why);
    }
    if (key == "allOf") {
      for (const auto& s : arg) {
        if (!valid(s, v, path, why)) return false;
      }
      return true;
    }
    if (key == "anyOf" || key == "oneOf") {
      int matched = 0;
      for (const auto& s : arg) {
        std::string ignored;
        matched += valid(s, v, path, ignored);
      }
      const bool ok = key == "anyOf" ? matched > 0 : matched == 1;
      return ok || fail(why, path, key + " (" + std::to_string(matched) + " matched)");
    }
    if (key == "not") {
      std::string ignored;
      return !valid(arg, v, path, ignored) || fail(why, path, "not");
    }
    if (v.is_array()) return array_keyword(key, arg, schema, v, path, why);
    if (v.is_object()) return object_keyword(key, arg, schema, v, path, why);
    static const std::set<std::string> kOther = {"items", "prefixItems", "minItems", "maxItems", "uniqueItems",
                                                 "properties", "additionalProperties", "required", "propertyNames",
                                                 "minProperties", "maxProperties"};
    return kOther.count(key) > 0 || fail(why, path, "unsupported keyword " + key);
  }

  bool array_keyword(const std::string& key, const json& arg, const json& schema, const json& v,
                     const std::string& path, std::string& why) const {
    const std::size_t prefix = schema.contains("prefixItems") ? schema["prefixItems"].size() : 0;
    if (key == "prefixItems") {
      for (std::size_t i = 0; i < arg.size() && i < v.size(); ++i) {
        if (!valid(arg[i], v[i], path + "/" + std::to_string(i), why)) return false;
      }
      return true;
    }
    if (key == "items") {
      for (std::size_t i = prefix; i < v.size(); ++i) {
        if (!valid(arg, v[i], path + "/" + std::to_string(i), why)) return false;
      }
      return true;
    }
    if (key == "minItems") return v.size() >= arg.get<std::size_t>() || fail(why, path, "minItems " + arg.dump());
    if (key == "maxItems") return v.size() <= arg.get<std::size_t>() || fail(why, path, "maxItems " + arg.dump());
    if (key == "uniqueItems") {
      for (std::size_t i = 0; arg.get<bool>() && i < v.size(); ++i) {
        for (std::size_t j = i + 1; j < v.size(); ++j) {
          if (v[i] == v[j]) return fail(why, path, "uniqueItems");
        }
      }
      return true;
    }
    static const std::set<std::string> kObject = {"properties", "additionalProperties", "required", "propertyNames",
                                                  "minProperties", "maxProperties"};
    return kObject.count(key) > 0 || fail(why, path, "unsupported keyword " + key);
  }

  bool object_keyword(const std::string& key, const json& arg, const json& schema, const json& v,
                      const std::string& path, std::string& why) const {
    if (key == "properties") {
      for (const auto& [name, sub] : arg.items()) {
        if (v.contains(name) && !valid(sub, v[name], path + "/" + name, why)) return false;
      }
      return true;
    }
    if (key == "additionalProperties") {
      for (const auto& [name, item] : v.items()) {
        const bool listed = schema.contains("properties") && schema["properties"].contains(name);
        if (!listed && !valid(arg, item, path + "/" + name, why)) return false;
      }
      return true;
    }
    if (key == "required") {
      for (const auto& name : arg) {
        if (!v.contains(name.get<std::string>())) return fail(why, path, "required " + name.dump());
      }
      return true;
    }
    if (key == "propertyNames") {
      for (const auto& [name, item] : v.items()) {
        if (!valid(arg, json(name), path + "/" + name, why)) return false;
      }
      return true;
    }
    if (key == "minProperties") return v.size() >= arg.get<std::size_t>() || fail(why, path, "minProperties");
    if (key == "maxProperties") return v.size() <= arg.get<std::size_t>() || fail(why, path, "maxProperties");
    static const std::set<std::string> kArray = {"items", "prefixItems", "minItems", "maxItems", "uniqueItems"};
    return kArray.count(key) > 0 || fail(why, path, "unsupported keyword " + key);
  }

  nlohmann::json root_;
};

}  // namespace dsim::testing
