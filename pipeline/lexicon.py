"""Is a string a word? Decides the line breaks that the PDF's geometry leaves open.

A word is cut without a hyphen only when it is longer than its line, so the
geometry ("a single word filling the line, no room for one more letter, and
the next line goes on in lowercase") says only that a cut is *possible*; the
extract stage marks such breaks MAYBE_CUT. Whether "Foreningsaktivitet" / "er"
is one word and "Økonomisk" / "støtte" two is a question of vocabulary: the
document's own words and word pairs (those printed where no open break touches
them) first, then Danish word forms and lemmas (simplemma's dictionary) and a
Danish word list (wordfreq's). Where none tells, the geometry's reading stands:
the word was cut.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .reference import word_endings
from .settings import LEXICON
from .textjoin import MARKER, MAYBE_CUT, join_break

# letters of a token; what surrounds them (punctuation, brackets, markers) is not part of the word
_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
KNOWN, COMPOUND, UNKNOWN = 2, 1, 0
S = LEXICON  # the thresholds, with their reasons: settings.LexiconSettings


@functools.cache
def danish_words() -> dict[str, float]:
    """Danish words -> frequency (share of running text)."""
    from wordfreq import get_frequency_dict  # ~0.7 s: loaded only when a break needs it

    return get_frequency_dict("da")


@functools.cache
def listed_form(word: str) -> bool:
    """Is `word` one of the Danish word forms of simplemma's lemma dictionary (788,000 inflected
    forms and compounds: "ressourcepersoner", "osteoporose")? Too many forms to build compounds
    from (they make "menneskeret" of "mennesker" / "et"), but a break that joins into one is a cut."""
    from simplemma import is_known  # ~1.3 s: loaded only when a break needs it

    return is_known(word, lang="da")


@functools.cache
def _lemma(word: str) -> str | None:
    """The base form simplemma's dictionary gives a listed word ("jobkonsulenter": "jobkonsulent")."""
    from simplemma import lemmatize

    return lemmatize(word, lang="da").casefold() if listed_form(word) else None  # ("Danmark" for "danmark")


def listed_lemma(word: str) -> bool:
    """Is `word` a base form (its own lemma) in simplemma's dictionary ("rusmiddel"; not "jobkonsulenter")?"""
    return _lemma(word) == word


def inflected_form(word: str) -> bool:
    """Is `word` an inflected form of another in simplemma's dictionary ("kommunale": "kommunal")?"""
    return _lemma(word) not in (None, word)


def noun_plural_in_e(word: str) -> bool:
    """Is `word` a noun's plural in "-e" by simplemma's lemmas ("flygtning-e"; not the adjective "ung-e",
    whose neuter "ungt" is listed, nor "syge", its own lemma)?"""
    lemma = _lemma(word)
    return lemma is not None and word == lemma + "e" and not listed_form(lemma + "t")


@functools.cache
def _sorted_danish_words() -> list[str]:
    return sorted(danish_words())


@functools.cache
def _sorted_reversed_danish_words() -> list[str]:
    return sorted(w[::-1] for w in danish_words())


def _zipf_at_least(word: str, zipf: float) -> bool:
    return danish_words().get(word, 0.0) >= 10 ** (zipf - 9)


@functools.cache
def _endings(kind: str) -> tuple[str, ...]:
    return word_endings(kind)


def _ending(stem: str, ending: str) -> bool:
    """Can `ending` follow `stem` as an inflection or suffix, by its letters? ("forening" + "en",
    "folkesund" + "hed", "fælles" + "skaber"; not "gruppe" + "er", nor "gruppe" + "n" after a consonant)"""
    suffixed = any(ending.startswith(x) and ending[len(x):] in ("", *_endings("inflection"))
                   for x in _endings("suffix"))
    if ending not in _endings("inflection") and not suffixed:
        return False
    if stem.endswith("e") and ending.startswith("e"):
        return False
    # a vowel ending ("skole-n", "skole-rne") follows only a vowel, or "ne" a plural ("plejer-ne"),
    # and the past tense "de" only an infinitive ("lave-de") or a present participle ("fremmen-de")
    return (stem.endswith("e") or ending not in _endings("after_vowel")
            or stem.endswith("er") and ending.startswith("ne") or stem.endswith("en") and ending == "de")


def _form_ending(word: str) -> bool:
    return any(word.endswith(e) and len(word) > len(e) + 2 for e in _endings("word_form"))


def core(token: str) -> str:
    """The word of a token: lowercase, markers and surrounding punctuation removed."""
    m = _CORE.match(MARKER.sub("", token))
    return (m.group(1) if m else token).casefold()


