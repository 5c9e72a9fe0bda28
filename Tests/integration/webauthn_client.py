"""A security key in software for the integration tests: an ES256 (or, to be refused,
RS256) key pair from `cryptography`, and the answers a browser passes on from
navigator.credentials.create and .get (clientDataJSON, authenticatorData, the
attestation object with fmt "none" in CBOR from the tiny encoder below)."""
import base64
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor(item):
    """Canonical enough for the server's strict decoder: ints, bytes, text, lists, dicts
    (keys in the order given; the callers give them in canonical order)."""
    if isinstance(item, bool):
        return bytes([0xF5 if item else 0xF4])
    if isinstance(item, int):
        return _head(0, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        data = item.encode()
        return _head(3, len(data)) + data
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(cbor(x) for x in item)
    if isinstance(item, dict):
        return _head(5, len(item)) + b"".join(cbor(k) + cbor(v) for k, v in item.items())
    raise TypeError(type(item))


class SoftwareKey:
    """`alg` -7 (ES256, accepted) or -257 (RS256, refused by this server)."""

    def __init__(self, alg=-7):
        self.alg = alg
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        if alg == -7:
            self.private = ec.generate_private_key(ec.SECP256R1())
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def cose_key(self):
        numbers = self.private.public_key().public_numbers()
        if self.alg == -7:
            # Integer keys in canonical order: 1, 3, -1, -2, -3.
            return {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        return {1: 3, 3: -257, -1: n, -2: numbers.e.to_bytes(3, "big")}

    def sign(self, data):
        if self.alg == -7:
            return self.private.sign(data, ec.ECDSA(hashes.SHA256()))
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())

    @staticmethod
    def client_data(kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}, separators=(",", ":")).encode()

    def authenticator_data(self, rp_id, count, credential=False, flags=0x05):
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags | (0x40 if credential else 0)])
        data += struct.pack(">I", count)
        if credential:
            data += bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
            data += cbor(self.cose_key())
        return data

    def register(self, challenge, rp_id, origin):
        """The fields /twofactor/key/finish takes (base64url): clientDataJSON, attestationObject."""
        client = self.client_data("webauthn.create", challenge, origin)
        auth = self.authenticator_data(rp_id, self.sign_count, credential=True)
        # Text keys in canonical order (shorter first): fmt, attStmt, authData.
        attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth})
        return {"clientDataJSON": b64url(client), "attestationObject": b64url(attestation)}

    def assert_(self, challenge, rp_id, origin, count=None, user_handle=None):
        """The fields /signin/key takes (base64url). `count`: the counter to claim (else the next)."""
        self.sign_count = self.sign_count + 1 if count is None else count
        client = self.client_data("webauthn.get", challenge, origin)
        auth = self.authenticator_data(rp_id, self.sign_count)
        signature = self.sign(auth + hashlib.sha256(client).digest())
        return {"credentialID": b64url(self.credential_id), "clientDataJSON": b64url(client),
                "authenticatorData": b64url(auth), "signature": b64url(signature),
                "userHandle": b64url(user_handle) if user_handle else ""}
