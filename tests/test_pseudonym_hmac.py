"""Pseudonyms are HMAC-SHA256 of the trimmed, case-folded identifier, 128 bits kept (RFC 2104).

:func:`evaluation.data.pseudonymise.pseudonymise` prepares the key's padded states once and copies
them per identifier; the reference here is the standard library's ``hmac.new`` per identifier,
for keys shorter than, equal to and longer than SHA-256's 64-byte block (a longer key is hashed).
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from evaluation.data.pseudonymise import Key, pseudonymise

IDS = ["LTD-001", " ltd-001 ", "LTD-002", "Ärztin-7", "straße", "x" * 300, "0"]


@pytest.mark.parametrize("secret", [b"0123456789abcdef", bytes(range(64)), bytes(range(65)), b"k3y!" * 40])
def test_pseudonyms_are_the_standard_librarys_hmac(secret):
    found = pseudonymise(pd.Series(IDS), Key(secret, "test")).tolist()
    # reference: hmac.new(key, casefold(strip(id)), sha256), first 32 hexadecimal characters
    expected = [hmac.new(secret, i.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:32] for i in IDS]
    assert found == expected
    assert found[0] == found[1] and len(set(found)) == len(IDS) - 1
