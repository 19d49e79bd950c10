#!/usr/bin/env python3
"""verify.py SIGNATURE.p7s ROOTS.pem [--content DOCUMENT] [--crl CRL]... — a CMS / CAdES
signature checked from Python through tanba's package: now, revocation required (the CRLs
given, then CRLs and OCSP fetched as the certificates say). Exit 0 when VALID.

    cd certs-samples/pki && python3 ../../examples/verify.py document.cades-t.p7s roots.pem --crl issuing-ec.crl --crl root-ec.crl
"""
import argparse
import base64
import sys

import tanba


def main() -> int:
    p = argparse.ArgumentParser(description="verify a CMS / CAdES signature with tanba")
    p.add_argument("signature")
    p.add_argument("roots")
    p.add_argument("--content", help="the signed document, for a detached signature")
    p.add_argument("--crl", action="append", default=[], help="a CRL (PEM or DER)")
    a = p.parse_args()
    crls = []
    for path in a.crl:
        data = open(path, "rb").read()
        crls.append(data.decode() if data.startswith(b"-----BEGIN") else base64.b64encode(data).decode())
    document = open(a.content, "rb").read() if a.content else None
    report = tanba.verify_cms(open(a.signature, "rb").read(), document, trust=[open(a.roots).read()], crls=crls)
    print(report["indication"])
    for s in report["signers"]:
        who = s["signer"]
        print(f"signer: {who['commonName']}  IIN {who.get('iin') or '-'}  BIN {who.get('bin') or '-'}")
        for f in s["findings"]:
            print(f"  {f['code']}: {f['message']}")
    return 0 if report["indication"] == "VALID" else 1


if __name__ == "__main__":
    sys.exit(main())
