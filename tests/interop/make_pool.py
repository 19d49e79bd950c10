#!/usr/bin/python3
"""A hostile untrusted pool for path building: N self-issued "Mesh CA" certificates over K
keys, each signed by another of the keys, plus a leaf issued by "Mesh CA". No path reaches
the trust anchor, and a naive depth-first builder explores K^depth paths.

  make_pool.py OUT_DIR N K
Writes leaf.pem, pool.pem and root.pem (an unrelated trust anchor).
"""
import datetime
import os
import random
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
now = datetime.datetime.now(datetime.timezone.utc)
mesh = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mesh CA")])
keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(k)]


def cert(subject, issuer, public_key, signing_key, ca):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False))
    return b.sign(signing_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


with open(os.path.join(out, "pool.pem"), "wb") as f:
    for _ in range(n):
        a, b = rng.randrange(k), rng.randrange(k)
        f.write(cert(mesh, mesh, keys[a].public_key(), keys[b], True))
leaf_key = ec.generate_private_key(ec.SECP256R1())
leaf_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "leaf")])
open(os.path.join(out, "leaf.pem"), "wb").write(cert(leaf_name, mesh, leaf_key.public_key(), keys[0], False))
root_key = ec.generate_private_key(ec.SECP256R1())
root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Unrelated Root")])
open(os.path.join(out, "root.pem"), "wb").write(cert(root_name, root_name, root_key.public_key(), root_key, True))
