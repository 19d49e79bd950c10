-- 0001: certificates with their DER, and the audit log (one entry per issued or failed serial).
-- Written in the SQL that SQLite and PostgreSQL share (integers are Unix seconds).
-- Rows are appended in issuance order (id); the unique (serial, issuer) index finds them and
-- keeps serials unique per issuer. Random serials touch one index page each, not the table.
CREATE TABLE certificates (
    id                INTEGER PRIMARY KEY,
    issuer            TEXT    NOT NULL,
    serial            TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('reserved', 'issued', 'failed')),
    profile           TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    subject_iin       TEXT,
    subject_bin       TEXT,
    not_before        BIGINT  NOT NULL,
    not_after         BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL,
    der               BYTEA
);
CREATE UNIQUE INDEX certificates_serial_issuer ON certificates (serial, issuer);
CREATE INDEX certificates_subject_iin ON certificates (subject_iin) WHERE subject_iin IS NOT NULL;
CREATE INDEX certificates_subject_bin ON certificates (subject_bin) WHERE subject_bin IS NOT NULL;
CREATE INDEX certificates_not_after ON certificates (not_after);
-- Only rows that are not (yet) issued: stuck reservations and failures are what one looks for.
CREATE INDEX certificates_status ON certificates (status) WHERE status <> 'issued';

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        BIGINT  NOT NULL,
    event     TEXT    NOT NULL,
    issuer    TEXT,
    serial    TEXT,
    detail    TEXT
);
