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
        "top_folder": "未分类",
        "upload_old_word": "❌ {name} 是旧版 Word/WPS 文件，我读不了。请用 Word 或 WPS 另存为 .docx 后再发送。",
        "upload_unsupported": "❌ 不能添加 {name}：这种文件我读不了。请发送 {types} 文件。",
        "upload_too_big": "❌ 文件太大（{size} MB）：机器人最多只能下载 20 MB 的文件。请压缩或拆分后再发送。",
        "upload_over_limit": "❌ 文件太大（{size} MB）：资料库只收 {limit} MB 以内的文件（MAX_FILE_MB）。",
        "upload_reading": "⏳ 正在读取 {name}…",
        "upload_download_failed": "❌ 没能下载 {name}，请稍后再发送一次。资料库没有改变。",
        "upload_unreadable": "❌ 无法读取 {name}：{reason}\n资料库没有改变。",
        "upload_replace": "《{title}》已在资料库中（<code>{path}</code>）。用新文件替换吗？",
        "replace": "替换",
        "keep_both": "另存一份",
        "cancel": "取消",
        "upload_not_writable": "❌ 资料库文件夹（CORPUS_DIR）不可写，文件没有加入。请管理员检查文件夹权限（systemd 服务需在 ReadWritePaths 里加上它）。",
        "upload_gone": "这个文件已经处理过或已过期，请重新发送。",
        "upload_indexing": "⏳ 已读取《{title}》，正在建立索引…（期间照常回答问题）",
        "upload_done": (
            "✅ 已加入《{title}》：{passages} 个段落{pages}，保存为 <code>{path}</code>。现在就可以提问了。\n\n"
            "<b>目录</b>\n{outline}"
        ),
        "upload_pages": "，共 {pages} 页",
        "upload_collection": "\n文集：{name}（在群里发送 /scope 选择哪些群检索它，或设为私有）",
        "upload_top_folder": "\n放在未分类（资料库根目录）。要放进文集，发送时在说明里写“文集：名称”。",
        "upload_saved_not_indexed": "⚠️ 文件已保存为 <code>{path}</code>，但索引里还没有它：\n{outcome}\n下次重新载入成功后即可检索。",
        "upload_no_outline": "（没有分级标题）",
        "upload_cancelled": "已取消，资料库没有改变。",
        "docs_none": "这里还没有可以检索的文档。",
        "docs_title": "📚 <b>资料库（{count} 篇）</b>",
        "docs_more": "… 还有 {count} 篇",
        "docs_passages": "{count} 段",
        "remove_none": "没有找到这样的文档。发送 /docs 查看全部。",
        "remove_pick": "选择要删除的文档：",
        "remove_more": "\n（只列出前 40 篇；用 /remove 关键词 缩小范围。还有 {count} 篇。）",
        "remove_confirm": "确定删除《{title}》（<code>{path}</code>）吗？\n文件会移到资料库的 .removed 文件夹，可以手工恢复。",
        "remove_yes": "确认删除",
        "remove_cancelled": "已取消，资料库没有改变。",
        "remove_gone": "这篇文档已经不在资料库里了。",
        "remove_failed": "❌ 删除失败：{reason}",
        "removed": "🗑 已删除《{title}》。\n{outcome}",
        "scope_title": (
            "🗂 <b>{chat}</b>（<code>{chat_id}</code>）检索哪些文集\n{state}\n\n"
            "点文集名切换 ✅；🔒 表示私有：只有绑定它的群能检索，群成员私聊和内联也能查到，其他人看不到（对所有群生效）。"
        ),
        "scope_unbound": "未绑定：检索所有公开文集。",
        "scope_bound": "只检索：{names}",
        "scope_clear": "不限（所有公开文集）",
        "scope_done": "完成",
        "scope_saved": "✅ 已保存。{state}",
        "scope_private": "在要设置的群里发送 /scope，菜单会私信给你；设置频道，请在这里发送 <code>/scope 频道ID</code>（在频道里发 /scope 可以看到 ID）。",
        "scope_channel": "要设置本频道检索的文集，请管理员私聊我发送 <code>/scope {chat_id}</code>。",
        "scope_open_private": '请先<a href="{url}">私聊我</a>点“开始”，再在群里发送 /scope，设置菜单会私信给你。',
        "scope_no_collections": "资料库没有子文件夹（文集）。把文档放进 CORPUS_DIR 下的子文件夹，就能为每个群选择文集。",
        "mention_only": "请在 @{username} 后面写上问题，例如：@{username} 年轻干部 历练",
        "help": (
            "<b>怎么用</b>\n"
            "• <b>私聊</b>：直接发送问题，例如“年轻干部应该去哪里历练？”；"
            "回复我的回答问“出处”可得到引用格式。\n"
            "• <b>群组</b>：发送 <code>/ask 问题</code>、@{username} 加上问题，或回复我的回答。"
            "群里的其他消息我不回应。\n"
            "• <b>频道</b>：把我设为管理员，发布以 <code>/ask</code> 开头的消息。\n"
            "• <b>任意聊天</b>：输入 <code>@{username} 关键词</code>，把找到的段落连同出处发出去。\n"
            "• <b>原文核对</b>：把一句话放在引号里发给我（“……”或「……」），群里用 <code>/quote 原文</code>，"
            "我会告诉你原文是否一致、出自哪里；不一致时标出最接近的原文和不同之处。\n\n"
            "答案下方：<b>全文</b>看段落所在的整节，<b>更多结果</b>翻页；📎 后面的出处点一下即可复制。\n"
            "/toc 浏览目录 · /docs 文档列表 · /about 关于资料库"
        ),
        "help_admin": (
            "\n\n<b>管理员</b>\n• 把文件（.txt .md .docx .pdf .html，20 MB 以内）私聊发给我，就会加入资料库；"
            "说明里写 <code>文集：名称</code> 放进某个文集（子文件夹）。\n"
            "• /docs 文档列表 · /remove 删除文档 · /reload 重新读取 · /stats 运行情况\n"
            "• 在群或频道里发送 /scope，选择它检索哪些文集，或把文集设为私有。"
        ),
        "no_result": "没有找到相关内容。换个说法试试，或发送 /toc 查看目录。",
        "no_more": "没有更多结果了。",
        "missing": "资料库中没有{missing}。发送 /toc 查看已收录的文档。",
        "missing_here": "这里检索的文档中没有{missing}。发送 /docs 查看这里能检索哪些文档。",
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
        "quote_exact": "✅ <b>原文一致</b>：共 {count} 处",
        "quote_more_places": "…还有 {count} 处",
        "quote_too_long": "⚠️ <b>不是一字不差的原文</b>。这段文字太长（超过 600 字），无法逐字比对出最接近的原文，请分段核对。",
        "quote_times": "（{count} 处）",
        "quote_spliced": "✂️ <b>不是一处原文</b>：由 {count} 处原文拼接而成",
        "quote_none": "❌ <b>资料库中没有这段文字</b>，也没有相近的原文。请核对出处。",
        "quote_differs": "⚠️ <b>原文不一致</b>。最接近的原文（相似度 {similarity}%），不同处已标出：",
        "quote_replace": "“{quote}”，原文是“{text}”",
        "quote_delete": "多了“{quote}”",
        "quote_insert": "少了“{text}”",
        "quote_more_edits": "…还有 {count} 处不同",
        "quote_empty": "请在 /quote 后面写上要核对的原文，例如：<code>/quote 忠诚干净担当</code>",
        "inline_quote_exact": "✅ 原文一致 · {citation}",
        "inline_quote_closest": "⚠️ 原文不一致 · 最接近：{citation}",
        "cmd_quote": "原文核对：/quote 原文",
        "cmd_start": "开始使用",
        "cmd_help": "使用帮助",
        "cmd_ask": "提问：/ask 问题",
        "cmd_toc": "查看目录",
        "cmd_about": "关于资料库",
        "cmd_docs": "文档列表",
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
        "top_folder": "Unsorted",
        "upload_old_word": "❌ {name} is an old Word or WPS file, which I cannot read. Save it as .docx in Word or WPS and send it again.",
        "upload_unsupported": "❌ I cannot add {name}: I cannot read this kind of file. Send {types} files.",
        "upload_too_big": "❌ The file is too big ({size} MB): bots can download files of up to 20 MB. Compress or split it and send it again.",
        "upload_over_limit": "❌ The file is too big ({size} MB): the library takes files of up to {limit} MB (MAX_FILE_MB).",
        "upload_reading": "⏳ Reading {name}…",
        "upload_download_failed": "❌ I could not download {name}; please send it again later. The library is unchanged.",
        "upload_unreadable": "❌ I cannot read {name}: {reason}\nThe library is unchanged.",
        "upload_replace": "《{title}》 is in the library already (<code>{path}</code>). Replace it with the new file?",
        "replace": "Replace",
        "keep_both": "Keep both",
        "cancel": "Cancel",
        "upload_not_writable": "❌ The corpus folder (CORPUS_DIR) is not writable; the file was not added. Check the folder's permissions (a systemd service needs it in ReadWritePaths).",
        "upload_gone": "This file was dealt with already or has expired; please send it again.",
        "upload_indexing": "⏳ Read 《{title}》; indexing… (questions are answered meanwhile)",
        "upload_done": (
            "✅ Added 《{title}》: {passages} passages{pages}, saved as <code>{path}</code>. Ask away.\n\n"
            "<b>Outline</b>\n{outline}"
        ),
        "upload_pages": ", {pages} pages",
        "upload_collection": "\nCollection: {name} (send /scope in a group to choose which groups search it, or make it private)",
        "upload_top_folder": "\nFiled under Unsorted (the library's top folder). To put a file in a collection, send it with the caption “collection: name”.",
        "upload_saved_not_indexed": "⚠️ The file is saved as <code>{path}</code> but the index does not have it yet:\n{outcome}\nIt answers after the next successful reload.",
        "upload_no_outline": "(no headings)",
        "upload_cancelled": "Cancelled; the library is unchanged.",
        "docs_none": "There are no documents to search here yet.",
        "docs_title": "📚 <b>Library ({count} documents)</b>",
        "docs_more": "… and {count} more",
        "docs_passages": "{count} passages",
        "remove_none": "No such document. Send /docs to see them all.",
        "remove_pick": "Pick the document to remove:",
        "remove_more": "\n(Only the first 40 are listed; narrow it down with /remove words. {count} more.)",
        "remove_confirm": "Remove 《{title}》 (<code>{path}</code>)?\nThe file moves to the library's .removed folder, from where it can be put back by hand.",
        "remove_yes": "Remove",
        "remove_cancelled": "Cancelled; the library is unchanged.",
        "remove_gone": "This document is not in the library any more.",
        "remove_failed": "❌ Could not remove it: {reason}",
        "removed": "🗑 Removed 《{title}》.\n{outcome}",
        "scope_title": (
            "🗂 Which collections <b>{chat}</b> (<code>{chat_id}</code>) searches\n{state}\n\n"
            "Tap a collection to toggle ✅; 🔒 means private: only the chats bound to it search it, and their members in private chats and inline; nobody else sees it (for every chat)."
        ),
        "scope_unbound": "Not bound: every public collection.",
        "scope_bound": "Only: {names}",
        "scope_clear": "Any (every public collection)",
        "scope_done": "Done",
        "scope_saved": "✅ Saved. {state}",
        "scope_private": "Send /scope in the group to set it up: the menu comes to you here. For a channel, send <code>/scope channel-id</code> here (/scope in the channel shows its id).",
        "scope_channel": "To choose what this channel searches, an admin sends me <code>/scope {chat_id}</code> in a private chat.",
        "scope_open_private": 'Please <a href="{url}">open a private chat</a> with me and press Start, then send /scope in the group again: the menu comes to you there.',
        "scope_no_collections": "The library has no subfolders (collections). Put documents in subfolders of CORPUS_DIR to choose them per group.",
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
            "its source.\n"
            "• <b>Quote check</b>: send a sentence in quotation marks (“…” or 「…」), or "
            "<code>/quote wording</code> in a group: I say whether the documents have it word "
            "for word and where; if not, the closest wording with the differences marked.\n\n"
            "Under an answer: <b>Full text</b> shows the whole section, <b>More</b> pages on; tap "
            "the source after 📎 to copy it.\n"
            "/toc browse the contents · /docs the documents · /about the library"
        ),
        "help_admin": (
            "\n\n<b>Admins</b>\n• Send me a file (.txt .md .docx .pdf .html, up to 20 MB) in this chat to add it; "
            "a caption <code>collection: name</code> puts it in a collection (a subfolder).\n"
            "• /docs documents · /remove take one out · /reload re-read · /stats how it runs\n"
            "• Send /scope in a group or channel to choose the collections it searches, or make one private."
        ),
        "no_result": "Nothing found. Try other words, or send /toc to see the outline.",
        "no_more": "No more results.",
        "missing": "The library has no {missing}. Send /toc to see the documents it holds.",
        "missing_here": "The documents searched here have no {missing}. Send /docs to see which documents are searched here.",
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
        "quote_exact": "✅ <b>Word for word in the documents</b>: {count} places",
        "quote_more_places": "… and {count} more",
        "quote_too_long": "⚠️ <b>Not word for word.</b> The text is too long (over 600 characters) to compare with the closest wording; check it in parts.",
        "quote_times": " (×{count})",
        "quote_spliced": "✂️ <b>Not one passage</b>: pieced together from {count} places",
        "quote_none": "❌ <b>The library does not have these words</b>, nor anything close. Check the source.",
        "quote_differs": "⚠️ <b>Not word for word.</b> The closest wording ({similarity}% alike), differences marked:",
        "quote_replace": "“{quote}”: the text says “{text}”",
        "quote_delete": "“{quote}” is not in the text",
        "quote_insert": "missing: “{text}”",
        "quote_more_edits": "… and {count} more differences",
        "quote_empty": "Put the wording to check after /quote, e.g. <code>/quote 忠诚干净担当</code>",
        "inline_quote_exact": "✅ Word for word · {citation}",
        "inline_quote_closest": "⚠️ Not word for word · closest: {citation}",
        "cmd_quote": "Check a quote: /quote wording",
        "cmd_start": "Start",
        "cmd_help": "How to use",
        "cmd_ask": "Ask: /ask question",
        "cmd_toc": "Outline",
        "cmd_about": "About the library",
        "cmd_docs": "Documents",
    },
}


