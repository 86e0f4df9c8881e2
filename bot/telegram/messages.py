"""What the bot says, in Chinese and English. Values are Telegram HTML templates."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "welcome": (
            "👋 你好！我可以在文档里帮你找答案。\n\n"
            "直接发一个问题给我，我会找出最相关的段落，并告诉你它在文档的哪一部分。"
            "比如可以试试下面这些问题："
        ),
        "help": (
            "<b>怎么用</b>\n"
            "• <b>私聊</b>：直接发送问题，例如“年轻干部应该去哪里历练？”\n"
            "• <b>群组</b>：发送 <code>/ask 问题</code>、@我 并附上问题，或回复我的消息。\n"
            "• <b>频道</b>：把我设为管理员，发布以 <code>/ask</code> 开头的消息。\n"
            "• <b>任意聊天</b>：输入 <code>@{username} 关键词</code> 即可快速查找。\n\n"
            "答案下方的按钮：<b>全文</b>查看段落所在的整节内容，<b>更多结果</b>查看后面的段落。\n"
            "/toc 查看目录 · /about 关于资料库"
        ),
        "question": "🔎 <b>问</b>：{question}",
        "no_result": "没有找到相关内容。换个说法试试，或发送 /toc 查看目录。",
        "no_more": "没有更多结果了。",
        "missing": "资料库中没有{missing}。发送 /toc 查看已收录的文档。",
        "weak_only": "没有找到直接回答这个问题的段落。下面的段落只是部分相关，仅供参考：",
        "empty_question": "请在命令后面写上问题，例如：<code>/ask 年轻干部应该去哪里历练</code>",
        "not_text": "我只能回答文字问题，请用文字提问。",
        "toc_title": "📚 <b>目录</b>",
        "about": (
            "📚 <b>资料库</b>\n文档：{documents} 篇\n段落：{passages} 个\n"
            "索引建立于：{built_at}\n\n{titles}"
        ),
        "more": "更多结果 ▶",
        "context": "全文 {rank}",
        "context_title": "📄 <b>全文</b>",
        "stale_button": "这个按钮已过期，请重新提问。",
        "rate_limited": "提问太快了，请稍等 {seconds} 秒再试。",
        "error": "抱歉，处理时出了点问题，请稍后再试。",
        "inline_hint_title": "输入关键词开始查找",
        "inline_hint": "在 @{username} 后面输入关键词，例如：@{username} 年轻干部 历练",
        "inline_none_title": "没有找到相关内容",
        "inline_none": "换个关键词试试。",
        "admins_only": "这个命令只有管理员可以使用。",
        "not_allowed": "抱歉，这个机器人只对指定的用户和群组开放。",
        "stats": (
            "📊 <b>运行情况</b>\n运行时间：{uptime}\n收到更新：{updates}\n回答问题：{answered}"
            "（无结果 {empty}）\n内联查询：{inline}\n限流拒绝：{limited}\n"
            "未授权拒绝：{refused}\n出错：{errors}\n检索耗时 p50/p95：{p50:.1f} / {p95:.1f} ms\n"
            "段落：{passages}"
        ),
        "reloading": "正在重新读取资料库…",
        "reloaded": (
            "✅ 已载入：{documents} 篇文档，{passages} 个段落（{how}，用时 {seconds:.1f} 秒）。"
        ),
        "reload_failed": "❌ 重新载入失败，仍在使用原来的索引：{reason}",
        "how_built": "重新建立索引",
        "how_loaded": "读取已有索引",
        "cmd_start": "开始使用",
        "cmd_help": "使用帮助",
        "cmd_ask": "提问：/ask 问题",
        "cmd_toc": "查看目录",
        "cmd_about": "关于资料库",
    },
    "en": {
        "welcome": (
            "👋 Hello! I find answers in a folder of Chinese documents.\n\n"
            "Send me a question and I will reply with the best passages and where in the "
            "document they sit. Try one of these:"
        ),
        "help": (
            "<b>How to use</b>\n"
            "• <b>Private chat</b>: just send a question.\n"
            "• <b>Groups</b>: send <code>/ask question</code>, mention me with a question, "
            "or reply to one of my messages.\n"
            "• <b>Channels</b>: make me an admin and post a message starting with "
            "<code>/ask</code>.\n"
            "• <b>Any chat</b>: type <code>@{username} keywords</code> for a quick lookup.\n\n"
            "Buttons under an answer: <b>Full text</b> shows the whole section around a "
            "passage, <b>More</b> shows the next passages.\n"
            "/toc outline · /about the library"
        ),
        "question": "🔎 <b>Q</b>: {question}",
        "no_result": "Nothing found. Try other words, or send /toc to see the outline.",
        "no_more": "No more results.",
        "missing": "The library has no {missing}. Send /toc to see the documents it holds.",
        "weak_only": "No passage answers this. These only partly match, for reference:",
        "empty_question": "Write the question after the command, e.g. <code>/ask 年轻干部</code>",
        "not_text": "I can only answer text questions.",
        "toc_title": "📚 <b>Outline</b>",
        "about": (
            "📚 <b>Library</b>\nDocuments: {documents}\nPassages: {passages}\n"
            "Index built: {built_at}\n\n{titles}"
        ),
        "more": "More ▶",
        "context": "Full text {rank}",
        "context_title": "📄 <b>Full text</b>",
        "stale_button": "This button has expired; please ask again.",
        "rate_limited": "You are asking too fast; please wait {seconds} s.",
        "error": "Sorry, something went wrong. Please try again later.",
        "inline_hint_title": "Type keywords to search",
        "inline_hint": "Type keywords after @{username}, e.g. @{username} 年轻干部 历练",
        "inline_none_title": "Nothing found",
        "inline_none": "Try other keywords.",
        "admins_only": "Only admins can use this command.",
        "not_allowed": "Sorry, this bot is only open to selected users and groups.",
        "stats": (
            "📊 <b>Status</b>\nUp: {uptime}\nUpdates: {updates}\nQuestions answered: {answered}"
            " ({empty} without result)\nInline queries: {inline}\nRate-limited: {limited}\n"
            "Not allowed: {refused}\nErrors: {errors}\nSearch p50/p95: {p50:.1f} / {p95:.1f} ms\n"
            "Passages: {passages}"
        ),
        "reloading": "Re-reading the library…",
        "reloaded": (
            "✅ Loaded {documents} documents, {passages} passages ({how}, {seconds:.1f} s)."
        ),
        "reload_failed": "❌ Reload failed; still serving the previous index: {reason}",
        "how_built": "index rebuilt",
        "how_loaded": "stored index read",
        "cmd_start": "Start",
        "cmd_help": "How to use",
        "cmd_ask": "Ask: /ask question",
        "cmd_toc": "Outline",
        "cmd_about": "About the library",
    },
}


def language(code: str | None) -> str:
    """The UI language for a Telegram language_code: English for en*, else Chinese."""
    return "en" if code and code.lower().startswith("en") else "zh"


def say(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang`, with `values` filled in (callers escape HTML values)."""
    return TEXTS[lang][key].format(**values)
