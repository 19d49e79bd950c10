#!/usr/bin/python3
"""Builds a CRL with python3-cryptography (an independent implementation) for the tests.

  make_crl.py CA_CERT CA_KEY OUT NUMBER THIS_UPDATE_OFFSET NEXT_UPDATE_OFFSET [SERIAL_HEX:REVOKED_OFFSET[:REASON]]...

Offsets are seconds relative to now (negative = past). REASON is a cryptography ReasonFlags
name (key_compromise, certificate_hold, ...). Writes PEM.
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

ca = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
key = serialization.load_pem_private_key(open(sys.argv[2], "rb").read(), password=None)
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
at = lambda s: now + datetime.timedelta(seconds=int(s))
b = (x509.CertificateRevocationListBuilder()
     .issuer_name(ca.subject)
     .last_update(at(sys.argv[5]))
     .next_update(at(sys.argv[6]))
     .add_extension(x509.CRLNumber(int(sys.argv[4])), critical=False)
     .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False))
for spec in sys.argv[7:]:
    parts = spec.split(":")
    r = x509.RevokedCertificateBuilder().serial_number(int(parts[0], 16)).revocation_date(at(parts[1]))
    if len(parts) > 2:
        r = r.add_extension(x509.CRLReason(x509.ReasonFlags[parts[2]]), critical=False)
    b = b.add_revoked_certificate(r.build())
crl = b.sign(key, hashes.SHA256())
open(sys.argv[3], "wb").write(crl.public_bytes(serialization.Encoding.PEM))
