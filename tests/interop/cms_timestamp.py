#!/usr/bin/python3
"""Reads and rewrites the signature-time-stamp of a CMS signature's first signer with a small,
independent DER walker (no tanba code), for the CAdES-T tests.

  cms_timestamp.py extract SIG TOKEN_OUT VALUE_OUT   the token and the signature value it covers
  cms_timestamp.py transplant SIG DONOR OUT          SIG with DONOR's token
  cms_timestamp.py tamper SIG OUT                    the token's own signature altered (last byte)
  cms_timestamp.py garble SIG OUT                    the token replaced by a SEQUENCE that is no token
"""
import sys

TOKEN_OID = bytes.fromhex("060b2a864886f70d010910020e")  # id-aa-signatureTimeStampToken


def parse(b, i=0, end=None):
    """DER into [tag, children-or-bytes] nodes (constructed tags get children)."""
    end = len(b) if end is None else end
    nodes = []
    while i < end:
        tag = b[i]
        n = b[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(b[i:i + k], "big")
            i += k
        body = b[i:i + n]
        nodes.append([tag, parse(b, i, i + n) if tag & 0x20 else body])
        i += n
    return nodes


def encode(nodes):
    out = b""
    for tag, v in nodes:
        body = encode(v) if isinstance(v, list) else v
        n = len(body)
        length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
        out += bytes([tag]) + length + body
    return out


def first_signer(tree):
    signed_data = tree[0][1][1][1][0]            # ContentInfo -> [0] -> SignedData
    signer_infos = [n for n in signed_data[1] if n[0] == 0x31][-1]
    return signer_infos[1][0]


def token_node(signer):
    unsigned = [n for n in signer[1] if n[0] == 0xA1]
    for attr in (unsigned[0][1] if unsigned else []):
        if encode([attr[1][0]]) == TOKEN_OID:
            return attr[1][1][1]                  # SET OF -> the token's node list
    sys.exit("no signature-time-stamp")


def load(path):
    return parse(open(path, "rb").read())


cmd = sys.argv[1]
tree = load(sys.argv[2])
signer = first_signer(tree)
if cmd == "extract":
    open(sys.argv[3], "wb").write(encode(token_node(signer)))
    value = [n for n in signer[1] if n[0] == 0x04][-1][1]
    open(sys.argv[4], "wb").write(value)
elif cmd == "transplant":
    donor = token_node(first_signer(load(sys.argv[3])))
    mine = token_node(signer)
    mine[:] = donor
    open(sys.argv[4], "wb").write(encode(tree))
elif cmd == "tamper":
    token = token_node(signer)
    raw = bytearray(encode(token))
    raw[-1] ^= 0x01
    token[:] = parse(bytes(raw))
    open(sys.argv[3], "wb").write(encode(tree))
elif cmd == "garble":
    token_node(signer)[:] = [[0x30, [[0x02, b"\x01"]]]]
    open(sys.argv[3], "wb").write(encode(tree))
else:
    sys.exit(__doc__)
