"""The Telegram handlers users meet: commands, questions in private chats, groups and
channels, buttons, inline mode, and the one error handler. No search logic here."""

from __future__ import annotations

import contextlib
import html
import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.models import Hit, QuoteCheck
from bot.ratelimit import Verdict
from bot.render import (
    citation,
    place_chunk,
    place_citation,
    plain_excerpt,
    shorten_middle,
    telegram_passage,
    topic_of,
    word_spans,
)
from bot.search.searcher import Searcher
from bot.telegram import callbacks, chatter
from bot.telegram.callbacks import Press
from bot.telegram.messages import say
from bot.telegram.quoting import card
from bot.telegram.replies import (
    Services,
    answer_view,
    is_admin,
    is_private,
    lang_of,
    reply_with_answer,
    send,
    services,
    with_retries,
)
from bot.telegram.scope import searcher_for
from bot.telegram.views import (
    View,
    contents_view,
    echoed_question,
    library_name,
    passage_view,
    section_view,
    shows,
    source_text,
)

log = logging.getLogger(__name__)

INLINE_PAGE = 20  # results per inline answer (Telegram allows 50)
SNIPPET_CHARS = 60
INLINE_TITLE_CHARS = 12  # the document's title in an inline result's title
AGAIN = "again"  # the start parameter for "press that button again, now that we have a chat"


def mentions(message: Message, username: str, bot_id: int) -> str | None:
    """The message's text without its mention of this bot, or None when it has none."""
    text = message.text or ""
    for entity in message.entities:
        mentioned = (
            entity.type == MessageEntity.MENTION
            and message.parse_entity(entity).lower() == f"@{username.lower()}"
        ) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        )
        if mentioned:
            return " ".join(text.replace(message.parse_entity(entity), " ").split())
    return None


def from_a_person(message: Message) -> bool:
    """False for another bot's message and for a channel post Telegram copied into its
    discussion group (answered in the channel already); an anonymous admin or someone
    posting as a channel (sender_chat set) is a person."""
    if message.is_automatic_forward:
        return False
    user = message.from_user
    return message.sender_chat is not None or user is None or not user.is_bot


def replied_answer(message: Message | None, bot_id: int) -> Message | None:
    """The bot's message this message replies to, if any."""
    replied = message.reply_to_message if message is not None else None
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return replied
    return None


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """In a group: the question of a message meant for this bot, else None.

    A message is meant for the bot when it mentions @username (the mention is removed
    from the question) or replies to one of the bot's messages.
    """
    mentioned = mentions(message, username, bot_id)
    if mentioned is not None:
        return mentioned
    return message.text or "" if replied_answer(message, bot_id) is not None else None


# --- commands ---------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome: the documents loaded and example questions (buttons in a private chat,
    `/ask` lines in a group). A deep link (/start c_<passage>) opens what it names."""
    service, lang, chat = services(context), lang_of(update), update.effective_chat
    searcher = await searcher_for(update, context)
    press = callbacks.from_deep_link((context.args or [""])[0])
    if press is not None and is_private(chat):
        view = await press_view(service, searcher, press, lang, private=True)
        if view is not None:
            await send(update, context, view.text, view.keyboard)
            return
    library = library_name(searcher, lang)
    examples = service.examples(searcher)
    if is_private(chat) and context.args == [AGAIN]:
        await send(update, context, say(lang, "come_back"))
        return
    if is_private(chat):
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        q, callback_data=callbacks.question_data(q, searcher.tokenizer)
                    )
                ]
                for q in examples
            ]
        )
        await send(
            update, context, say(lang, "welcome", library=library), keyboard if examples else None
        )
        return
    lines = "\n".join(f"<code>/ask {html.escape(q)}</code>" for q in examples)
    text = say(lang, "welcome_group", library=library, username=context.bot.username)
    await send(update, context, f"{text}\n{lines}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot in private chats, groups, channels and inline."""
    lang = lang_of(update)
    text = say(lang, "help", username=context.bot.username)
    if is_private(update.effective_chat) and is_admin(
        services(context).settings, update.effective_user
    ):
        text += say(lang, "help_admin")
    await send(update, context, text)


