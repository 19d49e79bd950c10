#!/usr/bin/python3
"""A Web eID authentication token made as the Web eID app makes it, with python3-cryptography
(an implementation independent of tanba's), for tests/cli/login.sh.

  webeid_token.py KEY CERT ORIGIN NONCE [--format web-eid:1.0|web-eid:1.1]
                  [--signing-cert CERT.pem] [--algorithm ES256|ES384|ES512|RS256|PS256 ...]
KEY is a PEM file, or p11:TOKEN_LABEL/KEY_LABEL: an EC key on a smart card, signed with by
OpenSC's pkcs11-tool (module $TANBA_PKCS11_MODULE, PIN $P11_PIN) as the Web eID app has the
card sign. CERT is PEM or DER.
Prints the token JSON: signature over H(origin) || H(nonce), ECDSA as raw r||s.
"""
import argparse
import base64
import json
import os
import subprocess
import tempfile

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

raw = open(a.cert, "rb").read()
cert = x509.load_pem_x509_certificate(raw) if raw.startswith(b"-----") else x509.load_der_x509_certificate(raw)
card = a.key.startswith("p11:")
key = None if card else serialization.load_pem_private_key(open(a.key, "rb").read(), password=None)
if a.algorithm is None:
    ec_key = isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    a.algorithm = ("ES" if ec_key else "RS") + "256"
h = HASHES[a.algorithm[2:]]


def card_sign(digest):
    """CKM_ECDSA over the digest on the card: the raw r||s the card returns."""
    token, label = a.key[4:].split("/", 1)
    tool = ["pkcs11-tool", "--module", os.environ["TANBA_PKCS11_MODULE"], "--token-label", token, "--login", "--pin", os.environ["P11_PIN"]]
    # pkcs11-tool signs with the key of an --id: the one of the private key with that label.
    listing = subprocess.run(tool + ["--list-objects", "--type", "privkey"], check=True, capture_output=True, text=True).stdout
    ids = [block.split("ID:")[1].split()[0] for block in listing.split("Private Key Object")[1:]
           if "label:      " + label + "\n" in block and "ID:" in block]
    assert len(ids) == 1, ("no single private key labelled", label, listing)
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "in"), "wb").write(digest)
        subprocess.run(tool + ["--sign", "--mechanism", "ECDSA", "--id", ids[0],
                               "--input-file", os.path.join(d, "in"), "--output-file", os.path.join(d, "out")],
                       check=True, capture_output=True)
        return open(os.path.join(d, "out"), "rb").read()


def digest(text):
    d = hashes.Hash(h())
    d.update(text.encode())
    return d.finalize()


data = digest(a.origin) + digest(a.nonce)
if card:
    assert a.algorithm.startswith("ES"), "cards sign ES* here"
    d = hashes.Hash(h())
    d.update(data)
    signature = card_sign(d.finalize())
elif a.algorithm.startswith("ES"):
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
