// tanba auth check-token: a login token checked offline, on the server's code path.
#include <iostream>

#include "common.hpp"
#include "tanba/auth/login.hpp"
#include "verify_inputs.hpp"

namespace tanba::cli {
namespace {

struct CheckTokenOptions {
    std::string token, origin, nonce, kind = "auto";
    VerifyInputs trust;
};

// auto: Web eID's JSON ('{') or its base64url ("ey…"); anything else a SignedData.
auth::TokenKind kind_of(const std::string& kind, std::string_view text) {
    if (kind == "web-eid") return auth::TokenKind::WebEid;
    if (kind == "cms") return auth::TokenKind::Cms;
    if (kind == "pkcs7") return auth::TokenKind::Pkcs7;
    const auto at = text.find_first_not_of(" \t\r\n");
    const auto rest = at == std::string_view::npos ? std::string_view() : text.substr(at);
    return rest.starts_with("{") || rest.starts_with("ey") ? auth::TokenKind::WebEid : auth::TokenKind::Cms;
}

}  // namespace

void register_auth(CLI::App& app, Context& ctx) {
    auto* auth = app.add_subcommand("auth", "login tokens, as the identification server checks them");
    auth->require_subcommand(1);
    auto o = std::make_shared<CheckTokenOptions>();
    auto* check = auth->add_subcommand("check-token", "check a login token (Web eID, NCALayer CMS, E-IMZO PKCS#7) against a nonce, and print who it is");
    check->add_option("token", o->token, "the token file: Web eID JSON (or its base64url), or a SignedData (base64, PEM, DER)")->required();
    check->add_option("--kind", o->kind, "web-eid, cms (NCALayer: attached or detached over the nonce), pkcs7 (E-IMZO: attached), auto")
        ->check(CLI::IsMember({"auto", "web-eid", "cms", "pkcs7"}));
    check->add_option("--origin", o->origin, "https://HOST[:PORT] the token was made for (no path, no trailing slash); Web eID tokens only");
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
        const auto bytes = read_file(o->token);
        const std::string text(bytes.begin(), bytes.end());
        const auth::LoginToken token{kind_of(o->kind, text), text};
        if (token.kind == auth::TokenKind::WebEid && o->origin.empty()) throw Error(ErrorCode::USAGE, "a Web eID token needs --origin");
        if (!o->origin.empty()) auth::require_origin(o->origin);
        const auto options = make_options(o->trust, ctx.clock);
        revocation::OnlineRevocation online(ctx.http, ctx.clock);
        const auto validator = make_validator(load_trust(o->trust), o->trust.offline ? nullptr : &online);
        const auth::LoginPolicy policy{o->origin, &validator, options.revocation};
        const auto id = auth::verify_login(token, o->nonce, policy, *options.at);
        if (o->trust.json) {
            std::cout << auth::to_json(id) << "\n";
            return;
        }
        std::cout << "login OK: " << (id.common_name.empty() ? id.surname + " " + id.given_name : id.common_name)
                  << (id.iin.empty() ? "" : ", IIN " + id.iin) << (id.bin.empty() ? "" : ", BIN " + id.bin)
                  << (id.pinfl.empty() ? "" : ", PINFL " + id.pinfl) << (id.legal_tin.empty() ? "" : ", legal TIN " + id.legal_tin) << ", certificate "
                  << id.certificate_serial << " from " << id.issuer << "\n";
    });
}

}  // namespace tanba::cli
