-- 0003: legal entities and their employees' NCA roles.
-- A BIN is unique and never reused (rows are never deleted). It is allocated from bin_prefix
-- (digits 1-6: registration year and month, entity type, attribute): the next serial after the
-- largest one used for that prefix, inside the insert's transaction.
CREATE TABLE legal_entities (
    id                INTEGER PRIMARY KEY,
    bin               TEXT    NOT NULL UNIQUE,
    bin_prefix        TEXT    NOT NULL,
    bin_serial        INTEGER NOT NULL,
    name              TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('resident', 'non-resident', 'branch', 'representative-office')),
    registration_date TEXT    NOT NULL,            -- YYYY-MM-DD
    status            TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
    registered_by     TEXT    NOT NULL,            -- the operator's IIN
    created_at        BIGINT  NOT NULL
);
CREATE INDEX legal_entities_serial ON legal_entities (bin_prefix, bin_serial);

CREATE TABLE employee_roles (
    bin       TEXT   NOT NULL,
    iin       TEXT   NOT NULL,
    role      TEXT   NOT NULL CHECK (role IN ('ceo', 'signer', 'finance', 'hr', 'employee')),
    added_by  TEXT   NOT NULL,
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (bin, iin, role)
);
