"""Korean in Revised Romanization, spelled from the standard pronunciation.

The Revised Romanization of Korean (문화관광부 고시 제2000-8호) writes what is
*said* (표준 발음법), not what is spelled: 같이 is said [가치] and written gachi,
종로 [종노] jongno, 신라 [실라] silla. So each word goes through the sound changes
of the standard pronunciation first, as small rules over decomposed syllables,
in the order the pronunciation applies them:

1. ㄴ insertion in compounds (꽃잎 [꼰닙]), from a short list of known elements;
2. palatalisation (같이 [가치], 굳히다 [구치다]);
3. ㅎ: aspiration (좋다 [조타], 잡혀 [자펴]), silent ㅎ (좋아 [조아]), ㅎ+ㄴ (놓는 [논는]);
4. liaison: a final consonant moves onto a following vowel (국물이 [궁무리]);
5. neutralisation of final consonants to ㄱ ㄴ ㄷ ㄹ ㅁ ㅂ ㅇ (꽃 [꼳]);
6. ㄹ read as ㄴ after ㅁ ㅇ ㄱ ㅂ ㄷ (종로 [종노], 십리 [십니]);
7. liquidisation (신라 [실라], 설날 [설랄]);
8. nasalisation of ㄱ ㄷ ㅂ before ㄴ ㅁ (국물 [궁물], 십니 [심니]);
9. 져 쪄 쳐 said [저 쩌 처] (떨어져 [떠러저]).

Then the romanization's own rules: ㄱ ㄷ ㅂ are g d b before a vowel and k t p
elsewhere, ㄹ is r before a vowel and l elsewhere, ㄹㄹ is ll, ㅢ is always ui, and
tensification (된소리되기) is not written (학교 hakgyo). In nouns ㄱ ㄷ ㅂ keep
their h before ㅎ (묵호 Mukho, 집현전 Jiphyeonjeon); without a dictionary a word
counts as a predicate when the ㅎ begins the suffix -히-/-혀 or a form of 하다.

Words are romanized one at a time (space-separated); anything that is not a
Hangul syllable is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

_FIRST_SYLLABLE = 0xAC00  # 가; syllables run to 힣, U+D7A3
_ONSETS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_CODAS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

_ONSET_LATIN = {
    **{"ㄱ": "g", "ㄲ": "kk", "ㄴ": "n", "ㄷ": "d", "ㄸ": "tt", "ㄹ": "r", "ㅁ": "m", "ㅂ": "b", "ㅃ": "pp"},
    **{"ㅅ": "s", "ㅆ": "ss", "ㅇ": "", "ㅈ": "j", "ㅉ": "jj", "ㅊ": "ch", "ㅋ": "k", "ㅌ": "t", "ㅍ": "p"},
    "ㅎ": "h",
}
_VOWEL_LATIN = {
    **{
        "ㅏ": "a",
        "ㅐ": "ae",
        "ㅑ": "ya",
        "ㅒ": "yae",
        "ㅓ": "eo",
        "ㅔ": "e",
        "ㅕ": "yeo",
        "ㅖ": "ye",
        "ㅗ": "o",
    },
    **{
        "ㅘ": "wa",
        "ㅙ": "wae",
        "ㅚ": "oe",
        "ㅛ": "yo",
        "ㅜ": "u",
        "ㅝ": "wo",
        "ㅞ": "we",
        "ㅟ": "wi",
        "ㅠ": "yu",
    },
    **{"ㅡ": "eu", "ㅢ": "ui", "ㅣ": "i"},
}
_CODA_LATIN = {"": "", "ㄱ": "k", "ㄴ": "n", "ㄷ": "t", "ㄹ": "l", "ㅁ": "m", "ㅂ": "p", "ㅇ": "ng"}

_CLUSTERS = {
    "ㄳ": ("ㄱ", "ㅅ"),
    "ㄵ": ("ㄴ", "ㅈ"),
    "ㄶ": ("ㄴ", "ㅎ"),
    "ㄺ": ("ㄹ", "ㄱ"),
    "ㄻ": ("ㄹ", "ㅁ"),
    "ㄼ": ("ㄹ", "ㅂ"),
    "ㄽ": ("ㄹ", "ㅅ"),
    "ㄾ": ("ㄹ", "ㅌ"),
    "ㄿ": ("ㄹ", "ㅍ"),
    "ㅀ": ("ㄹ", "ㅎ"),
    "ㅄ": ("ㅂ", "ㅅ"),
}
# 표준 발음법 제9–11항: what a final consonant (or cluster) sounds like before a consonant or a pause.
_NEUTRAL = {
    **dict.fromkeys("ㄱㄲㅋㄳㄺ", "ㄱ"),
    **dict.fromkeys("ㄴㄵㄶ", "ㄴ"),
    **dict.fromkeys("ㄷㅅㅆㅈㅊㅌㅎ", "ㄷ"),
    **dict.fromkeys("ㄹㄼㄽㄾㅀ", "ㄹ"),
    **dict.fromkeys("ㅁㄻ", "ㅁ"),
    **dict.fromkeys("ㅂㅍㄿㅄ", "ㅂ"),
    "ㅇ": "ㅇ",
    "": "",
}
_NASAL = {"ㄱ": "ㅇ", "ㄷ": "ㄴ", "ㅂ": "ㅁ"}
_OBSTRUENTS = frozenset("ㄱㄲㅋㄷㅅㅆㅈㅊㅌㅂㅍ")
_ASPIRATE = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅂ": "ㅍ", "ㅈ": "ㅊ"}

# 표준 발음법 제29항: ㄴ is inserted before 이 야 여 요 유 when a compound's second
# element begins with them (꽃잎 [꼰닙], 알약 [알략]) but not before a particle or an
# ending (꽃이 [꼬치]). Telling the two apart needs a dictionary, so we know a few
# elements that are always nouns, and a few whole compounds ("+" marks the seam).
_N_INSERTION_ELEMENTS = ("잎", "이불", "이야기", "여름", "여울", "연필", "엿", "윷")
_N_INSERTION_COMPOUNDS = (
    *("알+약", "물+약", "내복+약", "식용+유", "휘발+유", "담+요", "눈+요기", "서울+역", "맨+입"),
    *("막+일", "앞+일", "들+일", "밭+일", "볼+일", "집안+일", "웬+일"),
)
# 표준 발음법 제20항 다만: ㄴ before these Sino-Korean suffixes stays ㄴ and makes the ㄹ
# ㄴ (생산량 [생산냥], 신문로 [신문노]). Only past a two-syllable stem: 신라 and 분량 liquidise.
# 령 is left out: 대관령 [대괄령] is liquidised, the official example.
_SUFFIXES_AFTER_N = frozenset("란량력로론료류례")
# 표준 발음법 제15항: before a whole word (not an ending) the final is neutralised
# before it moves on (겉옷 [거돋], 맛없다 [마덥따]).
_NEUTRALISED_LIAISON = ("겉옷", "헛웃", "맛없", "멋없", "끝없", "첫인", "값어", "값없")
# ㄺ is said ㄹ before ㄱ in verb stems (맑게 [말께], 읽고 [일꼬]), ㄱ in these nouns (닭고기 [닥꼬기]).
_NOUNS_ENDING_IN_LG = frozenset("닭흙칡삵")
# (vowel, final) of 해 했 한 할 함 합: syllables that begin a form of 하다.
_HADA_FORMS = frozenset({("ㅐ", ""), ("ㅐ", "ㅆ"), ("ㅏ", "ㄴ"), ("ㅏ", "ㄹ"), ("ㅏ", "ㅁ"), ("ㅏ", "ㅂ")})
# A noun ending in 하 may take these particles (축하를, 축하도); the ㅎ is then the noun's.
_PARTICLES_AFTER_HA = frozenset("를가도의와로에만랑")


@dataclass
class Syllable:
    text: str  # as written, for the word lists above
    onset: str
    vowel: str
    coda: str


def romanize_korean(text: str) -> str:
    """Revised Romanization of `text`, word by word, after the standard pronunciation rules.

    The romanization is lower case; spaces, punctuation and non-Hangul text are kept as they are.
    """
    return re.sub(r"[\uac00-\ud7a3]+", lambda run: _romanize_run(run.group()), text)


def _romanize_run(word: str) -> str:
    syllables = [_decompose(char) for char in word]
    for rule in (
        _insert_n,
        _palatalise,
        _apply_h,
        _link,
        _neutralise,
        _r_to_n,
        _liquidise,
        _nasalise,
        _unglide_after_palatals,
    ):
        rule(syllables)
    return _spell(syllables)


def _decompose(char: str) -> Syllable:
    index = ord(char) - _FIRST_SYLLABLE
    onset, rest = divmod(index, 21 * 28)
    vowel, coda = divmod(rest, 28)
    return Syllable(char, _ONSETS[onset], _VOWELS[vowel], _CODAS[coda])


def _insert_n(syllables: list[Syllable]) -> None:
    word = "".join(s.text for s in syllables)
    seams = {m.start() for element in _N_INSERTION_ELEMENTS for m in re.finditer(element, word)}
    for compound in _N_INSERTION_COMPOUNDS:
        head, tail = compound.split("+")
        seams |= {m.start() + len(head) for m in re.finditer(head + tail, word)}
    for i in sorted(seams):
        before, after = syllables[i - 1] if i else None, syllables[i]
        if before and before.coda and after.onset == "ㅇ" and after.vowel in "ㅣㅑㅕㅛㅠ":
            after.onset = "ㄴ"


def _palatalise(syllables: list[Syllable]) -> None:
    """ㄷ ㅌ before the ending 이 are said ㅈ ㅊ (같이 [가치]); ㄷ before 히 is said ㅊ (굳히다 [구치다])."""
    for before, after in pairwise(syllables):
        stem, final = _split_coda(before.coda)
        if final not in ("ㄷ", "ㅌ") or after.vowel != "ㅣ":
            continue
        if after.onset == "ㅇ":
            before.coda, after.onset = stem, "ㅈ" if final == "ㄷ" else "ㅊ"
        elif after.onset == "ㅎ":
            before.coda, after.onset = stem, "ㅊ"


def _apply_h(syllables: list[Syllable]) -> None:
    for j, (before, after) in enumerate(pairwise(syllables), start=1):
        stem, final = _split_coda(before.coda)
        if final == "ㅎ":
            if after.onset in _ASPIRATE:  # 좋고 [조코], 않다 [안타]
                after.onset = _ASPIRATE[after.onset]
                before.coda = stem
            elif after.onset in ("ㅇ", "ㅅ"):  # silent: 좋아 [조아]; 좋소 [조쏘], tensing not written
                before.coda = stem
            elif after.onset == "ㄴ":  # 놓는 [논는], 않는 [안는], 뚫는 [뚤른]
                before.coda = stem or "ㄴ"
        elif after.onset == "ㅎ" and final in _OBSTRUENTS and _is_predicate(syllables, j):
            # 잡혀 [자펴], 맞히다 [마치다], 넓히다 [널피다]; a noun keeps its h: 묵호 Mukho
            before.coda = stem
            after.onset = "ㅊ" if final == "ㅈ" else _ASPIRATE[_NEUTRAL[final]]


def _is_predicate(syllables: list[Syllable], j: int) -> bool:
    """Whether the ㅎ that begins syllable `j` belongs to a verb or adverb rather than a noun."""
    h = syllables[j]
    if h.vowel == "ㅣ" or (h.vowel == "ㅕ" and h.coda in ("", "ㅆ")):  # -히-, -혀: 잡혀, 특히
        return True
    if (h.vowel, h.coda) in _HADA_FORMS:  # 해, 했, 한, 할, 함, 합니다
        return True
    if h.vowel == "ㅏ" and not h.coda:  # 하다, 하고 but not 축하, 축하를
        return j + 1 < len(syllables) and syllables[j + 1].text not in _PARTICLES_AFTER_HA
    return False


def _link(syllables: list[Syllable]) -> None:
    """Liaison (연음): a final consonant moves onto a following vowel (국물이 [궁무리], 앉아 [안자])."""
    for before, after in pairwise(syllables):
        if after.onset != "ㅇ" or before.coda in ("", "ㅇ"):
            continue
        if before.text + after.text in _NEUTRALISED_LIAISON:
            before.coda = _NEUTRAL[before.coda]
        before.coda, after.onset = _split_coda(before.coda)


def _neutralise(syllables: list[Syllable]) -> None:
    for syllable, following in zip(syllables, [*syllables[1:], None], strict=True):
        syllable.coda = _final_sound(syllable, following)


def _final_sound(syllable: Syllable, following: Syllable | None) -> str:
    """표준 발음법 제9–11항, with the two clusters whose reading depends on the word."""
    if (
        syllable.coda == "ㄺ"
        and following
        and following.onset == "ㄱ"
        and syllable.text not in _NOUNS_ENDING_IN_LG
    ):
        return "ㄹ"  # 맑게 [말께], but 닭고기 [닥꼬기]
    if syllable.text == "밟" or (syllable.text == "넓" and following and following.text in ("죽", "둥")):
        return "ㅂ"  # 밟다 [밥따], 넓죽하다 [넙쭈카다]
    return _NEUTRAL[syllable.coda]


def _r_to_n(syllables: list[Syllable]) -> None:
    """ㄹ after ㅁ ㅇ (and ㄱ ㄷ ㅂ) is said ㄴ: 종로 [종노], 담력 [담녁], 십리 [십니 → 심니]."""
    for before, after in pairwise(syllables):
        if after.onset == "ㄹ" and before.coda in ("ㅁ", "ㅇ", "ㄱ", "ㄷ", "ㅂ"):
            after.onset = "ㄴ"


def _liquidise(syllables: list[Syllable]) -> None:
    """ㄴ next to ㄹ is said ㄹ: 신라 [실라], 설날 [설랄]; but 생산량 [생산냥]."""
    for i, (before, after) in enumerate(pairwise(syllables), start=1):
        if before.coda == "ㄴ" and after.onset == "ㄹ":
            if i >= 2 and after.text in _SUFFIXES_AFTER_N:
                after.onset = "ㄴ"
            else:
                before.coda = "ㄹ"
        elif before.coda == "ㄹ" and after.onset == "ㄴ":
            after.onset = "ㄹ"


def _nasalise(syllables: list[Syllable]) -> None:
    """ㄱ ㄷ ㅂ before ㄴ ㅁ are said ㅇ ㄴ ㅁ: 국물 [궁물], 꽃망울 [꼰망울]."""
    for before, after in pairwise(syllables):
        if after.onset in ("ㄴ", "ㅁ") and before.coda in _NASAL:
            before.coda = _NASAL[before.coda]


def _unglide_after_palatals(syllables: list[Syllable]) -> None:
    """져 쪄 쳐 are said [저 쩌 처] (표준 발음법 제5항 다만 1): 가져 [가저], 다쳐 [다처]."""
    for syllable in syllables:
        if syllable.onset in ("ㅈ", "ㅉ", "ㅊ") and syllable.vowel == "ㅕ":
            syllable.vowel = "ㅓ"


def _split_coda(coda: str) -> tuple[str, str]:
    """The part of a final that stays and the part that can move: ㄺ → (ㄹ, ㄱ), ㄱ → ("", ㄱ)."""
    return _CLUSTERS.get(coda, ("", coda))


def _spell(syllables: list[Syllable]) -> str:
    latin = []
    previous_coda = ""
    for syllable in syllables:
        onset = _ONSET_LATIN[syllable.onset]
        if syllable.onset == "ㄹ" and previous_coda == "ㄹ":
            onset = "l"  # ㄹㄹ is ll: 신라 silla
        latin.append(onset + _VOWEL_LATIN[syllable.vowel] + _CODA_LATIN[syllable.coda])
        previous_coda = syllable.coda
    return "".join(latin)
