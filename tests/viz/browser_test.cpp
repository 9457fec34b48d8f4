// The visualizer's end-to-end tests in headless Chromium (viz/test/e2e.mjs), run from CTest.
// Skipped, with the reason, when node, playwright-core (npm ci in viz/) or /usr/bin/chromium is
// missing, so a developer without them still gets a green suite; CI installs them.
#include "tests/viz/support.h"

namespace dsim::viz_test {
namespace {

TEST(Browser, EndToEnd) {
  const fs::path src = DSIM_SOURCE_DIR;
  if (!fs::exists(src / "viz/node_modules/playwright-core/package.json")) {
    GTEST_SKIP() << "viz/node_modules/playwright-core is missing: run `npm ci` in viz/";
  }
  const char* chromium = std::getenv("DSIM_CHROMIUM");
  if (!fs::exists(chromium ? chromium : "/usr/bin/chromium")) {
    GTEST_SKIP() << "/usr/bin/chromium is missing: apt-get install -y chromium";
  }
  if (run("command -v node >/dev/null").exit_code != 0) GTEST_SKIP() << "node is missing";
  const fs::path out = fs::path(DSIM_BINARY).parent_path() / "viz-e2e";
  fs::create_directories(out);
  const Command result = run("node viz/test/e2e.mjs " + shell_quote(DSIM_BINARY) + " " + shell_quote(out.string()));
  std::cout << result.out;
  EXPECT_EQ(result.exit_code, 0) << result.out << slurp(work_dir() / "last_stderr.txt");
}

}  // namespace
}  // namespace dsim::viz_test
