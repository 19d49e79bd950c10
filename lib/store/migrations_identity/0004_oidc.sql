-- 0004: the OpenID Connect provider. Clients are registered by an administrator; codes and
-- access tokens are kept as SHA-256 hashes of what the client holds, like sessions. A code is
-- marked used (not deleted) so that a replay is recognised and revokes its tokens (RFC 6749
-- §4.1.2). Signing keys are published until the tokens they signed have expired.
CREATE TABLE oidc_clients (
    id             TEXT    PRIMARY KEY,
    redirect_uris  TEXT    NOT NULL,   -- one per line, matched exactly
    secret_hash    BYTEA,              -- PBKDF2-SHA256 of the secret (client_secret_basic/_post)
    secret_salt    BYTEA,
    jwks           TEXT,               -- the client's public keys (private_key_jwt)
    subject_type   TEXT    NOT NULL,   -- public or pairwise
    created_at     BIGINT  NOT NULL
);

CREATE TABLE oidc_codes (
    hash        BYTEA   PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    grant_data  TEXT    NOT NULL,      -- what the code stands for (lib/oidc's JSON)
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT,
    revoked     INTEGER NOT NULL DEFAULT 0   -- replayed: its tokens revoked, no more issued
);
CREATE INDEX oidc_codes_expires ON oidc_codes (expires_at);

CREATE TABLE oidc_tokens (
    hash          BYTEA   PRIMARY KEY,
    code_hash     BYTEA   NOT NULL,
    session_hash  BYTEA   NOT NULL,    -- the login session it lives with
    sid           TEXT    NOT NULL,
    grant_data    TEXT    NOT NULL,
    expires_at    BIGINT  NOT NULL
);
CREATE INDEX oidc_tokens_code ON oidc_tokens (code_hash);
CREATE INDEX oidc_tokens_sid ON oidc_tokens (sid);
CREATE INDEX oidc_tokens_expires ON oidc_tokens (expires_at);

-- client_assertion jti values seen (private_key_jwt replay).
CREATE TABLE oidc_assertions (
    hash        BYTEA   PRIMARY KEY,
    expires_at  BIGINT  NOT NULL
);

CREATE TABLE oidc_keys (
    kid            TEXT    PRIMARY KEY,
    jwk            TEXT    NOT NULL,   -- the public key, as published
    added_at       BIGINT  NOT NULL,
    retired_until  BIGINT              -- NULL: the current key
);
