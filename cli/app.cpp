#include "app.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "exit_codes.hpp"
#include "tanba/base/version.hpp"

namespace tanba::cli {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

/// The closest of `choices` to `word`, when it is close enough to be a likely typo.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& choices) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : choices) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) best = c, best_distance = d;
    }
    return best;
}

/// The command the words select: the deepest subcommand that was parsed.
CLI::App& selected(CLI::App& app) {
    CLI::App* cmd = &app;
    for (;;) {
        auto parsed = cmd->get_subcommands();
        auto it = std::find_if(parsed.begin(), parsed.end(), [](CLI::App* s) { return !s->get_name().empty(); });
        if (it == parsed.end()) return *cmd;
        cmd = *it;
    }
}

std::string path_of(const CLI::App& cmd) {
    std::string path;
    for (const CLI::App* c = &cmd; c; c = c->get_parent()) path = c->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

/// What was not understood, as CLI11 reports it (ExtrasError: "... not expected: a b").
std::vector<std::string> extras_of(const CLI::ParseError& e) {
    std::string msg = e.what();
    const auto colon = msg.rfind(": ");
    std::vector<std::string> out;
    if (colon == std::string::npos) return out;
    std::istringstream words(msg.substr(colon + 2));
    for (std::string w; words >> w;) out.push_back(w);
    return out;
}

/// The first word after the selected command's path that names no command ("sgin").
std::optional<std::string> unknown_command(CLI::App& app, CLI::App& cmd, const std::vector<std::string>& args) {
    std::vector<std::string> path;
    for (const CLI::App* c = &cmd; c != &app; c = c->get_parent()) path.insert(path.begin(), c->get_name());
    std::size_t matched = 0;
    for (const auto& a : args) {
        if (a.rfind("-", 0) == 0) continue;
        if (matched < path.size() && a == path[matched]) ++matched;
        else if (matched == path.size()) return a;
    }
    return std::nullopt;
}

int usage_error(CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args) {
    CLI::App& cmd = selected(app);
    std::vector<std::string> unknown;
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) unknown = extras_of(e);
    else if (!subcommands_of(cmd).empty())
        if (auto word = unknown_command(app, cmd, args)) unknown.push_back(*word);
    if (!unknown.empty() && !dynamic_cast<const CLI::ExtrasError*>(&e) && unknown.front().rfind("-", 0) != 0)
        std::cerr << "tanba: error USAGE: unknown command '" << path_of(cmd) << " " << unknown.front() << "'\n";
    else
        std::cerr << "tanba: error USAGE: " << e.what() << "\n";
    for (const auto& word : unknown) {
        const bool option = word.rfind("-", 0) == 0;
        const auto choices = option ? option_names(cmd) : command_names(cmd);
        if (auto near = closest(word.substr(0, word.find('=')), choices))
            std::cerr << "  did you mean '" << path_of(cmd) << " " << *near << "'?\n";
    }
    if (const auto commands = command_names(cmd); !commands.empty() && cmd.get_subcommands().empty())
        std::cerr << "  commands of '" << path_of(cmd) << "': " << joined(commands) << "\n";
    std::cerr << "  see '" << path_of(cmd) << " --help'\n";
    return 2;
}

/// The options the command would run with: given values, else the bound variables' values
/// now (read afresh, so a default changed after registration shows).
void show_options(CLI::App& app, std::ostream& out) {
    CLI::App& cmd = selected(app);
    out << path_of(cmd) << "\n";
    for (CLI::Option* o : options_of(cmd)) {
        if (o == cmd.get_help_ptr() || (o->get_lnames().empty() && !o->get_positional())) continue;
        std::string value;
        if (o->count() > 0) {
            for (const auto& r : o->results()) value += (value.empty() ? "" : ",") + r;
        } else {
            o->capture_default_str();
            value = o->get_default_str();
        }
        out << (o->get_positional() ? o->get_name() : "--" + o->get_lnames().front()) << "=" << value << "\n";
    }
}

}  // namespace

std::ostream& Context::info() const {
    static std::ostream nowhere(nullptr);
    return quiet ? nowhere : std::cerr;
}

bool Context::show_progress() const { return !quiet && isatty(STDERR_FILENO); }

std::vector<CLI::App*> subcommands_of(CLI::App& cmd) {
    return cmd.get_subcommands([](CLI::App* s) { return !s->get_name().empty(); });
}

std::vector<CLI::Option*> options_of(CLI::App& cmd) {
    auto out = cmd.get_options();
    for (CLI::App* group : cmd.get_subcommands([](CLI::App* s) { return s->get_name().empty(); }))
        for (CLI::Option* o : options_of(*group)) out.push_back(o);
    return out;
}

std::vector<std::string> command_names(CLI::App& cmd) {
    std::vector<std::string> out;
    for (CLI::App* s : subcommands_of(cmd)) out.push_back(s->get_name());
    return out;
}

std::vector<std::string> option_names(CLI::App& cmd) {
    std::vector<std::string> out;
    for (CLI::Option* o : options_of(cmd)) {
        for (const auto& n : o->get_lnames()) out.push_back("--" + n);
        for (const auto& n : o->get_snames()) out.push_back("-" + n);
    }
    return out;
}

std::unique_ptr<CLI::App> make_app(Context& ctx) {
    auto app = std::make_unique<CLI::App>("tanba — PKI and electronic signatures for e-government (IIN/BIN/PINFL, NCA layout)", "tanba");
    app->option_defaults()->always_capture_default();
    app->set_version_flag("--version", std::string("tanba ") + kVersion);
    app->require_subcommand(1);
    app->fallthrough();  // the global flags below are accepted after a command too
    app->add_flag("-q,--quiet", ctx.quiet, "only results and errors: no progress or what-was-done lines");
    app->add_flag("-v,--verbose", ctx.verbose, "also print the options each command runs with");
    app->add_flag("--show-options", ctx.show_options, "print the options the command would run with (defaults included) and run nothing");
    register_id(*app, ctx);
    register_key(*app, ctx);
    register_csr(*app, ctx);
    register_ca(*app, ctx);
    register_cert(*app, ctx);
    register_sign(*app, ctx);
    register_token(*app, ctx);
    register_ocsp(*app, ctx);
    register_ts(*app, ctx);
    register_auth(*app, ctx);
    register_registry(*app, ctx);
    register_oidc(*app, ctx);
    register_psc(*app, ctx);
    register_errors(*app, ctx);
    register_completion(*app, ctx);
    // After parsing, before the command runs.
    app->parse_complete_callback([&ctx, root = app.get()] {
        if (ctx.show_options) {
            show_options(*root, std::cout);
            throw CLI::Success();
        }
        if (ctx.verbose) show_options(*root, std::cerr);
    });
    return app;
}

int run(CLI::App& app, Context& ctx, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        return usage_error(app, e, std::vector<std::string>(argv + 1, argv + argc));
    } catch (const Error& e) {
        std::cerr << "tanba: error " << e.what() << "\n";
        if (!ctx.quiet)
            for (const auto& cause : e.causes()) std::cerr << "  caused by: " << cause << "\n";
        return exit_code_for(e.code());
    } catch (const std::exception& e) {
        std::cerr << "tanba: error INTERNAL: " << e.what() << "\n";
        return 4;
    }
    return ctx.exit_code;
}

}  // namespace tanba::cli
