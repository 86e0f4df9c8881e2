"""Saved web pages (.html, .htm): the article's title and main text, one paragraph a line.

* **Encoding**: a BOM, else bytes that are valid UTF-8, else the page's declaration
  (`<meta charset>`, `http-equiv Content-Type`, `<?xml encoding?>`; GBK and GB2312 read as
  their superset GB18030), else GB18030. A declaration the bytes do not fit (a page that
  says utf-8 but is GBK) is passed over.
* **Main text**: readability-lxml (a port of arc90's Readability, chosen by measurement on
  pages shaped like government sites: see README) picks the article's element; its lines
  (each <p>, <h1>-<h6>, <li>, table row and <br>-separated line) then lose what a page puts
  around its article: lines that are all links (menus, related links), toolbars
  (【字号：大 中 小】【打印】), source/time/editor lines, breadcrumbs, share buttons,
  footers (版权所有, 网站标识码, ICP备), and everything from a 相关报道 line on.
* **Title**: the article's own title: an element of the page (<h1>, a title <div> or
  <td>, <h2>, its ArticleTitle meta) that is the <title> without the site's name (文章_站点,
  主标题——副标题_栏目_站点), else the ArticleTitle meta or an <h1> that is no logo, else
  the title-like element nearest above the text, else the <title>'s part that is no site
  name. It is the text's first line, marked as the title (level 0), so the outline takes
  the subtitle and date lines under it and gives a periodic title its year, as for a .txt.

The libraries are imported inside extract_article, so that corpora without web pages never
pay for them. A page without article text raises UnreadableFile with the reason.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.documents.outline import END_OF_TEXT, WEB_META
from bot.documents.reading import Extracted, ReadLimits, UnreadableFile

if TYPE_CHECKING:
    from lxml.html import HtmlElement

SUFFIXES = (".html", ".htm")
DECLARATION_BYTES = 4096  # where a page's encoding declaration is looked for
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
GB_ENCODINGS = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "euc_cn", "hz"}  # codec names
MAX_REPLACED = 0.001  # undecodable bytes a page may have (a truncated save), per character
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"}
    | {"hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul"}
)
CELL_TAGS = frozenset({"td", "th"})
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "select"})
CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
SEGMENT_BREAK = re.compile(rf"(?<=[{CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{CJK}])")
HTML_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")
LINE_EDGES = " \t\u3000\xa0"
WORD_CHAR = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
LINK_SHARE = 0.9  # a line this much of whose words are links is a menu or a list of links

MAX_CHROME_LINE = 100  # a page's toolbar, meta or footer line is shorter; text is never cut
CHROME = re.compile(
    r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|当前页面)\s*[:：]"
    r"|^分享到|^(?:上一篇|下一篇)\s*[:：]|扫一扫在手机"
)
FOOTER = re.compile(r"版权所有|网站标识码|ICP备|公网安备|Copyright|©")
TOOLBAR_WORDS = re.compile(
    r"字号|字体|打印本页|打印|关闭窗口|关闭|收藏本页|收藏|全屏|下载|分享|返回顶部|我要纠错|纠错"
    r"|加大|还原|减小|放大|缩小|默认|[大中小]|[【】\[\]:：|/\s]"
)
META_FIELD = re.compile(
    r"(?:来源|时间|日期|发布时间|发布日期|发布机构|作者|编辑|浏览次数|浏览|点击数|点击|阅读数|字号|字体)"
    r"\s*[:：]"
)
DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
PROSE = re.compile(r"[。！？；]")
MIN_TEXT_WORDS = 200  # an article without a sentence (a table, a list of names) is this long

TITLE_SEPARATOR = re.compile(r"((?:\s*(?:_|\||｜|——|\s[-–—]\s)\s*)+)")
SITE_NAME = re.compile(r"(?:网|网站|门户|官网|首页|频道|之窗|在线|人民政府|政府|人大|政协)$")
TITLE_CLASS = re.compile(r"title|tit\b|biaoti|bt\b|headline|heading", re.IGNORECASE)
MAX_TITLE = 80
TITLE_SEARCH_LINES = 5  # the title is looked for this far into the article's lines


def read_webpage(path: Path, limits: ReadLimits) -> Extracted:
    """A saved web page's article: its title (first line, level 0) and its main text."""
    return extract_article(decode_html(path.read_bytes()))


