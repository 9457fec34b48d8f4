// Input that is not a JSON object at all: syntax errors with line and column, empty files,
// binary garbage, invalid UTF-8, duplicate keys, nesting and size limits, missing files.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "sim/scenario/json_text.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

// The one problem of `text`, which must be a syntax error at line:column.
void expect_syntax_error(std::string_view text, std::uint32_t line, std::uint32_t column, std::string_view part) {
  const auto list = problems_of_text(text);
  ASSERT_EQ(list.size(), 1u) << format_problems(list);
  EXPECT_EQ(list[0].line, line) << list[0].message;
  EXPECT_EQ(list[0].column, column) << list[0].message;
  EXPECT_NE(list[0].message.find(part), std::string::npos) << list[0].message;
  EXPECT_NE(list[0].message.find("expected"), std::string::npos) << list[0].message;
  EXPECT_NE(list[0].message.find("found"), std::string::npos) << list[0].message;
}

TEST(Syntax, MissingValue) { expect_syntax_error("{\"cluster\": }", 1, 13, "found '}'"); }

TEST(Syntax, PositionOnALaterLine) {
  expect_syntax_error("{\n  \"cluster\": {\n    \"protocol\": \"pb\",,\n  }\n}", 3, 22, "found ','");
}

TEST(Syntax, TrailingComma) { expect_syntax_error("{\"a\": 1,}", 1, 9, "expected string literal, found '}'"); }

TEST(Syntax, MissingColon) { expect_syntax_error("{\"a\" 1}", 1, 6, "expected ':'"); }

TEST(Syntax, UnterminatedString) { expect_syntax_error("{\"a", 1, 4, "found '\"a' (invalid string: missing closing quote)"); }

TEST(Syntax, UnterminatedObject) { expect_syntax_error("{\"a\": 1", 1, 8, "found end of input"); }

TEST(Syntax, BadLiteral) { expect_syntax_error("{\"a\": tru}", 1, 10, "found 'tru}' (invalid literal)"); }

TEST(Syntax, SingleQuotes) { expect_syntax_error("{'a': 1}", 1, 2, "expected string literal"); }

TEST(Syntax, CommentsAreNotJson) { expect_syntax_error("// scenario\n{}", 1, 1, "found '/'"); }

TEST(Syntax, TrailingGarbage) { expect_syntax_error("{} x", 1, 4, "expected end of input"); }

TEST(Syntax, SecondDocument) { expect_syntax_error("{}\n{}", 2, 1, "expected end of input, found '{'"); }

TEST(Syntax, BadNumber) { expect_syntax_error("{\"a\": -}", 1, 8, "expected digit after '-'"); }

TEST(Syntax, NumberOverflow) { expect_syntax_error("{\"a\": 1e400}", 1, 11, "found '1e400'"); }

TEST(Syntax, ControlCharacterInString) { expect_syntax_error("{\"a\": \"x\ty\"}", 1, 9, "control characters escaped"); }

TEST(Syntax, BadEscape) { expect_syntax_error("{\"a\": \"\\q\"}", 1, 9, "an escape"); }

TEST(Syntax, InvalidUtf8InAStringIsQuotedAsHex) {
  const std::string text = "{\"name\": \"ab\xff\xfe\"}";
  expect_syntax_error(text, 1, 13, "well-formed UTF-8");
  const auto list = problems_of_text(text);
  ASSERT_FALSE(list.empty());
  EXPECT_NE(list[0].message.find("\\xFF"), std::string::npos) << list[0].message;
  for (char c : list[0].message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "non-printable byte in the message";
}

TEST(Syntax, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes but one column.
  expect_syntax_error("{\"description\": \"\xc3\xa9\", x}", 1, 22, "found");
}

TEST(Syntax, BinaryGarbage) {
  std::string garbage = "\x7f" "ELF\x02\x01\x01";
  garbage += std::string("\0\0\0\xff\xfe", 5);
  const auto list = problems_of_text(garbage);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].line, 1u);
  EXPECT_EQ(list[0].column, 1u);
  for (char c : list[0].message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << list[0].message;
}

TEST(Syntax, NulBytesOnly) {
  const auto list = problems_of_text(std::string(16, '\0'));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].line, 1u);
}

