"""Text → front matter, title and outline blocks, from the structure of official documents.

* **Front matter** is every line before the title: a reseller's or a website's block of
  short lines (brand, subscription and group notices). It is found by where it stands,
  not by what it says, and is never indexed.
* **The title** is the first title-like line (short, not a sentence, not numbered) that is
  followed, past its subtitle, byline and date lines, by the start of the text: a
  salutation (同志们：), an outline heading (第一章, 一、, 总纲) or a long paragraph. A
  title spread over two lines is joined. A periodic title without a year (政府工作报告)
  takes the year of its date line.
* **Outline**: 第X编/章/部分, 总纲/总则…, 第X节, 一、, （一）, 1./1、, （1）, ①, 一是/一要
  and —— lead paragraphs, Markdown `#` and .docx heading styles. Levels follow the
  order official documents use (章 › 节 › 一、 › （一） › 1. › （1） › ①), so numbering
  that restarts nests under the right parent. A numbered paragraph that carries a body
  after its lead sentence has that sentence as heading.
* **Articles**: a 第X条 is never a heading. It is one `article` block with everything up
  to the next article or heading (its items （一）… and paragraphs).
* **Lists**: numbered one-sentence items after a line ending in ： (or ending in ；) stay
  in the paragraph that introduces them.
* Promotional lines anywhere in the text (patterns in data/boilerplate.txt), a web page's
  metadata lines (来源：…, 责任编辑：…) and everything from its 相关报道 on are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.chars import CLAUSE_END, SENTENCE_END, SPACES
from bot.models import Block

CN_NUM = "零〇一二三四五六七八九十百千两"
CLOSERS = "”’」』）)"
MAX_BOILERPLATE_LINE = 120
MAX_TITLE_CHARS = 80
MAX_SHORT_HEADING = 40  # 第一章 总则 and its kind are short lines
LONG_PARAGRAPH = 60  # a line this long is text, not a title block
SHORT_PARAGRAPH = 15  # a sentence this long, before more text, starts the text too
SENTENCE_OF_TEXT = 30  # a line ending in 。 this long is the text, not a notice
TITLE_SEARCH_LINES = 40
MAX_META_LINES = 6
FRONT_MATTER_LINES = 15  # a salutation-led title is looked for this far past long notices
MAX_LEAD_CHARS = 50  # a numbered lead sentence longer than this is an item, not a heading

# Heading styles: (style, rank, pattern). A lower rank is an outer level.
HEADING_STYLES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 0, re.compile(rf"^第[{CN_NUM}\d]+(?:编|部分)(?=[\s:：、]|$|[\u4e00-\u9fff])")),
    ("chapter", 1, re.compile(rf"^第[{CN_NUM}\d]+章(?=[\s:：、]|$|[\u4e00-\u9fff])")),
    ("named", 1, re.compile(r"^(?:总纲|总则|分则|附则|序言|前言|引言|结束语|结语)$")),
    ("section", 2, re.compile(rf"^第[{CN_NUM}\d]+节(?=[\s:：、]|$|[\u4e00-\u9fff])")),
    ("cn", 3, re.compile(rf"^[{CN_NUM}]+[、，,．.](?![{CN_NUM}]+[、，,等])")),
    ("paren_cn", 4, re.compile(rf"^[（(][{CN_NUM}]+[）)]")),
    ("arabic", 5, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))(?!\d)")),
    ("paren_arabic", 6, re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", 7, re.compile(r"^[\u2460-\u2473\u3251-\u325f]")),
    ("enum", 8, re.compile(rf"^[{CN_NUM}]{{1,3}}(?:是|要)(?=[^{SENTENCE_END}，,]{{2}})")),
    ("dash", 8, re.compile(r"^——(?=[^—\s])")),
)
ARTICLE = re.compile(  # **第一条** in Markdown too
    rf"^(?:\*\*)?第([{CN_NUM}\d]+)条(?:之[{CN_NUM}]+)?(?:\*\*)?(?=[\s\u3000]|$|[\u4e00-\u9fff（(“])"
)
INDENTED_LINE = 200  # only a line this long holds paragraphs (第一章　总　　则 is a heading)
INDENT = re.compile(r"(?<=\S)\u3000{2,}(?=\S)")  # a paragraph indent inside a line
MARKDOWN_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
HTML_COMMENT = re.compile(r"^<!--.*-->$")
# Styles that head a short line of their own; a long line starting so is body text.
SHORT_STYLES = {"part", "chapter", "named", "section"}
# Styles whose scope ends with their own paragraph (一是…二是… enumerate within a section).
PARAGRAPH_SCOPED = {"enum", "dash"}
# Styles a list item may use (a one-sentence line in a list introduced by "：").
ITEM_STYLES = {"paren_cn", "arabic", "paren_arabic", "circled"}
# Styles that close an open article.
CLOSES_ARTICLE = {"part", "chapter", "named", "section", "cn"}
# A paragraph starting like this closes every open section (a speech's closing words).
OUTLINE_RESET = re.compile(r"^同志们[，,！!：:]")
DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}[-./]\d{1,2}[-./]\d{1,2}")
# A web page's or a file's metadata lines (来源：浙江日报, 时间：2026-01-22, 责任编辑：…).
WEB_META = re.compile(
    r"^[（(【\[]?\s*(?:来源|时间|日期|作者|发布时间|发布日期|发布机构|编辑|责任编辑|字号|浏览次数"
    r"|点击数|分享到)\s*[:：]"
)
# A web page's list of related links: the article ends above it.
END_OF_TEXT = re.compile(r"^(?:相关报道|相关链接|相关阅读|相关新闻|相关文章|延伸阅读)\s*[:：]?$")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
PERIODIC_TITLE = re.compile(r"报告|计划|规划|要点|总结")
# A title's first line that goes on in the next one (中共中央 国务院 / 关于…的 / 若干意见).
TITLE_CONTINUES = re.compile(
    r"(?:[的和与及暨之、]|关于|中央|国务院|委员会|人民政府|办公厅|办公室|法院|检察院)$"
)


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    """The editable list of boilerplate line patterns shipped in data/boilerplate.txt."""
    raw = resources.files("bot").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in raw.splitlines())
    return tuple(re.compile(line) for line in lines if line and not line.startswith("#"))


def is_boilerplate(line: str) -> bool:
    """True when a (stripped) line is a promotion/distribution notice, not document text."""
    if len(line) > MAX_BOILERPLATE_LINE:
        return False
    return any(pattern.search(line) for pattern in boilerplate_patterns())


@dataclass(frozen=True)
class Line:
    """A non-empty line of text: its stripped content and where it sits."""

    index: int
    start: int
    end: int
    text: str


def content_lines(text: str) -> list[Line]:
    """Non-empty lines with their stripped spans in `text` (HTML comments left out).

    A paragraph indent inside a line (two or more ideographic spaces, as text copied from
    a web page keeps when its line breaks are lost) starts a new line too.
    """
    lines = []
    offset = 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        position = 0
        for piece in INDENT.split(raw) if len(raw) > INDENTED_LINE else [raw]:
            stripped = piece.strip(SPACES)
            if stripped and not HTML_COMMENT.match(stripped):
                start = offset + raw.index(stripped, position)
                lines.append(Line(index, start, start + len(stripped), stripped))
                position = start - offset + len(stripped)
        offset += len(raw)
    return lines


MARKDOWN_LIST = re.compile(r"^(?:[-*+>][ \t]+)+(?=\S)")


def strip_list_marker(line: Line) -> Line:
    """A Markdown line without its list or quote markers (`- #### 三、…` → `#### 三、…`)."""
    match = MARKDOWN_LIST.match(line.text)
    if not match:
        return line
    return Line(line.index, line.start + match.end(), line.end, line.text[match.end() :])


def article_label(match: re.Match[str]) -> str:
    """An article's label as it stands, without Markdown emphasis (**第一条** → 第一条)."""
    return match.group(0).strip("*")


