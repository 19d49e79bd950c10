#!/usr/bin/python3
"""A Web eID authentication token made as the Web eID app makes it, with python3-cryptography
(an implementation independent of tanba's), for tests/cli/login.sh.

  webeid_token.py KEY.pem CERT.pem ORIGIN NONCE [--format web-eid:1.0|web-eid:1.1]
                  [--signing-cert CERT.pem] [--algorithm ES256|ES384|ES512|RS256|PS256 ...]
Prints the token JSON: signature over H(origin) || H(nonce), ECDSA as raw r||s.
"""
import argparse
import base64
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}

p = argparse.ArgumentParser()
p.add_argument("key")
p.add_argument("cert")
p.add_argument("origin")
p.add_argument("nonce")
p.add_argument("--format", default="web-eid:1.0")
p.add_argument("--signing-cert")
p.add_argument("--algorithm")
a = p.parse_args()

key = serialization.load_pem_private_key(open(a.key, "rb").read(), password=None)
cert = x509.load_pem_x509_certificate(open(a.cert, "rb").read())
if a.algorithm is None:
    a.algorithm = ("ES" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS") + "256"
h = HASHES[a.algorithm[2:]]


def digest(text):
    d = hashes.Hash(h())
    d.update(text.encode())
    return d.finalize()


data = digest(a.origin) + digest(a.nonce)
if a.algorithm.startswith("ES"):
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(h())))
    size = (key.curve.key_size + 7) // 8
    signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
elif a.algorithm.startswith("PS"):
    signature = key.sign(data, padding.PSS(mgf=padding.MGF1(h()), salt_length=h().digest_size), h())
else:
    signature = key.sign(data, padding.PKCS1v15(), h())

token = {
    "algorithm": a.algorithm,
    "unverifiedCertificate": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
    "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0+0",
    "signature": base64.b64encode(signature).decode(),
    "format": a.format,
}
if a.signing_cert:
    signing = x509.load_pem_x509_certificate(open(a.signing_cert, "rb").read())
    token["unverifiedSigningCertificate"] = base64.b64encode(signing.public_bytes(serialization.Encoding.DER)).decode()
    token["supportedSignatureAlgorithms"] = [{"cryptoAlgorithm": "ECC", "hashFunction": "SHA-256", "paddingScheme": "NONE"}]
print(json.dumps(token))
