#!/usr/bin/python3
"""Independent reading of certificates with python3-cryptography (Debian's package).

  inspect_cert.py CERT.pem ISSUER.pem   prints one JSON object: subject attributes by OID,
                                        key usage, EKU OIDs, policies, basic constraints, and
                                        whether the issuer's key verifies the signature.
"""
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, ed25519
from cryptography.x509.oid import ExtensionOID


def verify(cert, issuer):
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes)
        else:
            return False
        return True
    except Exception:
        return False


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid)
    except x509.ExtensionNotFound:
        return None


def main():
    cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
    issuer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
    out = {"subject": {}, "serial_bits": cert.serial_number.bit_length(), "signature_ok": verify(cert, issuer)}
    for attr in cert.subject:
        out["subject"].setdefault(attr.oid.dotted_string, []).append(attr.value)
    ku = ext(cert, ExtensionOID.KEY_USAGE)
    if ku:
        v = ku.value
        out["key_usage"] = {"critical": ku.critical, "digital_signature": v.digital_signature,
                            "content_commitment": v.content_commitment, "key_encipherment": v.key_encipherment,
                            "key_cert_sign": v.key_cert_sign, "crl_sign": v.crl_sign}
    eku = ext(cert, ExtensionOID.EXTENDED_KEY_USAGE)
    out["eku"] = [o.dotted_string for o in eku.value] if eku else []
    out["eku_critical"] = bool(eku and eku.critical)
    pol = ext(cert, ExtensionOID.CERTIFICATE_POLICIES)
    out["policies"] = [p.policy_identifier.dotted_string for p in pol.value] if pol else []
    bc = ext(cert, ExtensionOID.BASIC_CONSTRAINTS)
    out["ca"] = bool(bc and bc.value.ca)
    out["ski"] = ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER) is not None
    out["aki"] = ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER) is not None
    cdp = ext(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS)
    out["crl"] = [n.value for dp in cdp.value for n in dp.full_name] if cdp else []
    aia = ext(cert, ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    out["aia"] = [d.access_location.value for d in aia.value] if aia else []
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