def language(code: str | None) -> str:
    """The UI language for a Telegram language_code: English for en*, else Chinese."""
    return "en" if code and code.lower().startswith("en") else "zh"


def say(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang`, with `values` filled in (callers escape HTML values)."""
    return TEXTS[lang][key].format(**values)


# Why a file cannot be read, as the readers say it (in English, for logs and the command
# line), put in Chinese for an admin in Telegram: (what the reason starts with, in Chinese).
REASONS_ZH: tuple[tuple[str, str], ...] = (
    ("no text layer", "这是扫描件，没有文字层：请先做文字识别（OCR），再发送"),
    (
        "its fonts map no characters",
        "PDF 的字体无法转成文字（不能复制出文本）：请先做文字识别（OCR）",
    ),
    ("not a PDF file", "这不是 PDF 文件"),
    ("damaged PDF", "PDF 文件不完整或已损坏，请重新导出后发送"),
    ("encrypted PDF", "PDF 有密码保护：请去掉密码后再发送"),
    ("too many pages", "PDF 页数太多"),
    ("page contents would inflate", "PDF 内容解压后太大"),
    ("encrypted .docx", "Word 文件有密码保护：请去掉密码后再发送"),
    ("not a valid .docx", "Word 文件已损坏，无法打开"),
    ("would inflate", "文件解压后太大（可能是压缩炸弹）"),
    ("too many parts", "Word 文件结构异常（部件太多）"),
    ("empty file", "文件是空的"),
    ("no text besides", "文件里除了标题和广告，没有正文"),
    ("binary file", "这不是文本文件"),
    ("not UTF-8", "文字编码无法识别（不是 UTF-8、GBK 或 GB18030）"),
    ("starts with a", "文字编码有误"),
    ("no article text on the page", "网页里没有找到正文（只有菜单、链接或页脚）"),
    ("not a readable web page", "网页无法解析"),
    ("too large", "文件太大"),
    ("collection name", "文集名称里没有文字或数字"),
)


def reason_in(lang: str, reason: str) -> str:
    """A reader's reason a file cannot be read, in the user's language."""
    if lang == "zh":
        for start, chinese in REASONS_ZH:
            if reason.startswith(start):
                return chinese
    return reason
