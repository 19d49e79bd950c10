"""The Python package over the C API, against what the CLI says of the same inputs.

Run by tests/cli/install_consumer.sh with PYTHONPATH at the installed package, TANBA_VECTORS
at tests/data/vectors and TANBA_CASES at a directory holding: root.pem, root.crl, doc.txt, att.p7s, det.p7s,
tampered.p7s, signer.pem, iin.txt, at.txt, and the CLI's answers cli-att.json,
cli-det.json, cli-tampered.json, cli-cert.json, cli-iin.json.
"""
import datetime
import json
import os
import pathlib
import threading

import pytest

import tanba

CASES = pathlib.Path(os.environ["TANBA_CASES"])


def read(name: str) -> bytes:
    return (CASES / name).read_bytes()


def cli(name: str):
    return json.loads(read(name))


AT = read("at.txt").decode().strip()
TRUST = [read("root.pem").decode()]
CRLS = [read("root.crl").decode()]


def verify(name: str, **kw):
    return tanba.verify_cms(read(name), trust=TRUST, at=AT, crls=CRLS, offline=True, **kw)


def test_attached_signature_is_valid_and_matches_the_cli():
    report = verify("att.p7s")
    assert report["indication"] == "VALID"
    assert report == cli("cli-att.json")
    assert report["signers"][0]["signer"]["iin"] == read("iin.txt").decode().strip()


def test_detached_signature_needs_its_document():
    assert verify("det.p7s", content=read("doc.txt")) == cli("cli-det.json")
    assert verify("det.p7s", content=read("doc.txt"))["indication"] == "VALID"
    assert verify("det.p7s", content=b"another document")["indication"] != "VALID"


def test_tampered_signature_is_not_valid_and_matches_the_cli():
    report = verify("tampered.p7s")
    assert report["indication"] == "INVALID"
    assert report == cli("cli-tampered.json")


def test_revocation_unknown_is_indeterminate_not_valid():
    report = tanba.verify_cms(read("att.p7s"), trust=TRUST, at=AT, offline=True)  # no CRL given
    assert report["indication"] == "INDETERMINATE"


def test_aware_datetime_is_accepted_and_naive_refused():
    at = datetime.datetime.strptime(AT, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert tanba.verify_cms(read("att.p7s"), trust=TRUST, at=at, crls=CRLS, offline=True) == cli("cli-att.json")
    with pytest.raises(ValueError):
        tanba.verify_cms(read("att.p7s"), trust=TRUST, at=at.replace(tzinfo=None), offline=True)


def test_bad_inputs_raise_with_stable_codes():
    with pytest.raises(tanba.TanbaError) as e:
        tanba.verify_cms(read("att.p7s"), trust=[])
    assert e.value.name == "INVALID_ARGUMENT"
    with pytest.raises(tanba.TanbaError) as e:
        tanba.verify_cms(read("att.p7s"), trust=TRUST, revocation="sometimes")
    assert e.value.name == "INVALID_ARGUMENT"
    with pytest.raises(tanba.TanbaError) as e:
        tanba.certificate_info(b"not a certificate")
    assert e.value.name == "CERT_DECODE_FAILED" and e.value.code > 0
    with pytest.raises(tanba.TanbaError) as e:
        tanba.check_identifier("passport", "123")
    assert e.value.name == "INVALID_ARGUMENT"


def test_garbage_cms_is_a_report_not_a_crash():
    report = tanba.verify_cms(b"\x30\x03\x02\x01\x00", trust=TRUST, offline=True)
    assert report["indication"] != "VALID"


def test_certificate_info_matches_the_cli():
    pem = read("signer.pem")
    assert tanba.certificate_info(pem) == cli("cli-cert.json")
    assert tanba.certificate_info(pem.decode())["iin"] == {"status": "valid", "value": read("iin.txt").decode().strip()}


def test_identifiers():
    iin = read("iin.txt").decode().strip()
    got = tanba.check_iin(iin)
    want = cli("cli-iin.json")["results"][0]
    assert {k: got[k] for k in want} == want
    assert got["valid"] is True and "birthDate" in got and "sex" in got
    bad = tanba.check_iin(iin[:-1] + str((int(iin[-1]) + 1) % 10))
    assert bad["valid"] is False and bad["code"] == "ID_BAD_CHECK_DIGIT"


def vectors(path: str):
    for line in (pathlib.Path(os.environ["TANBA_VECTORS"]) / path).read_text().splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@pytest.mark.parametrize("path,check", [("kz/bin_vectors.tsv", tanba.check_bin), ("kz/iin_vectors.tsv", tanba.check_iin),
                                        ("uz/pinfl_vectors.tsv", tanba.check_pinfl)])
def test_identifier_vectors(path, check):
    rows = list(vectors(path))
    assert rows
    for number, expected, *_ in rows:
        got = check(number)
        assert got["valid"] == (expected == "valid"), (number, got)
        assert (got["code"] == "OK") == got["valid"], (number, got)


def test_one_verifier_many_threads():
    with tanba.Verifier(TRUST, at=AT, crls=CRLS, offline=True) as v:
        want = v.verify_cms(read("att.p7s"))
        results = []

        def run():
            for _ in range(50):
                results.append(v.verify_cms(read("att.p7s")) == want)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 200 and all(results)


def test_version():
    assert tanba.version().count(".") == 2
