#!/usr/bin/python3
"""Builds an OCSP response with python3-cryptography (an independent implementation).

  make_ocsp.py OUT CERT ISSUER SIGNER_CERT SIGNER_KEY STATUS THIS_OFFSET NEXT_OFFSET [REVOKED_OFFSET]

STATUS: good | revoked | unknown. Offsets are seconds from now (negative = past). The CertID
is computed from CERT's serial and ISSUER's name and key (SHA-1, as most clients send).
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

out, cert, issuer, signer, key = sys.argv[1:6]
load = lambda p: x509.load_pem_x509_certificate(open(p, "rb").read())
cert, issuer, signer = load(cert), load(issuer), load(signer)
key = serialization.load_pem_private_key(open(key, "rb").read(), password=None)
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
at = lambda s: now + datetime.timedelta(seconds=int(s))
status = {"good": ocsp.OCSPCertStatus.GOOD, "revoked": ocsp.OCSPCertStatus.REVOKED,
          "unknown": ocsp.OCSPCertStatus.UNKNOWN}[sys.argv[6]]
revoked = at(sys.argv[9]) if status == ocsp.OCSPCertStatus.REVOKED else None
b = (ocsp.OCSPResponseBuilder()
     .add_response(cert=cert, issuer=issuer, algorithm=hashes.SHA1(), cert_status=status,
                   this_update=at(sys.argv[7]), next_update=at(sys.argv[8]), revocation_time=revoked,
                   revocation_reason=x509.ReasonFlags.key_compromise if revoked else None)
     .responder_id(ocsp.OCSPResponderEncoding.HASH, signer)
     .certificates([signer]))
open(out, "wb").write(b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
