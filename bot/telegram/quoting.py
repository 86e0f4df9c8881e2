"""What a quote check (原文核对) looks like in a chat: 原文一致 with the places it stands,
原文不一致 with the closest wording and what differs, a quote pieced from several places,
or nothing close; and the citation cards inline mode offers."""

from __future__ import annotations

import html
import math

from bot.models import Chunk, Place, QuoteCheck
from bot.render import (
    TELEGRAM_TEXT_LIMIT,
    citation,
    cited_code,
    diff_pieces,
    fit,
    place_citation,
    shorten_middle,
    utf16_len,
)
from bot.search import quotes
from bot.telegram.messages import say

PLACES_SHOWN = 3  # places listed under 原文一致; the rest are counted
EDITS_SHOWN = 3  # differences spelled out under 原文不一致
QUOTE_ECHO_CHARS = 40
EDIT_CHARS = 12  # characters of one side of a difference
CARD_MARKUP = 64  # room for a card's tags and line break


def citation_counts(places: tuple[Place, ...]) -> dict[str, int]:
    """Each citation among the places, in order, with how many places it names (a
    wording twice in one section is one citation, twice)."""
    counts: dict[str, int] = {}
    for place in places:
        cited = place_citation(place)
        counts[cited] = counts.get(cited, 0) + 1
    return counts


def citation_line(place: Place) -> str:
    """The source line of a place, to copy with one tap."""
    return cited_code(place_citation(place))


def quote_echo(quote: str) -> str:
    """The first line: the quote as sent, shortened."""
    shown = shorten_middle(" ".join(quote.split()), QUOTE_ECHO_CHARS)
    return f"🔎 「{html.escape(shown)}」"


def marked_wording(check: QuoteCheck) -> str:
    """The closest wording with what the quote has differently marked: the document's
    characters the quote lacks or changes in bold, the quote's extra ones struck."""
    assert check.closest is not None
    out = []
    for op, quote, text in diff_pieces(check.closest):
        if op == "equal":
            out.append(html.escape(text))
        elif op == "delete":
            out.append(f"<s>{html.escape(quote)}</s>")
        else:  # replace, insert: what the document says
            out.append(f"<b><u>{html.escape(text)}</u></b>")
    return "".join(out)


def difference_lines(check: QuoteCheck, lang: str) -> list[str]:
    """The differences in words: “甲” 原文是 “乙”, 多了 “丙”, 少了 “丁”."""
    assert check.closest is not None
    edits = check.closest.edits
    lines = []
    for edit in edits[:EDITS_SHOWN]:
        quote = html.escape(shorten_middle(edit.quote, EDIT_CHARS))
        text = html.escape(shorten_middle(edit.text, EDIT_CHARS))
        lines.append("• " + say(lang, f"quote_{edit.op}", quote=quote, text=text))
    if len(edits) > EDITS_SHOWN:
        lines.append(say(lang, "quote_more_edits", count=len(edits) - EDITS_SHOWN))
    return lines


def quote_text(check: QuoteCheck, lang: str) -> str:
    """The reply to a quotation (Telegram HTML, within one message)."""
    head = quote_echo(check.quote)
    if check.exact:
        lines = [head, "", say(lang, "quote_exact", count=check.count)]
        shown = 0
        for cited, count in list(citation_counts(check.places).items())[:PLACES_SHOWN]:
            times = say(lang, "quote_times", count=count) if count > 1 else ""
            lines.append(cited_code(cited, times))
            shown += count
        if check.count > shown:
            lines.append(say(lang, "quote_more_places", count=check.count - shown))
        return fit("\n".join(lines))
    if check.spliced:
        lines = [head, "", say(lang, "quote_spliced", count=len(check.parts))]
        for number, part in enumerate(check.parts, 1):
            piece = html.escape(shorten_middle(part.text, 60))
            lines.append(f"{number}. 「{piece}」")
            lines += [citation_line(place) for place in part.places[:1]]
            if part.count > 1:
                lines.append(say(lang, "quote_more_places", count=part.count - 1))
        return fit("\n".join(lines))
    if check.closest is None:
        too_long = len(quotes.fold(check.quote)[0]) > quotes.MAX_ALIGNED
        return f"{head}\n\n{say(lang, 'quote_too_long' if too_long else 'quote_none')}"
    similarity = min(99, math.floor(check.closest.similarity * 100))  # not exact: never 100
    lines = [head, "", say(lang, "quote_differs", similarity=similarity)]
    lines.append(f"<blockquote expandable>{marked_wording(check)}</blockquote>")
    lines += difference_lines(check, lang)
    lines.append(citation_line(check.closest.place))
    return fit("\n".join(lines))


def card(text: str, chunk: Chunk) -> str:
    """A citation card to share: the wording, then its citation line; nothing else."""
    cited = cited_code(citation(chunk))
    room = TELEGRAM_TEXT_LIMIT - utf16_len(cited) - CARD_MARKUP
    wording, quote = text.strip(), html.escape(text.strip())
    while utf16_len(quote) > room:  # a very long article: cut the wording, keep the citation
        wording = wording[: len(wording) * 9 // 10]
        quote = html.escape(wording) + "…"
    return f"<blockquote expandable>{quote}</blockquote>\n{cited}"
