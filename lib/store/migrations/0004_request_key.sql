-- 0004: idempotent issuance. A request may carry a key chosen by its sender; the CA stores it
-- with the digest of what was asked (profile and CSR), so that a repeated request returns the
-- certificate already issued instead of a second one. Unique per issuer.
ALTER TABLE certificates ADD COLUMN request_key TEXT;
ALTER TABLE certificates ADD COLUMN request_digest BYTEA;
CREATE UNIQUE INDEX certificates_request_key ON certificates (issuer, request_key) WHERE request_key IS NOT NULL;