async def toc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The table of contents to browse: documents, sections, passages, by buttons;
    `/toc 监察法` opens at that document."""
    searcher = await searcher_for(update, context)
    named = searcher.document_named(" ".join(context.args or [])) if context.args else None
    press = Press("t")
    if named is not None:
        title = searcher.contents.roots[named].heading
        press = Press("t", doc=named, tag=callbacks.title_tag(title))
    view = contents_view(searcher, press, lang_of(update))
    if view is not None:
        await send(update, context, view.text, view.keyboard)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Documents, passages, and when the index was built (with its time zone)."""
    searcher = await searcher_for(update, context)
    roots = [root for _, root in searcher.contents.documents()]
    titles = "\n".join(f"• {html.escape(root.heading)}" for root in roots[:20])
    built = datetime.fromtimestamp(searcher.built_at).astimezone()
    text = say(
        lang_of(update),
        "about",
        documents=len(roots),
        passages=len(searcher),
        built_at=built.strftime("%Y-%m-%d %H:%M ") + utc_offset(built),
        titles=titles,
    )
    await send(update, context, text)


def utc_offset(moment: datetime) -> str:
    """UTC+08:00, UTC-05:00, UTC+00:00."""
    offset = moment.strftime("%z") or "+0000"
    return f"UTC{offset[:3]}:{offset[3:]}"


# --- questions --------------------------------------------------------------------------
async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 (private, group, channel); as a reply, the replied message is the question."""
    question = " ".join(context.args or [])
    message = update.effective_message
    if message is not None and not from_a_person(message):
        return
    replied = message.reply_to_message if message is not None else None
    if (
        not question.strip()
        and replied is not None
        and replied_answer(message, context.bot.id) is None
    ):
        question = replied.text or ""
    await take_question(update, context, question)


async def quote_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quote 原文 (private, group, channel): check the wording against the documents; as
    a reply, the replied message is the wording."""
    message = update.effective_message
    if message is not None and not from_a_person(message):
        return
    text = " ".join(context.args or [])
    replied = message.reply_to_message if message is not None else None
    if (
        not text.strip()
        and replied is not None
        and replied_answer(message, context.bot.id) is None
    ):
        text = replied.text or ""  # not one of the bot's own answers: those are no quotes
    wording = chatter.quotation(text) or text.strip()
    if not chatter.has_words(wording):
        await send(update, context, say(lang_of(update), "quote_empty"))
        return
    searcher = await searcher_for(update, context)
    await reply_with_answer(update, context, wording, searcher=searcher, quote=True)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat any text is a question (a mention of the bot is dropped)."""
    message = update.effective_message
    if message is None:
        return
    text = mentions(message, context.bot.username, context.bot.id)
    await take_question(update, context, message.text or "" if text is None else text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: answer a mention of the bot or a reply to it; stay silent otherwise,
    and always for other bots."""
    message = update.effective_message
    if message is None or not from_a_person(message):
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is not None:
        await take_question(update, context, question)


