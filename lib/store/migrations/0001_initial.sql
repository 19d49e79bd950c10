-- 0001: certificates with their DER, and the audit log.
-- Written in the SQL that SQLite and PostgreSQL share (integers are Unix seconds).
CREATE TABLE certificates (
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
    der               BYTEA,
    PRIMARY KEY (issuer, serial)
);
CREATE INDEX certificates_serial ON certificates (serial);
CREATE INDEX certificates_subject_iin ON certificates (subject_iin);
CREATE INDEX certificates_subject_bin ON certificates (subject_bin);
CREATE INDEX certificates_not_after ON certificates (not_after);
CREATE INDEX certificates_status ON certificates (status);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        BIGINT  NOT NULL,
    event     TEXT    NOT NULL,
    issuer    TEXT,
    serial    TEXT,
    detail    TEXT
);
CREATE INDEX audit_log_serial ON audit_log (serial);
