"""What the bot says, in Chinese and English. Values are Telegram HTML templates."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "welcome": (
            "👋 你好！我可以在{library}里帮你找答案，告诉你原文在哪一部分，并附上可以直接引用的出处。\n\n"
            "直接把问题发给我，或者点下面的例子："
        ),
        "welcome_group": (
            "👋 大家好！我可以在{library}里找答案。\n\n"
            "在群里提问：发送 <code>/ask 问题</code>，或 @{username} 加上问题，或回复我的回答。"
            "我不会回应群里的其他消息。例如："
        ),
        "library_one": "《{title}》",
        "library_many": "这 {count} 篇文档（{titles}{more}）",
        "greeting": "👋 你好！直接把问题发给我就行，比如：{example}\n发送 /toc 浏览目录。",
        "greeting_group": "👋 你好！在群里请用 <code>/ask 问题</code> 或 @{username} 加上问题来提问。",
        "foreign": "📄 The documents are in Chinese: please ask in Chinese.\n资料是中文的，请用中文提问。",
        "source": "📎 <b>出处</b>\n{citations}",
        "no_source": "这条消息没有出处信息。请回复我的回答来问出处。",
        "voice": "我只能回答文字问题，请把问题打成文字发给我。",
        "file_not_admin": "我只能回答文字问题；文档由管理员添加。",
        "file_admin": "请把文件放进资料库文件夹（CORPUS_DIR），然后发送 /reload。",
        "mention_only": "请在 @{username} 后面写上问题，例如：@{username} 年轻干部 历练",
        "help": (
            "<b>怎么用</b>\n"
            "• <b>私聊</b>：直接发送问题，例如“年轻干部应该去哪里历练？”；"
            "回复我的回答问“出处”可得到引用格式。\n"
            "• <b>群组</b>：发送 <code>/ask 问题</code>、@{username} 加上问题，或回复我的回答。"
            "群里的其他消息我不回应。\n"
            "• <b>频道</b>：把我设为管理员，发布以 <code>/ask</code> 开头的消息。\n"
            "• <b>任意聊天</b>：输入 <code>@{username} 关键词</code>，把找到的段落连同出处发出去。\n\n"
            "答案下方：<b>全文</b>看段落所在的整节，<b>更多结果</b>翻页；📎 后面的出处点一下即可复制。\n"
            "/toc 浏览目录 · /about 关于资料库"
        ),
        "no_result": "没有找到相关内容。换个说法试试，或发送 /toc 查看目录。",
        "no_more": "没有更多结果了。",
        "missing": "资料库中没有{missing}。发送 /toc 查看已收录的文档。",
        "weak_only": "没有找到直接回答这个问题的段落。下面的段落只是部分相关，仅供参考：",
        "empty_question": "请在命令后面写上问题，例如：<code>/ask 年轻干部应该去哪里历练</code>",
        "not_text": "我只能回答文字问题，请用文字提问。",
        "about": (
            "📚 <b>资料库</b>\n文档：{documents} 篇\n段落：{passages} 个\n"
            "索引建立于：{built_at}\n\n{titles}"
        ),
        "more": "更多结果 ▶",
        "previous": "◀ 上一页",
        "back": "◀ 返回结果",
        "context": "全文 {marker}",
        "context_title": "📄 全文",
        "sent_privately": "已私信发给你。",
        "section_shown": "全文已经发在群里了，就在这条回答下面。",
        "come_back": "好了！现在回到群里，再点一次刚才的按钮，结果就会私信发到这里。",
        "open_private": "请先私聊我并点“开始”，再点这个按钮。",
        "not_modified": "已经是这一页了。",
        "toc_title": "📚 <b>目录</b>：{count} 篇文档，点一篇查看它的结构。",
        "toc_document": "📄 <b>《{title}》</b>",
        "toc_pick": "点一节查看：",
        "read_from_start": "📖 从头读",
        "up": "⬆ 上一级",
        "documents": "📚 文档列表",
        "previous_passage": "◀ 上一段",
        "next_passage": "下一段 ▶",
        "to_contents": "⬆ 目录",
        "passage_of": "第 {number}/{total} 段",
        "inline_start": "在私聊中提问",
        "inline_nothing": "没有找到，换个关键词，或在私聊中提问",
        "unanswered": "\n\n<b>近 7 天没有答案的问题</b>\n{lines}",
        "unanswered_none": "\n\n近 7 天没有未回答的问题。",
        "unanswered_off": "\n\n（设置 LOG_UNANSWERED=1 可记录没有答案的问题）",
        "description": (
            "我在{library}里找答案：发一个问题，我回复最相关的原文段落、它所在的章节，"
            "以及可以直接引用的出处。私聊直接提问；群里用 /ask 或 @我；任意聊天里输入 @我 加关键词。"
        ),
        "short_description": "在文档里找答案：原文段落、所在章节和出处。",
        "stale_button": "这个按钮已过期，请重新提问。",
        "rate_limited": "提问太快了，请稍等 {seconds} 秒再试。",
        "error": "抱歉，处理时出了点问题，请稍后再试。",
        "admins_only": "这个命令只有管理员可以使用。",
        "not_allowed": "抱歉，这个机器人只对指定的用户和群组开放。",
        "ids": "🆔 你的用户 ID：<code>{user_id}</code>\n这个聊天（{chat_type}）的 ID：<code>{chat_id}</code>",
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
            "👋 Hello! I find answers in {library}, say which part of the document they "
            "are in, and give a source you can cite.\n\nSend me a question, or tap an example:"
        ),
        "welcome_group": (
            "👋 Hello! I find answers in {library}.\n\nTo ask in this group, send "
            "<code>/ask question</code>, mention @{username} with a question, or reply to one "
            "of my answers. I ignore other messages. For example:"
        ),
        "library_one": "《{title}》",
        "library_many": "these {count} documents ({titles}{more})",
        "greeting": "👋 Hello! Just send me a question, for example: {example}\nSend /toc to browse.",
        "greeting_group": "👋 Hello! In a group, ask with <code>/ask question</code> or @{username}.",
        "foreign": "📄 The documents are in Chinese: please ask in Chinese.\n资料是中文的，请用中文提问。",
        "source": "📎 <b>Source</b>\n{citations}",
        "no_source": "This message carries no source. Reply to one of my answers to ask for it.",
        "voice": "I can only answer text questions; please type your question.",
        "file_not_admin": "I can only answer text questions; documents are added by the admins.",
        "file_admin": "Put the file in the corpus folder (CORPUS_DIR), then send /reload.",
        "mention_only": "Write the question after @{username}, e.g. @{username} 年轻干部 历练",
        "help": (
            "<b>How to use</b>\n"
            "• <b>Private chat</b>: just send a question; reply to an answer with 出处 to get "
            "its citation.\n"
            "• <b>Groups</b>: send <code>/ask question</code>, mention @{username} with a "
            "question, or reply to one of my answers. I ignore other messages.\n"
            "• <b>Channels</b>: make me an admin and post a message starting with "
            "<code>/ask</code>.\n"
            "• <b>Any chat</b>: type <code>@{username} keywords</code> to share a passage with "
            "its source.\n\n"
            "Under an answer: <b>Full text</b> shows the whole section, <b>More</b> pages on; tap "
            "the source after 📎 to copy it.\n"
            "/toc browse the contents · /about the library"
        ),
        "no_result": "Nothing found. Try other words, or send /toc to see the outline.",
        "no_more": "No more results.",
        "missing": "The library has no {missing}. Send /toc to see the documents it holds.",
        "weak_only": "No passage answers this. These only partly match, for reference:",
        "empty_question": "Write the question after the command, e.g. <code>/ask 年轻干部</code>",
        "not_text": "I can only answer text questions.",
        "about": (
            "📚 <b>Library</b>\nDocuments: {documents}\nPassages: {passages}\n"
            "Index built: {built_at}\n\n{titles}"
        ),
        "more": "More ▶",
        "previous": "◀ Previous",
        "back": "◀ Back to results",
        "context": "Full text {marker}",
        "context_title": "📄 Full text",
        "sent_privately": "Sent to you in a private chat.",
        "section_shown": "The full text is already in the group, right below this answer.",
        "come_back": "Done! Go back to the group and tap that button again; the result will come here.",
        "open_private": "Open a private chat with me and tap Start, then tap this button again.",
        "not_modified": "This page is already shown.",
        "toc_title": "📚 <b>Contents</b>: {count} documents; tap one to see its outline.",
        "toc_document": "📄 <b>《{title}》</b>",
        "toc_pick": "Tap a section:",
        "read_from_start": "📖 Read from the start",
        "up": "⬆ Up",
        "documents": "📚 Documents",
        "previous_passage": "◀ Previous",
        "next_passage": "Next ▶",
        "to_contents": "⬆ Contents",
        "passage_of": "passage {number}/{total}",
        "inline_start": "Ask in a private chat",
        "inline_nothing": "Nothing found: try other keywords, or ask in a private chat",
        "unanswered": "\n\n<b>Questions without an answer, last 7 days</b>\n{lines}",
        "unanswered_none": "\n\nNo unanswered questions in the last 7 days.",
        "unanswered_off": "\n\n(Set LOG_UNANSWERED=1 to log questions without an answer.)",
        "description": (
            "I find answers in {library}: send a question and I reply with the best passages, "
            "the section they sit in, and a source you can cite. Ask in a private chat; in "
            "groups use /ask or mention me; in any chat type @me and keywords."
        ),
        "short_description": "Answers from documents: the passage, its section and its source.",
        "stale_button": "This button has expired; please ask again.",
        "rate_limited": "You are asking too fast; please wait {seconds} s.",
        "error": "Sorry, something went wrong. Please try again later.",
        "admins_only": "Only admins can use this command.",
        "not_allowed": "Sorry, this bot is only open to selected users and groups.",
        "ids": "🆔 Your user id: <code>{user_id}</code>\nThis chat ({chat_type}): <code>{chat_id}</code>",
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
