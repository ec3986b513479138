#include <cstdio>
#include <exception>

#include <tarsier/error.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tarsier: run defect-detection CNNs without a framework"};
  app.set_version_flag("--version", std::string("tarsier ") + TARSIER_VERSION);
  app.require_subcommand(1);
  tarsier::cli::add_convert_command(app);
  tarsier::cli::add_inspect_command(app);
  tarsier::cli::add_run_command(app);
  tarsier::cli::add_bench_command(app);
  tarsier::cli::add_eval_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tarsier::Error& e) {
    std::fprintf(stderr, "tarsier: error: %s\n", e.what());
    return 2 + static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tarsier: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
