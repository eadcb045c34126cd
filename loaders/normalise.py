"""Text normalisation before any rule runs: what every document of this field needs, whatever its kind.

Re-posted documents come in traditional script, with the debris of converting web pages (``標(biāo)準(zhǔn)``: a
character followed by its pinyin), site watermarks, brackets of every kind in document numbers and a mix of
full-width and ASCII punctuation. ``normalise_line`` turns a printed line into the form the rules read:

1. ``字(pinyin)`` artefacts are removed (a CJK character followed by a parenthesised syllable with a tone mark);
2. traditional → simplified Chinese with OpenCC (``t2s``; simplified text passes through unchanged);
3. full-width letters, digits and ``／－`` become ASCII; ASCII ``, ; : ( ) ? !`` next to Chinese text become
   full-width (``，；：（）？！``), so a rule needs to know one form;
4. document numbers take ``〔〕``: ``节函﹝2024﹞411号`` / ``[2012]1038号`` / ``【2012】`` → ``〔2024〕411号``.

``is_watermark`` and ``is_comment`` tell lines that are not the document's text. The printed text of every
line is kept (``Line.printed``) for provenance.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["normalise_line", "to_simplified", "to_traditional", "is_watermark", "is_comment", "strip_pinyin"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?<=[{_CJK}])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_FULLWIDTH = {i: i - 0xFEE0 for i in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({ord("／"): ord("/"), ord("－"): ord("-"), ord("．"): ord(".")})
_TO_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_NEAR_CJK_PUNCT = re.compile(rf"(?<=[{_CJK}])\s*([,;:?!])|([,;:?!])(?=[{_CJK}])")
_PAIR = re.compile(r"\(([^()（）]*)\)")
_CJK_OR_PUNCT = re.compile(rf"[{_CJK}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20《》“”]")
_DOC_NUMBER = re.compile(r"[〔﹝\[【(（［]\s*(\d{4})\s*[〕﹞\]】)）］]\s*(\d+)\s*号")
_WATERMARK_CHAR = re.compile(rf"(?<=[/\-·])[{_CJK}](?=[/\-·])")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``); simplified text comes back unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → traditional Chinese (OpenCC ``s2t``): used to make traditional-script test copies."""
    return _converter("s2t").convert(text) if text else text


def strip_pinyin(text: str) -> str:
    """``標(biāo)準(zhǔn)`` → ``標準``: the pinyin a converting web page put after characters."""
    return _PINYIN.sub("", text)


def normalise_line(text: str) -> str:
    """The form of a printed line that the rules read (see the module docstring); wording unchanged."""
    text = strip_pinyin(text)
    if re.search(f"[{_CJK}]", text):
        text = to_simplified(text)
    text = text.translate(_FULLWIDTH)
    text = _DOC_NUMBER.sub(r"〔\1〕\2号", text)
    text = _NEAR_CJK_PUNCT.sub(lambda m: _TO_WIDE[m.group(1) or m.group(2)], text)
    return _PAIR.sub(_wide_pair, text)


def _wide_pair(m: re.Match) -> str:
    """``(…)`` → ``（…）`` when the parenthesis is part of Chinese text (its content or a neighbour is)."""
    before = m.string[m.start() - 1: m.start()]
    after = m.string[m.end(): m.end() + 1]
    if any(_CJK_OR_PUNCT.search(t) for t in (m.group(1), before, after) if t):
        return f"（{m.group(1)}）"
    return m.group(0)


def is_watermark(text: str) -> bool:
    """A site watermark such as ``本/文-內/容/來/自:中-國-碳-排-放-網``: Chinese characters one by one between
    separators."""
    chars = re.findall(f"[{_CJK}]", text)
    isolated = len(_WATERMARK_CHAR.findall(text))
    return isolated >= 4 and isolated * 2 >= len(chars)


def is_comment(text: str) -> bool:
    """A ``# …`` comment line (a leading note someone put above the document)."""
    return text.lstrip().startswith("# ") or text.strip() == "#"