def _words(text: str) -> list[str]:
    return [core(t) for t in MARKER.sub("", text).split()]


@dataclass(frozen=True)
class Lexicon:
    # how often the document prints each word, and each adjacent word pair ("økonomisk", "støtte")
    document: Mapping[str, int] = field(default_factory=dict)
    phrases: Mapping[tuple[str, str], int] = field(default_factory=dict)

    @functools.cached_property
    def sorted_words(self) -> list[str]:
        return sorted(self.document)

    @classmethod
    def from_texts(cls, texts) -> "Lexicon":
        """The vocabulary of some texts: words and word pairs that no open break touches."""
        counts: Counter = Counter()
        phrases: Counter = Counter()
        for text in texts:
            if not isinstance(text, str):
                continue
            for piece in text.split(MAYBE_CUT):
                tokens = _words(piece)[1:-1] if MAYBE_CUT in text else _words(piece)
                counts.update(t for t in tokens if t.isalpha())
                phrases.update((a, b) for a, b in zip(tokens, tokens[1:]) if a.isalpha() and b.isalpha())
        return cls(dict(counts), dict(phrases))

    def follows(self, word: str, nxt: str) -> bool:
        """Does the document print `word` before `nxt` as a habit: ever, for a content word; in
        S.associated of its occurrences, for a function word ("er" / "at", not "er" / "med")?"""
        pair = self.phrases.get((word, nxt), 0)
        if not _zipf_at_least(nxt, S.function_zipf):
            return pair > 0
        return pair >= S.associated * self.document.get(nxt, 0) > 0

    def known(self, word: str) -> bool:
        return word in self.document or word in danish_words()

    def finished(self, word: str) -> bool:
        """A word form that is never the first part of a compound: by its ending ("væsentligt",
        "deltagerne"), or a definite form or neuter adjective of a known word ("evalueringens",
        "målgruppen", "socialt"), unless the document prints a compound that starts with it."""
        if _form_ending(word):
            return True
        adjective_t = (len(word) > S.min_stem and word.endswith("t") and self.known(word[:-1])
                       and self.known(word[:-1] + "e"))
        if not (self.definite(word) or adjective_t):
            return False
        return not self.heads_compound(word)

    def definite(self, word: str) -> bool:
        """A definite form of a word ("evaluering-en", "målgruppe-ns", "sygdomm-en")."""
        for e in _endings("definite"):
            stem = word[:-len(e)]
            if word.endswith(e) and len(stem) >= S.min_stem and (stem.endswith("e") or e.startswith("e")):
                undoubled = stem[:-1] if stem[-1] == stem[-2] else stem
                if self.score(stem) > UNKNOWN or self.score(undoubled) > UNKNOWN or self.ends_known(stem):
                    return True
        return False

    def inflects(self, stem: str, ending: str) -> bool:
        """Can `ending` follow `stem`? Not where the stem is a definite form already ("sygdommen" +
        "er" is two words)."""
        return _ending(stem, ending) and not (ending in _endings("closing") and self.definite(stem))

    def linked(self, word: str) -> bool:
        """A word with a compound's linking letter: "undervisning-s", "børn-e" (an "e" only where the
        form starts compounds; "-es" is mostly a passive or genitive: "evalueres", "menighedsplejes")."""
        if self.finished(word) or self.score(word[:-1]) == UNKNOWN:
            return False
        if word.endswith("s"):  # "-es" only after "-else" ("uddannel-se-s"), not "frivillige-s";
            # nor after a plural of a listed word: "position-er-s" is a genitive, "mænd-s" too
            plural = (word.endswith("ers") and self.known(word[:-3]) and _ending(word[:-3], "er")
                      or inflected_form(word[:-1]))
            return not plural and (not word.endswith("es") or word[:-1].endswith(_endings("s_link")))
        return word.endswith("e") and self.heads_compound(word)

    def inflected(self, word: str, shortest: int = S.min_stem) -> bool:
        """A listed word of `shortest` letters or more with an inflection ("kvalitativ-t", "afhjælpe-s")."""
        return any(word.endswith(e) and len(word) - len(e) >= shortest and self.known(word[:-len(e)])
                   and _ending(word[:-len(e)], e) for e in _endings("inflection"))

    def heads_compound(self, head: str) -> bool:
        """Is `head` the first part of a compound the document prints or the word list holds?"""
        for words in (self.sorted_words, _sorted_danish_words()):
            i = bisect.bisect_right(words, head)
            while i < len(words) and words[i].startswith(head):
                tail = words[i][len(head):]
                if len(tail) >= S.min_part and self.known(tail):
                    return True
                i += 1
        return False

    def listed_tails(self, word: str, shortest: int, listed=None) -> Iterator[tuple[int, str]]:
        """(where it starts, the tail) for each end of `word` of `shortest` letters or more that is a
        listed word (by `listed`, default `known`), longest first ("våge-tjeneste": (4, "tjeneste"))."""
        listed = listed or self.known
        return ((cut, word[cut:]) for cut in range(len(word) - shortest + 1) if listed(word[cut:]))

    def unlisted_ending(self, word: str, ending: str) -> bool:
        """Is `ending` one that is also a word ("er", "en", "et") and simplemma lists no form of `word`
        or of a last part after a listed first part with it, while it lists `word` or such a part?
        ("Fællesklang" / "er": neither "fællesklanger" nor "klanger"; not "Velkomstvært": "værter".)"""
        if ending not in _endings("closing"):
            return False
        ends = [tail for cut, tail in self.listed_tails(word, S.min_part, listed_form)
                if cut == 0 or cut >= S.min_part and self.known_head(word[:cut])]
        return bool(ends) and not any(listed_form(end + ending) for end in ends)

    def ends_known(self, word: str) -> bool:
        """Does `word` end in a listed word of S.min_tail letters or more ("våge-tjeneste")?"""
        return any(cut > 0 for cut, _ in self.listed_tails(word, S.min_tail))

    def ends_in_word(self, word: str, nxt: str, shortest: int = S.min_tail) -> bool:
        """Does `word` end in a listed word that `nxt` does not go on ("øjen-højde" / "i",
        "GFL-metoden" / "understøtter"; not "Frederiksberg-muse" / "erne")? Words the lists lack
        are mostly compounds of words they hold."""
        return any(not self.known(tail + nxt) and not self.inflects(tail, nxt)
                   for _, tail in self.listed_tails(word.rsplit("-", 1)[-1], shortest))

    def ends_in_head(self, word: str) -> bool:
        """Does `word` end in a linking "s" or in a listed word that starts compounds ("rus-middel")?"""
        return word.endswith("s") or any(self.heads_compound(tail) for _, tail in self.listed_tails(word, S.min_part))

    def bridged(self, a: str, b: str) -> bool:
        """Does a listed word run across the break, taking in all of the listed word that `a` ends
        with ("opfølgingsmø" / "der": "møder"; "aktivitetskalen" / "der": "kalender"; not
        "ensomhed" / "en": "heden")?"""
        own = next((cut for cut, _ in self.listed_tails(a, 2)), len(a) - 1)
        # (the listed word itself with an ending is no other word: "livssituation" / "en")
        return any(0 < cut <= own and (cut < own or not self.inflects(a[cut:], b))
                   for cut, _ in self.listed_tails(a + b, S.min_tail))

    @functools.cached_property
    def _reversed_words(self) -> tuple[list[str], list[str]]:
        return sorted(w[::-1] for w in self.document), _sorted_reversed_danish_words()

    def tails_compound(self, tail: str) -> bool:
        """Is `tail` the last part of a compound the document prints or the word list holds?"""
        rev = tail[::-1]
        for words in self._reversed_words:
            i = bisect.bisect_right(words, rev)
            while i < len(words) and words[i].startswith(rev):
                head = words[i][len(rev):][::-1]
                if len(head) >= S.min_part and self.known_head(head):
                    return True
                i += 1
        return False

    def score(self, word: str) -> int:
        """KNOWN: a word of the document or the list; COMPOUND: made of such words; else UNKNOWN."""
        if not word:
            return UNKNOWN
        if "-" in word.strip("-"):
            return min(self.score(part) for part in word.split("-") if part) if word.strip("-") else UNKNOWN
        if self.known(word):
            return KNOWN
        return COMPOUND if self._compound(word) or self.derived(word) else UNKNOWN

    def derived(self, word: str) -> bool:
        """A word made with a suffix (and maybe an ending) from a listed word or verb stem:
        "italesætt-else" (italesætte), "folkesund-hed-en"."""
        for x in _endings("suffix"):
            for e in ("", *_endings("inflection")):
                if word.endswith(x + e):
                    stem = word[:len(word) - len(x + e)]
                    if len(stem) >= S.min_part and (self.known(stem) or self.known(stem + "e")):
                        return True
        return False

    def known_head(self, head: str) -> bool:
        """A listed word, with or without a linking letter ("ungdom-s")."""
        return self.known(head) or head[-1] in S.linking and self.known(head[:-1])

    def _compound(self, word: str, depth: int = 0) -> bool:
        for cut in range(S.min_part, len(word) - S.min_part + 1):
            head, tail = word[:cut], word[cut:]
            if not (self.known(tail) or self.inflected(tail)) or self.finished(head):
                continue
            if self.known_head(head):
                return True
            if depth == 0 and (self._compound(head, 1) or (head[-1] in S.linking and self._compound(head[:-1], 1))):
                return True
        return False

    def common(self, word: str) -> bool:
        return self.document.get(word, 0) >= S.document_common or _zipf_at_least(word, S.common_zipf)

    def cut_or_space(self, before: str, after: str) -> str | None:
        """"" when `before` + `after` (the line's last token, the next line's first) is one word cut in
        two, " " when they are two words, None when the vocabulary cannot tell."""
        words = after.split()
        token = words[0] if words else ""
        if before.endswith("/"):
            return join_break(before, after)  # the slash rule of any line break ("Samtale/" / "behandling")
        # of "børn/børnefamilier", the word at the break is "børnefamilier"
        before, token = before.rsplit("/", 1)[-1], token.split("/", 1)[0] or token
        a, b = core(before), core(token)
        if a.isalpha() and len(a) > 1 and before.strip("([").isupper() and b.islower():
            return " "  # a word in capitals ("HUSRUM") is not cut into lowercase
        # an abbreviation ("m.fl.") or a suspended compound ("børne-") is a word of its own (but a
        # word the lists lack may be cut before the rest of its suspended form: "uddannel" / "ses-")
        if re.search(r"\w[.,]\w", token) or (token.endswith("-") and len(b) >= 3 and not (
                self.score(a) == UNKNOWN and (self.score(a + b) > UNKNOWN or self.inflected(a + b)))):
            return " "
        if not a.isalpha() and "-" not in a or not b.replace("-", "").isalpha() or not token[:1].isalpha():
            return None
        pair, joined = (a, b) in self.phrases, a + b in self.document
        if pair != joined:
            return " " if pair else ""
        # A listed word form across the break ("ressource" / "personer", "osteoporo" / "se") is a cut
        # word, unless the next line is an ending (left to the rules below: "ensomhed" / "en
        # mulighed") or the line a common word with a linking letter, used on its own too ("syge").
        if not self.inflects(a, b) and listed_form(a + b) and not (self.linked(a) and self.common(a)):
            return ""
        # a finished word form ("netværksopbyggende") is a word, listed or not
        known_a = max(self.score(a), COMPOUND if self.finished(a) else UNKNOWN, KNOWN if self.inflected(a) else UNKNOWN)
        # A word and an ending it can take ("Evaluering" / "en", "Folkesund" / "hed") is as good a
        # word as the first (the word list lacks many inflected forms).
        # (An ending that is also a function word is that word where the document prints it with
        # the word that follows: "livssituation" / "en mulighed", but "Evaluering" / "en viser".)
        # (a bracket or other punctuation between them ends the phrase: "livssituation" / "er (fx")
        following = core(words[1]) if len(words) > 1 and token.isalpha() and words[1][:1].isalnum() else ""
        # (The list holds the inflected forms of its common words: "derudover" / "er" is two.)
        # (An ending that is also a word goes on a word only where simplemma lists the form:
        # "Fællesklang" / "er for" is two words.)
        ending = self.inflects(a, b) and not (len(b) > 1 and _zipf_at_least(b, S.function_zipf)
                                          and self.follows(b, following)) and not (
            _zipf_at_least(a, S.common_zipf) and not self.known(a + b)) and not self.unlisted_ending(a, b)
        whole = max(self.score(a + b), known_a) if ending else self.score(a + b)
        if self.inflected(a + b, max(S.min_stem, len(a) + 2)):
            whole = KNOWN  # a listed word running across the break, with an ending ("ressourcestærk-e")
        if self.finished(a) and whole < KNOWN and not ending:
            whole = UNKNOWN  # "væsentligt" / "udbytte": no compound starts with a finished word form
        # the next word may be an inflected form the list lacks ("kvalitativ-t")
        # (a single letter is a word only as a function word: "i", not the "n" of "foreninge" / "n")
        b_word = self.score(b) if len(b) > 1 or _zipf_at_least(b, S.function_zipf) else UNKNOWN
        parts = min(known_a, max(b_word, KNOWN if self.inflected(b) else UNKNOWN))
        # A word wordfreq lacks that simplemma lists as a base form (not an inflected one such as
        # "kvalitative" or "vanskeliggør"), before a listed word, is a compound's first part:
        # "rusmiddel" / "behandling".
        if (whole == known_a == UNKNOWN and b_word == KNOWN and len(b) >= S.min_part and not ending
                and not self.finished(a) and listed_lemma(a)):
            return ""
        # An inflected form by simplemma's lemmas starts no compound, unless its ending may be a
        # linking letter: "kommunale" / "institutioner", "opbygger" / "varige" are two words, not
        # "undervisnings" / "forløb" nor "flygtninge" / "baggrund".
        if (b_word == KNOWN and len(b) >= S.min_part and not ending and inflected_form(a)
                and not a.endswith("s") and not self.linked(a) and not noun_plural_in_e(a)):
            return " "
        if whole > parts or self.score(a) < KNOWN and self.bridged(a, b):
            return ""
        # Two words whose join is no word at all. (Two words whose join is a compound,
        # "rusmiddel" / "behandling", stay open: compounds are cut at their seams too.)
        if whole == UNKNOWN and (parts > UNKNOWN or self.finished(a) and not ending
                                 or b_word > UNKNOWN and not self.heads_compound(a)
                                 and self.ends_in_word(a, b, S.min_part if len(b) == 1 else S.min_tail)
                                 or b_word == KNOWN and len(b) >= S.min_tail and not ending and not self.ends_in_head(a)
                                 and not self.tails_compound(b)):
            return " "
        # Two words whose join would be a compound, where the first never starts one (neither in the
        # document nor in the word list: "forebygge" / "mistrivsel", "mellemstore" / "kommuner").
        linked = self.linked(a)
        # A very common word has its compounds in the list: two listed words whose join it lacks
        # are two words ("gennem" / "spejling", "arbejder" / "målrettet", "række" / "mellemstore").
        if (whole == COMPOUND and parts == KNOWN and not ending and not linked
                and _zipf_at_least(a, S.lexicalised_zipf)):
            return " "
        if (whole == COMPOUND and parts > UNKNOWN and len(b) >= S.min_part and not ending and not linked
                and not self.heads_compound(a) and not self.tails_compound(b)):
            return " "
        # A common word that is no ending ("samt", "mødes", "frivillige") after a word: two words.
        # After a line that is no word, only a function word ("til") says so: "rusmiddelbe" /
        # "handling" is a cut word. A single letter may be the cut-off end of any word.
        # (A short word must be a function word: the rest of a cut word is often a short "word".)
        # (A word with a linking "s", "undervisnings" / "forløb", is the first part of a compound,
        # unless it is a genitive used on its own, "Københavns" / "kommuner", "børns" / "adfærd":
        # then any listed word or compound after it is a word of its own: "Danmarks" / "yderområder".
        # A common word with a linking "e" is used on its own too, "syge" / "melding", unless it is a
        # noun's plural: "flygtninge" / "baggrund".)
        genitive = linked and (self.common(a) or _zipf_at_least(a, S.genitive_zipf)) and not noun_plural_in_e(a)
        linked = linked and not genitive
        if whole < KNOWN and len(b) > 1 and not ending:
            if (known_a > UNKNOWN and len(b) >= S.min_part
                    and (self.common(b) or genitive and parts > UNKNOWN)
                    and not linked or _zipf_at_least(b, S.function_zipf)):
                return " "
        return None


def resolve_cuts(text: str | None, lexicon: Lexicon) -> str | None:
    """`text` with each MAYBE_CUT made "" (a cut word) or " " (two words).

    A narrow column may cut one word several times ("ekstra|pædag|ogisk"), so each break is decided
    seeing whole words on both sides: first right to left (the next word whole), then again with
    both neighbours as the other decisions made them, until no decision changes."""
    if not isinstance(text, str) or MAYBE_CUT not in text:
        return text
    pieces = text.split(MAYBE_CUT)
    joins = [""] * (len(pieces) - 1)

    def joined(first: int, last: int) -> str:
        return pieces[first] + "".join(j + p for j, p in zip(joins[first:last], pieces[first + 1:last + 1]))

    def decide(i: int) -> str:
        left = joined(0, i).split()
        return lexicon.cut_or_space(left[-1] if left else "", joined(i + 1, len(pieces) - 1)) or ""

    for i in reversed(range(len(joins))):
        joins[i] = decide(i)
    for _ in range(S.resolve_rounds):
        changed = False
        for i in range(len(joins)):
            decision = decide(i)
            changed |= decision != joins[i]
            joins[i] = decision
        if not changed:
            break
    return joined(0, len(pieces) - 1)
