-- 0006: nonces are no longer stored when issued: a nonce carries its expiry and a MAC under
-- the key kept here (one row), and login_nonces now holds the nonces *used* (hash, until their
-- expiry), so that each is accepted once. The issued-but-unused rows of before are dropped.
CREATE TABLE login_keys (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    mac_key  BYTEA   NOT NULL
);
DELETE FROM login_nonces;
