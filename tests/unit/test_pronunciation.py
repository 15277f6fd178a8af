"""Generated pronunciation: language by script, and romanization measured on tables.

The expected answers are the official spellings, not this code's output: the Korean
ones are the Revised Romanization of the standard pronunciation (many are the
examples printed in the romanization rules themselves), the Japanese ones Hepburn
as described in lyrics/pronunciation/japanese.py, the Chinese ones Hanyu Pinyin as
the Xiandai Hanyu Cidian gives it. Each table is scored per word (space-separated
token); the score is printed (`pytest -s` or `-rP` shows it) and must reach 95 %.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from lyrics.pronunciation import detect_language, pronounce
from lyrics.pronunciation.chinese import romanize_chinese
from lyrics.pronunciation.japanese import romanize_japanese
from lyrics.pronunciation.korean import romanize_korean

# (Hangul, Revised Romanization). "RR" marks an example printed in the rules
# (국어의 로마자 표기법, 2000); the bracket is the standard pronunciation.
KOREAN = [
    # liaison (연음)
    ("국물이", "gungmuri"),  # [궁무리]
    ("밤하늘에 작은 별 하나", "bamhaneure jageun byeol hana"),
    ("같이 걸어요", "gachi georeoyo"),
    ("앉아", "anja"),
    ("닭이", "dalgi"),
    ("읽어", "ilgeo"),
    ("없어", "eopseo"),
    ("밖에", "bakke"),
    ("꽃을", "kkocheul"),
    ("바람이 불어와도", "barami bureowado"),
    # nasalisation (비음화), ㄹ read as ㄴ
    ("국물", "gungmul"),
    ("십리", "simni"),  # [심니]
    ("백마", "baengma"),  # RR
    ("왕십리", "wangsimni"),  # RR
    ("종로", "jongno"),  # RR
    ("종로에서", "jongnoeseo"),
    ("독립문", "dongnimmun"),  # [동님문]
    ("청량리", "cheongnyangni"),  # [청냥니]
    ("먹는", "meongneun"),
    ("있는", "inneun"),
    ("감사합니다", "gamsahamnida"),
    ("꽃망울", "kkonmangul"),  # [꼰망울]
    # liquidisation (유음화), ㄹㄹ → ll
    ("신라", "silla"),  # RR
    ("설날", "seollal"),
    ("별내", "byeollae"),  # RR
    ("대관령", "daegwallyeong"),  # RR
    ("칼날", "kallal"),
    ("난로", "nallo"),
    ("연락", "yeollak"),
    ("물난리", "mullalli"),
    ("울릉", "ulleung"),  # RR
    # palatalisation (구개음화)
    ("같이", "gachi"),  # RR
    ("굳이", "guji"),
    ("해돋이", "haedoji"),  # RR
    ("굳히다", "guchida"),  # [구치다]
    ("끝이", "kkeuchi"),
    ("밭이", "bachi"),
    # aspiration (격음화) outside nouns
    ("좋다고", "jotago"),
    ("좋고", "joko"),  # RR
    ("놓다", "nota"),  # RR
    ("잡혀", "japyeo"),  # RR
    ("낳지", "nachi"),  # RR
    ("맞히다", "machida"),  # RR
    ("많다", "manta"),
    ("특히", "teuki"),
    ("국물이 좋다고", "gungmuri jotago"),
    # ... but in nouns ㄱ ㄷ ㅂ keep their h (RR 제3장 제1항 4 다만)
    ("묵호", "mukho"),  # RR
    ("집현전", "jiphyeonjeon"),  # RR
    ("축하", "chukha"),  # a noun: said [추카], written with h like 묵호
    ("국화", "gukhwa"),
    # silent ㅎ
    ("좋아", "joa"),
    ("않아", "ana"),
    ("괜찮아", "gwaenchana"),
    ("싫어", "sireo"),
    ("놓는", "nonneun"),  # [논는]
    # ㄴ insertion (ㄴ 첨가)
    ("꽃잎", "kkonnip"),  # [꼰닙]
    ("꽃잎이 떨어져", "kkonnipi tteoreojeo"),  # [꼰니피 떠러저]: 져 is said [저] (표준 발음법 제5항)
    ("학여울", "hangnyeoul"),  # RR
    ("알약", "allyak"),  # RR
    ("솜이불", "somnibul"),
    ("한여름", "hannyeoreum"),
    ("솔잎", "sollip"),
    ("색연필", "saengnyeonpil"),
    # neutralisation of final consonants
    ("꽃", "kkot"),
    ("한밭", "hanbat"),  # RR
    ("벚꽃", "beotkkot"),  # RR
    ("월곶", "wolgot"),  # RR
    ("부엌", "bueok"),
    ("읊다", "eupda"),
    ("별빛 아래 함께 걸어요", "byeolbit arae hamkke georeoyo"),
    # ㄹ: r before a vowel, l elsewhere
    ("라디오", "radio"),
    ("설악", "seorak"),  # RR
    ("칠곡", "chilgok"),  # RR
    ("구리", "guri"),  # RR
    ("임실", "imsil"),  # RR
    ("조용히 나를 비추네", "joyonghi nareul bichune"),
    # ㅢ is ui even when said [ㅣ]
    ("광희문", "gwanghuimun"),  # RR
    ("여의도", "yeouido"),  # RR
    ("희망", "huimang"),
    ("우리의 노래", "uriui norae"),
    # tensification is not written
    ("학교", "hakgyo"),
    ("압구정", "apgujeong"),  # RR
    ("낙동강", "nakdonggang"),  # RR
    ("샛별", "saetbyeol"),  # RR
    ("볶음밥", "bokkeumbap"),  # RR
    ("합덕", "hapdeok"),  # RR
    ("옥천", "okcheon"),  # RR
    ("백암", "baegam"),  # RR
    ("우리 노래는 계속돼", "uri noraeneun gyesokdwae"),
    ("보고 싶어", "bogo sipeo"),
    # lyric lines
    ("별이 빛나는 밤", "byeori binnaneun bam"),
    ("끝없이 이어진 길", "kkeudeopsi ieojin gil"),  # [끄덥씨]: 없 is a word, 표준 발음법 제15항
    ("옛이야기처럼", "yenniyagicheoreom"),  # [옌니야기처럼]
    ("첫눈이 오면", "cheonnuni omyeon"),
    ("읽는 밤", "ingneun bam"),
    ("흙냄새", "heungnaemsae"),
    ("잊지 마", "itji ma"),
    ("익숙한 거리", "iksukan geori"),
    ("창문 너머 아침 햇살", "changmun neomeo achim haetsal"),
    ("닿을 듯 말 듯", "daeul deut mal deut"),
    ("한입만", "hannimman"),  # [한님만]: ㄴ insertion in a compound we do not list
    ("너의 역할", "neoui yeokhal"),  # a noun, so h, but 할 looks like a form of 하다 to us
]

# Hepburn as cutlet writes it: long vowels spelled as the kana (ou), particles wa/e/o.
JAPANESE = [
    ("君と歩いた道", "kimi to aruita michi"),
    ("私は学校へ行きます", "watashi wa gakkou e ikimasu"),
    ("今日はいい天気ですね", "kyou wa ii tenki desu ne"),
    ("本を読む", "hon o yomu"),
    ("空を見上げて", "sora o miagete"),
    ("涙が止まらない", "namida ga tomaranai"),
    ("風が吹く", "kaze ga fuku"),
    ("雨の日", "ame no hi"),
    ("心の中", "kokoro no naka"),
    ("君の名前を呼んだ", "kimi no namae o yonda"),
    ("僕は君が好き", "boku wa kimi ga suki"),
    ("手をつないで", "te o tsunaide"),
    ("大人になる", "otona ni naru"),
    ("七夕の夜", "tanabata no yoru"),
    ("花火を見に行こう", "hanabi o mi ni ikou"),
    ("星空の下で", "hoshizora no shita de"),
    ("一人で帰る", "hitori de kaeru"),
    ("生まれた町", "umareta machi"),
    ("生きる意味", "ikiru imi"),
    ("上手に歌えない", "jouzu ni utaenai"),
    ("今夜は眠れない", "kon'ya wa nemurenai"),
    ("恋愛の歌", "ren'ai no uta"),
    ("東京へ行こう", "toukyou e ikou"),
    ("昨日の夢", "kinou no yume"),
    ("コーヒーを飲む", "koohii o nomu"),
    ("思い出の場所", "omoide no basho"),
    ("下手な嘘", "heta na uso"),
    ("人々の声", "hitobito no koe"),
    ("一緒に歩こう", "issho ni arukou"),
    ("桜が咲いた", "sakura ga saita"),
    ("光の中へ", "hikari no naka e"),
    ("月が綺麗ですね", "tsuki ga kirei desu ne"),
    ("さよならは言わない", "sayonara wa iwanai"),
    ("誰もいない海", "dare mo inai umi"),
    ("時間を止めて", "jikan o tomete"),
    ("千の風になって", "sen no kaze ni natte"),
    ("新しい朝が来た", "atarashii asa ga kita"),
    ("遠くの空へ", "tooku no sora e"),
    ("夢を見ていた", "yume o mite ita"),
    ("お母さんと", "okaasan to"),  # UniDic-lite splits お|母|さん and reads ohahasan
    ("何を探しているの", "nani o sagashite iru no"),  # read nan before を
]

# Hanyu Pinyin, neutral tones unmarked, 一 and 不 in their own tone (GB/T 16159-2012).
CHINESE = [
    ("我在银行工作", "wǒ zài yín háng gōng zuò"),
    ("行走在风里", "xíng zǒu zài fēng lǐ"),
    ("重庆的夜晚", "chóng qìng de yè wǎn"),
    ("音乐让我快乐", "yīn yuè ràng wǒ kuài lè"),
    ("你还好吗", "nǐ hái hǎo ma"),
    ("把书还给我", "bǎ shū huán gěi wǒ"),
    ("我长大了", "wǒ zhǎng dà le"),
    ("长城很长", "cháng chéng hěn cháng"),  # pypinyin reads the second 长 zhǎng
    ("我觉得很好", "wǒ jué de hěn hǎo"),
    ("早点睡觉", "zǎo diǎn shuì jiào"),
    ("这很重要", "zhè hěn zhòng yào"),
    ("重新开始", "chóng xīn kāi shǐ"),
    ("为了你", "wèi le nǐ"),
    ("为什么", "wèi shén me"),
    ("月亮代表我的心", "yuè liang dài biǎo wǒ de xīn"),
    ("弹琴给你听", "tán qín gěi nǐ tīng"),
    ("我们都是好朋友", "wǒ men dōu shì hǎo péng you"),
    ("别着急", "bié zháo jí"),
    ("我看着你", "wǒ kàn zhe nǐ"),
    ("他睡着了", "tā shuì zháo le"),
    ("这个很便宜", "zhè ge hěn pián yi"),
    ("方便的时候", "fāng biàn de shí hou"),
    ("了解你", "liǎo jiě nǐ"),
    ("曾经的梦想", "céng jīng de mèng xiǎng"),
    ("你的背影", "nǐ de bèi yǐng"),
    ("传说中的故事", "chuán shuō zhōng de gù shi"),
    ("我喜欢你", "wǒ xǐ huan nǐ"),
    ("满天的星星", "mǎn tiān de xīng xing"),
    ("爱你一万年", "ài nǐ yī wàn nián"),
    ("不要走", "bù yào zǒu"),
]


def word_accuracy(table: list[tuple[str, str]], romanize) -> tuple[float, list[str]]:
    right = total = 0
    misses = []
    for source, expected in table:
        got, want = romanize(source).split(), expected.split()
        total += len(want)
        right += sum(g == w for g, w in zip(got, want, strict=False))
        if got != want:
            misses.append(f"{source}: {' '.join(got)} (expected {expected})")
    return right / total, misses


def report(language: str, table: list[tuple[str, str]], romanize) -> float:
    accuracy, misses = word_accuracy(table, romanize)
    words = sum(len(expected.split()) for _, expected in table)
    print(f"\n{language}: {accuracy:.1%} of {words} words right in {len(table)} phrases")
    for miss in misses:
        print(f"  {miss}")
    return accuracy


def test_korean_follows_the_standard_pronunciation_for_95_percent_of_words() -> None:
    assert len(KOREAN) >= 40
    assert report("Korean (Revised Romanization)", KOREAN, romanize_korean) >= 0.95


def test_japanese_reads_kanji_in_context_for_95_percent_of_words() -> None:
    assert len(JAPANESE) >= 20
    assert report("Japanese (Hepburn)", JAPANESE, romanize_japanese) >= 0.95


def test_chinese_reads_polyphones_by_phrase_for_95_percent_of_words() -> None:
    assert len(CHINESE) >= 20
    assert report("Chinese (Hanyu Pinyin)", CHINESE, romanize_chinese) >= 0.95


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("银行", "yín háng"),
        ("行走", "xíng zǒu"),
        ("重庆", "chóng qìng"),
        ("音乐", "yīn yuè"),
        ("快乐", "kuài lè"),
    ],
)
def test_chinese_polyphones_take_the_reading_of_their_word(word: str, expected: str) -> None:
    assert romanize_chinese(word) == expected


def test_korean_keeps_punctuation_and_latin_text() -> None:
    assert romanize_korean("사랑해, 그대여!") == "saranghae, geudaeyeo!"
    assert romanize_korean("Hello 안녕 ㅋㅋ") == "Hello annyeong ㅋㅋ"


def test_korean_rules_do_not_cross_spaces() -> None:
    assert romanize_korean("꽃 위") == "kkot wi"


def test_chinese_punctuation_becomes_latin_and_latin_text_stays() -> None:
    assert romanize_chinese("我爱你，China！") == "wǒ ài nǐ, China!"
    assert romanize_chinese("《月亮代表我的心》") == "«yuè liang dài biǎo wǒ de xīn»"


def test_japanese_particles_are_read_wa_e_o() -> None:
    assert romanize_japanese("私は東京へ花を") == "watashi wa toukyou e hana o"


@pytest.mark.parametrize(
    ("line", "track_language", "language"),
    [
        ("君と歩いた道", "", "ja"),
        ("カタカナ", "zh", "ja"),
        ("ひらがなと漢字", "ko", "ja"),
        ("밤하늘에 작은 별 하나", "", "ko"),
        ("사랑 Love", "en", "ko"),
        ("月亮代表我的心", "", "zh"),
        ("月亮代表我的心", "ko", "zh"),
        ("夜空", "ja", "ja"),
        ("夜空", "ja-JP", "ja"),
        ("A small star in the night sky", "ko", None),
        ("", "", None),
        ("♪ 123 !", "", None),
    ],
)
def test_language_follows_the_script_of_the_line(
    line: str, track_language: str, language: str | None
) -> None:
    assert detect_language(line, track_language=track_language) == language


def test_pronounce_tags_each_language_with_its_latin_script() -> None:
    assert pronounce("같이 걸어요") == ("gachi georeoyo", "ko-Latn")
    assert pronounce("君と歩いた道") == ("kimi to aruita michi", "ja-Latn")
    assert pronounce("银行") == ("yín háng", "zh-Latn-pinyin")
    assert pronounce("夜空", track_language="ja") == ("yozora", "ja-Latn")


def test_latin_and_empty_lines_get_no_pronunciation() -> None:
    assert pronounce("Even when the wind is blowing") is None
    assert pronounce("") is None
    assert pronounce("   ") is None


def test_japanese_can_be_read_from_many_threads_at_once() -> None:
    lines = [source for source, _ in JAPANESE] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(romanize_japanese, lines))
    assert results == [romanize_japanese(line) for line in lines]


def test_importing_japanese_does_not_load_the_dictionary() -> None:
    # MeCab maps sys.dic into memory when the tagger is made; a fresh process shows whether it is.
    script = textwrap.dedent(
        """
        import lyrics.pronunciation, lyrics.pronunciation.japanese as japanese

        def mapped():
            with open("/proc/self/maps") as maps:
                return "sys.dic" in maps.read()

        print(japanese.is_loaded(), mapped())
        japanese.romanize_japanese("道")
        print(japanese.is_loaded(), mapped())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "True", "True"]
