"""Answer → what a reader sees: terminal text, JSON, and Telegram HTML for a phone screen;
quote checks as terminal text and JSON."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.chars import SENTENCE_END
from bot.documents.outline import heading_label, heading_numbering
from bot.models import Answer, Chunk, Closest, Edit, Hit, Place, QuoteCheck

BOLD, RESET, DIM = "\033[1m", "\033[0m", "\033[2m"
PATH_SEPARATOR = " › "


def heading_path(chunk: Chunk) -> str:
    """Document title and section path, outermost first."""
    return PATH_SEPARATOR.join((chunk.title, *chunk.headings))


def chunk_dict(chunk: Chunk) -> dict[str, Any]:
    """A passage as the JSON contract describes it."""
    return {
        "id": chunk.id,
        "doc": chunk.doc,
        "title": chunk.title,
        "headings": list(chunk.headings),
        "article": chunk.article,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "pages": list(chunk.pages),
    }


def page_label(pages: Sequence[int]) -> str:
    """Where a passage is printed, as readers cite it: 第 5 页, 第 5–6 页 ("" without pages)."""
    if not pages:
        return ""
    if pages[0] == pages[-1]:
        return f"第 {pages[0]} 页"
    return f"第 {pages[0]}–{pages[-1]} 页"


def hit_dict(hit: Hit) -> dict[str, Any]:
    """A ranked passage for `ask --json`: the passage, its score and highlight spans."""
    return {
        **chunk_dict(hit.chunk),
        "score": round(hit.score, 6),
        "highlights": [list(span) for span in hit.highlights],
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    """One line of `ask --json`: `results` answer; `missing` names what the library
    lacks; `related` holds weak matches (each `weak: true`), never an answer."""
    line: dict[str, Any] = {"query": answer.query, "results": [hit_dict(h) for h in answer.hits]}
    if answer.missing:
        line["missing"] = answer.missing
    if answer.related:
        line["related"] = [{**hit_dict(hit), "weak": True} for hit in answer.related]
    return line


def missing_text(answer: Answer) -> str:
    """What to say when the question names what the library lacks (资料库中没有《民法典》)."""
    return f"资料库中没有{answer.missing}。" if answer.missing else ""


def mark(text: str, spans: Sequence[tuple[int, int]], before: str, after: str) -> str:
    """`text` with `before`/`after` around each span (spans sorted, non-overlapping)."""
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], before, text[start:end], after]
        position = end
    out.append(text[position:])
    return "".join(out)


def terminal_answer(answer: Answer, color: bool = False) -> str:
    """A readable answer for a terminal; matched words in bold when `color`."""
    if not answer.hits:
        said = missing_text(answer) or "没有找到相关段落。换个说法试试，或用更具体的关键词。"
        if not answer.related:
            return said
        return f"{said}\n\n可能相关（匹配较弱）：\n\n" + terminal_hits(answer.related, color)
    return terminal_hits(answer.hits, color)


def terminal_hits(hits: Sequence[Hit], color: bool) -> str:
    """Ranked passages for a terminal, each under its heading path."""
    blocks = []
    for rank, hit in enumerate(hits, 1):
        chunk = hit.chunk
        where = f"{chunk.doc}:{chunk.start}-{chunk.end}"
        if chunk.pages:
            where += f"  {page_label(chunk.pages)}"
        if hit.score > 0:  # an article looked up by its number has no score
            where += f"  score {hit.score:.2f}"
        head = f"[{rank}] {heading_path(chunk)}"
        if chunk.article and not chunk.text.startswith(chunk.article):
            head += f" › {chunk.article}（续）"
        body = mark(chunk.text, hit.highlights, BOLD, RESET) if color else chunk.text
        if color:
            head, where = f"{BOLD}{head}{RESET}", f"{DIM}{where}{RESET}"
        blocks.append(f"{head}\n{where}\n{body}")
    return "\n\n".join(blocks)


def terminal_chunk(chunk: Chunk) -> str:
    """One passage as `chunks` prints it."""
    pages = f" ({page_label(chunk.pages)})" if chunk.pages else ""
    where = f"{chunk.doc}:{chunk.start}-{chunk.end}{pages}"
    return f"[{chunk.id}] {where} {heading_path(chunk)}\n{chunk.text}"


# --- Telegram HTML ------------------------------------------------------------------
TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units, Telegram's limit for a message
HEADING_CHARS = 26
FIRST_EXCERPT = 160  # characters of the best passage shown open: about ten phone lines
NAMED_EXCERPT = 600  # …of an article or chapter the question named, or a list it asks for
FOLDED_EXCERPT = 600  # characters of a further passage, folded after three lines
SENTENCE_ENDS = SENTENCE_END + "；;\n"  # where a trimmed passage may end
CLOSERS = "”’」』）)"
CITATION_MARK = "📎"
FOLDS_PAST = 3 * 17  # an expandable quote shows three phone lines; a shorter one is not folded
MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def shorten_middle(text: str, limit: int = HEADING_CHARS) -> str:
    """`text` cut to `limit` characters by dropping its middle (一、提高政治站…重大意义)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


