#include "sim/cli/commands.h"

int main(int argc, char** argv) { return dsim::cli::run_cli(argc, argv); }
