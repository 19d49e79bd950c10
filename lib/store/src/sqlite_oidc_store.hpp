#pragma once
// The OIDC tables on SQLite: the identification store's writer and reader, borrowed.
#include <mutex>

#include "group_commit.hpp"
#include "sqlite_connection.hpp"
#include "tanba/store/oidc_repository.hpp"

namespace tanba::store::sqlite {

/// Appends an audit entry inside the current transaction (sqlite_identity_store.cpp).
void append_audit(Connection& c, AuditEntry e, const AuditSeal& seal);
/// Removes expired tokens and assertions, and codes a day past their expiry; returns how many.
std::size_t purge_expired_oidc(Connection& c, TimePoint now);

class SqliteOidcRepository final : public OidcRepository {
public:
    SqliteOidcRepository(GroupCommitter& writes, Connection& reader, std::mutex& read_mutex)
        : writes_(writes), reader_(reader), read_mutex_(read_mutex) {}

    void add_client(const OidcClientRecord& client, const AuditEntry& audit, const AuditSeal& seal) override;
    std::optional<OidcClientRecord> find_client(const std::string& id) override;
    void add_code(ByteView hash, const OidcCodeRecord& code) override;
    TakenCode take_code(ByteView hash, TimePoint now) override;
    bool add_token(ByteView hash, const OidcTokenRecord& token) override;
    std::optional<OidcTokenRecord> find_token(ByteView hash, TimePoint now) override;
    std::size_t end_oidc_session(const std::string& sid) override;
    bool remember_assertion(ByteView hash, TimePoint expires_at) override;
    std::vector<OidcKeyRecord> publish_key(const OidcKeyRecord& current, TimePoint retire_until, TimePoint now) override;

private:
    GroupCommitter& writes_;
    Connection& reader_;
    std::mutex& read_mutex_;
};

}  // namespace tanba::store::sqlite
