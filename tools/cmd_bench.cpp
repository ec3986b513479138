// Placeholder until the subcommand lands.
#include <tarsier/error.hpp>

#include "commands.hpp"

namespace tarsier::cli {

void add_bench_command(CLI::App& app) {
  app.add_subcommand("bench", "(not yet available)")->callback([] {
    throw Error(ErrorCode::Internal, "'bench' is not implemented yet");
  });
}

}  // namespace tarsier::cli
