-- 0002: issuance writes less per certificate.
-- The certificates table is the per-certificate ledger (status, created_at, DER); the audit log
-- records each durable issuance commit (how many certificates, first and last serial) and each
-- failure on its own. Only failures are indexed by status: reservations live for one commit and
-- are the newest rows (found from the end of the table), so indexing them cost an insert and a
-- delete per certificate.
DROP INDEX certificates_status;
CREATE INDEX certificates_failed ON certificates (status) WHERE status = 'failed';
