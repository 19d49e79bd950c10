-- 0002: the registry of persons, operator roles, and the hash-chained audit log.
-- A person's IIN is unique and never reused: rows are never deleted (a closed person stays).
-- Non-residents' IINs are allocated from (iin_date, iin_digit): the next serial after the
-- largest one used for that birth date and century/sex digit, inside the insert's transaction.
CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    iin          TEXT    NOT NULL UNIQUE,
    iin_date     TEXT    NOT NULL,            -- YYMMDD, digits 1-6 of the IIN
    iin_digit    INTEGER NOT NULL,            -- digit 7: century and sex
    iin_serial   INTEGER NOT NULL,            -- digits 8-11
    residency    TEXT    NOT NULL CHECK (residency IN ('resident', 'non-resident')),
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'verified', 'certified', 'suspended', 'closed')),
    doc_type     TEXT    NOT NULL,
    doc_number   TEXT    NOT NULL,
    doc_country  TEXT    NOT NULL,
    doc_expiry   TEXT,
    surname      TEXT    NOT NULL,
    given_name   TEXT    NOT NULL,
    patronymic   TEXT,
    surname_latin    TEXT,
    given_name_latin TEXT,
    birth_date   TEXT    NOT NULL,            -- YYYY-MM-DD
    sex          TEXT    NOT NULL CHECK (sex IN ('M', 'F')),
    citizenship  TEXT    NOT NULL,
    contact      TEXT,
    enrolled_by  TEXT    NOT NULL,            -- the operator's IIN
    approved_by  TEXT,                        -- the registrar's IIN
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX persons_document ON persons (doc_country, doc_number);
CREATE INDEX persons_iin_serial ON persons (iin_date, iin_digit, iin_serial);

CREATE TABLE operator_roles (
    iin         TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('operator', 'registrar', 'admin')),
    name        TEXT    NOT NULL,
    added_at    BIGINT  NOT NULL,
    PRIMARY KEY (iin, role)
);

-- Append-only: seq is 1, 2, 3, …; hash = H(prev_hash ‖ the entry), so an edited, deleted or
-- reordered row breaks the chain from there (tanba audit verify).
CREATE TABLE registry_audit (
    seq         INTEGER PRIMARY KEY,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   BYTEA   NOT NULL,
    hash        BYTEA   NOT NULL
);
