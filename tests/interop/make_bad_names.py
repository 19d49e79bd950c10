#!/usr/bin/python3
"""Names a CA must refuse, and spellings it must accept, as requests and certificates made by
python3-cryptography (not tanba), for tests/cli/name_lint.sh.

  make_bad_names.py OUT_DIR IIN
Writes NAME.csr (PKCS#10, signed with key.pem) and NAME.pem (a self-signed certificate) for
each case below, and cases.txt: one line "NAME EXPECTED_CODE" (OK for the valid ones).
"""
import datetime
import os
import sys
import unicodedata

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CASES = [
    ("tab", "ТЕСТ\tОВА", "NAME_CONTROL_CHARACTER"),
    ("zero-width", "ТЕСТ\u200bОВА", "NAME_CONTROL_CHARACTER"),
    ("leading-space", " ТЕСТОВА", "NAME_PADDING"),
    ("trailing-space", "ТЕСТОВА ", "NAME_PADDING"),
    ("double-space", "ТЕСТОВА  АЙГҮЛ", "NAME_PADDING"),
    ("decomposed", "ЙИ\u0306ЛДЫЗ", "NAME_NOT_NFC"),          # И + combining breve instead of Й
    ("mixed-script", "TЕCТOBА", "NAME_MIXED_SCRIPT"),  # TECTOBA: Latin T C O B, Cyrillic Е Т А
    ("mixed-latin-t", "TЕСТОВА", "NAME_MIXED_SCRIPT"),        # Latin T, Cyrillic ЕСТОВА
    ("kazakh-cyrillic", "ӘБІЛҚАЙЫРОВА ҒАЛИЯ ҢӨҰҮҺ", "OK"),
    ("kazakh-latin", "Äbilqaiyrova Ğaliia Ñ Ö Ū Ü Ş I İ", "OK"),
    ("uzbek-okina", "Oʻzbekiston Gʻulomova", "OK"),
    ("uzbek-apostrophe", "O’zbekiston G’ulomova", "OK"),
]

out, iin = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
key = ec.generate_private_key(ec.SECP256R1())
open(os.path.join(out, "key.pem"), "wb").write(key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
now = datetime.datetime.now(datetime.timezone.utc)
with open(os.path.join(out, "cases.txt"), "w") as cases:
    for label, surname, code in CASES:
        # Python's own NFC judgement agrees with what the case expects.
        assert (unicodedata.normalize("NFC", surname) == surname) == (code != "NAME_NOT_NFC"), label
        name = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, surname + " АЙГЕРІМ"),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "IIN" + iin),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ])
        csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
        open(os.path.join(out, label + ".csr"), "wb").write(csr.public_bytes(serialization.Encoding.PEM))
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                .sign(key, hashes.SHA256()))
        open(os.path.join(out, label + ".pem"), "wb").write(cert.public_bytes(serialization.Encoding.PEM))
        cases.write(f"{label} {code}\n")
