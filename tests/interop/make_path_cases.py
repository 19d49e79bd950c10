#!/usr/bin/python3
"""Certificate paths made by python3-cryptography for the trust-anchor model and for the
extensions a validator must judge itself (tests/cli/path_model.sh).

  make_path_cases.py OUT_DIR
Writes one directory per case, each with root.pem (the trust anchor), ica.pem (an
intermediate CA) and leaf.pem:
  plain          a root, CA and leaf as RFC 5280 wants them
  expired-root   the root's validity ended yesterday
  root-pathlen   the root says pathLenConstraint 0 (yet an intermediate follows)
  root-nc        the root permits only *.gov.kz; the leaf is for example.com
  root-policy    the root asserts policy 1.2.398.3.3.4.1.1 and requires an explicit policy;
                 the CA and leaf assert only 1.2.398.3.3.4.1.2
  root-eku       the root's EKU is serverAuth only (the leaf asks for clientAuth)
  leaf-no-aki    the leaf has no authorityKeyIdentifier
  critical-qualifier  the leaf's critical certificatePolicies has a qualifier of an
                 unknown type (1.3.6.1.4.1.99999.1)
  critical-cps   the same with a CPS pointer only (understood)
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc)
day = datetime.timedelta(days=1)
P1, P2 = "1.2.398.3.3.4.1.1", "1.2.398.3.3.4.1.2"


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def der(tag, body):
    n = len(body)
    length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        while a > 0x7F:
            a >>= 7
            chunk.insert(0, 0x80 | (a & 0x7F))
        body += bytes(chunk)
    return der(0x06, bytes(body))


def policies_with_qualifier(policy, qualifier_oid, qualifier_value):
    """CertificatePolicies DER: one policy with one PolicyQualifierInfo (hand-made: the
    library only writes the two qualifier types RFC 5280 defines)."""
    qualifier = der(0x30, oid(qualifier_oid) + qualifier_value)
    return der(0x30, der(0x30, oid(policy) + der(0x30, qualifier)))


def cert(subject, issuer, key, signer, ca, extensions=(), not_after=None, aki=True, path_length=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - 30 * day).not_valid_after(not_after or now + 365 * day)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                      encipher_only=False, decipher_only=False), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if aki and subject != issuer:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    for ext, critical in extensions:
        b = b.add_extension(ext, critical=critical)
    return b.sign(signer, hashes.SHA256())


def policies(*oids):
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(o), None) for o in oids]), False


def case(label, root_ext=(), root_not_after=None, root_pathlen=None, ica_ext=(), leaf_ext=(), leaf_aki=True):
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    root = cert(name("Path Test Root"), name("Path Test Root"), keys[0], keys[0], True, root_ext, root_not_after,
                path_length=root_pathlen)
    ica = cert(name("Path Test CA"), root.subject, keys[1], keys[0], True, ica_ext)
    leaf = cert(name("Path Test Leaf"), ica.subject, keys[2], keys[1], False, leaf_ext, aki=leaf_aki)
    d = os.path.join(out, label)
    os.makedirs(d, exist_ok=True)
    for file, c in (("root.pem", root), ("ica.pem", ica), ("leaf.pem", leaf)):
        with open(os.path.join(d, file), "wb") as f:
            f.write(c.public_bytes(serialization.Encoding.PEM))


san = (x509.SubjectAlternativeName([x509.DNSName("www.example.com")]), False)
case("plain", leaf_ext=[san])
case("expired-root", root_not_after=now - day)
case("root-pathlen", root_pathlen=0)
case("root-nc", root_ext=[(x509.NameConstraints(permitted_subtrees=[x509.DNSName("gov.kz")], excluded_subtrees=None), True)],
     leaf_ext=[san])
case("root-policy", root_ext=[policies(P1), (x509.PolicyConstraints(require_explicit_policy=0, inhibit_policy_mapping=None), True)],
     ica_ext=[policies(P2)], leaf_ext=[policies(P2)])
case("root-eku", root_ext=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)])
case("leaf-no-aki", leaf_aki=False)
unknown = policies_with_qualifier(P1, "1.3.6.1.4.1.99999.1", der(0x0C, b"opaque"))
case("critical-qualifier", leaf_ext=[(x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.32"), unknown), True)])
cps = policies_with_qualifier(P1, "1.3.6.1.5.5.7.2.1", der(0x16, b"http://pki.example.kz/cps"))
case("critical-cps", leaf_ext=[(x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.32"), cps), True)])
