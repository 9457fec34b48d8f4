#include "sim/core/formula.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace dsim {

namespace {

// Recursive descent, one level per precedence: sum := product (('+'|'-') product)*;
// product := power (('*'|'/') power)*; power := unary ('^' power)?; unary := '-' unary | atom.
class Evaluator {
 public:
  Evaluator(std::string_view text, const std::map<std::string, double>& names) : text_(text), names_(names) {}

  std::optional<double> run(std::string* error) {
    const double value = sum();
    skip_space();
    if (error_.empty() && pos_ < text_.size()) fail(fmt::format("unexpected '{}'", text_[pos_]));
    if (!error_.empty()) {
      *error = error_;
      return std::nullopt;
    }
    return value;
  }

 private:
  void fail(std::string what) {
    if (error_.empty()) error_ = fmt::format("at {}: {}", pos_ + 1, what);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char ch) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ch) {
      ++pos_;
      return true;
    }
    return false;
  }

  double sum() {
    double v = product();
    for (;;) {
      if (eat('+')) v += product();
      else if (eat('-')) v -= product();
      else return v;
    }
  }
  double product() {
    double v = power();
    for (;;) {
      if (eat('*')) v *= power();
      else if (eat('/')) v /= power();
      else return v;
    }
  }
  double power() {
    const double base = unary();
    return eat('^') ? std::pow(base, power()) : base;
  }
  double unary() { return eat('-') ? -unary() : atom(); }

  double atom() {
    skip_space();
    if (!error_.empty() || pos_ >= text_.size()) {
      fail("expected a number, a name or '('");
      return 0;
    }
    if (eat('(')) {
      const double v = sum();
      if (!eat(')')) fail("expected ')'");
      return v;
    }
    const char ch = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(ch)) || ch == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') return name();
    fail(fmt::format("expected a number, a name or '(', found '{}'", ch));
    return 0;
  }
  double number() {
    double v = 0;
    const auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), v);
    if (ec != std::errc()) fail("not a number");
    pos_ = static_cast<std::size_t>(end - text_.data());
    return v;
  }
  double name() {
    const std::size_t begin = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    const std::string id(text_.substr(begin, pos_ - begin));
    if (eat('(')) {
      const double arg = sum();
      if (!eat(')')) fail("expected ')'");
      return call(id, arg);
    }
    const auto it = names_.find(id);
    if (it == names_.end()) {
      pos_ = begin;
      fail(fmt::format("unknown name '{}'", id));
      return 0;
    }
    return it->second;
  }
  double call(const std::string& fn, double arg) {
    if (fn == "log2") return std::log2(arg);
    if (fn == "ln") return std::log(arg);
    if (fn == "log10") return std::log10(arg);
    if (fn == "sqrt") return std::sqrt(arg);
    if (fn == "exp") return std::exp(arg);
    if (fn == "abs") return std::fabs(arg);
    fail(fmt::format("unknown function '{}' (log2, ln, log10, sqrt, exp, abs)", fn));
    return 0;
  }

  std::string_view text_;
  const std::map<std::string, double>& names_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::optional<double> evaluate_formula(std::string_view text, const std::map<std::string, double>& names,
                                       std::string* error) {
  if (text.size() > kFormulaBytesMax) {
    *error = fmt::format("longer than {} characters", kFormulaBytesMax);
    return std::nullopt;
  }
  return Evaluator(text, names).run(error);
}

}  // namespace dsim
