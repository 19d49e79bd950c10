#pragma once
// Options shared by `tanba cert verify` and `tanba verify`: trust inputs and validation knobs.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "tanba/revocation/fetch.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::cli {

struct VerifyInputs {
    std::vector<std::string> trust, untrusted, crls, ocsp;
    std::string at;                       // RFC 3339; empty = now
    std::string purpose = "any";
    std::string eku;
    std::string host, ip, email;
    std::vector<std::string> policies;
    bool explicit_policy = false, inhibit_mapping = false, inhibit_any = false;
    int max_depth = 10;
    std::string anchor_constraints = "rfc5280";  // or rfc5937
    std::string revocation = "require";   // require|soft|off
    bool allow_sha1 = false;
    bool cross_check = false;
    bool fetch = false;                   // the default; kept for scripts that say it
    bool offline = false;                 // no revocation source: only --crl / --ocsp-response
    bool json = false;
};

void add_verify_options(CLI::App& cmd, VerifyInputs& in, const std::string& default_purpose);

/// What the files hold (several PEM blocks or one DER each), read and parsed once; copies
/// share the parsed objects.
struct TrustMaterial {
    std::vector<x509::Certificate> anchors, untrusted;
    std::vector<revocation::Crl> crls;
    std::vector<revocation::OcspResponse> ocsp;
};
TrustMaterial load_trust(const VerifyInputs& in);
/// A validator over the material; `online` (null with --offline) is its revocation source.
validation::Validator make_validator(TrustMaterial material, revocation::RevocationSource* online = nullptr);
/// Throws USAGE for bad values (unknown EKU name, bad OID, bad time).
validation::ValidationOptions make_options(const VerifyInputs& in, const Clock& clock);

}  // namespace tanba::cli
