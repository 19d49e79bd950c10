// The OpenID Connect provider's tables on SQLite (oidc_repository.hpp), sharing the
// identification store's writer thread and reader connection.
#include "sqlite_oidc_store.hpp"

#include <sstream>

#include "sqlite_schema.hpp"

namespace tanba::store::sqlite {
namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

constexpr const char* kTokenColumns = "code_hash, session_hash, sid, grant_data, expires_at";

OidcTokenRecord token_row(Statement& st) {
    return {st.blob(0), st.blob(1), st.text(2), st.text(3), time_at(st.integer(4))};
}

}  // namespace

void SqliteOidcRepository::add_client(const OidcClientRecord& client, const AuditEntry& entry, const AuditSeal& seal) {
    writes_.submit([&](Connection& c) {
        auto same = c.prepare("SELECT 1 FROM oidc_clients WHERE id = $1");
        same.bind(1, std::string_view(client.id));
        if (same.step()) throw Error(ErrorCode::STORE_CONFLICT, "oidc client: " + client.id);
        auto ins = c.prepare(
            "INSERT INTO oidc_clients (id, redirect_uris, secret_hash, secret_salt, jwks, subject_type, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)");
        ins.bind(1, std::string_view(client.id)).bind(2, std::string_view(joined(client.redirect_uris)));
        if (client.secret_hash.empty()) ins.bind_null(3).bind_null(4);
        else ins.bind(3, ByteView(client.secret_hash)).bind(4, ByteView(client.secret_salt));
        ins.bind_optional(5, client.jwks).bind(6, std::string_view(client.subject_type)).bind(7, seconds_of(client.created_at));
        ins.run();
        append_audit(c, entry, seal);
    }).get();
}

std::optional<OidcClientRecord> SqliteOidcRepository::find_client(const std::string& id) {
    std::lock_guard lock(read_mutex_);
    auto st = reader_.prepare("SELECT id, redirect_uris, secret_hash, secret_salt, jwks, subject_type, created_at FROM oidc_clients WHERE id = $1");
    st.bind(1, std::string_view(id));
    if (!st.step()) return std::nullopt;
    OidcClientRecord r;
    r.id = st.text(0);
    r.redirect_uris = split_lines(st.text(1));
    if (!st.is_null(2)) r.secret_hash = st.blob(2), r.secret_salt = st.blob(3);
    if (!st.is_null(4)) r.jwks = st.text(4);
    r.subject_type = st.text(5);
    r.created_at = time_at(st.integer(6));
    return r;
}

