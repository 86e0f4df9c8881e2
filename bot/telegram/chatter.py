"""What a chat message is before it is a question: an acknowledgement (谢谢, 👍), a
greeting, a request for the source of an answer, a quotation to check against the
documents, or text in another language; and the context an answer carries for a reply
to it (its citation lines)."""

from __future__ import annotations

import re
import unicodedata

from telegram import Message, MessageEntity

ACKNOWLEDGEMENT = re.compile(  # one clause of a message: 谢谢, 收到了, 好的 …
    r"^(?:(?:非常|十分|太)?(?:谢谢|感谢|多谢|谢)(?:你|您|啦|了|大家|老师)*(?:的)?"
    r"(?:回答|解答|帮助|分享|回复|指导|解释)?(?:了|啦)?|收到(?:了|啦)?"
    r"|好(?:的|吧|啊|嘞|哒)?|嗯+|哦+|噢+|喔+|哈+|呵+|嘿+|ok|okay|行|可以|明白(?:了)?|了解(?:了)?"
    r"|知道(?:了|啦)?|懂(?:了)?|赞|棒|牛|厉害|辛苦(?:了|啦)?|对|是的|没错"
    r"|thanks?(?: you)?|thx|ty|got it|cool|nice|great)$"
)
CLAUSE_BREAK = re.compile(r"[\s，,。.!！~～、;；…]+")
QUESTION_MARKS = "?？❓❔"
GREETING = re.compile(
    r"^(?:你好|您好|大家好|嗨|哈喽|哈啰|在吗|在不在|早|早上好|上午好|中午好|下午好|晚上好"
    r"|hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?:呀|啊|哇|吗)?$"
)
ASKS_SOURCE = re.compile(
    r"出处|出自|来源|源自|哪里说的|哪儿说的|在哪里说|原文在哪|哪个文件|哪份文件|哪篇|怎么引用|引用格式|出自哪"
)
CITED_TITLE = re.compile(r"《(.+?)》")  # a citation opens with its document's title
MAX_SOURCE_QUESTION = 20  # characters; a longer message is a question of its own
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
QUOTE_MARKS = {"「": "」", "『": "』", "“": "”", '"': '"', "＂": "＂"}
QUOTE_END = "。.！!？?…～~ \t\r\n\u3000"  # what may follow the closing mark
MIN_QUOTE_CHARS = 2


def bare(text: str) -> str:
    """`text` lower-cased without punctuation, symbols (emoji) and spaces."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKC", text).lower()
        if unicodedata.category(char)[0] not in "PSZC" or char == " "
    ).strip()


def key(text: str) -> str:
    """`bare(text)`, and without spaces when it is Chinese."""
    words = bare(text)
    return words.replace(" ", "") if CJK.search(words) else words


def is_acknowledgement(text: str) -> bool:
    """谢谢, 收到，谢谢, 好的, 👍, 哈哈 and the like, clause by clause: nothing to answer."""
    if any(mark in text for mark in QUESTION_MARKS):
        return False
    clauses = [key(clause) for clause in CLAUSE_BREAK.split(text)]
    return all(ACKNOWLEDGEMENT.match(clause) for clause in clauses if clause)


def is_greeting(text: str) -> bool:
    """你好, 在吗, hello: a welcome, not a search."""
    return bool(GREETING.match(key(text)))


def asks_source(text: str) -> bool:
    """这段话出自哪里, 出处？: a reply asking where an answer comes from."""
    return len(text.strip()) <= MAX_SOURCE_QUESTION and bool(ASKS_SOURCE.search(text))


def quotation(text: str) -> str | None:
    """The quoted text when the whole message is a quotation (「…」, 『…』, “…”, "…", a
    full stop or question mark after it allowed): a wording to check, not a question.
    "“灯下黑”是什么意思" is a question about a quoted term, so None."""
    stripped = text.strip().rstrip(QUOTE_END)
    if len(stripped) < MIN_QUOTE_CHARS + 2:
        return None
    closing = QUOTE_MARKS.get(stripped[0])
    if closing is None or not stripped.endswith(closing):
        return None
    inner = stripped[1:-1].strip()
    if stripped[0] in inner and closing in inner and stripped[0] != closing:
        return None  # “两个维护”和“四个意识”: two quoted terms, a question about them
    return inner if has_words(inner) else None


def has_words(text: str) -> bool:
    """Whether `text` holds at least MIN_QUOTE_CHARS letters or digits (not only
    punctuation, spaces or emoji): a wording that can be checked."""
    return sum(1 for char in text if unicodedata.category(char)[0] in "LN") >= MIN_QUOTE_CHARS


def is_foreign(text: str) -> bool:
    """Words in a Latin script and no Chinese: a question in another language."""
    return not CJK.search(text) and len(LATIN_WORD.findall(text)) >= 2


def citations(message: Message | None) -> list[str]:
    """The citation lines an answer of ours carries (its `code` spans: 《…》…)."""
    if message is None or not message.text:
        return []
    spans = message.parse_entities([MessageEntity.CODE]).values()
    return list(dict.fromkeys(text for text in spans if CITED_TITLE.match(text)))


def cited_title(citation: str) -> str:
    """The document title of a citation (《监察法》第十四条 → 监察法)."""
    match = CITED_TITLE.match(citation)
    return match.group(1) if match else ""