def extract_article(html: str) -> Extracted:
    """The article of a decoded page (see the module docstring). Raises UnreadableFile."""
    import lxml.html
    from readability import Document

    if not html.strip():
        raise UnreadableFile("empty file")
    # readability logs its failures with a traceback; they are reported here instead
    logging.getLogger("readability.readability").setLevel(logging.CRITICAL)
    try:
        tree = lxml.html.document_fromstring(XML_DECLARATION.sub("", html))
        candidates, head_title = title_candidates(tree), tree.findtext(".//title") or ""
        summary = Document(tree).summary(html_partial=True)
        content = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception as error:  # lxml and readability raise many types on a broken page
        raise UnreadableFile(f"not a readable web page ({type(error).__name__})") from None
    lines = article_lines(element_lines(content))
    title = page_title(candidates, head_title, lines[:TITLE_SEARCH_LINES])
    lines = without_title(lines, title)
    if not has_article_text(lines):
        raise UnreadableFile("no article text on the page (only menus, links or a footer)")
    if not title:
        return Extracted("\n".join(lines) + "\n")
    return Extracted("\n".join([title, *lines]) + "\n", levels={0: 0})


def has_article_text(lines: list[str]) -> bool:
    """Whether what is left of a page is an article: a sentence, or a long table or list."""
    if any(PROSE.search(line) for line in lines):
        return True
    return sum(len(WORD_CHAR.findall(line)) for line in lines) >= MIN_TEXT_WORDS


def decode_html(data: bytes) -> str:
    """A page's text: BOM, else valid UTF-8, else its declared encoding, else GB18030.

    Raises UnreadableFile when no encoding fits (beyond a few broken bytes).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes), not a web page")
    candidates = ["utf-8", declared_encoding(data) or "gb18030", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    for encoding in candidates:  # a page cut short or with a stray byte: replace a few
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") <= max(2, len(text) * MAX_REPLACED):
            return text
    raise UnreadableFile("not UTF-8, GBK or GB18030 text (undecodable bytes)")


def declared_encoding(data: bytes) -> str | None:
    """The codec a page declares in its head (GBK and GB2312 as GB18030), or None when it
    declares none, or one Python does not know."""
    match = DECLARED_CHARSET.search(data[:DECLARATION_BYTES])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", errors="ignore")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in GB_ENCODINGS:
        return "gb18030"
    if name in ("latin-1", "iso8859-1", "cp1252", "ascii", "utf-16", "utf-32"):
        return None  # what a misconfigured server says of Chinese pages, or cannot be so
    return name


@dataclass
class _Line:
    """A line being gathered: its pieces of text and how many word characters are links."""

    pieces: list[str] = field(default_factory=list)
    link_words: int = 0


def element_lines(root: HtmlElement) -> list[tuple[str, float]]:
    """The lines of an element's text, each with the share of its words that are links:
    one line per block element and per <br>, table cells separated by a space, HTML
    whitespace collapsed (a line break between two Chinese characters is no space)."""
    lines: list[tuple[str, float]] = []
    current = _Line()

    def flush() -> None:
        nonlocal current
        text = HTML_SPACE.sub(" ", SEGMENT_BREAK.sub("", "".join(current.pieces)))
        text = text.strip(LINE_EDGES)
        if text:
            words = len(WORD_CHAR.findall(text))
            lines.append((text, current.link_words / words if words else 0.0))
        current = _Line()

    def add(text: str | None, in_link: bool) -> None:
        if text:
            current.pieces.append(text)
            if in_link:
                current.link_words += len(WORD_CHAR.findall(text))

    def walk(element: HtmlElement, in_link: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag and tag not in SKIPPED_TAGS:
            link = in_link or (tag == "a" and element.get("href") is not None)
            if tag == "br" or tag in BLOCK_TAGS:
                flush()
            if tag == "pre":
                for piece in (element.text_content() or "").splitlines():
                    add(piece, link)
                    flush()
            else:
                add(element.text, link)
                for child in element:
                    walk(child, link)
            if tag in BLOCK_TAGS:
                flush()
            elif tag in CELL_TAGS:
                add(" ", link)
        add(element.tail, in_link)

    walk(root, False)
    flush()
    return lines


def article_lines(lines: list[tuple[str, float]]) -> list[str]:
    """The article's lines among an element's: without link lists, toolbars, meta lines,
    breadcrumbs and share buttons, and without a footer or a list of related links at
    the end (from its first line on)."""
    kept: list[str] = []
    for position, (line, link_share) in enumerate(lines):
        if END_OF_TEXT.match(line):
            break
        if FOOTER.search(line) and len(line) <= MAX_CHROME_LINE:
            if all(len(rest) <= MAX_CHROME_LINE for rest, _ in lines[position:]):
                break
            continue
        if link_share >= LINK_SHARE or is_chrome(line):
            continue
        kept.append(line)
    return kept


def is_chrome(line: str) -> bool:
    """Whether a line is what a site puts around an article: a toolbar, a source/time/
    editor line, a breadcrumb, share buttons, a previous/next link."""
    if len(line) > MAX_CHROME_LINE:
        return False
    if WEB_META.match(line) or CHROME.search(line):
        return True
    if not TOOLBAR_WORDS.sub("", line) and ("【" in line or "字号" in line or "打印" in line):
        return True
    fields = len(META_FIELD.findall(line))
    return fields >= 2 or (fields == 1 and bool(DATE.search(line)))


def without_title(lines: list[str], title: str) -> list[str]:
    """The lines without the title's own line (and what stands above it) at their top."""
    wanted = squeeze(title)
    for position, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if wanted and squeeze(line) == wanted:
            return lines[position + 1 :]
    return lines


