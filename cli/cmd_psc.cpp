// tanba psc issue-card: at a public service center's desk, the person's card gets its AUTH and
// SIGN keys and certificates from the identification server.
#include <cstdlib>
#include <iostream>

#include "common.hpp"
#include "tanba/frontend/card_issuance.hpp"

namespace tanba::cli {
namespace {

struct PscOptions {
    std::string server, iin, token, session_file, algo = "ecdsa-p256";
    bool json = false;
    PassphraseOptions pin;
};

// The registrar's session: the first line of --session-file, else TANBA_SESSION; never a
// command-line value (it would show in the process list).
std::string session_of(const PscOptions& o) {
    if (!o.session_file.empty()) {
        const auto s = frontend::secret_line(o.session_file);
        if (s.empty()) throw Error(ErrorCode::AUTH_SESSION_INVALID, o.session_file + " is empty");
        return s.reveal();
    }
    if (const char* env = std::getenv("TANBA_SESSION"); env && *env) return env;
    throw Error(ErrorCode::AUTH_SESSION_INVALID, "no session: log in as a registrar and give --session-file or TANBA_SESSION");
}

}  // namespace

void register_psc(CLI::App& app, Context& ctx) {
    auto* psc = app.add_subcommand("psc", "public service center desk: cards for enrolled persons");
    psc->require_subcommand(1);
    auto o = std::make_shared<PscOptions>();
    auto* card = psc->add_subcommand("issue-card", "generate AUTH and SIGN keys on the person's card, have them certified, write the certificates back");
    card->add_option("--server", o->server, "the identification server: http(s)://HOST[:PORT]")->required();
    card->add_option("--iin", o->iin, "the approved person's IIN")->required();
    card->add_option("--token", o->token, "pkcs11: URI of the person's card (token=...)")->required();
    card->add_option("--session-file", o->session_file, "the registrar's session (first line; else TANBA_SESSION)");
    card->add_option("--algo", o->algo, "key type: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096");
    card->add_flag("--json", o->json, "JSON output");
    add_pin_option(*card, o->pin);
    card->callback([o, &ctx] {
        frontend::ApiClient api(ctx.http, o->server, session_of(*o));
        frontend::CardIssueOptions options;
        options.iin = o->iin;
        options.card = hsm::Pkcs11Uri::parse(o->token);
        options.key_spec = keys::parse_key_spec(o->algo);
        const auto done = frontend::issue_card(api, options, pin_prompt(o->pin));
        nlohmann::json out = nlohmann::json::array();
        for (const auto& c : done) {
            out.push_back({{"label", c.role.label}, {"profile", c.role.profile}, {"serial", c.serial}, {"step", frontend::to_string(c.step)},
                           {"key", c.key_uri}});
            if (!o->json) std::cout << c.role.label << ": " << c.role.profile << " serial " << c.serial << " (" << frontend::to_string(c.step) << ")\n";
        }
        if (o->json) print_json(out);
        ctx.info() << "the card of IIN " << o->iin << " holds its certificates\n";
    });
}

}  // namespace tanba::cli
