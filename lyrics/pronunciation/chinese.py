"""Mandarin in Hanyu Pinyin with tone marks, polyphones read by phrase.

pypinyin segments the line and takes each word's reading from its phrase
dictionary, so a character with several readings gets the one its word needs:
银行 yín háng but 行走 xíng zǒu, 重庆 chóng qìng, 音乐 yīn yuè but 快乐 kuài lè.
Syllables are separated by spaces. Anything that is not Han is kept, Chinese
punctuation written as its Latin counterpart (你好吗？ → nǐ hǎo ma?).

Two corrections follow the pinyin orthography (GB/T 16159-2012) and the
Xiandai Hanyu Cidian where pypinyin's data does not:
- 一 and 不 keep their own tones, yī and bù; pypinyin writes some phrases with
  the tone they change to in speech (一个 yí gè) and others not (一样 yī yàng);
- common words with a neutral-tone syllable (朋友 péng you, 喜欢 xǐ huan) are
  given it; pypinyin has many (我们, 孩子, 觉得) but not these.

pypinyin's dictionaries take about 55 MB of memory, so it is imported on the
first call, not with this module.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

# Neutral-tone words (轻声词) from the Putonghua proficiency test's list, the ones
# common in lyrics and read one way only (not 东西, 地方, 精神, which change meaning).
_NEUTRAL_TONE_WORDS = """
爸爸 bà ba|妈妈 mā ma|哥哥 gē ge|姐姐 jiě jie|弟弟 dì di|妹妹 mèi mei|爷爷 yé ye|奶奶 nǎi nai
星星 xīng xing|月亮 yuè liang|太阳 tài yang|时候 shí hou|故事 gù shi|朋友 péng you|喜欢 xǐ huan
谢谢 xiè xie|眼睛 yǎn jing|耳朵 ěr duo|衣服 yī fu|衣裳 yī shang|事情 shì qing|明白 míng bai
认识 rèn shi|清楚 qīng chu|漂亮 piào liang|舒服 shū fu|告诉 gào su|意思 yì si|消息 xiāo xi
关系 guān xi|先生 xiān sheng|名字 míng zi|休息 xiū xi|麻烦 má fan|热闹 rè nao|头发 tóu fa
眉毛 méi mao|嘴巴 zuǐ ba|尾巴 wěi ba|石头 shí tou|骨头 gǔ tou|舌头 shé tou|枕头 zhěn tou
日子 rì zi|打扮 dǎ ban|商量 shāng liang|照顾 zhào gu|豆腐 dòu fu|葡萄 pú tao|窗户 chuāng hu
姑娘 gū niang|知识 zhī shi|聪明 cōng ming|暖和 nuǎn huo|便宜 pián yi|笑话 xiào hua|丈夫 zhàng fu
心思 xīn si|力气 lì qi|客气 kè qi|运气 yùn qi|脾气 pí qi|福气 fú qi|委屈 wěi qu|糊涂 hú tu
结实 jiē shi|老实 lǎo shi|规矩 guī ju|打听 dǎ ting|收拾 shōu shi|凉快 liáng kuai|痛快 tòng kuai
快活 kuài huo|功夫 gōng fu|风筝 fēng zheng|灯笼 dēng long|玻璃 bō li|萝卜 luó bo|云彩 yún cai
动静 dòng jing|模糊 mó hu|晚上 wǎn shang|早上 zǎo shang|身上 shēn shang|脑袋 nǎo dai|记得 jì de
晓得 xiǎo de|认得 rèn de|舍得 shě de|值得 zhí de|懂得 dǒng de|咱们 zán men|多么 duō me
"""
# 一 and 不 as their own tone (GB/T 16159-2012), whatever tone sandhi the data applied.
_CITATION_TONES: dict[str, dict[str, str]] = {"一": {"yí": "yī", "yì": "yī"}, "不": {"bú": "bù"}}

# Chinese punctuation as Latin punctuation, with the space Latin text puts after it.
_PUNCTUATION = str.maketrans(
    {
        **{"，": ", ", "、": ", ", "。": ". ", "！": "! ", "？": "? ", "：": ": ", "；": "; ", "…": "… "},
        **{"（": " (", "）": ") ", "“": " “", "”": "” ", "‘": " ‘", "’": "’ "},
        **{"「": " “", "」": "” ", "『": " ‘", "』": "’ ", "《": " «", "》": "» ", "〈": " ‹", "〉": "› "},
    }
)
_SPACE_BEFORE_CLOSING = re.compile(r"\s+([,.!?;:)\]}”’»›…])")
_SPACE_AFTER_OPENING = re.compile(r"([(\[{“‘«‹])\s+")

_lock = threading.Lock()
_reader: Callable[[str], list[str]] | None = None


def romanize_chinese(text: str) -> str:
    """Tone-marked Hanyu Pinyin for a line of Chinese, one syllable per space-separated token."""
    readings = _load()(text)  # one item per character: a syllable, or the character itself
    pieces: list[str] = []
    latin = ""
    for char, reading in zip(text, readings, strict=True):
        if reading == char:
            latin += char
            continue
        pieces.append(latin)
        latin = ""
        pieces.append(_CITATION_TONES.get(char, {}).get(reading, reading))
    pieces.append(latin)
    joined = " ".join(" ".join(pieces).translate(_PUNCTUATION).split())
    joined = unicodedata.normalize("NFKC", joined)  # full-width Ａ１ as A1
    return _SPACE_AFTER_OPENING.sub(r"\1", _SPACE_BEFORE_CLOSING.sub(r"\1", joined))


def _load() -> Callable[[str], list[str]]:
    global _reader
    with _lock:  # load_phrases_dict writes pypinyin's shared tables: once, before any reading
        if _reader is None:
            from pypinyin import Style, lazy_pinyin, load_phrases_dict

            load_phrases_dict(_neutral_tone_phrases())

            def read(text: str) -> list[str]:
                # pypinyin documents an errors callable returning a list (here: one item per
                # character); its stub only allows one returning a str.
                return lazy_pinyin(text, style=Style.TONE, errors=list)  # type: ignore[arg-type]

            _reader = read
    return _reader


def _neutral_tone_phrases() -> dict[str, list[list[str]]]:
    """_NEUTRAL_TONE_WORDS in pypinyin's shape: {"朋友": [["péng"], ["you"]]}."""
    entries = (entry.split() for entry in re.split(r"[|\n]", _NEUTRAL_TONE_WORDS) if entry.strip())
    return {word: [[syllable] for syllable in syllables] for word, *syllables in entries}
