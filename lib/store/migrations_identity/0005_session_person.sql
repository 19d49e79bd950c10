-- 0005: whose session it is (the IIN, or UZ:PINFL), so that suspending or closing a person
-- ends every session they hold, and with them the OpenID Connect tokens they gave.
ALTER TABLE sessions ADD COLUMN person TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_person ON sessions (person) WHERE person <> '';
