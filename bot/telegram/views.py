"""What a message shows, with its buttons: an answer page, the section around a passage,
the table of contents, one passage of it. Each view is built from what a button carries
(see callbacks.py), so it can be rebuilt after a restart."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
)

from bot.models import Answer
from bot.render import (
    rank_markers,
    shorten_middle,
    telegram_answer,
    telegram_passage,
    telegram_section,
)
from bot.search.contents import Section
from bot.search.searcher import Searcher
from bot.search.tokens import Tokenizer
from bot.telegram import callbacks
from bot.telegram.callbacks import Press, compact_question
from bot.telegram.messages import say

QUESTION_ECHO = "🔎 "
QUESTION_ECHO_CHARS = 300  # a longer question is echoed shortened, and buttons carry it
BUTTON_CHARS = 20  # a section's button label; longer headings are shortened in the middle
WIDE_BUTTON = 8  # labels up to this long go two to a row


@dataclass(frozen=True)
class View:
    """A message's text (Telegram HTML) and buttons."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None

    def digest(self) -> int:
        """A fingerprint of what the message shows, to tell whether an edit changes it."""
        return hash((self.text, self.keyboard.to_json() if self.keyboard else ""))


TAG = re.compile(r"<[^>]+>")


def shows(message: MaybeInaccessibleMessage | None, view: View) -> bool:
    """Whether a message already shows `view` (editing it would change nothing, which
    Telegram refuses)."""
    if not isinstance(message, Message):
        return False
    plain = html.unescape(TAG.sub("", view.text))
    return message.text == plain and message.reply_markup == view.keyboard


def button(text: str, data: str) -> InlineKeyboardButton:
    """A callback button."""
    return InlineKeyboardButton(text, callback_data=data)


def answer_text(answer: Answer, lang: str, offset: int = 0, private: bool = False) -> str:
    """The reply to a question: the question echoed, then the passages, or a short no
    (in a private chat followed by the weak matches, marked as such)."""
    header = echo_line(answer.query)
    if not answer.hits:
        if answer.missing and offset == 0:
            key = "missing_here" if answer.narrowed else "missing"
            return f"{header}\n\n{say(lang, key, missing=html.escape(answer.missing))}"
        if answer.related and offset == 0 and private:
            return telegram_answer(answer.related, f"{header}\n\n{say(lang, 'weak_only')}")
        return f"{header}\n\n{say(lang, 'no_result' if offset == 0 else 'no_more')}"
    return telegram_answer(
        answer.hits, header, first_rank=offset + 1, named=answer.exact or answer.listing
    )


def echo_line(question: str) -> str:
    """The first line of an answer: the question as asked (escaped), so the message itself
    carries it for its buttons."""
    return QUESTION_ECHO + html.escape(
        shorten_middle(" ".join(question.split()), QUESTION_ECHO_CHARS)
    )


def echoed_question(text: str | None, carried: str, tokenizer: Tokenizer) -> str:
    """The question a message of ours echoes on its first line, when the question its
    button carries (`carried`, possibly shortened by `tokenizer`'s words) is that one's;
    else `carried`."""
    if not text or not text.startswith(QUESTION_ECHO):
        return carried
    echoed = text[len(QUESTION_ECHO) :].split("\n", 1)[0].strip()
    budget = len(carried.encode())
    same = bool(carried) and compact_question(echoed, max(budget, 1), tokenizer) == carried
    return echoed if same else carried


def answer_keyboard(
    answer: Answer, offset: int, lang: str, page: int, searcher: Searcher
) -> InlineKeyboardMarkup | None:
    """全文 buttons for each passage; ◀ and ▶ when an earlier or a next page exists.

    A long question travels compacted (see callbacks.compact_question, with `searcher`'s
    tokenizer); ▶ is offered for it only when the compacted form, searched in `searcher`,
    still has a next page.
    """
    question, tokenizer = answer.query, searcher.tokenizer
    rows = []
    sections = [
        button(
            say(lang, "context", marker=marker).strip(),
            callbacks.section_data(hit.chunk.id, tokenizer, question, offset),
        )
        for marker, hit in zip(
            rank_markers(len(answer.hits), offset + 1), answer.hits, strict=True
        )
    ]
    if sections:
        rows.append(sections)
    paging = []
    if offset > 0 and answer.hits:
        paging.append(
            button(
                say(lang, "previous"),
                callbacks.page_data(question, max(0, offset - page), tokenizer),
            )
        )
    following = offset + len(answer.hits)
    if following < answer.total:
        next_page = callbacks.page_data(question, following, tokenizer)
        carried = next_page.split(":", 2)[2]
        if (
            carried == question.strip()
            or searcher.search(carried, page, following, with_highlights=False).hits
        ):
            paging.append(button(say(lang, "more"), next_page))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows) if rows else None


def section_view(searcher: Searcher, press: Press, lang: str) -> View | None:
    """The section around a tapped passage, the passage marked; ◀ back to the answer."""
    found = searcher.passage(press.passage)
    section = searcher.section(press.passage)
    if found is None or section is None:
        return None
    _, passage = found
    spans = searcher.highlight(passage.text, press.question) if press.question else ()
    title = say(lang, "context_title")
    if press.question:
        title = f"{echo_line(press.question)}\n\n{title}"
    text = telegram_section(section, passage, spans, title)
    keyboard = None
    if press.question:
        back = button(
            say(lang, "back"),
            callbacks.page_data(press.question, press.offset, searcher.tokenizer),
        )
        keyboard = InlineKeyboardMarkup([[back]])
    return View(text, keyboard)


