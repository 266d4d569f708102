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
from collections import Counter
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


# a word this frequent (wordfreq's Zipf scale: 7 is "og", 3 is rare) is a common word, and one
# this frequent a function word ("til", "som", "af")
COMMON_ZIPF = 4.5
FUNCTION_ZIPF = 6.0
# a word printed this often in the document is one of its common words ("frivillige", "ensomhed")
DOCUMENT_COMMON = 3


@functools.cache
def danish_words() -> dict[str, float]:
    """Danish words -> frequency (share of running text)."""
    from wordfreq import get_frequency_dict  # ~0.7 s: loaded only when a break needs it

    return get_frequency_dict("da")


def _zipf_at_least(word: str, zipf: float) -> bool:
    return danish_words().get(word, 0.0) >= 10 ** (zipf - 9)


@functools.cache
def _endings(kind: str) -> tuple[str, ...]:
    return word_endings(kind)


DOUBLE = ("en", "et", "er")


def inflects(stem: str, ending: str) -> bool:
    """Can `ending` follow `stem` as an inflection or suffix? ("forening" + "en", "folkesund" + "hed";
    not "gruppe" + "er", nor "sygdommen" + "er": an inflected form takes no second ending)"""
    if ending not in _endings("inflection") and ending not in _endings("suffix"):
        return False
    return not (stem.endswith("e") and ending.startswith("e")) and not (stem.endswith(DOUBLE) and ending in DOUBLE)


def finished_form(word: str) -> bool:
    """A word form that is never the first part of a compound ("væsentligt", "deltagerne")."""
    return any(word.endswith(e) and len(word) > len(e) + 2 for e in _endings("word_form"))


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
    # words the document prints often
    frequent: frozenset[str] = frozenset()

    @classmethod
    def from_texts(cls, texts) -> "Lexicon":
        """The vocabulary of some texts: words and word pairs that no open break touches."""
        counts: Counter = Counter()
        phrases = set()
        for text in texts:
            if not isinstance(text, str):
                continue
            for piece in text.split(MAYBE_CUT):
                tokens = _words(piece)[1:-1] if MAYBE_CUT in text else _words(piece)
                counts.update(t for t in tokens if t.isalpha())
                phrases.update((a, b) for a, b in zip(tokens, tokens[1:]) if a.isalpha() and b.isalpha())
        return cls(frozenset(counts), frozenset(phrases), frozenset(w for w, n in counts.items() if n >= DOCUMENT_COMMON))

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
            if not self.known(tail) or finished_form(head):
                continue
            if self.known(head) or (head[-1] in LINKING and self.known(head[:-1])):
                return True
            if depth == 0 and (self._compound(head, 1) or (head[-1] in LINKING and self._compound(head[:-1], 1))):
                return True
        return False

    def common(self, word: str) -> bool:
        return word in self.frequent or _zipf_at_least(word, COMMON_ZIPF)

    def cut_or_space(self, before: str, after: str) -> str | None:
        """"" when `before` + `after` (the line's last token, the next line's first) is one word cut in
        two, " " when they are two words, None when the vocabulary cannot tell."""
        token = after.split()[0] if after.split() else ""
        a, b = core(before), core(token)
        if re.search(r"\w[.,]\w", token) or (token.endswith("-") and len(b) >= 3):
            return " "  # an abbreviation ("m.fl.") or a suspended compound ("børne-") is a word of its own
        if not a.isalpha() and "-" not in a or not b.isalpha() or not token[:1].isalpha():
            return None
        pair, joined = (a, b) in self.phrases, a + b in self.document
        if pair != joined:
            return " " if pair else ""
        # a finished word form ("netværksopbyggende") is a word, listed or not
        known_a = max(self.score(a), COMPOUND) if finished_form(a) else self.score(a)
        # A word and an ending it can take ("Evaluering" / "en", "Folkesund" / "hed") is as good a
        # word as the first (the word list lacks many inflected forms).
        # (An ending that is also a function word, after a word the document prints on its own
        # but never with that ending, is that function word: "livssituation" / "en mulighed".)
        ending = inflects(a, b) and not (len(b) > 1 and _zipf_at_least(b, FUNCTION_ZIPF)
                                          and a in self.document and a + b not in self.document)
        whole = max(self.score(a + b), known_a) if ending else self.score(a + b)
        if finished_form(a) and whole < KNOWN:
            whole = UNKNOWN  # "væsentligt" / "udbytte": no compound starts with a finished word form
        parts = min(known_a, self.score(b))
        if whole > parts:
            return ""
        # Two words whose join is no word at all. (Two words whose join is a compound,
        # "undervisnings" / "forløb", stay open: compounds are cut at their seams too.)
        if whole == UNKNOWN and parts > UNKNOWN:
            return " "
        # A common word that is no ending ("samt", "mødes", "frivillige") after a word: two words.
        # After a line that is no word, only a function word ("til") says so: "rusmiddelbe" /
        # "handling" is a cut word. A single letter may be the cut-off end of any word.
        # (A short word must be a function word: the rest of a cut word is often a short "word".)
        if whole < KNOWN and len(b) > 1 and not ending:
            if (known_a > UNKNOWN and len(b) >= MIN_PART and self.common(b)) or _zipf_at_least(b, FUNCTION_ZIPF):
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
