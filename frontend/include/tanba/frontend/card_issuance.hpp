#pragma once
// Issuing a card at a PSC desk (tanba psc issue-card): for each role (AUTH, SIGN) a key pair
// generated on the person's card, a request signed by it, the certificate ordered from the
// identification server, and written back beside the key.
//
// Resumable, never half-applied in a way a re-run cannot finish: a role whose certificate is on
// the card already (for this IIN) is left as it is; a key without its certificate (a run cut
// short) is used again rather than a second one generated; and every order carries an
// idempotency key derived from the public key, so an answer lost on the way returns the same
// certificate when asked again.
#include <string>
#include <vector>

#include "tanba/frontend/api_client.hpp"
#include "tanba/hsm/token.hpp"

namespace tanba::frontend {

struct CardRole {
    std::string label;    // the key's and the certificate's CKA_LABEL
    std::string profile;  // what the server issues
};

struct CardIssueOptions {
    std::string iin;
    hsm::Pkcs11Uri card;                       // the token (token=, serial=, ...); object= is set per role
    keys::KeySpec key_spec = keys::parse_key_spec("ecdsa-p256");
    std::vector<CardRole> roles = {{"AUTH", "citizen-auth"}, {"SIGN", "citizen-sign"}};
};

enum class CardStep { Issued, Resumed, Present };  // key generated now; key from an earlier run; certificate there already
std::string_view to_string(CardStep s);            // "issued", "resumed", "present"

struct CardCertificate {
    CardRole role;
    CardStep step = CardStep::Issued;
    std::string serial;
    std::string key_uri;
};

/// Runs the flow for every role. Throws AUTH_FORBIDDEN (the session is not a registrar's) and
/// REGISTRY_STATE_INVALID (the person is not approved) before touching the card, TOKEN_NOT_EMPTY when a role's certificate on the card is
/// another person's, and what the server or the token refuses (its code).
std::vector<CardCertificate> issue_card(ApiClient& api, const CardIssueOptions& options, const hsm::PinPrompt& pin);

}  // namespace tanba::frontend
