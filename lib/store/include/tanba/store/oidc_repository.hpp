#pragma once
// The OpenID Connect provider's part of the identification store (lib/oidc gives it meaning):
// registered clients, authorization codes, access tokens, seen client assertions and the
// published signing keys. Same contract as identity_repository.hpp: durable when a call
// returns, safe from several threads and processes; codes and tokens given as hashes.
#include <optional>
#include <string>
#include <vector>

#include "tanba/store/identity_repository.hpp"

namespace tanba::store {

struct OidcClientRecord {
    std::string id;
    std::vector<std::string> redirect_uris;
    Bytes secret_hash, secret_salt;  // empty: no secret
    std::string jwks;                // empty: no keys
    std::string subject_type = "public";
    TimePoint created_at{};
};

struct OidcCodeRecord {
    std::string client_id;
    std::string grant;               // opaque to the store
    TimePoint expires_at{};
};

/// What taking a code found: first use in time (now used), expired, used before (a replay:
/// the tokens issued for it are revoked in the same commit), or never issued.
enum class CodeTaken { Taken, Expired, Replayed, Unknown };
struct TakenCode {
    CodeTaken state = CodeTaken::Unknown;
    OidcCodeRecord record;           // set unless Unknown
};

struct OidcTokenRecord {
    Bytes code_hash, session_hash;
    std::string sid;                 // the OIDC session (ID token's sid)
    std::string grant;
    TimePoint expires_at{};
};

struct OidcKeyRecord {
    std::string kid, jwk;
    TimePoint added_at{};
    std::optional<TimePoint> retired_until;  // none: the current key
};

class OidcRepository {
public:
    virtual ~OidcRepository() = default;

    /// Registers a client with its audit entry in one commit; STORE_CONFLICT when the id is taken.
    virtual void add_client(const OidcClientRecord& client, const AuditEntry& audit, const AuditSeal& seal) = 0;
    virtual std::optional<OidcClientRecord> find_client(const std::string& id) = 0;

    virtual void add_code(ByteView hash, const OidcCodeRecord& code) = 0;
    /// Single use, atomically: see CodeTaken.
    virtual TakenCode take_code(ByteView hash, TimePoint now) = 0;

    /// Stores a token issued for a code; false (nothing stored) when the code was replayed.
    virtual bool add_token(ByteView hash, const OidcTokenRecord& token) = 0;
    /// A token that exists and has not expired at `now`.
    virtual std::optional<OidcTokenRecord> find_token(ByteView hash, TimePoint now) = 0;
    /// Ends an OIDC session in one commit: its tokens and the login session they live with.
    /// Returns how many tokens went.
    virtual std::size_t end_oidc_session(const std::string& sid) = 0;

    /// Records a client assertion's jti (hashed) until it expires; false when it was seen.
    virtual bool remember_assertion(ByteView hash, TimePoint expires_at) = 0;

    /// Makes `current` the signing key (added if new) and retires every other current key until
    /// `retire_until`, in one commit; returns the keys to publish at `now` (current first, then
    /// the retired ones still inside their time).
    virtual std::vector<OidcKeyRecord> publish_key(const OidcKeyRecord& current, TimePoint retire_until, TimePoint now) = 0;
};

}  // namespace tanba::store