def squeeze(text: str) -> str:
    """Text without any whitespace, to compare titles."""
    return "".join(text.split())


def page_title(candidates: list[tuple[str, str]], head_title: str, first_lines: list[str]) -> str:
    """The article's title, or "" when the page names none: of the texts that may be it
    (title_candidates), one that is the <title> (`head_title`) without the site's name,
    else the ArticleTitle meta, else an <h1>, else the one nearest above the text among
    the article's first lines, else the <title>'s part that is no site name."""
    pieces = title_pieces(head_title)
    parts = pieces[::2]
    # the leading parts that may be the article's title (主标题——副标题_站点), never the
    # last part alone (the site's name), unless it is the only one
    prefixes = {squeeze("".join(pieces[:end])) for end in range(1, max(len(pieces) - 1, 2), 2)}
    if len(parts) == 1 and SITE_NAME.search(parts[0]):
        prefixes = set()  # a <title> that is only the site's name
    candidates = [(kind, text) for kind, text in candidates if not is_chrome(text)]
    for _kind, text in candidates:
        if squeeze(text) in prefixes:
            return text
    candidates = [(kind, text) for kind, text in candidates if not SITE_NAME.search(text)]
    for kind, text in candidates:
        if kind in ("meta", "h1"):
            return text
    others = {squeeze(text): text for _kind, text in candidates}
    for line in reversed(lines_before_text(first_lines)):  # the nearest above the text
        if squeeze(line) in others:
            return others[squeeze(line)]
    return fallback_title(parts)


def lines_before_text(lines: list[str]) -> list[str]:
    """The lines above the first sentence of text."""
    for position, line in enumerate(lines):
        if PROSE.search(line):
            return lines[:position]
    return lines


def title_pieces(title: str) -> list[str]:
    """A <title> cut at its separators (_ | —— -), the separators kept between the parts:
    文章_栏目_站点 → [文章, _, 栏目, _, 站点]."""
    pieces = TITLE_SEPARATOR.split(" ".join(title.split()))
    if pieces and not pieces[0]:
        pieces = pieces[2:]  # a <title> that starts with a separator
    if pieces and not pieces[-1]:
        pieces = pieces[:-2]
    return pieces


def title_candidates(tree: HtmlElement) -> list[tuple[str, str]]:
    """Texts that may be the article's title, each with its kind, in this order: the
    ArticleTitle meta ("meta"), <h1>s that are no logo link ("h1"), elements with a title
    class or id, <h2>s and og:title ("other")."""
    found = [
        ("meta", meta.get("content") or "")
        for meta in tree.xpath("//meta[@name]")
        if meta.get("name", "").lower() == "articletitle"
    ]
    found += [("h1", h1.text_content()) for h1 in tree.iter("h1") if not h1.xpath(".//a[@href]")]
    for element in tree.iter("div", "td", "p", "span", "h2", "h3", "strong"):
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if TITLE_CLASS.search(marks):
            found.append(("other", element.text_content()))
    found += [("other", h2.text_content()) for h2 in tree.iter("h2")]
    found += [
        ("other", meta.get("content") or "")
        for meta in tree.xpath("//meta[@property]")
        if meta.get("property") == "og:title"
    ]
    texts = {(kind, " ".join(text.split())): None for kind, text in found}
    return [(kind, text) for kind, text in texts if 2 <= len(text) <= MAX_TITLE]


def fallback_title(parts: list[str]) -> str:
    """The <title>'s part that names the article: the first, unless it is the site's name
    and another part is not."""
    if not parts:
        return ""
    for part in parts:
        if not SITE_NAME.search(part):
            return part
    return parts[0] if len(parts) == 1 else ""