async def take_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A message meant for the bot: nothing for an acknowledgement, a welcome for a
    greeting, the citations for a reply asking where an answer comes from, a hint for
    another language; else a question, read in the context of the answer it replies to."""
    service, lang, chat = services(context), lang_of(update), update.effective_chat
    searcher = await searcher_for(update, context)
    if not text.strip():
        typed = update.effective_message.text if update.effective_message else ""
        if typed and not typed.startswith("/"):
            await send(update, context, say(lang, "mention_only", username=context.bot.username))
        else:
            await reply_with_answer(update, context, text, searcher=searcher)
        return
    if chatter.is_acknowledgement(text):
        return
    if chatter.is_greeting(text):
        key = "greeting" if is_private(chat) else "greeting_group"
        example = html.escape((service.examples(searcher) or ["年轻干部 历练"])[0])
        await send(update, context, say(lang, key, example=example, username=context.bot.username))
        return
    quoted = chatter.quotation(text)
    if quoted is not None:  # 「…」: is this wording in the documents, and where?
        await reply_with_answer(update, context, quoted, searcher=searcher, quote=True)
        return
    replied = replied_answer(update.effective_message, context.bot.id)
    cited = chatter.citations(replied)
    if replied is not None and chatter.asks_source(text):
        await send(update, context, source_text(cited, lang) if cited else say(lang, "no_source"))
        return
    if chatter.is_foreign(text) and not searcher.search(text, 1, with_highlights=False).hits:
        await send(update, context, say(lang, "foreign"))
        return
    if cited:  # a follow-up (那第十五条呢) is asked of the document the answer came from
        text = searcher.within(text, chatter.cited_title(cited[0]))
    await reply_with_answer(update, context, text, searcher=searcher)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A non-text message in a private chat: one polite line for a voice message or a
    file, nothing for a sticker (an acknowledgement)."""
    message, lang = update.effective_message, lang_of(update)
    if message is None or message.sticker is not None:
        return
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        await send(update, context, say(lang, "voice"))
    else:
        await send(update, context, say(lang, "not_text"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command this bot does not have, in a private chat."""
    await help_command(update, context)


# --- buttons ----------------------------------------------------------------------------
async def press_view(
    service: Services, searcher: Searcher, press: Press, lang: str, private: bool
) -> View | None:
    """What a button shows, or None when it points at nothing `searcher` has."""
    if press.kind in ("m", "q"):
        return await answer_view(service, searcher, press.question, press.offset, lang, private)
    if press.kind == "c":
        return section_view(searcher, press, lang)
    if press.kind == "t":
        return contents_view(searcher, press, lang)
    if press.kind == "r":
        return passage_view(searcher, press.passage, lang)
    return None


def asker_of(message: Message | None) -> int | None:
    """Who asked the question an answer replies to (in a group), if known."""
    replied = message.reply_to_message if message is not None else None
    return replied.from_user.id if replied is not None and replied.from_user else None


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press. In a private chat the bot's message changes in place (an example
    question gets a new answer). In a group or channel, the asker's press changes the
    answer (全文 comes as a reply to it); anyone else's comes to them in a private chat,
    so no press makes a new post. A stale or forged button gets a short notice."""
    query = update.callback_query
    if query is None:
        return
    service, lang = services(context), lang_of(update)
    press = callbacks.parse(query.data or "")
    message = query.message if isinstance(query.message, Message) else None
    chat = query.message.chat if query.message is not None else None
    private_chat = chat is None or is_private(chat)
    if press is None or chat is None:
        await with_retries(lambda: query.answer(say(lang, "stale_button")))
        return
    if press.kind in ("m", "q") and service.limiter.check(query.from_user.id) is not Verdict.ALLOW:
        service.stats["limited"] += 1
        wait = max(1, service.limiter.retry_after(query.from_user.id))
        await with_retries(lambda: query.answer(say(lang, "rate_limited", seconds=wait)))
        return
    searcher = await searcher_for(update, context)
    if press.question and message is not None:  # the message carries the whole question
        carried = echoed_question(message.text, press.question, searcher.tokenizer)
        press = replace(press, question=carried)
    by_asker = not private_chat and asker_of(message) == query.from_user.id
    elsewhere = not private_chat and not by_asker
    view = await press_view(service, searcher, press, lang, private=private_chat or elsewhere)
    if view is None:
        await with_retries(lambda: query.answer(say(lang, "stale_button")))
        return
    if elsewhere:
        await send_privately(query, context, view, press, lang)
    elif press.kind == "q" or message is None:
        await with_retries(query.answer)
        await with_retries(
            lambda: context.bot.send_message(chat.id, view.text, reply_markup=view.keyboard)
        )
    elif press.kind == "c" and by_asker:
        await reply_with_section(query, context, message, press.passage, view, lang)
    else:
        await edit_in_place(query, context, view, lang)


async def reply_with_section(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    answer: Message,
    passage: str,
    view: View,
    lang: str,
) -> None:
    """In a group, the asker's 全文: the section as a reply to the answer, once (a second
    press of the same button gets a notice, not a second post)."""
    service, chat = services(context), answer.chat
    shown = (chat.id, answer.message_id, passage)
    if shown in service.sections_shown:
        await with_retries(lambda: query.answer(say(lang, "section_shown")))
        return
    reply = ReplyParameters(answer.message_id, allow_sending_without_reply=True)
    await with_retries(
        lambda: context.bot.send_message(chat.id, view.text, reply_parameters=reply)
    )
    service.sections_shown.add(shown)
    await with_retries(query.answer)


async def edit_in_place(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, view: View, lang: str
) -> None:
    """Show `view` in the pressed message; a message that cannot be edited any more gets
    it as a new message, and one that shows it already a notice."""
    if shows(query.message, view):
        await with_retries(lambda: query.answer(say(lang, "not_modified")))
        return
    try:
        await with_retries(lambda: query.edit_message_text(view.text, reply_markup=view.keyboard))
    except BadRequest as error:
        if "not modified" in str(error).lower():
            await with_retries(lambda: query.answer(say(lang, "not_modified")))
            return
        log.info("Could not edit the pressed message (%s); sending a new one", error)
        if query.message is not None:  # (a message sent inline has no chat to send to)
            chat_id = query.message.chat.id
            await with_retries(
                lambda: context.bot.send_message(chat_id, view.text, reply_markup=view.keyboard)
            )
    await with_retries(query.answer)


async def send_privately(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, view: View, press: Press, lang: str
) -> None:
    """Send what a group member pressed for to them alone; one who never opened a private
    chat with the bot is sent there (with a deep link when the press fits in one)."""
    try:
        await with_retries(
            lambda: context.bot.send_message(
                query.from_user.id, view.text, reply_markup=view.keyboard
            )
        )
    except (Forbidden, BadRequest):
        payload = callbacks.deep_link(press) or AGAIN
        url = f"https://t.me/{context.bot.username}?start={payload}"
        await with_retries(lambda: query.answer(say(lang, "open_private"), url=url))
        return
    await with_retries(lambda: query.answer(say(lang, "sent_privately")))


# --- inline mode ------------------------------------------------------------------------
async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 关键词: passages to share, paged with next_offset; an empty query or one with
    no result gets a button to the private chat, never a message to send."""
    query = update.inline_query
    if query is None:
        return
    service = services(context)
    if service.inline_limiter.check(query.from_user.id) is not Verdict.ALLOW:
        service.stats["limited"] += 1
        return  # a storm of keystrokes: the client shows the last answer it got
    service.stats["inline"] += 1
    lang = lang_of(update)
    text = query.query.strip()
    offset = callbacks.number(query.offset) or 0
    searcher = await searcher_for(update, context)
    quoted = chatter.quotation(text)
    if quoted is not None and offset == 0:  # @bot “忠诚干净担当”: the wording as a card
        cards = quote_cards(searcher.quote(quoted), lang)
        if cards:
            await with_retries(lambda: query.answer(cards, cache_time=60, is_personal=True))
            return
    answer = searcher.search(text, INLINE_PAGE, offset) if text and not quoted else None
    if answer is None or (not answer.hits and offset == 0):
        key = "inline_nothing" if text else "inline_start"
        start = InlineQueryResultsButton(say(lang, key), start_parameter="inline")
        await with_retries(
            lambda: query.answer(
                [], button=start, cache_time=60 if text else 300, is_personal=True
            )
        )
        return
    results = inline_articles(searcher, answer.hits, cards=answer.exact)
    following = offset + len(answer.hits)
    # None, not "": python-telegram-bot 22 sends "" as "[]", which clients would send back.
    next_offset = str(following) if answer.hits and following < answer.total else None
    # personal: what a query finds depends on who asks (private collections)
    await with_retries(
        lambda: query.answer(results, next_offset=next_offset, cache_time=60, is_personal=True)
    )


def inline_articles(
    searcher: Searcher, hits: tuple[Hit, ...], cards: bool = False
) -> list[InlineQueryResultArticle]:
    """Passages as inline results: each titled by where it is (document and section; the
    passage's place in its section when another result has the same), described by its
    best-matching sentence, and sent as the passage with its citation (with `cards`, an
    article the query named: its text and its citation line, nothing else)."""
    titles = [
        shorten_middle(f"{citation(hit.chunk, INLINE_TITLE_CHARS)}{topic_of(hit.chunk)}", 48)
        for hit in hits
    ]
    repeated = {t for t, n in Counter(titles).items() if n > 1}
    results = []
    for title, hit in zip(titles, hits, strict=True):
        if title in repeated:
            number, total = searcher.place_in_section(hit.chunk.id)
            title = f"{title}（{number}/{total}）"
        results.append(inline_article(hit, title, cards))
    return results


def inline_article(hit: Hit, title: str, as_card: bool = False) -> InlineQueryResultArticle:
    """One passage as an inline result (`as_card`: as a citation card)."""
    chunk = hit.chunk
    spans = word_spans(hit.highlights)
    snippet = plain_excerpt(chunk.text, spans, SNIPPET_CHARS)
    content = card(chunk.text, chunk) if as_card else telegram_passage(chunk, spans)
    return InlineQueryResultArticle(
        id=chunk.id,
        title=title,
        description=snippet,
        input_message_content=InputTextMessageContent(content),
    )


def quote_cards(check: QuoteCheck, lang: str) -> list[InlineQueryResultArticle]:
    """A quote check as inline results: every place of a wording found word for word, or
    the closest wording when it is not, each a card (the document's wording, then its
    citation); none when nothing is close."""
    if check.exact:
        found = [(place, "inline_quote_exact") for place in check.places[:INLINE_PAGE]]
    elif check.closest is not None:
        found = [(check.closest.place, "inline_quote_closest")]
    else:
        return []
    results = []
    for number, (place, key) in enumerate(found):
        cited = shorten_middle(place_citation(place), 40)
        results.append(
            InlineQueryResultArticle(
                id=f"q{number}-{place.start}-{place.end}"[:64],
                title=say(lang, key, citation=cited),
                description=shorten_middle(" ".join(place.text.split()), SNIPPET_CHARS),
                input_message_content=InputTextMessageContent(
                    card(place.text, place_chunk(place))
                ),
            )
        )
    return results


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback with the update's context; tell a private-chat user in one line."""
    service: Services | None = context.application.bot_data.get("services")
    if service is not None:
        service.stats["errors"] += 1
    if update is None and isinstance(context.error, NetworkError):
        # getUpdates failed; python-telegram-bot retries it with back-off by itself
        log.warning("Polling hiccup (retried): %s", context.error)
        return
    where = "no update"
    if isinstance(update, Update):
        chat = update.effective_chat
        shown = service.pseudonym(chat.id if chat else None) if service else "?"
        where = f"update {update.update_id} in chat {shown}"
    log.error("Error handling %s", where, exc_info=context.error)
    if isinstance(update, Update) and update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # already answered, or too late
            await update.callback_query.answer(say(lang_of(update), "error"))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat = update.effective_chat
    if not is_private(chat):
        return
    try:
        await context.bot.send_message(chat.id, say(lang_of(update), "error"))
    except TelegramError as error:
        log.warning("Could not tell the user about the error: %s", error)