void SqliteOidcRepository::add_code(ByteView hash, const OidcCodeRecord& code) {
    const Bytes h(hash.begin(), hash.end());
    writes_.submit([&](Connection& c) {
        c.prepare("INSERT INTO oidc_codes (hash, client_id, grant_data, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(1, ByteView(h))
            .bind(2, std::string_view(code.client_id))
            .bind(3, std::string_view(code.grant))
            .bind(4, seconds_of(code.expires_at))
            .run();
    }).get();
}

TakenCode SqliteOidcRepository::take_code(ByteView hash, TimePoint now) {
    const Bytes h(hash.begin(), hash.end());
    TakenCode out;
    writes_.submit([&](Connection& c) {
        auto st = c.prepare("SELECT client_id, grant_data, expires_at, used_at FROM oidc_codes WHERE hash = $1");
        st.bind(1, ByteView(h));
        if (!st.step()) return;
        out.record = {st.text(0), st.text(1), time_at(st.integer(2))};
        const bool used = !st.is_null(3);
        st.reset();
        if (used) {
            out.state = CodeTaken::Replayed;
            c.prepare("UPDATE oidc_codes SET revoked = 1 WHERE hash = $1").bind(1, ByteView(h)).run();
            c.prepare("DELETE FROM oidc_tokens WHERE code_hash = $1").bind(1, ByteView(h)).run();
            return;
        }
        c.prepare("UPDATE oidc_codes SET used_at = $1 WHERE hash = $2").bind(1, seconds_of(now)).bind(2, ByteView(h)).run();
        out.state = out.record.expires_at >= now ? CodeTaken::Taken : CodeTaken::Expired;
    }).get();
    return out;
}

bool SqliteOidcRepository::add_token(ByteView hash, const OidcTokenRecord& t) {
    const Bytes h(hash.begin(), hash.end());
    bool added = false;
    writes_.submit([&](Connection& c) {
        // A replay of the code may have come between the code's take and this insert: its
        // revocation must not be undone by a token appearing after it.
        auto st = c.prepare(std::string("INSERT INTO oidc_tokens (hash, ") + kTokenColumns +
                            ") SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM oidc_codes WHERE hash = $2 AND revoked = 1)");
        st.bind(1, ByteView(h))
            .bind(2, ByteView(t.code_hash))
            .bind(3, ByteView(t.session_hash))
            .bind(4, std::string_view(t.sid))
            .bind(5, std::string_view(t.grant))
            .bind(6, seconds_of(t.expires_at));
        added = st.run() > 0;
    }).get();
    return added;
}

std::optional<OidcTokenRecord> SqliteOidcRepository::find_token(ByteView hash, TimePoint now) {
    std::lock_guard lock(read_mutex_);
    auto st = reader_.prepare(std::string("SELECT ") + kTokenColumns + " FROM oidc_tokens WHERE hash = $1 AND expires_at >= $2");
    st.bind(1, hash).bind(2, seconds_of(now));
    if (!st.step()) return std::nullopt;
    return token_row(st);
}

std::size_t SqliteOidcRepository::end_oidc_session(const std::string& sid) {
    std::size_t n = 0;
    writes_.submit([&](Connection& c) {
        c.prepare("DELETE FROM sessions WHERE hash IN (SELECT session_hash FROM oidc_tokens WHERE sid = $1)").bind(1, std::string_view(sid)).run();
        n = static_cast<std::size_t>(c.prepare("DELETE FROM oidc_tokens WHERE sid = $1").bind(1, std::string_view(sid)).run());
    }).get();
    return n;
}

bool SqliteOidcRepository::remember_assertion(ByteView hash, TimePoint expires_at) {
    const Bytes h(hash.begin(), hash.end());
    bool fresh = false;
    writes_.submit([&](Connection& c) {
        fresh = c.prepare("INSERT INTO oidc_assertions (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING")
                    .bind(1, ByteView(h))
                    .bind(2, seconds_of(expires_at))
                    .run() > 0;
    }).get();
    return fresh;
}

std::vector<OidcKeyRecord> SqliteOidcRepository::publish_key(const OidcKeyRecord& current, TimePoint retire_until, TimePoint now) {
    std::vector<OidcKeyRecord> out;
    writes_.submit([&](Connection& c) {
        c.prepare("UPDATE oidc_keys SET retired_until = $1 WHERE retired_until IS NULL AND kid <> $2")
            .bind(1, seconds_of(retire_until))
            .bind(2, std::string_view(current.kid))
            .run();
        c.prepare("INSERT INTO oidc_keys (kid, jwk, added_at) VALUES ($1, $2, $3) ON CONFLICT (kid) DO UPDATE SET retired_until = NULL")
            .bind(1, std::string_view(current.kid))
            .bind(2, std::string_view(current.jwk))
            .bind(3, seconds_of(current.added_at))
            .run();
        c.prepare("DELETE FROM oidc_keys WHERE retired_until < $1").bind(1, seconds_of(now)).run();
        auto st = c.prepare("SELECT kid, jwk, added_at, retired_until FROM oidc_keys ORDER BY retired_until IS NOT NULL, added_at DESC");
        while (st.step()) {
            OidcKeyRecord k{st.text(0), st.text(1), time_at(st.integer(2)), std::nullopt};
            if (!st.is_null(3)) k.retired_until = time_at(st.integer(3));
            out.push_back(std::move(k));
        }
    }).get();
    return out;
}

std::size_t purge_expired_oidc(Connection& c, TimePoint now) {
    std::size_t n = 0;
    for (const char* table : {"oidc_tokens", "oidc_assertions"})
        n += static_cast<std::size_t>(c.prepare(std::string("DELETE FROM ") + table + " WHERE expires_at < $1").bind(1, seconds_of(now)).run());
    // A used code is kept a day past its expiry, so that a late replay still revokes its tokens.
    n += static_cast<std::size_t>(
        c.prepare("DELETE FROM oidc_codes WHERE expires_at < $1").bind(1, seconds_of(now - std::chrono::hours(24))).run());
    return n;
}

}  // namespace tanba::store::sqlite
