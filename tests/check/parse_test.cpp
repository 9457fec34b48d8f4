#include "sim/check/parse.h"

#include <gtest/gtest.h>

namespace dsim::check {
namespace {

const Model* cas_register() { return find_model("cas-register"); }

ParseResult parse(std::string_view text, Format format = Format::auto_detect,
                  const Model* model = cas_register()) {
  return parse_history(text, format, "h.txt", model);
}

// The error as the command prints it, or "" when there is none.
std::string error_of(std::string_view text, Format format = Format::auto_detect,
                     const Model* model = cas_register()) {
  const ParseResult result = parse(text, format, model);
  return result.error ? result.error->to_string() : "";
}

constexpr std::string_view kLog =
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]\n"
    "INFO  jepsen.util - 0\t:ok\t:read\t3\n"
    "INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]\n"
    "INFO  jepsen.util - 2\t:invoke\t:write\t4\n"
    "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
    "INFO  jepsen.util - 7\t:invoke\t:write\t1\n";

TEST(Parse, JepsenLog) {
  const ParseResult result = parse(kLog);
  ASSERT_FALSE(result.error) << result.error->to_string();
  EXPECT_EQ(result.format, Format::jepsen_log);
  const std::vector<Operation>& ops = result.history.ops;
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].f, "read");
  EXPECT_EQ(ops[0].type, OpType::ok);
  EXPECT_EQ(ops[0].output, 3);
  EXPECT_EQ(ops[0].invoke_ns, 1);
  EXPECT_EQ(ops[0].complete_ns, 3);
  EXPECT_EQ(ops[1].value, nlohmann::json::array({3, 0}));
  EXPECT_EQ(ops[1].type, OpType::fail);
  EXPECT_EQ(ops[2].type, OpType::info);
  EXPECT_EQ(ops[2].complete_ns, Operation::kNever);
  EXPECT_EQ(ops[3].process, 7);  // never completed: info
  EXPECT_EQ(ops[3].type, OpType::info);
}

TEST(Parse, EdnLines) {
  const ParseResult result = parse(
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n"
      "{:process 1, :type :ok, :f :get, :key \"0\", :value \"\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n",
      Format::auto_detect, find_model("kv"));
  ASSERT_FALSE(result.error) << result.error->to_string();
  EXPECT_EQ(result.format, Format::edn);
  ASSERT_EQ(result.history.ops.size(), 2u);
  EXPECT_EQ(result.history.ops[0].key, "0");
  EXPECT_EQ(result.history.ops[0].value, "x 0 0 y");
  EXPECT_EQ(result.history.ops[1].output, "");
  EXPECT_EQ(result.history.ops[1].complete_ns, 3);
}

TEST(Parse, JsonRoundTrip) {
  const ParseResult log = parse(kLog);
  ASSERT_FALSE(log.error);
  const std::string text = to_json(log.history).dump(1);
  const ParseResult again = parse(text);
  ASSERT_FALSE(again.error) << again.error->to_string();
  EXPECT_EQ(again.format, Format::json);
  EXPECT_EQ(to_json(again.history), to_json(log.history));
}

TEST(Parse, JsonEvents) {
  const ParseResult result = parse(R"([
    {"process": 0, "type": "invoke", "f": "write", "value": 1, "time": 10},
    {"process": 0, "type": "ok", "f": "write", "value": 1, "time": 20}
  ])");
  ASSERT_FALSE(result.error) << result.error->to_string();
  ASSERT_EQ(result.history.ops.size(), 1u);
  EXPECT_EQ(result.history.ops[0].invoke_ns, 10);
  EXPECT_EQ(result.history.ops[0].complete_ns, 20);
}

TEST(ParseErrors, TruncatedLogLine) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:inv"),
            "h.txt:2: expected an :f (the line has 4 fields after ' - '): expected a value, "
            "found the end of the line");
  EXPECT_EQ(error_of("INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0"),
            "h.txt:1: expected a value (the line has 4 fields after ' - '): expected ']', found "
            "the end of the line");
  EXPECT_NE(error_of("INFO  jep"), "");
}

