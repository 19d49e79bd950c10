#!/usr/bin/python3
"""An Uzbek-style PKI made with python3-cryptography (independent of tanba), and E-IMZO-style
login tokens signed with it, for tests/cli/login_cms.sh.

  uz_pki.py make DIR CRL_URL PINFL TIN
      DIR/uzroot.pem (a P-256 root), DIR/uzuser.{key,pem} (AUTH certificate in the E-IMZO layout:
      CN, SURNAME, GIVENNAME, UID = TIN, 1.2.860.3.16.1.2 = PINFL, C = UZ; digitalSignature,
      clientAuth, the CRL at CRL_URL) and DIR/uz.crl (the root's empty CRL, DER).
  uz_pki.py sign KEY CERT DATA
      Prints the base64 of a PKCS#7 SignedData with DATA attached, as E-IMZO's
      pkcs7.create_pkcs7(b64(challenge), key, 'no') makes it (signed attributes, SHA-256).
"""
import base64
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PINFL_OID = x509.ObjectIdentifier("1.2.860.3.16.1.2")


def make(out, crl_url, pinfl, tin):
    now = datetime.datetime.now(datetime.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"), x509.NameAttribute(NameOID.COMMON_NAME, "UZ Test Root (python)")])
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name).public_key(root_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(root_ski, critical=False)
            .sign(root_key, hashes.SHA256()))
    user_key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "RAHIMOVA DILNOZA"),
        x509.NameAttribute(NameOID.SURNAME, "RAHIMOVA"),
        x509.NameAttribute(NameOID.GIVEN_NAME, "DILNOZA"),
        x509.NameAttribute(NameOID.USER_ID, tin),
        x509.NameAttribute(PINFL_OID, pinfl),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"),
    ])
    dp = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
    user = (x509.CertificateBuilder().subject_name(subject).issuer_name(root_name).public_key(user_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(user_key.public_key()), critical=False)
            .add_extension(x509.CRLDistributionPoints([dp]), critical=False)
            .sign(root_key, hashes.SHA256()))
    crl = (x509.CertificateRevocationListBuilder().issuer_name(root_name).last_update(now - datetime.timedelta(minutes=5))
           .next_update(now + datetime.timedelta(days=1))
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
           .add_extension(x509.CRLNumber(1), critical=False)
           .sign(root_key, hashes.SHA256()))
    with open(f"{out}/uzroot.pem", "wb") as f:
        f.write(root.public_bytes(serialization.Encoding.PEM))
    with open(f"{out}/uzuser.pem", "wb") as f:
        f.write(user.public_bytes(serialization.Encoding.PEM))
    with open(f"{out}/uzuser.key", "wb") as f:
        f.write(user_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(f"{out}/uz.crl", "wb") as f:
        f.write(crl.public_bytes(serialization.Encoding.DER))


def sign(key_file, cert_file, data):
    key = serialization.load_pem_private_key(open(key_file, "rb").read(), None)
    cert = x509.load_pem_x509_certificate(open(cert_file, "rb").read())
    der = pkcs7.PKCS7SignatureBuilder().set_data(data.encode()).add_signer(cert, key, hashes.SHA256()).sign(serialization.Encoding.DER, [])
    print(base64.b64encode(der).decode())


if sys.argv[1] == "make":
    make(*sys.argv[2:6])
else:
    sign(*sys.argv[2:5])
