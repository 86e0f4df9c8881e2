"""What a question names: a document of the library, an article or a chapter.

`监察法第14条`, `《中华人民共和国个人信息保护法》第二十八条`, `党章第八条`, `教育法第二章`,
`十九大报告里关于乡村振兴`. A document is named by its title, by a short form of it
(without 中华人民共和国 / 中国共产党 / 《》 / the year / brackets / 的) or by an
abbreviation formed from it, character by character in order (个保法 ⊂ 个人信息保护法,
党章 ⊂ 中国共产党章程). A name that looks like a document's (in 《》, or before an article
number, or a law's name opening the question) but matches none is reported missing.
Numbers are read with cn2an (Chinese numerals or digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from bot.documents.outline import CN_NUM

ARTICLE_REF = re.compile(rf"第\s*([{CN_NUM}\d]+)\s*条(?!例)|(?<![第\d.])(\d{{1,4}})\s*条(?!例)")
PART_REF = re.compile(rf"第\s*([{CN_NUM}\d]+)\s*(章|节|编)")
QUOTED_NAME = re.compile(r"《([^《》]{2,60})》")
# The kind word a document's name ends with, and the short forms people use for it.
KIND_WORDS = {
    "法典": ("法典",), "条例": ("条例",), "章程": ("章程", "章"), "法": ("法",),
    "规定": ("规定",), "办法": ("办法",), "细则": ("细则",), "准则": ("准则",),
    "规则": ("规则",), "意见": ("意见",), "报告": ("报告",), "决定": ("决定",),
    "纲要": ("纲要",), "规划": ("规划",), "通知": ("通知",), "讲话": ("讲话",),
    "决议": ("决议",), "公报": ("公报",),
}  # fmt: skip
SHORT_KINDS = sorted({s for shorts in KIND_WORDS.values() for s in shorts}, key=len, reverse=True)
NAME_PREFIXES = re.compile(r"^(?:中华人民共和国|中国共产党|中共中央|党的|关于)")
YEAR_PART = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?|\s+(?:19|20)\d{2}$")
BRACKETED = re.compile(r"[（(][^（）()]*[）)]|[《》〈〉]")
# Words a question opens with before it names a document.
LEAD_IN = re.compile(
    r"^(?:请问|请|我想|想|查询|查一下|查查|查|看看|看一下|问一下|问|根据|按照|依照|依据|关于|对于|在|按|依|从)"
)
# A missing law is reported only for names like these, not for 方法 or 依法.
LAW_NAME = re.compile(r"^[\u4e00-\u9fff]{1,16}(?:法典|法|条例|章程)$")
# Words ending in 法 that name no law (方法, 依法 …); a name holding a question word.
NOT_A_NAME = re.compile(
    r"[的之怎么何哪吗呢是有]|[做办方看说想用写手算疗技打玩语书立执司守违合非依犯知普变效无设没魔国]法$"
)
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that make 法 part of another word (法院, 法规, 法律, 法治 …), not a law's name.
LAW_WORD_GOES_ON = re.compile(r"[典院律治制人官定庭则学理宝]|规(?!定)")  # 劳动法规定: 法 + 规定
# What follows a name that is cited as a document: 刑法里…, 宪法规定…
IN_DOCUMENT = re.compile(r"里|中|上|规定|关于|对于|对")


@lru_cache(maxsize=1)
def numerals() -> ModuleType:
    """cn2an, imported at the first numeral (a question without one does not pay its
    ~0.3 s), or while a large index warms up."""
    import cn2an

    return cn2an


@lru_cache(maxsize=4096)
def number(numeral: str) -> int | None:
    """A Chinese or Arabic numeral as an int (二十八 → 28, 14 → 14), None if it is not one."""
    try:
        return int(numerals().cn2an(numeral, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def article_number(label: str) -> int | None:
    """The number of an article label (第二十八条 → 28)."""
    match = ARTICLE_REF.match(label)
    return number(match.group(1) or match.group(2)) if match else None


def part_number(heading: str) -> tuple[str, int] | None:
    """('章', 2) for a heading 第二章 …, likewise 节 and 编; None for other headings."""
    match = PART_REF.match(heading)
    if not match:
        return None
    value = number(match.group(1))
    return (match.group(2), value) if value is not None else None


def kind_of(name: str) -> str | None:
    """The kind word a name ends with (法, 条例, 章程 …), if any."""
    return next((kind for kind in KIND_WORDS if name.endswith(kind)), None)


def name_forms(title: str) -> list[str]:
    """The title and its short forms, longest first."""
    forms = {title}
    plain = BRACKETED.sub("", title).strip()
    forms.add(plain)
    short = plain
    while (stripped := NAME_PREFIXES.sub("", YEAR_PART.sub("", short))) != short:
        short = stripped
        forms.add(short)
    forms.add(short.replace("的", ""))
    forms.add(YEAR_PART.sub("", plain))
    return sorted((f for f in forms if len(f) >= 2), key=len, reverse=True)


def is_abbreviation(name: str, form: str) -> bool:
    """Whether `name` abbreviates `form`: same kind word (or its short form), and the rest
    of `name` taken from the rest of `form` in order (个保法 → 个人信息保护法, 党章 →
    中国共产党章程)."""
    kind = kind_of(form)
    if kind is None:
        return False
    for short in KIND_WORDS[kind]:
        if name.endswith(short) and len(name) > len(short):
            stem, rest = form[: -len(kind)], name[: -len(short)]
            if len(rest) == 1 and not stem.endswith(rest):
                return False  # one character names a document only as its stem's head (党章)
            chars = iter(stem)
            return all(char in chars for char in rest)
    return False


@dataclass(frozen=True)
class Reference:
    """What a question names, and the question with those names taken out."""

    docs: tuple[int, ...] = ()  # documents named (positions in the library)
    missing: str | None = None  # a document's name the library does not have
    article: int | None = None  # 第十四条 → 14
    part: tuple[str, int] | None = None  # 第二章 → ('章', 2)
    rest: str = ""  # the question without the document's name and the number


class DocumentNames:
    """Finds the documents (and articles, chapters) a question names."""

    def __init__(self, titles: Sequence[str]) -> None:
        self.forms = [name_forms(title) for title in titles]
        # Each form under its first two characters: a question is matched against the
        # forms that can start at each of its places, not against every document's.
        self._by_head: dict[str, list[tuple[int, int, str]]] = {}
        for doc, forms in enumerate(self.forms):
            for rank, form in enumerate(forms):
                self._by_head.setdefault(form[:2], []).append((doc, rank, form))
        self._by_kind: dict[str, list[tuple[int, str]]] = {}  # forms by their kind word
        for doc, forms in enumerate(self.forms):
            for form in forms:
                if (kind := kind_of(form)) is not None:
                    self._by_kind.setdefault(kind, []).append((doc, form))

    def _abbreviating(self, name: str) -> list[int]:
        """The documents one of whose forms `name` abbreviates, in library order."""
        docs = {
            doc
            for kind, forms in self._by_kind.items()
            if any(name.endswith(short) for short in KIND_WORDS[kind])
            for doc, form in forms
            if is_abbreviation(name, form)
        }
        return sorted(docs)

    def _exact(self, question: str) -> tuple[list[int], tuple[int, int] | None]:
        """Documents one of whose forms the question contains, the longest form winning
        (each document by its longest form the question holds)."""
        first: dict[int, tuple[int, str]] = {}  # doc → (rank, form) of its longest match
        for at in range(len(question) - 1):
            for doc, rank, form in self._by_head.get(question[at : at + 2], ()):
                if question.startswith(form, at) and rank < first.get(doc, (rank + 1,))[0]:
                    first[doc] = (rank, form)
        if not first:
            return [], None
        length = max(len(form) for _, form in first.values())
        best = sorted(doc for doc, (_, form) in first.items() if len(form) == length)
        form = first[best[0]][1]
        at = question.find(form)
        return best, (at, at + len(form))

    def _abbreviated(self, question: str) -> tuple[list[int], tuple[int, int] | None, str | None]:
        """Documents named by an abbreviation (个保法, 党章, 上海政府工作报告)."""
        for run in CJK_RUN.finditer(question):
            text = run.group(0)
            for short in SHORT_KINDS:
                at = text.find(short)
                while at >= 0:
                    end = at + len(short)
                    if short == "法" and LAW_WORD_GOES_ON.match(text, end):
                        at = text.find(short, end)  # 法典, 法院, 法规: not the law kind 法
                        continue
                    name, lead = text[:end], 0
                    while (match := LEAD_IN.match(name[lead:])) and len(name) - lead > len(
                        short
                    ) + 1:
                        lead += match.end()
                    name = name[lead:]
                    docs = self._abbreviating(name)
                    if docs:
                        return docs, (run.start() + lead, run.start() + end), None
                    at = text.find(short, at + 1)
        return [], None, None

    def _named(self, text: str) -> tuple[list[int], tuple[int, int] | None]:
        """The documents `text` names and where: the longer of an exact form and an
        abbreviation wins (上海政府工作报告 is the Shanghai report, not 政府工作报告)."""
        exact, exact_span = self._exact(text)
        short, short_span, _ = self._abbreviated(text)
        if short_span and (
            not exact_span or short_span[1] - short_span[0] > exact_span[1] - exact_span[0]
        ):
            return short, short_span
        return exact, exact_span

    def naming(self, question: str) -> tuple[tuple[int, ...], str]:
        """The documents `question` names, and the name as it is written there."""
        docs, span = self._named(question)
        return (tuple(docs), question[span[0] : span[1]]) if docs and span else ((), "")

    def refer(self, question: str) -> Reference:
        """What `question` names (see the module docstring)."""
        article = part = None
        rest = question
        match = ARTICLE_REF.search(rest)
        if match and match.group(2) and not self._named(rest[: match.start()])[0]:
            match = None  # 3条建议 counts, 监察法14条 looks up; only 第N条 stands alone
        if match:
            article = number(match.group(1) or match.group(2))
            rest = rest[: match.start()] + " " + rest[match.end() :]
        if match := PART_REF.search(rest):
            value = number(match.group(1))
            part = (match.group(2), value) if value is not None else None
            rest = rest[: match.start()] + " " + rest[match.end() :]
        docs, span = self._named(rest)
        if docs and span:
            years = [doc for doc in docs if _year_in(question, self.forms[doc][0])]
            docs = years or docs
            rest = rest[: span[0]] + " " + rest[span[1] :]
            return Reference(tuple(docs), None, article, part, rest.strip())
        missing = self._missing_name(question, article is not None or part is not None)
        return Reference((), missing, article, part, rest.strip())

    def _missing_name(self, question: str, numbered: bool) -> str | None:
        """A document's name in the question that is not in the library, if it is plainly one."""
        if match := QUOTED_NAME.search(question):
            return match.group(1)
        head = CJK_RUN.match(question.strip())
        if head is None:
            return None
        text = head.group(0)
        if numbered and (ref := re.search(r"第|\d", question)):
            text = question[: ref.start()].strip()
        while (match := LEAD_IN.match(text)) and len(text) > match.end() + 1:
            text = text[match.end() :]
        for kind in ("法典", "条例", "章程", "法"):
            at = text.find(kind)
            if at > 0 and not (kind == "法" and LAW_WORD_GOES_ON.match(text, at + 1)):
                name = text[: at + len(kind)]
                plain = LAW_NAME.match(name) and not NOT_A_NAME.search(name)
                cited = IN_DOCUMENT.match(text, at + len(kind))  # 刑法里, 宪法规定
                if plain and (numbered or len(name) >= 3 or cited):
                    return name
        return None


def _year_in(question: str, title: str) -> bool:
    """Whether the question names the year the title has."""
    match = YEAR_PART.search(title)
    return bool(match and match.group(0)[:4] in question)
