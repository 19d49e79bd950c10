-- 0001: what logins need. Nonces and sessions are kept as SHA-256 hashes of what the client
-- holds (a stolen database file gives no usable session). A nonce is removed when it is used:
-- single use is a DELETE that finds the row, in one durable commit.
CREATE TABLE login_nonces (
    hash        BYTEA   PRIMARY KEY,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX login_nonces_expires ON login_nonces (expires_at);

CREATE TABLE sessions (
    hash        BYTEA   PRIMARY KEY,
    subject     TEXT    NOT NULL,   -- the identity it was opened for (JSON)
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
