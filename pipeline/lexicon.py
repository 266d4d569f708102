"""Is a string a word? Decides line breaks that the PDF's geometry leaves open.

A word is cut without a hyphen only when it is longer than its line, so the
geometry ("a single word filling the line, and the next line goes on in
lowercase") says only that a cut is *possible*. Whether "Foreningsaktivitet" /
"er" is one word and "kernekompetence" / "og" two is then a question of
vocabulary: the document's own words (those printed inside a line, where no
break touches them) and a Danish word list (wordfreq's).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .textjoin import MARKER

# letters of a token; what surrounds them (punctuation, brackets, markers) is not part of the word
_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
KNOWN, COMPOUND, UNKNOWN = 2, 1, 0
# the shortest part a compound is split into: shorter ones ("i", "og", "at") make any pair a "compound"
MIN_PART = 4
# letters that link the parts of a Danish compound ("ungdom-s-uddannelse", "forening-s-liv")
LINKING = "se"


@functools.cache
def danish_words() -> frozenset[str]:
    from wordfreq import get_frequency_dict  # ~0.7 s: loaded only when a break needs it

    return frozenset(get_frequency_dict("da"))


def core(token: str) -> str:
    """The word of a token: lowercase, markers and surrounding punctuation removed."""
    m = _CORE.match(MARKER.sub("", token))
    return (m.group(1) if m else token).casefold()


def interior_words(lines: list[str]) -> set[str]:
    """Words printed inside a line (not its first or last word): whole, whatever the breaks."""
    out = set()
    for line in lines:
        tokens = MARKER.sub("", line).split()
        out.update(w for w in map(core, tokens[1:-1]) if w.isalpha())
    return out


@dataclass(frozen=True)
class Lexicon:
    document: frozenset[str] = frozenset()

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
        whole, parts = self.score(a + b), min(self.score(a), self.score(b))
        if whole > parts:
            return ""
        # Two words whose join is no word at all. (Two words whose join is a compound,
        # "undervisnings" / "forløb", stay open: compounds are cut at their seams too.)
        if whole == UNKNOWN and parts > UNKNOWN:
            return " "
        return None