def label(section: Section) -> str:
    """A section's button label."""
    return shorten_middle(section.heading, BUTTON_CHARS)


def rows_of(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Short labels two to a row, long ones alone."""
    rows: list[list[InlineKeyboardButton]] = []
    for item in buttons:
        short = len(item.text) <= WIDE_BUTTON
        if short and rows and len(rows[-1]) == 1 and len(rows[-1][0].text) <= WIDE_BUTTON:
            rows[-1].append(item)
        else:
            rows.append([item])
    return rows


def contents_view(searcher: Searcher, press: Press, lang: str) -> View | None:
    """The documents; one document's sections; a section's subsections (down to the
    second level); a deeper tap opens the section's first passage."""
    if press.doc < 0:
        return documents_view(searcher, lang)
    contents = searcher.contents
    roots = contents.documents()
    root = contents.section(press.doc)
    node = contents.section(press.doc, press.path)
    if root is None or node is None or callbacks.title_tag(root.heading) != press.tag:
        return None
    if len(press.path) >= 2 or not node.children:
        return passage_view(searcher, searcher.store[node.first].id, lang)
    lines = [say(lang, "toc_document", title=html.escape(root.heading))]
    for depth in range(1, len(press.path) + 1):
        heading = contents.section(press.doc, press.path[:depth])
        assert heading is not None
        lines.append(f"{'  ' * depth}› {html.escape(shorten_middle(heading.heading, 30))}")
    lines += [f"• {html.escape(shorten_middle(child.heading, 40))}" for child in node.children]
    lines.append(say(lang, "toc_pick"))
    buttons = [
        button(
            label(child), callbacks.contents_data(press.doc, root.heading, (*press.path, index))
        )
        for index, child in enumerate(node.children)
    ]
    rows = rows_of(buttons)
    nav = [
        button(say(lang, "read_from_start"), callbacks.passage_data(searcher.store[node.first].id))
    ]
    if press.path:
        nav.append(
            button(
                say(lang, "up"), callbacks.contents_data(press.doc, root.heading, press.path[:-1])
            )
        )
    elif len(roots) > 1:
        nav.append(button(say(lang, "documents"), callbacks.contents_data()))
    rows.append(nav)
    return View("\n".join(lines), InlineKeyboardMarkup(rows))


def documents_view(searcher: Searcher, lang: str) -> View | None:
    """The library's documents, a button each; with one document, its contents."""
    roots = searcher.contents.documents()
    if not roots:
        return View(say(lang, "docs_none"), None)
    if len(roots) == 1:
        doc, only = roots[0]
        opened = Press("t", doc=doc, tag=callbacks.title_tag(only.heading))
        return contents_view(searcher, opened, lang)
    buttons = [
        button(
            shorten_middle(root.heading, BUTTON_CHARS), callbacks.contents_data(doc, root.heading)
        )
        for doc, root in roots
    ]
    return View(say(lang, "toc_title", count=len(roots)), InlineKeyboardMarkup(rows_of(buttons)))


def passage_view(searcher: Searcher, passage_id: str, lang: str) -> View | None:
    """One passage of the contents, with ◀ ▶ through its document and ⬆ to its section."""
    found = searcher.passage(passage_id)
    if found is None:
        return None
    position, chunk = found
    contents = searcher.contents
    before, after = contents.neighbours(position)
    begin, end = searcher.store.doc_range(int(searcher.store.doc_of[position]))
    where = say(lang, "passage_of", number=position - begin + 1, total=end - begin)
    text = f"{telegram_passage(chunk, fold=False)}\n<i>{where}</i>"
    paging = []
    if before is not None:
        paging.append(
            button(
                say(lang, "previous_passage"), callbacks.passage_data(searcher.store[before].id)
            )
        )
    if after is not None:
        paging.append(
            button(say(lang, "next_passage"), callbacks.passage_data(searcher.store[after].id))
        )
    doc, *path = contents.path_of(position)
    up = button(
        say(lang, "to_contents"),
        callbacks.contents_data(doc, contents.roots[doc].heading, tuple(path)),
    )
    return View(text, InlineKeyboardMarkup([row for row in (paging, [up]) if row]))


def source_text(citations: list[str], lang: str) -> str:
    """Where an answer comes from, as citations to copy."""
    lines = "\n".join(f"<code>{html.escape(c)}</code>" for c in citations)
    return say(lang, "source", citations=lines)


LIBRARY_TITLES = 4  # documents named on the welcome screen


def library_name(searcher: Searcher, lang: str) -> str:
    """The loaded documents, named for a welcome: one title, or how many and which."""
    titles = [root.heading for _, root in searcher.contents.documents()]
    if len(titles) == 1:
        return say(lang, "library_one", title=html.escape(titles[0]))
    named = "、".join(f"《{html.escape(t)}》" for t in titles[:LIBRARY_TITLES])
    more = "等" if len(titles) > LIBRARY_TITLES else ""
    return say(lang, "library_many", count=len(titles), titles=named, more=more)
