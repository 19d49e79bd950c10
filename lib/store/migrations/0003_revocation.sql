-- 0003: revocation. The current state lives on the certificate row; every change is also an
-- event, from which delta CRLs are built; every CRL issued is kept with its number.
ALTER TABLE certificates ADD COLUMN revoked_at BIGINT;
ALTER TABLE certificates ADD COLUMN revocation_reason INTEGER;
ALTER TABLE certificates ADD COLUMN invalidity_date BIGINT;
CREATE INDEX certificates_revoked ON certificates (issuer, revoked_at) WHERE revoked_at IS NOT NULL;

-- reason: RFC 5280 CRLReason; 8 (removeFromCRL) records a release from hold.
CREATE TABLE revocation_events (
    id               INTEGER PRIMARY KEY,
    issuer           TEXT    NOT NULL,
    serial           TEXT    NOT NULL,
    at               BIGINT  NOT NULL,
    reason           INTEGER NOT NULL,
    invalidity_date  BIGINT
);
CREATE INDEX revocation_events_issuer_id ON revocation_events (issuer, id);

CREATE TABLE crls (
    issuer       TEXT    NOT NULL,
    number       BIGINT  NOT NULL,
    this_update  BIGINT  NOT NULL,
    next_update  BIGINT  NOT NULL,
    base_number  BIGINT,
    last_event   BIGINT  NOT NULL,
    der          BYTEA   NOT NULL,
    PRIMARY KEY (issuer, number)
);
