#pragma once
// The tanba command tree, built once and used for running, completion scripts and man pages.
#include <CLI/CLI.hpp>

#include <memory>

#include "common.hpp"

namespace tanba::cli {

/// Every command and option, wired to `ctx`. Every option's default is captured from the
/// variable it binds, so `--help` prints the value a command would use.
std::unique_ptr<CLI::App> make_app(Context& ctx);

/// Parses and runs. Usage errors print `tanba: error USAGE: …` with the closest command or
/// option and the valid choices, exit 2; library errors print their code (exit_code_for).
/// `--show-options` prints the options the selected command would run with and runs nothing.
int run(CLI::App& app, Context& ctx, int argc, char** argv);

/// The subcommands and the named options of a command (option groups folded in).
std::vector<CLI::App*> subcommands_of(CLI::App& cmd);
std::vector<CLI::Option*> options_of(CLI::App& cmd);
/// Their names: "crl", …; "--next-update-hours", "-q", ….
std::vector<std::string> command_names(CLI::App& cmd);
std::vector<std::string> option_names(CLI::App& cmd);

}  // namespace tanba::cli
