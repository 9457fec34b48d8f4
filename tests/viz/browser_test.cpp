// The visualizer's browser tests in headless Chromium (viz/test/e2e.mjs, sweep.mjs), run from CTest.
// Skipped, with the reason, when node, playwright-core (npm ci in viz/) or /usr/bin/chromium is
// missing, so a developer without them still gets a green suite; CI installs them.
#include "tests/viz/support.h"

namespace dsim::viz_test {
namespace {

// Why the browser tests cannot run here, or empty when they can.
std::string browser_missing() {
  const fs::path src = DSIM_SOURCE_DIR;
  if (!fs::exists(src / "viz/node_modules/playwright-core/package.json")) {
    return "viz/node_modules/playwright-core is missing: run `npm ci` in viz/";
  }
  const char* chromium = std::getenv("DSIM_CHROMIUM");
  if (!fs::exists(chromium ? chromium : "/usr/bin/chromium")) return "/usr/bin/chromium is missing: apt-get install -y chromium";
  if (run("command -v node >/dev/null").exit_code != 0) return "node is missing";
  return "";
}

// Runs one of viz/test/*.mjs with the binary and an output folder beside it.
void run_script(const std::string& script, const std::string& out_name) {
  const fs::path out = fs::path(DSIM_BINARY).parent_path() / out_name;
  fs::create_directories(out);
  const Command result = run("node viz/test/" + script + " " + shell_quote(DSIM_BINARY) + " " + shell_quote(out.string()));
  std::cout << result.out;
  EXPECT_EQ(result.exit_code, 0) << result.out << slurp(work_dir() / "last_stderr.txt");
}

TEST(Browser, EndToEnd) {
  if (const std::string why = browser_missing(); !why.empty()) GTEST_SKIP() << why;
  run_script("e2e.mjs", "viz-e2e");
}

// The page `dsim sweep` writes (viz/test/sweep.mjs).
TEST(Browser, SweepPage) {
  if (const std::string why = browser_missing(); !why.empty()) GTEST_SKIP() << why;
  run_script("sweep.mjs", "viz-sweep");
}

}  // namespace
}  // namespace dsim::viz_test
