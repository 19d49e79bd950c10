"""tanba for Python: verify CMS / CAdES signatures, read certificates (IIN, BIN, PINFL, NCA
roles) and check national identifiers, through libtanba's C API (ctypes; nothing to compile).

    import tanba
    report = tanba.verify_cms(open("doc.p7s", "rb").read(), trust=[open("root.pem").read()])
    report["indication"]            # "VALID", "INVALID" or "INDETERMINATE"
    report["signers"][0]["signer"]["iin"]

The reports are the JSON of `tanba verify --json` / `tanba cert show --json`, as dicts.
Operational failures (malformed options, unreadable certificates) raise TanbaError with the
stable code of docs/error-codes.md; a signature that does not verify is a report, not an error.
"""
from __future__ import annotations

import ctypes
import datetime as _dt
import json
import os
from typing import Any, Iterable, Optional, Union

__all__ = ["TanbaError", "Verifier", "verify_cms", "certificate_info", "check_iin", "check_bin", "check_pinfl",
           "check_identifier", "version"]

Pem = Union[str, bytes]


def _library_path() -> str:
    path = os.environ.get("TANBA_LIBRARY")
    if path:
        return path
    try:
        from ._library import LIBRARY  # written by `cmake --install`
        return LIBRARY
    except ImportError:
        return "libtanba.so.0"


_lib = ctypes.CDLL(_library_path())
_char_pp = ctypes.POINTER(ctypes.c_void_p)
_lib.tanba_verifier_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
_lib.tanba_verifier_free.argtypes = [ctypes.c_void_p]
_lib.tanba_verifier_free.restype = None
_lib.tanba_verify_cms.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, _char_pp]
_lib.tanba_certificate_info.argtypes = [ctypes.c_char_p, ctypes.c_size_t, _char_pp]
_lib.tanba_identifier_check.argtypes = [ctypes.c_char_p, ctypes.c_char_p, _char_pp]
_lib.tanba_free.argtypes = [ctypes.c_void_p]
_lib.tanba_free.restype = None
_lib.tanba_version.restype = ctypes.c_char_p
_lib.tanba_last_error.restype = ctypes.c_char_p
_lib.tanba_error_name.argtypes = [ctypes.c_int]
_lib.tanba_error_name.restype = ctypes.c_char_p


class TanbaError(Exception):
    """A call failed: `code` is the stable number, `name` its stable name (e.g. CMS_DECODE_FAILED)."""

    def __init__(self, code: int, message: str) -> None:
        name = _lib.tanba_error_name(code)
        self.code = code
        self.name = name.decode() if name else str(code)
        super().__init__(message)


def _check(rc: int) -> None:
    if rc != 0:
        raise TanbaError(rc, (_lib.tanba_last_error() or b"").decode("utf-8", "replace"))


def _json_out(call) -> dict:
    out = ctypes.c_void_p()
    _check(call(ctypes.byref(out)))
    try:
        return json.loads(ctypes.string_at(out.value).decode("utf-8"))
    finally:
        _lib.tanba_free(out)


def _text(pem: Pem) -> str:
    return pem.decode("ascii") if isinstance(pem, bytes) else pem


def _time(at: Union[None, str, _dt.datetime]) -> Optional[str]:
    if at is None or isinstance(at, str):
        return at
    if at.tzinfo is None:
        raise ValueError("at: give an aware datetime (e.g. with tzinfo=datetime.timezone.utc)")
    return at.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Verifier:
    """Trust anchors and a revocation policy, parsed once; usable from many threads."""

    def __init__(self, trust: Iterable[Pem], *, intermediates: Iterable[Pem] = (), crls: Iterable[Pem] = (),
                 at: Union[None, str, _dt.datetime] = None, revocation: str = "require", offline: bool = False,
                 level: str = "B") -> None:
        self._handle: Optional[int] = None
        options: dict[str, Any] = {"trust": [_text(p) for p in trust], "intermediates": [_text(p) for p in intermediates],
                                   "crls": [_text(c) for c in crls], "revocation": revocation, "offline": offline,
                                   "level": level}
        when = _time(at)
        if when is not None:
            options["at"] = when
        handle = ctypes.c_void_p()
        _check(_lib.tanba_verifier_new(json.dumps(options).encode("utf-8"), ctypes.byref(handle)))
        self._handle = handle.value

    def verify_cms(self, cms: bytes, content: Optional[bytes] = None) -> dict:
        """The report of a CMS / CAdES signature (DER, BER or PEM); content for a detached one."""
        if self._handle is None:
            raise ValueError("this Verifier was closed")
        return _json_out(lambda out: _lib.tanba_verify_cms(self._handle, cms, len(cms), content,
                                                           0 if content is None else len(content), out))

    def close(self) -> None:
        if self._handle is not None:
            _lib.tanba_verifier_free(self._handle)
            self._handle = None

    def __enter__(self) -> "Verifier":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def verify_cms(cms: bytes, content: Optional[bytes] = None, trust: Iterable[Pem] = (), at: Union[None, str, _dt.datetime] = None,
               revocation: str = "require", *, intermediates: Iterable[Pem] = (), crls: Iterable[Pem] = (),
               offline: bool = False, level: str = "B") -> dict:
    """Verifies one signature against `trust`: the report as a dict (see Verifier for many)."""
    with Verifier(trust, intermediates=intermediates, crls=crls, at=at, revocation=revocation, offline=offline,
                  level=level) as v:
        return v.verify_cms(cms, content)


def certificate_info(certificate: Union[bytes, str]) -> dict:
    """What a certificate (DER or PEM) says: subject, IIN, BIN, PINFL, roles, usages, validity."""
    data = certificate.encode("ascii") if isinstance(certificate, str) else certificate
    return _json_out(lambda out: _lib.tanba_certificate_info(data, len(data), out))


def check_identifier(kind: str, value: str) -> dict:
    """{"id", "type", "valid", "code", …decoded fields when valid}; kind: iin, bin, pinfl, tin, auto."""
    return _json_out(lambda out: _lib.tanba_identifier_check(kind.encode(), value.encode("utf-8"), out))


def check_iin(value: str) -> dict:
    """A Kazakh IIN: its verdict and, when valid, birth date, sex and serial."""
    return check_identifier("iin", value)


def check_bin(value: str) -> dict:
    """A Kazakh BIN: its verdict and, when valid, registration date, entity type and attribute."""
    return check_identifier("bin", value)


def check_pinfl(value: str) -> dict:
    """An Uzbek PINFL: its verdict and, when valid, birth date, sex and district."""
    return check_identifier("pinfl", value)


def version() -> str:
    """libtanba's version."""
    return _lib.tanba_version().decode()
