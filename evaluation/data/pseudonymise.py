"""Pseudonymisation of participant identifiers with a keyed hash (HMAC-SHA256).

The key is secret and kept apart from data and code (ENISA 2019, section 3.3; UK GDPR
Art. 4(5)). It is read, in this order, from:

1. the environment variable ``EVALUATION_ID_KEY`` (the key itself), or
2. the file named by the environment variable ``EVALUATION_ID_KEY_FILE`` (or by ``--key-file``),
   which must lie outside the repository.

Only the workbench's shipped *synthetic* data may be processed without a key: a raw programme
folder whose ``SYNTHETIC.json`` holds the digest of exactly those files, as the generator wrote
it (:func:`synthetic_digest`; editing a flag does not make real data synthetic). Then the
clearly-labelled :data:`DEMO_KEY` is used and a :class:`~evaluation.core.errors.DemoKeyWarning`
is issued. The demo key is public and protects nothing, and it is refused as a real key.

Keys must have at least 16 bytes and 8 different characters (:func:`key_problem`); make one with
``python -c "import secrets; print(secrets.token_hex(32))"``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.core.errors import DemoKeyWarning, PseudonymisationKeyError
from evaluation.core.io import read_bytes

__all__ = ["DEMO_KEY", "PSEUDONYM_HEX_CHARS", "SYNTHETIC_TABLES", "Key", "key_problem", "pseudonymise", "resolve_key",
           "synthetic_digest", "synthetic_digest_of"]

#: Public demonstration key: for the shipped synthetic data only. It is not a secret.
DEMO_KEY = b"evaluation-workbench DEMO KEY for synthetic data only - NOT SECRET"
#: Pseudonyms keep 128 bits of the HMAC (32 hexadecimal characters).
PSEUDONYM_HEX_CHARS = 32
MIN_KEY_BYTES = 16
#: A key must use at least this many different characters ("aaaaaaaaaaaaaaaa" is no key).
MIN_KEY_DISTINCT = 8
MAKE_A_KEY = 'make one with: python -c "import secrets; print(secrets.token_hex(32))"'
#: The raw tables whose digest the synthetic marker records.
SYNTHETIC_TABLES = ("participants.csv", "responses.csv", "costs.csv")


def synthetic_digest(tables: dict[str, bytes]) -> str:
    """The digest the generator records in ``SYNTHETIC.json``: HMAC-SHA256 under the demo key of
    the SHA-256 of each raw table (name and hash, in name order).

    Examples
    --------
    >>> synthetic_digest({"participants.csv": b"a", "responses.csv": b"b", "costs.csv": b"c"})[:16]
    '3611abd13f81630a'
    """
    return synthetic_digest_of({name: hashlib.sha256(data).hexdigest() for name, data in tables.items()})


def synthetic_digest_of(hashes: dict[str, str]) -> str:
    """:func:`synthetic_digest` from each table's SHA-256 (hex), so that large files are hashed
    as they are read (:func:`evaluation.core.io.sha256_file`), never held in memory.

    Examples
    --------
    >>> import hashlib
    >>> synthetic_digest_of({name: hashlib.sha256(data).hexdigest() for name, data in
    ...                      {"participants.csv": b"a", "responses.csv": b"b", "costs.csv": b"c"}.items()})[:16]
    '3611abd13f81630a'
    """
    lines = "".join(f"{name}:{hashes[name]}\n" for name in sorted(hashes))
    return hmac.new(DEMO_KEY, lines.encode("utf-8"), hashlib.sha256).hexdigest()


def key_problem(secret: bytes) -> str | None:
    """Why ``secret`` is no pseudonymisation key, or None when it will do.

    Examples
    --------
    >>> key_problem(b"aaaaaaaaaaaaaaaa")
    'it uses 1 different character(s); use at least 8'
    >>> key_problem(b"0f3c9a51d2e87b46") is None
    True
    """
    if DEMO_KEY in secret:
        return "it is the public demo key, which protects nothing"
    if len(secret) < MIN_KEY_BYTES:
        return f"it is {len(secret)} bytes; use at least {MIN_KEY_BYTES}"
    if len(set(secret)) < MIN_KEY_DISTINCT:
        return f"it uses {len(set(secret))} different character(s); use at least {MIN_KEY_DISTINCT}"
    return None


@dataclass(frozen=True)
class Key:
    """A pseudonymisation key and where it came from (the source, never the key, is logged)."""

    secret: bytes
    source: str

    def __repr__(self) -> str:  # never print the secret
        return f"Key(source={self.source!r})"


def resolve_key(*, synthetic: bool, key_file: Path | str | None = None, repo_root: Path | None = None,
                not_synthetic_because: str | None = None) -> Key:
    """Find the pseudonymisation key (see the module docstring for the order).

    Parameters
    ----------
    synthetic : bool
        True when the raw data are the workbench's shipped synthetic data.
    key_file : path, optional
        A key file (overrides ``EVALUATION_ID_KEY_FILE``); must lie outside ``repo_root``.
    repo_root : path, optional
        The repository, inside which a key file is refused.
    not_synthetic_because : str, optional
        Why data with a ``SYNTHETIC.json`` are not taken as the shipped synthetic data (said when
        there is no key).
    """
    if os.environ.get("EVALUATION_ID_KEY"):
        secret = os.environ["EVALUATION_ID_KEY"].encode("utf-8")
        source = "environment variable EVALUATION_ID_KEY"
    elif key_file or os.environ.get("EVALUATION_ID_KEY_FILE"):
        path = Path(key_file or os.environ["EVALUATION_ID_KEY_FILE"]).expanduser().resolve()
        if repo_root is not None and path.is_relative_to(Path(repo_root).resolve()):
            raise PseudonymisationKeyError(
                f"key file {path} lies inside the repository; keep the key apart from data and code"
            )
        if not path.is_file():
            raise PseudonymisationKeyError(f"key file {path} does not exist")
        secret = read_bytes(path).strip()
        source = f"key file {path.name}"
    elif synthetic:
        warnings.warn(
            "using the public DEMO pseudonymisation key: acceptable only for the shipped synthetic "
            "data; set EVALUATION_ID_KEY or EVALUATION_ID_KEY_FILE for real data",
            DemoKeyWarning,
            stacklevel=2,
        )
        return Key(DEMO_KEY, "demo key (synthetic data only)")
    else:
        raise PseudonymisationKeyError(
            (f"{not_synthetic_because}. " if not_synthetic_because else "")
            + "No pseudonymisation key: set the environment variable EVALUATION_ID_KEY (the key) or "
            "EVALUATION_ID_KEY_FILE (a file outside the repository holding it); " + MAKE_A_KEY
            + ". Real data must never be processed with the demo key."
        )
    problem = key_problem(secret)
    if problem:
        raise PseudonymisationKeyError(f"the pseudonymisation key from {source} will not do: {problem}; {MAKE_A_KEY}")
    return Key(secret, source)


def pseudonymise(ids: pd.Series, key: Key) -> pd.Series:
    """Replace identifiers by HMAC-SHA256 pseudonyms.

    Notes
    -----
    ``pseudonym = hex(HMAC-SHA256(key, casefold(strip(id))))[:32]`` (128 bits). Trimming and
    case-folding make ``" LTD-001 "`` and ``"ltd-001"`` the same person. Equal identifiers give
    equal pseudonyms under the same key; without the key they cannot be recomputed.

    Examples
    --------
    >>> k = Key(b"0123456789abcdef-example", "example")
    >>> out = pseudonymise(pd.Series(["LTD-001", " ltd-001 ", "LTD-002"]), k)
    >>> out[0] == out[1], out[0] == out[2], len(out[0])
    (True, False, 32)
    """
    normalised = ids.astype("str").str.strip().str.casefold()
    inner, outer = _hmac_states(key.secret)
    mapping = {}
    for u in pd.unique(normalised):
        h = inner.copy()
        h.update(u.encode("utf-8"))
        o = outer.copy()
        o.update(h.digest())
        mapping[u] = o.hexdigest()[:PSEUDONYM_HEX_CHARS]
    return normalised.map(mapping).astype("str")


def _hmac_states(secret: bytes) -> tuple:
    """SHA-256 states after HMAC's inner and outer padded keys (RFC 2104): copying them and adding a
    message gives ``hmac.new(secret, message, sha256)`` without preparing the key once per message.

    Examples
    --------
    >>> inner, outer = _hmac_states(b"key")
    >>> inner.update(b"message"); outer.update(inner.digest())
    >>> outer.hexdigest() == hmac.new(b"key", b"message", hashlib.sha256).hexdigest()
    True
    """
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(secret).digest() if len(secret) > block else secret).ljust(block, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in padded)), hashlib.sha256(bytes(b ^ 0x5C for b in padded)))