def citation(chunk: Chunk, title_chars: int = 0) -> str:
    """Where a passage is, as a reader cites it: 《title》二、（三）, 《title》第十四条, and
    for a printed document its page: 《title》第十四条 第 5 页 (the title shortened to
    `title_chars` when given)."""
    title = shorten_middle(chunk.title, title_chars) if title_chars else chunk.title
    page = f" {page_label(chunk.pages)}" if chunk.pages else ""
    if chunk.article:
        return f"《{title}》{chunk.article}{page}"
    where = ""
    for label in filter(None, map(heading_label, chunk.headings)):
        joiner = "" if not where or where[-1] in "、．.）)" else " "
        where += joiner + label
    if not where and chunk.headings:
        where = " " + shorten_middle(chunk.headings[-1], HEADING_CHARS)
    return f"《{title}》{where}{page}"


def topic_of(chunk: Chunk) -> str:
    """What the passage's section is about: its heading's first clause, without its
    numbering ("" for an article, which its number names)."""
    if chunk.article or not chunk.headings:
        return ""
    heading = chunk.headings[-1]
    topic = heading[len(heading_numbering(heading)) :].strip()
    return CLAUSE_BREAK.split(topic, maxsplit=1)[0].rstrip("。")


SECTION_LINE_CHARS = 24  # two phone lines at most
CLAUSE_BREAK = re.compile(r"[，；：,;:]")


def section_line(chunk: Chunk) -> str:
    """The heading a passage sits under (its innermost; the title if none): its first
    clause when it is long, shortened in the middle past two phone lines."""
    heading = chunk.headings[-1] if chunk.headings else chunk.title
    if len(heading) > SECTION_LINE_CHARS:
        heading = CLAUSE_BREAK.split(heading, maxsplit=1)[0]
    return shorten_middle(heading, SECTION_LINE_CHARS)