TEST(ParseErrors, TruncatedEdnLine) {
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :get, :key \"0\", :va", Format::edn,
                     find_model("kv")),
            "h.txt:1: expected an operation map: map key without a value, found the end of the map");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :get, :key \"0", Format::edn, find_model("kv")),
            "h.txt:1: expected an operation map: unterminated string, found the end of the line");
}

TEST(ParseErrors, UnknownFunction) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:frob\t1\n"),
            "h.txt:1: unknown :f \"frob\" for model cas-register (expected read, write or cas)");
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]\n", Format::auto_detect,
                     find_model("register")),
            "h.txt:1: unknown :f \"cas\" for model register (expected read or write)");
}

TEST(ParseErrors, CompletionWithoutInvoke) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 3\t:ok\t:read\t1\n"),
            "h.txt:2: process 3 completes :read without a pending invoke");
}

TEST(ParseErrors, TwoInvokesFromOneProcess) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n\nINFO  jepsen.util - 0\t:invoke\t:write\t1\n"),
            "h.txt:3: process 0 invokes :write but has not completed its invoke at line 1");
}

TEST(ParseErrors, CompletionOfAnotherFunction) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:write\t1\n"),
            "h.txt:2: process 0 completes :write but invoked :read at line 1");
}

TEST(ParseErrors, NonUtf8) {
  EXPECT_EQ(error_of("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t\"\xff\"\n"),
            "h.txt:2: expected UTF-8 text, found byte 0xff");
  EXPECT_EQ(error_of("[{\"process\": 0, \"f\": \"\xc3\"}]"), "h.txt:1: expected UTF-8 text, found byte 0xc3");
  EXPECT_NE(error_of("\xed\xa0\x80"), "");  // an encoded surrogate
}

TEST(ParseErrors, BadJson) {
  EXPECT_NE(error_of("[{\"process\": 0,\n"), "");
  EXPECT_EQ(error_of("{\"ops\": [\n  {\"process\": 0, \"f\": \"read\", \"type\": \"ok\", \"invoke_ns\": 1, \"complete_ns\": 2},\n"
                     "  {\"process\": 0, \"f\": \"read\", \"type\": \"maybe\", \"invoke_ns\": 1}\n]}"),
            "h.txt:3: ops[1].type: expected \"ok\", \"fail\" or \"info\", found \"maybe\"");
  EXPECT_EQ(error_of("{\"ops\": 3}"),
            "h.txt:1: expected a list of operations, or an object with an \"ops\" list");
  EXPECT_EQ(error_of("[{\"process\": 0, \"f\": \"write\", \"value\": 1, \"type\": \"ok\", "
                     "\"invoke_ns\": 5, \"complete_ns\": 2}]"),
            "h.txt:1: ops[0]: expected complete_ns >= invoke_ns, found 2 < 5");
}

TEST(ParseErrors, DeepNestingDoesNotExhaustTheStack) {
  const std::string deep = "INFO  jepsen.util - 0\t:invoke\t:write\t" + std::string(100000, '[');
  EXPECT_NE(error_of(deep).find("nested deeper"), std::string::npos);
  EXPECT_NE(error_of(std::string(100000, '[')), "");  // JSON: nlohmann limits nothing, but copes
}

TEST(ParseErrors, MissingFile) {
  const ParseResult result = load_history("/nonexistent/history.log", Format::auto_detect, nullptr);
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->to_string(), "/nonexistent/history.log: cannot open: No such file or directory");
}

TEST(ParseErrors, GarbageNeverThrows) {
  const std::string samples[] = {"", "\n\n", "{", "}", "{:", "{:process}", "[1 2 3]", "null",
                                 "{:process 0 :type :ok :f :read :value 1}", "INFO a - 1 2 3 4 5",
                                 "{\"ops\": [1, [2], {}]}", "#{", "\"\\u0000\""};
  for (const std::string& text : samples) {
    for (Format format : {Format::auto_detect, Format::jepsen_log, Format::edn, Format::json}) {
      EXPECT_NO_THROW(parse(text, format)) << text;
    }
  }
}

}  // namespace
}  // namespace dsim::check
