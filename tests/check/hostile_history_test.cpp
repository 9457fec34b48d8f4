// Histories built to hurt: nesting deep enough to overflow a recursive parser, and values long
// enough to flood an error message. Each is refused with a bounded message, never a crash.
#include <gtest/gtest.h>

#include "sim/check/parse.h"

namespace dsim::check {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(HostileHistory, DeepNestingIsRefusedWithTheLimit) {
  for (const std::size_t depth : {65, 1000, 100'000}) {
    const std::string text = R"({"ops": [{"process": 0, "f": "write", "value": )" + nested(depth) +
                             R"(, "type": "ok", "invoke_ns": 0, "complete_ns": 1}]})";
    const ParseResult r = parse_history(text, Format::json, "deep.json", find_model("register"));
    ASSERT_TRUE(r.error) << depth;
    EXPECT_NE(r.error->message.find("at most 64 levels"), std::string::npos) << r.error->message;
  }
  // Brackets inside strings are not nesting; 60 levels of value is fine.
  const std::string ok = R"({"ops": [{"process": 0, "f": "write", "value": ")" + std::string(1000, '[') +
                         R"(", "type": "ok", "invoke_ns": 0, "complete_ns": 1}]})";
  EXPECT_FALSE(parse_history(ok, Format::json, "s.json", find_model("register")).error);
  const std::string shallow = R"([{"process": 0, "f": "write", "value": )" + nested(60) +
                              R"(, "type": "ok", "invoke_ns": 0, "complete_ns": 1}])";
  EXPECT_FALSE(parse_history(shallow, Format::json, "s.json", find_model("register")).error);
}

TEST(HostileHistory, EchoedValuesAreCapped) {
  const std::string big(1'000'000, 'x');
  const std::vector<std::pair<std::string, Format>> inputs = {
      {R"([{"process": ")" + big + R"(", "f": "read", "type": "ok", "invoke_ns": 0, "complete_ns": 1}])", Format::json},
      {R"([{"process": 0, "f": ")" + big + R"(", "type": "ok", "invoke_ns": 0, "complete_ns": 1}])", Format::json},
      {R"([{"process": 0, "f": "read", "type": ")" + big + R"(", "invoke_ns": 0, "complete_ns": 1}])", Format::json},
      {R"([{"process": 0, "f": "cas", "value": ")" + big + R"(", "type": "ok", "invoke_ns": 0, "complete_ns": 1}])",
       Format::json},
      {"{:process 0, :type :invoke, :f :" + big + "}\n", Format::edn},
  };
  for (const auto& [text, format] : inputs) {
    const ParseResult r = parse_history(text, format, "big", find_model("cas-register"));
    ASSERT_TRUE(r.error);
    EXPECT_LT(r.error->message.size(), 300u) << r.error->message.substr(0, 400);
  }
}

TEST(HostileHistory, EchoCutsAtACharacterBoundary) {
  const std::string text = std::string(79, 'a') + "\xC3\xA9" + std::string(10, 'b');
  const std::string shown = echo_text(text);
  EXPECT_EQ(shown.substr(0, 79), std::string(79, 'a'));
  EXPECT_EQ(shown.substr(79, 3), "...");
  EXPECT_NE(shown.find("(91 bytes)"), std::string::npos) << shown;
  EXPECT_EQ(echo_text("short"), "short");
}

}  // namespace
}  // namespace dsim::check