def word_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The highlights worth showing: words, not single characters."""
    return [(start, end) for start, end in spans if end - start >= 2]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, closing quotes kept with their sentence."""
    bounds, start, at = [], 0, 0
    while at < len(text):
        if text[at] in SENTENCE_ENDS:
            end = at + 1
            while end < len(text) and text[end] in CLOSERS:
                end += 1
            bounds.append((start, end))
            start = at = end
        else:
            at += 1
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def focus(
    text: str, spans: Sequence[tuple[int, int]], limit: int, context_before: bool = True
) -> tuple[int, int]:
    """The stretch of `text` (at most `limit` characters) around its best-matching sentence:
    the sentence holding the most distinct matched words, with whole sentences around it
    (one before first when `context_before`, then after). Cut inside the sentence, around
    its first match, only when the sentence alone is longer than `limit`."""
    if len(text) <= limit:
        return 0, len(text)
    bounds = sentences(text)

    def weight(sentence: tuple[int, int]) -> int:
        words = {text[s:e] for s, e in spans if s < sentence[1] and e > sentence[0]}
        return sum(len(word) for word in words)

    best = max(range(len(bounds)), key=lambda i: (weight(bounds[i]), -i))
    start, end = bounds[best]
    if end - start > limit:
        first = next((s for s, e in spans if start <= s < end), start)
        start = max(start, min(first - limit // 5, end - limit))
        return start, start + limit
    low = high = best
    turns = [-1, 1] if context_before else [1]
    while True:
        grew = False
        for step in turns:
            if step < 0 and low > 0 and end - bounds[low - 1][0] <= limit:
                low -= 1
                start, grew = bounds[low][0], True
            elif step > 0 and high + 1 < len(bounds) and bounds[high + 1][1] - start <= limit:
                high += 1
                end, grew = bounds[high][1], True
        turns = [1, -1]
        if not grew:
            return start, end


def html_marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped `text` with each span in <b>…</b>."""
    out, position = [], 0
    for start, end in spans:
        out += [html.escape(text[position:start]), "<b>", html.escape(text[start:end]), "</b>"]
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def plain_excerpt(text: str, spans: Sequence[tuple[int, int]], limit: int) -> str:
    """The best stretch of `text` (see `focus`) as plain text, "…" where it was cut."""
    start, end = focus(text, spans, limit, context_before=False)
    body = text[start:end].strip().lstrip("，、；：,;:")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def html_excerpt(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """Escaped text[start:end] with its highlights in bold, "…" where it was cut."""
    cut_before, cut_after = start > 0, end < len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    inside = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if start < e and s < end
    ]
    body = html_marked(text[start:end], inside)
    return ("…" if cut_before else "") + body + ("…" if cut_after else "")


def html_quote(
    text: str, spans: Sequence[tuple[int, int]], limit: int, folded: bool, lead: str = ""
) -> str:
    """A passage's best stretch (≤ `limit` characters) as a blockquote, expandable when
    `folded`; `lead` (escaped) opens it."""
    spans = word_spans(spans)
    start, end = focus(text, spans, limit, context_before=not folded)
    opening = "<blockquote expandable>" if folded and end - start > FOLDS_PAST else "<blockquote>"
    return f"{opening}{lead}{html_excerpt(text, spans, start, end)}</blockquote>"


def html_citation(chunk: Chunk) -> str:
    """The source line: a citation a reader copies with one tap."""
    return cited_code(citation(chunk))


def cited_code(cited: str, after: str = "") -> str:
    """📎 and a citation in <code> (one tap copies it), then `after` (HTML)."""
    return f"{CITATION_MARK} <code>{html.escape(cited)}</code>{after}"


def rank_markers(count: int, first_rank: int = 1) -> list[str]:
    """The marks (① ② ③) that tell passages apart on a page, and their buttons; none for
    an answer of one passage."""
    if count == 1 and first_rank == 1:
        return [""]
    ranks = range(first_rank, first_rank + count)
    return [MARKERS[rank - 1] if rank <= len(MARKERS) else f"({rank})" for rank in ranks]


def telegram_answer(
    hits: Sequence[Hit], header: str, first_rank: int = 1, named: bool = False
) -> str:
    """Telegram HTML for ranked passages under an (escaped) header, for one phone screen.

    The best passage is open and trimmed around its best-matching sentence; the others
    are folded. A heading is printed once for consecutive passages under it, and each
    source ends with its citation line. An article or chapter the question `named`, or
    a list it asks for, opens with more of its text.
    """
    blocks = [header] if header else []
    marks = rank_markers(len(hits), first_rank)
    for at, hit in enumerate(hits):
        chunk, previous = hit.chunk, hits[at - 1].chunk if at else None
        following = hits[at + 1].chunk if at + 1 < len(hits) else None
        lines = []
        if previous is None or (previous.doc, previous.headings) != (chunk.doc, chunk.headings):
            lines.append(f"<b>{html.escape(section_line(chunk))}</b>")
        marker = marks[at] + " " if marks[at] else ""
        opening = NAMED_EXCERPT if named else FIRST_EXCERPT
        limit = opening if at == 0 and first_rank == 1 else FOLDED_EXCERPT
        folded = not (at == 0 and first_rank == 1)
        lines.append(html_quote(chunk.text, hit.highlights, limit, folded, marker))
        if following is None or citation(following) != citation(chunk):
            lines.append(html_citation(chunk))
        blocks.append("\n".join(lines))
    return fit("\n\n".join(blocks))


def fit(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """`text` itself when it fits Telegram's limit (it nearly always does), else cut at
    the last line end that fits, an open quote closed."""
    if utf16_len(text) <= limit:
        return text
    budget, units, cut = limit - 64, 0, 0
    for at, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            break
        if char == "\n":
            cut = at
    text = text[:cut]
    open_quote = text.rfind("<blockquote") > text.rfind("</blockquote>")
    return text + ("…</blockquote>" if open_quote else "\n…")


def telegram_passage(
    chunk: Chunk, spans: Sequence[tuple[int, int]] = (), fold: bool = True
) -> str:
    """One passage on its own (a shared inline result, a page of the contents): its
    heading, the passage (folded when long and `fold`) and its citation; no rank."""
    folded = fold and len(chunk.text) > FIRST_EXCERPT
    quote = html_quote(chunk.text, spans, TELEGRAM_TEXT_LIMIT // 2, folded)
    return fit(f"<b>{html.escape(section_line(chunk))}</b>\n{quote}\n{html_citation(chunk)}")


def telegram_section(
    section: Chunk, passage: Chunk, spans: Sequence[tuple[int, int]] = (), title: str = "📄"
) -> str:
    """The whole section around a passage under `title` (escaped HTML) and its heading:
    what comes before and after folded, the passage itself open and marked (👉), then the
    citation."""
    before = section.text[: passage.start - section.start]
    after = section.text[passage.end - section.start :]
    room = (TELEGRAM_TEXT_LIMIT - 400 - utf16_len(title) - utf16_len(passage.text)) // 2
    parts = [f"{title} · <b>{html.escape(section_line(passage))}</b>"]
    if before.strip():
        kept = before[-max(room, 100) :]
        cut = "…" if len(kept) < len(before) else ""
        parts.append(f"<blockquote expandable>{cut}{html.escape(kept.strip())}</blockquote>")
    body = html_marked(passage.text, word_spans(spans))
    parts.append(f"<blockquote>👉 {body}</blockquote>")
    if after.strip():
        kept = after[: max(room, 100)]
        cut = "…" if len(kept) < len(after) else ""
        parts.append(f"<blockquote expandable>{html.escape(kept.strip())}{cut}</blockquote>")
    parts.append(html_citation(passage))
    return fit("\n".join(parts))


# --- Quote check (原文核对) ------------------------------------------------------------
DIFF_MARKS = {"replace": "〔{quote}→{text}〕", "delete": "〔-{quote}〕", "insert": "〔+{text}〕"}
DIFF_LEGEND = "〔引文→原文〕改了的字，〔+原文〕引文缺的字，〔-引文〕引文多出的字"
PART_PLACES_SHOWN = 3  # places of each part of a spliced quote shown on a terminal


def place_chunk(place: Place) -> Chunk:
    """A place as a passage without an id, for heading paths and citations."""
    return Chunk(
        id="",
        doc=place.doc,
        title=place.title,
        headings=place.headings,
        text=place.text,
        start=place.start,
        end=place.end,
        article=place.article,
        pages=place.pages,
    )


def place_citation(place: Place) -> str:
    """Where a place is, as a reader cites it: 《title》二、（三）, 《title》第十四条 第 5 页."""
    return citation(place_chunk(place))


def place_dict(place: Place) -> dict[str, Any]:
    """A place as the `quote --json` contract describes it (`text == file_text[start:end]`)."""
    return {
        "doc": place.doc,
        "title": place.title,
        "headings": list(place.headings),
        "article": place.article,
        "start": place.start,
        "end": place.end,
        "text": place.text,
        "pages": list(place.pages),
    }


def edit_dict(edit: Edit) -> dict[str, Any]:
    """One difference: op (replace, delete: in the quote only, insert: in the text only),
    the quote's and the text's characters, and where (in the quote, in the place's text)."""
    return {
        "op": edit.op,
        "quote": edit.quote,
        "text": edit.text,
        "at": edit.at,
        "text_at": edit.text_at,
    }


def closest_dict(closest: Closest) -> dict[str, Any]:
    """The closest wording: its place, similarity (0–1) and edits."""
    return {
        **place_dict(closest.place),
        "similarity": round(closest.similarity, 4),
        "edits": [edit_dict(edit) for edit in closest.edits],
    }


def quote_dict(check: QuoteCheck) -> dict[str, Any]:
    """One line of `quote --json`: `exact`, every place (`count` of them), the closest
    wording when not exact (else null) and the parts of a spliced quote (else [])."""
    return {
        "quote": check.quote,
        "exact": check.exact,
        "places": [place_dict(place) for place in check.places],
        "count": check.count,
        "closest": closest_dict(check.closest) if check.closest else None,
        "parts": [
            {
                "text": part.text,
                "start": part.start,
                "end": part.end,
                "places": [place_dict(place) for place in part.places],
                "count": part.count,
            }
            for part in check.parts
        ],
    }


def diff_pieces(closest: Closest) -> list[tuple[str, str, str]]:
    """The closest wording in reading order as (op, quote's characters, text's
    characters): "equal" for the document's text the quote has, "replace" where the
    quote has other characters, "delete" for the quote's extra characters, "insert" for
    the document's characters the quote lacks. The texts of all but "delete" pieces
    make up `closest.place.text`."""
    text, at, pieces = closest.place.text, 0, []
    for edit in closest.edits:
        if edit.text_at > at:
            pieces.append(("equal", "", text[at : edit.text_at]))
        pieces.append((edit.op, edit.quote, edit.text))
        at = max(at, edit.text_at + len(edit.text))
    if at < len(text):
        pieces.append(("equal", "", text[at:]))
    return pieces


def marked_diff(closest: Closest, color: bool = False) -> str:
    """The closest wording with its differences marked: 〔引文→原文〕, 〔+原文〕, 〔-引文〕."""
    out = []
    for op, quote, text in diff_pieces(closest):
        if op == "equal":
            out.append(text)
            continue
        marked = DIFF_MARKS[op].format(quote=quote, text=text)
        out.append(f"{BOLD}{marked}{RESET}" if color else marked)
    return "".join(out)


def terminal_place(number: str, place: Place, color: bool) -> str:
    """One place for a terminal: its heading path, file offsets and pages, its text."""
    head = f"{number} {heading_path(place_chunk(place))}"
    if place.article and place.article not in place.headings:
        head += f" › {place.article}"
    where = f"{place.doc}:{place.start}-{place.end}"
    if place.pages:
        where += f"  {page_label(place.pages)}"
    if color:
        head, where = f"{BOLD}{head}{RESET}", f"{DIM}{where}{RESET}"
    return f"{head}\n{where}\n{place.text}"


def terminal_quote(check: QuoteCheck, color: bool = False) -> str:
    """A quote check for a terminal: whether it is verbatim and where; else the closest
    wording with what differs marked, and the places of a spliced quote's parts."""
    lines = [f"引文：{check.quote}", ""]
    if check.exact:
        lines.append(f"✓ 原文一致，共 {check.count} 处：")
        lines += [
            terminal_place(f"[{n}]", place, color) for n, place in enumerate(check.places, 1)
        ]
        if check.count > len(check.places):
            lines.append(f"（另有 {check.count - len(check.places)} 处未列出）")
        return "\n".join(lines)
    if not check.closest and not check.parts:
        lines.append("✗ 资料库中没有这段话，也没有相近的表述。")
        return "\n".join(lines)
    lines.append("✗ 资料库中没有一字不差的这段话。")
    if check.closest:
        closest = check.closest
        lines.append(f"最接近的原文（相似度 {closest.similarity:.0%}）：")
        lines.append(terminal_place("", closest.place, color).lstrip())
        lines.append(f"差异：{marked_diff(closest, color)}")
        lines.append(f"（{DIFF_LEGEND}）")
    if check.parts:
        lines.append(f"这段话由 {len(check.parts)} 处原文拼接而成：")
        for number, part in enumerate(check.parts, 1):
            lines.append(f"[{number}] {part.text}（{part.count} 处）")
            lines += [
                terminal_place("  ·", place, color) for place in part.places[:PART_PLACES_SHOWN]
            ]
    return "\n".join(lines)