TEST(Syntax, EmptyFile) {
  for (std::string_view text : {"", "   ", "\n\n\t\r\n"}) {
    const auto list = problems_of_text(text);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].path, "");
    EXPECT_EQ(list[0].message, "expected a JSON object, found an empty file");
  }
}

TEST(Syntax, ByteOrderMarkIsAccepted) {
  const std::string text = "\xef\xbb\xbf" + minimal_doc().dump();
  EXPECT_TRUE(problems_of_text(text).empty());
}

TEST(Syntax, DuplicateKeysAreErrorsWithTheirPath) {
  const auto list = problems_of_text(
      R"({"cluster": {"protocol": "primary-backup", "nodes": 3, "nodes": 5}, "run": {"seed": 1}, "run": {}})");
  ASSERT_EQ(list.size(), 2u) << format_problems(list);
  EXPECT_EQ(list[0].path, "/cluster/nodes");
  EXPECT_NE(list[0].message.find("duplicate key"), std::string::npos);
  EXPECT_EQ(list[1].path, "/run");
}

TEST(Syntax, DuplicateKeysInsideArraysHaveIndexedPaths) {
  const auto list = problems_of_text(
      R"({"cluster": {"protocol": "primary-backup", "nodes": 3},
          "faults": [{"at_ms": 1, "action": "heal"}, {"at_ms": 1, "at_ms": 2, "action": "heal"}]})");
  ASSERT_EQ(list.size(), 1u) << format_problems(list);
  EXPECT_EQ(list[0].path, "/faults/1/at_ms");
}

TEST(Syntax, DeepNestingIsRejectedWithoutRecursion) {
  const std::string deep = "{\"comment\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto list = problems_of_text(deep);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_NE(list[0].message.find("at most 64 levels"), std::string::npos) << list[0].message;
  EXPECT_EQ(list[0].path.substr(0, 11), "/comment/0/");
}

TEST(Syntax, OversizedTextIsRejectedBeforeParsing) {
  Diagnostics diag;
  EXPECT_FALSE(parse_json_text(std::string(100, ' ') + "{}", diag, {.bytes_max = 10, .depth_max = 64}));
  ASSERT_EQ(diag.list().size(), 1u);
  EXPECT_TRUE(diag.list()[0].whole_file);
  EXPECT_EQ(diag.format("big.json"), "big.json: expected at most 10 bytes, found 102\n");
}

TEST(Syntax, FormatsSyntaxErrorsAsFileLineColumn) {
  auto result = parse_scenario("{\n\"a\": ]", "dir/bad.json");
  ASSERT_TRUE(std::holds_alternative<Diagnostics>(result));
  const std::string text = std::get<Diagnostics>(result).format("dir/bad.json");
  EXPECT_EQ(text.rfind("dir/bad.json:2:6: syntax error while parsing value: expected", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(Syntax, TextPositionCountsLinesAndCharacters) {
  EXPECT_EQ(text_position("ab\ncd", 0).column, 1u);
  EXPECT_EQ(text_position("ab\ncd", 4).line, 2u);
  EXPECT_EQ(text_position("ab\ncd", 4).column, 2u);
  EXPECT_EQ(text_position("ab", 99).column, 3u) << "past the end: just after the last character";
}

TEST(LoadScenario, MissingFile) {
  auto result = load_scenario("/nonexistent/dir/missing.json");
  ASSERT_TRUE(std::holds_alternative<Diagnostics>(result));
  EXPECT_EQ(std::get<Diagnostics>(result).format("missing.json"),
            "missing.json: cannot open: No such file or directory\n");
}

TEST(LoadScenario, DirectoryIsNotAFile) {
  auto result = load_scenario(::testing::TempDir());
  ASSERT_TRUE(std::holds_alternative<Diagnostics>(result));
  EXPECT_NE(std::get<Diagnostics>(result).list()[0].message.find("directory"), std::string::npos);
}

TEST(LoadScenario, NameDefaultsToTheFileStem) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "my-claim.json";
  std::ofstream(path) << minimal_doc().dump();
  auto result = load_scenario(path.string());
  ASSERT_TRUE(std::holds_alternative<Scenario>(result));
  EXPECT_EQ(std::get<Scenario>(result).name, "my-claim");
}

}  // namespace
}  // namespace dsim::testing
