"""Is a string a word? Decides the line breaks that the PDF's geometry leaves open.

A word is cut without a hyphen only when it is longer than its line, so the
geometry ("a single word filling the line, no room for one more letter, and
the next line goes on in lowercase") says only that a cut is *possible*; the
extract stage marks such breaks MAYBE_CUT. Whether "Foreningsaktivitet" / "er"
is one word and "Økonomisk" / "støtte" two is a question of vocabulary: the
document's own words and word pairs (those printed where no open break touches
them) first, then a Danish word list (wordfreq's). Where neither tells, the
geometry's reading stands: the word was cut.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .reference import word_endings
from .textjoin import MARKER, MAYBE_CUT

# letters of a token; what surrounds them (punctuation, brackets, markers) is not part of the word
_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
KNOWN, COMPOUND, UNKNOWN = 2, 1, 0
# the shortest part a compound is split into: shorter ones ("i", "og", "at") make any pair a "compound"
MIN_PART = 4
# letters that link the parts of a Danish compound ("ungdom-s-uddannelse", "forening-s-liv")
LINKING = "se"


# a word this frequent (wordfreq's Zipf scale: 6 is "og"-like, 3 is rare) is a common word
COMMON_ZIPF = 4.5


@functools.cache
def danish_words() -> dict[str, float]:
    """Danish words -> frequency (share of running text)."""
    from wordfreq import get_frequency_dict  # ~0.7 s: loaded only when a break needs it

    return get_frequency_dict("da")


def common(word: str) -> bool:
    return danish_words().get(word, 0.0) >= 10 ** (COMMON_ZIPF - 9)


def core(token: str) -> str:
    """The word of a token: lowercase, markers and surrounding punctuation removed."""
    m = _CORE.match(MARKER.sub("", token))
    return (m.group(1) if m else token).casefold()


def _words(text: str) -> list[str]:
    return [core(t) for t in MARKER.sub("", text).split()]


@dataclass(frozen=True)
class Lexicon:
    document: frozenset[str] = frozenset()
    # adjacent word pairs printed in the document ("økonomisk", "støtte")
    phrases: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_texts(cls, texts) -> "Lexicon":
        """The vocabulary of some texts: words and word pairs that no open break touches."""
        words, phrases = set(), set()
        for text in texts:
            if not isinstance(text, str):
                continue
            for piece in text.split(MAYBE_CUT):
                tokens = _words(piece)[1:-1] if MAYBE_CUT in text else _words(piece)
                words.update(t for t in tokens if t.isalpha())
                phrases.update((a, b) for a, b in zip(tokens, tokens[1:]) if a.isalpha() and b.isalpha())
        return cls(frozenset(words), frozenset(phrases))

    def known(self, word: str) -> bool:
        return word in self.document or word in danish_words()

    def score(self, word: str) -> int:
        """KNOWN: a word of the document or the list; COMPOUND: made of such words; else UNKNOWN."""
        if not word:
            return UNKNOWN
        if "-" in word.strip("-"):
            return min(self.score(part) for part in word.split("-") if part) if word.strip("-") else UNKNOWN
        if self.known(word):
            return KNOWN
        return COMPOUND if self._compound(word) else UNKNOWN

    def _compound(self, word: str, depth: int = 0) -> bool:
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if not self.known(tail):
                continue
            if self.known(head) or (head[-1] in LINKING and self.known(head[:-1])):
                return True
            if depth == 0 and (self._compound(head, 1) or (head[-1] in LINKING and self._compound(head[:-1], 1))):
                return True
        return False

    def cut_or_space(self, before: str, after: str) -> str | None:
        """"" when `before` + `after` (the line's last token, the next line's first) is one word cut in
        two, " " when they are two words, None when the vocabulary cannot tell."""
        a, b = core(before), core(after.split()[0] if after.split() else "")
        if not a.isalpha() and "-" not in a or not b.isalpha():
            return None
        pair, joined = (a, b) in self.phrases, a + b in self.document
        if pair != joined:
            return " " if pair else ""
        ending = b in word_endings()
        # a word and an inflectional ending ("Fællesskabsformidler" / "en") is as good a word as the first
        whole = max(self.score(a + b), self.score(a)) if ending else self.score(a + b)
        parts = min(self.score(a), self.score(b))
        if whole > parts:
            return ""
        # Two words whose join is no word at all. (Two words whose join is a compound,
        # "undervisnings" / "forløb", stay open: compounds are cut at their seams too.)
        if whole == UNKNOWN and parts > UNKNOWN:
            return " "
        # A common word that is no ending ("til", "samt", "mødes") after a line that is no
        # listed word with it: two words. A single letter may be the cut-off end of a word.
        if whole < KNOWN and len(b) > 1 and common(b) and not ending:
            return " "
        return None


def resolve_cuts(text: str | None, lexicon: Lexicon) -> str | None:
    """`text` with each MAYBE_CUT made "" (a cut word) or " " (two words)."""
    if not isinstance(text, str) or MAYBE_CUT not in text:
        return text
    pieces = text.split(MAYBE_CUT)
    out = pieces[0]
    for nxt in pieces[1:]:
        tail = out.split()[-1] if out.split() else ""
        decided = lexicon.cut_or_space(tail, nxt)
        out += ("" if decided is None else decided) + nxt
    return out
