"""The blind index of people's names: keyed hashes of the pieces of each name word, so that the search by
name finds a person without any name stored in clear. Pure functions, no model: the migration that
encrypted the names uses them too. Why these pieces, and what they still reveal: docs/personal-data.md."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from itertools import combinations

from privacy import crypto

# Letters written differently for the same sound, as names are heard and spelled at a window: Spanish
# "ll"/"y", "v"/"b", "z"/"s", a silent "h"; French and Kreyòl "ph"/"f" (Joseph, Jozèf), "ou"/"u".
_SOUNDS = (("ph", "f"), ("ll", "y"), ("v", "b"), ("z", "s"), ("ou", "u"), ("h", ""))

# A word longer than this is not cut into pieces (nobody's name word is; it would only cost tokens).
LONGEST_WORD = 40


def normalise_text(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def name_key(*parts: str) -> str:
    """The form of a name that the duplicate search compares: normalised words, sorted (order-tolerant)."""
    return " ".join(sorted(normalise_text(" ".join(parts)).split()))


def sound(word: str) -> str:
    for written, heard in _SOUNDS:
        word = word.replace(written, heard)
    return word


def tolerance(word: str) -> int:
    """How many edits a typed word may be off: none up to 3 letters, one up to 7, two beyond."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance, giving up (returning limit + 1) once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # Optimal string alignment: a swap of two neighbouring letters ("Maira") costs one edit, not two.
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def near(typed: str, word: str) -> bool:
    """Whether a typed word is near a word of a name: within its tolerance as written, or as heard."""
    limit = tolerance(typed)
    return edit_distance(typed, word, limit) <= limit or edit_distance(sound(typed), sound(word), limit) <= limit


def _deletions(word: str, count: int) -> set[str]:
    """The word with up to ``count`` of its letters left out (itself included)."""
    found = {word}
    for k in range(1, min(count, len(word) - 1) + 1):
        for gone in combinations(range(len(word)), k):
            found.add("".join(ch for i, ch in enumerate(word) if i not in gone))
    return found


def _stored_depth(word: str, *, heard: bool = False) -> int:
    """How many letters a stored word's pieces leave out: as many edits as a typed word near it may be off.
    A typed word may be two edits off when it has 8 letters or more, so its near words have 6 or more as
    written; as heard, 4 or more (hearing drops an "h", shortens "ph", "ll", "ou")."""
    if len(word) >= (4 if heard else 6):
        return 2
    return 1 if len(word) >= (2 if heard else 3) else 0


def stored_pieces(word: str) -> set[str]:
    """The pieces of a word of a stored name: the word and its sound with letters left out. Two words an edit
    apart (a letter changed, added, missing, or two swapped) share a piece with one letter left out of each;
    two edits apart, with two; so the pieces of a typed word meet those of every word near it."""
    if len(word) > LONGEST_WORD:
        return {word}
    pieces = _deletions(word, _stored_depth(word))
    heard = sound(word)
    if heard:
        pieces |= _deletions(heard, _stored_depth(heard, heard=True))
    return pieces


def typed_pieces(word: str) -> set[str]:
    """The pieces a typed word is looked for by: left out as many letters as its tolerance."""
    if len(word) > LONGEST_WORD:
        return {word}  # a stored word this long has only itself as a piece
    depth = tolerance(word)
    pieces = _deletions(word, depth)
    heard = sound(word)
    if heard:
        pieces |= _deletions(heard, depth)
    return pieces


def _token(mac: hmac.HMAC, piece: str) -> int:
    digest = mac.copy()
    digest.update(piece.encode("utf-8"))
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


def _mac(key: str) -> hmac.HMAC:
    return hmac.new(key.encode("utf-8"), b"name:", hashlib.sha256)


def tokens(pieces: set[str], *, key: str | None = None) -> list[int]:
    """The keyed hashes (64 bits of HMAC-SHA256 with a SEARCH_HASH_KEYS key, the current one by default) of
    the pieces, sorted: what the index stores. Nobody without the key can test a guessed name against them."""
    mac = _mac(key or crypto.hash_keys()[0])
    return sorted({_token(mac, piece) for piece in pieces})


def name_tokens(given_names: str, family_names: str) -> list[int]:
    """The tokens stored for a person's name, under the current key."""
    pieces: set[str] = set()
    for word in set(name_key(given_names or "", family_names or "").split()):
        pieces |= stored_pieces(word)
    return tokens(pieces)


def search_tokens(word: str) -> list[int]:
    """The tokens a typed word is looked for by, under every key (rows not yet re-hashed after a rotation
    hold an old key's tokens)."""
    pieces = typed_pieces(word)
    if not pieces:
        return []
    return sorted({value for key in crypto.hash_keys() for value in tokens(pieces, key=key)})
