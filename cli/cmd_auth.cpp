// tanba auth check-token: a login token checked offline, on the server's code path.
#include <iostream>

#include "common.hpp"
#include "tanba/auth/login.hpp"
#include "verify_inputs.hpp"

namespace tanba::cli {
namespace {

struct CheckTokenOptions {
    std::string token, origin, nonce;
    VerifyInputs trust;
};

}  // namespace

void register_auth(CLI::App& app, Context& ctx) {
    auto* auth = app.add_subcommand("auth", "login tokens, as the identification server checks them");
    auth->require_subcommand(1);
    auto o = std::make_shared<CheckTokenOptions>();
    auto* check = auth->add_subcommand("check-token", "check a Web eID login token against an origin and a nonce, and print who it is");
    check->add_option("token", o->token, "the token: JSON, or its base64url as mobile flows send it")->required();
    check->add_option("--origin", o->origin, "https://HOST[:PORT] the token was made for (no path, no trailing slash)")->required();
    check->add_option("--nonce", o->nonce, "the nonce the server issued, as issued")->required();
    check->add_option("--trust", o->trust.trust, "trusted CA certificate(s): the CAs whose holders may log in")->required();
    check->add_option("--untrusted", o->trust.untrusted, "intermediate certificates");
    check->add_option("--crl", o->trust.crls, "CRL file(s)");
    check->add_option("--ocsp-response", o->trust.ocsp, "OCSP response file(s)");
    check->add_option("--at", o->trust.at, "check as of this time (RFC 3339; default now)");
    check->add_option("--revocation", o->trust.revocation, "require (an unknown status refuses the login), soft, off")
        ->check(CLI::IsMember({"require", "soft", "off"}));
    check->add_flag("--offline", o->trust.offline, "no network: only the given CRLs and OCSP responses");
    check->add_flag("--json", o->trust.json, "print the identity as JSON");
    check->callback([o, &ctx] {
        auth::require_origin(o->origin);
        const auto text = read_file(o->token);
        const auto token = auth::parse_web_eid_token(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
        const auto options = make_options(o->trust, ctx.clock);
        revocation::OnlineRevocation online(ctx.http, ctx.clock);
        const auto validator = make_validator(load_trust(o->trust), o->trust.offline ? nullptr : &online);
        const auth::LoginPolicy policy{o->origin, &validator, options.revocation};
        const auto id = auth::verify_web_eid(token, o->nonce, policy, options.at);
        if (o->trust.json) {
            std::cout << auth::to_json(id) << "\n";
            return;
        }
        std::cout << "login OK: " << (id.common_name.empty() ? id.surname + " " + id.given_name : id.common_name)
                  << (id.iin.empty() ? "" : ", IIN " + id.iin) << (id.bin.empty() ? "" : ", BIN " + id.bin) << ", certificate "
                  << id.certificate_serial << " from " << id.issuer << "\n";
    });
}

}  // namespace tanba::cli