def heading_style(line: str) -> tuple[str, int] | None:
    """The numbering style a line starts with and its rank, or None for body text."""
    for style, rank, pattern in HEADING_STYLES:
        if pattern.match(line):
            if style in SHORT_STYLES and len(line) > MAX_SHORT_HEADING:
                return None
            return style, rank
    return None


CITED_STYLES = {"part", "chapter", "named", "section", "cn", "paren_cn", "arabic", "paren_arabic"}


def heading_label(heading: str) -> str:
    """The numbering a heading is cited by (第三章, 二、, （三）, 32．, 总则), or "" for a heading
    without one (——lead lines and 一要 items are cited by their parent)."""
    for style, _, pattern in HEADING_STYLES:
        if style in CITED_STYLES and (match := pattern.match(heading)):
            return match.group(0).strip()
    return ""


def heading_numbering(heading: str) -> str:
    """The numbering a heading opens with, of any style (一、, （三）, 一要, ——), or ""."""
    for _, _, pattern in HEADING_STYLES:
        if match := pattern.match(heading):
            return match.group(0)
    return ""


def is_meta(line: str, byline: bool = True) -> bool:
    """A subtitle, byline, date or note line of a title block (——2020年5月22日在…,
    国务院总理 李克强, （2017年10月24日通过）); `byline=False` leaves bylines out."""
    if ARTICLE.match(line):
        return False
    if line.startswith(("——", "─")) or (line[0] in "（(" and line[-1] in "）)"):
        return True
    if WEB_META.match(line):
        return True
    if DATE.search(line) and len(line) <= 120 and heading_style(line) is None:
        return True
    return (
        byline
        and len(line) <= 24
        and heading_style(line) is None
        and bool(re.search(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]", line))
    )


def looks_like_title(line: str) -> bool:
    """A short line that is not a sentence, not numbered, not a salutation or date line."""
    return (
        2 <= len(line) <= MAX_TITLE_CHARS
        and line[-1] not in SENTENCE_END + CLAUSE_END + "，,"
        and heading_style(line) is None
        and not ARTICLE.match(line)
        and not OUTLINE_RESET.match(line)
        and not is_meta(line, byline=False)
    )


def _heading_text(line: str, markdown: bool) -> str:
    match = MARKDOWN_HEADING.match(line) if markdown else None
    return match.group(2) if match else line


def starts_text(lines: Sequence[Line], at: int, markdown: bool) -> bool:
    """Whether lines[at] starts a document's text: an outline heading, a long paragraph,
    or a salutation (a line ending in ： followed by one of those)."""
    if at >= len(lines):
        return False
    text = _heading_text(lines[at].text, markdown)
    if heading_style(text) or ARTICLE.match(text) or len(text) >= LONG_PARAGRAPH:
        return True
    if markdown and MARKDOWN_HEADING.match(lines[at].text):
        return True
    if at + 1 >= len(lines):
        return False
    following = _heading_text(lines[at + 1].text, markdown)
    if text[-1] in "：:" and len(text) <= MAX_SHORT_HEADING:  # a salutation
        return bool(
            heading_style(following)
            or ARTICLE.match(following)
            or len(following) >= 20
            or following[-1] in SENTENCE_END
        )
    if text[-1] == "。" and len(text) >= SHORT_PARAGRAPH:  # a short first paragraph
        return bool(heading_style(following) or ARTICLE.match(following) or len(following) >= 40)
    return False


@dataclass(frozen=True)
class TitleBlock:
    """Where the title is: its text, the lines it takes, and where the text begins."""

    title: str | None
    first: int  # position of the title's first line (everything before is front matter)
    after: int  # position of the first line after the title
    text_start: int  # position of the first line after its subtitle, byline and date lines


def find_title(
    lines: Sequence[Line], markdown: bool = False, explicit: Mapping[int, int] | None = None
) -> TitleBlock:
    """The title block of a document (see the module docstring); no title: (None, 0, 0, 0).

    A title stands before the text begins. Only a title followed by a salutation (同志们：)
    is also looked for past a long line of the first few (a notice as long as a sentence).
    """
    explicit = explicit or {}
    for position, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if explicit.get(line.index) == 0:  # its subtitle, byline and date lines are text
            return TitleBlock(
                line.text, position, position + 1, meta_end(lines, position + 1, explicit)
            )
        md = MARKDOWN_HEADING.match(line.text) if markdown else None
        if md and len(md.group(1)) == 1:
            return TitleBlock(md.group(2), position, position + 1, position + 1)
        text = md.group(2) if md else line.text
        sentence = text[-1] == "。" and len(text) >= SENTENCE_OF_TEXT
        if len(text) >= LONG_PARAGRAPH or sentence or heading_style(text) or ARTICLE.match(text):
            break  # the text has begun: there was no title line
        if found := _title_at(lines, position, text, markdown):
            return found
    for position, line in enumerate(lines[:FRONT_MATTER_LINES]):
        if line.text[-1] == "。":
            break  # a paragraph of text, not a notice: what follows is no title
        found = _title_at(lines, position, line.text, markdown)
        if found and found.text_start < len(lines) and is_salutation(lines, found.text_start):
            return found
    return TitleBlock(None, 0, 0, 0)


def _title_at(
    lines: Sequence[Line], position: int, text: str, markdown: bool
) -> TitleBlock | None:
    """The title block starting at lines[position] (its text `text`), if it is one."""
    if not looks_like_title(text) or is_boilerplate(text):
        return None
    line, after, title = lines[position], position + 1, text
    if after < len(lines) and lines[after].index == line.index + 1:
        second = lines[after].text
        if (
            looks_like_title(second)
            and len(title) + len(second) <= MAX_TITLE_CHARS
            and TITLE_CONTINUES.search(title)
        ):
            title, after = title + second, after + 1
    end = meta_end(lines, after)
    if starts_text(lines, end, markdown):
        return TitleBlock(title, position, after, end)
    return None


def meta_end(lines: Sequence[Line], after: int, explicit: Mapping[int, int] | None = None) -> int:
    """Where the subtitle, byline and date lines that follow a title (at `after`) end; a
    line with an explicit heading level ends them too."""
    end = after
    while end < len(lines) and end - after < MAX_META_LINES:
        if not is_meta(lines[end].text) or (explicit and lines[end].index in explicit):
            break
        end += 1
    return end


def is_salutation(lines: Sequence[Line], at: int) -> bool:
    """Whether lines[at] addresses an audience (同志们：, 各位代表：) before a paragraph."""
    text = lines[at].text
    following = lines[at + 1].text if at + 1 < len(lines) else ""
    return text[-1] in "：:" and len(text) <= 20 and len(following) >= 20


def title_with_year(title: str, lines: Sequence[Line], after: int, file_name: str = "") -> str:
    """A periodic title (政府工作报告) without a year gets the year of its date line,
    else of its file name; other titles are returned as they are."""
    if YEAR.search(title) or not PERIODIC_TITLE.search(title):
        return title
    for line in lines[after : after + MAX_META_LINES]:
        if not is_meta(line.text):
            break
        if match := YEAR.search(line.text):
            return f"{match.group(1)}年{title}"
    if match := YEAR.search(file_name):
        return f"{match.group(1)}年{title}"
    return title


def lead_sentence_end(line: str) -> int | None:
    """Where the first sentence of `line` ends, if more text follows it."""
    for index, char in enumerate(line):
        if char in SENTENCE_END or (char in "：:" and index < len(line) - 1):
            end = index + 1
            while end < len(line) and line[end] in CLOSERS:
                end += 1
            rest = line[end:].strip(SPACES)
            return end if rest else None
    return None


def is_list_item(line: str, style: str, previous: str | None, in_list: bool) -> bool:
    """A numbered line that is an item of a list rather than a heading: it ends in ；, or it
    is one sentence in a list that a line ending in ： introduced."""
    if style not in ITEM_STYLES:
        return False
    if line[-1] in "；;，,":
        return True
    opened = in_list or (previous is not None and previous[-1] in "：:")
    return opened and line[-1] in SENTENCE_END and lead_sentence_end(line) is None


@dataclass
class _Open:
    style: str
    rank: int
    text: str


class _Outline:
    """The outline walk's state: open headings, the open article, the blocks so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[_Open] = []
        self.blocks: list[Block] = []
        self.article: Block | None = None
        self.in_list = False

    def path(self) -> tuple[str, ...]:
        return tuple(o.text for o in self.stack)

    def close_article(self) -> None:
        if self.article is not None:
            self.blocks.append(self.article)
            self.article = None

    def heading(self, style: str, rank: int, start: int, end: int) -> None:
        self.close_article()
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        self.stack.append(_Open(style, rank, self.text[start:end]))
        self.blocks.append(Block("heading", start, end, len(self.stack) - 1))

    def body(self, start: int, end: int, joins_previous: bool = False) -> None:
        if self.article is not None:
            self.article = Block(
                "article", self.article.start, end, self.article.depth,
                self.article.headings, self.article.label,
            )  # fmt: skip
            return
        previous = self.blocks[-1] if self.blocks else None
        if joins_previous and previous is not None and previous.kind == "body":
            self.blocks[-1] = Block("body", previous.start, end, previous.depth, previous.headings)
            return
        self.blocks.append(Block("body", start, end, len(self.stack), self.path()))

    def open_article(self, start: int, end: int, label: str) -> None:
        self.close_article()
        while self.stack and self.stack[-1].style in PARAGRAPH_SCOPED:
            self.stack.pop()
        self.article = Block("article", start, end, len(self.stack), self.path(), label)


@dataclass(frozen=True)
class ParsedOutline:
    """A document's title, its outline blocks, and where the document proper begins."""

    title: str | None
    blocks: tuple[Block, ...]
    start: int  # the title's first line (else the first block): before it, front matter


def parse_outline(
    text: str,
    line_levels: Mapping[int, int] | None = None,
    markdown: bool = False,
    file_name: str = "",
) -> tuple[str | None, tuple[Block, ...]]:
    """Split `text` into (title, blocks): heading, body and article blocks with their paths.

    `line_levels` maps line indexes to explicit heading levels (0 = title), as given
    by a .docx file's paragraph styles; `markdown` enables `#` headings; `file_name`
    may give a periodic title its year. Front matter yields no block.
    """
    parsed = read_outline(text, line_levels, markdown, file_name)
    return parsed.title, parsed.blocks


def read_outline(
    text: str,
    line_levels: Mapping[int, int] | None = None,
    markdown: bool = False,
    file_name: str = "",
) -> ParsedOutline:
    """`parse_outline`, and where the document proper begins: the title line is not a
    block, so the text from its first line on is the document, everything before it
    front matter (with no title, the first block begins the document)."""
    line_levels = line_levels or {}
    lines = content_lines(text)
    if markdown:
        lines = [strip_list_marker(line) for line in lines]
    found = find_title(lines, markdown, line_levels)
    title = found.title and title_with_year(found.title, lines, found.after, file_name)
    outline = _Outline(text)
    previous: str | None = None
    for position, line in enumerate(lines[found.after :], found.after):
        if END_OF_TEXT.match(line.text):
            break  # a page's related links follow: the document has ended
        numbered = ARTICLE.match(line.text) or heading_style(line.text)
        in_article = outline.article is not None
        if not (numbered or in_article) and is_boilerplate(line.text):
            continue  # a notice (but 第二条 任何单位不得倒卖车票 is an article)
        if WEB_META.match(line.text):
            continue  # a page's 来源/时间/责任编辑 line: not the document's text
        if line_levels.get(line.index) == 0:
            continue
        if position < found.text_start:  # subtitle, byline, date: text, never a heading
            outline.body(line.start, line.end)
            continue
        _walk_line(outline, line, line_levels.get(line.index), markdown, previous)
        previous = line.text
    outline.close_article()
    blocks = tuple(outline.blocks)
    if found.title is not None:
        start = lines[found.first].start
    else:
        start = blocks[0].start if blocks else 0
    return ParsedOutline(title, blocks, start)


def _explicit_heading(
    outline: _Outline, line: Line, explicit: int | None, md: re.Match[str] | None
) -> None:
    """A heading the file marks itself (a .docx heading style, or Markdown's #s)."""
    start, end = line.start, line.end
    if md:
        explicit, start, end = len(md.group(1)), start + md.start(2), start + md.end(2)
    if found := ARTICLE.match(outline.text[start:end]):  # `## 第一条 …`: an article still
        outline.open_article(start, end, article_label(found))
        return
    outline.in_list = False
    outline.heading("explicit", -10 + (explicit or 1), start, end)


def _walk_line(
    outline: _Outline, line: Line, explicit: int | None, markdown: bool, previous: str | None
) -> None:
    """One line into the outline: a heading the file marks, an article, body text, a
    list item, or a numbered heading (its lead sentence the title, the rest body)."""
    text, start, end = outline.text, line.start, line.end
    md = MARKDOWN_HEADING.match(line.text) if markdown else None
    if explicit is not None or md:
        _explicit_heading(outline, line, explicit, md)
        return
    if OUTLINE_RESET.match(line.text):
        outline.close_article()
        outline.stack.clear()
    if article := ARTICLE.match(line.text):
        outline.in_list = False
        outline.open_article(start, end, article_label(article))
        return
    styled = heading_style(line.text)
    if styled is None or (outline.article is not None and styled[0] not in CLOSES_ARTICLE):
        outline.body(start, end)
        outline.in_list = outline.in_list and line.text[-1] in "；;，,。"
        if line.text[-1] in "：:":
            outline.in_list = True
        return
    style, rank = styled
    if is_list_item(line.text, style, previous, outline.in_list):
        outline.in_list = line.text[-1] not in SENTENCE_END or outline.in_list
        outline.body(start, end, joins_previous=True)
        return
    split = lead_sentence_end(line.text) if style not in SHORT_STYLES else None
    if style in ITEM_STYLES and (split or len(line.text)) > MAX_LEAD_CHARS:
        outline.body(start, end)  # a numbered paragraph, not a heading: its lead is no title
        return
    outline.in_list = False
    head_end = start + split if split else end
    outline.heading(style, rank, start, head_end)
    if split:
        rest = text[head_end:end]
        outline.body(head_end + len(rest) - len(rest.lstrip(SPACES)), end)
        if line.text[-1] in "：:":
            outline.in_list = True
    if style in PARAGRAPH_SCOPED:
        outline.stack.pop()
