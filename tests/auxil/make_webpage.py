"""Saved web pages made from the library's documents, in the shape of real government sites.

`make_page(source, template, encoding, declared)` wraps one library document's title and
paragraphs in one of five site templates (TEMPLATES: a modern central-government portal
with Word-pasted paragraphs and a table, an old provincial site laid out with tables and
<br>-separated lines, the NPC's law database, a party-building site of nested divs, a
county site with a <div> a paragraph and a prose sidebar), each with a <head> (title,
meta, styles, scripts), a navigation bar, a breadcrumb, a source/time line, a toolbar, an
editor line, share buttons or related links, a footer and inline scripts. It returns the
page's bytes and every string it put around the article (`Page.cruft`), so that a test
can check that none of them leaks, and the article's lines as the page has them.

`python -m tests.auxil.make_webpage DIR` writes every library document in every template to DIR.
"""

from __future__ import annotations

import codecs
import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[2] / "library"
# Documents without a title line of their own, and the title their page shows.
PAGE_TITLES = {"01_党的十九大报告.txt": "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利"}
# The speech starts with a reseller's promotional header; its article starts at its title.
FIRST_LINES = {"在全市组织系统干部培训专班上的讲话.txt": "在全市组织系统干部培训专班上的讲话"}
SHORT_CHARS = 300  # a short notice: its first lines up to this many characters
SHORT_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百]+[章节编]|[一二三四五六七八九十]+、|总纲|附则)"
)
STYLE = (
    "body{margin:0;font:14px/1.8 'Microsoft YaHei'}.nav li{float:left;padding:0 12px}"
    ".content p{text-indent:2em}.footer{background:#eee;color:#666}"
)
HEAD_SCRIPT = (
    "var _hmt = _hmt || [];(function(){var hm = document.createElement('script');"
    "hm.src = 'https://hm.example.com/hm.js?abc';var s = document.getElementsByTagName"
    "('script')[0];s.parentNode.insertBefore(hm, s);})();"
)
DATE_SCRIPT = (
    "var d = new Date();document.write('今天是' + d.getFullYear() + '年' + (d.getMonth() + 1)"
    " + '月' + d.getDate() + '日 星期' + '日一二三四五六'.charAt(d.getDay()));"
)
TAIL_SCRIPT = (
    "$(function(){$('.share a').click(function(){alert('分享成功，感谢您的支持');});"
    "doZoom(16);var visits = '浏览次数统计脚本';});"
)
RELATED = (
    "国务院常务会议部署进一步优化营商环境工作",
    "全国人大常委会召开专题讲座 聚焦依法行政",
    "多地出台细则推动政策落地见效",
    "权威解读：新规实施后将带来哪些变化",
    "专家学者热议制度建设新进展",
)
SIDEBAR = (
    "热点推荐",
    "基层党组织书记轮训班在京开班",
    "党员教育培训工作规划印发实施",
    "“三会一课”制度落实情况调研综述",
    "先锋模范事迹巡回报告会走进高校",
    "组织工作满意度调查问卷开始填写",
)
TABLE = (
    ("指标", "单位", "2023年", "2024年预期"),
    ("地区生产总值增速", "%", "5.2", "5左右"),
    ("城镇新增就业", "万人", "1244", "1200以上"),
)
PROVINCE_MENU = (
    "政府信息公开",
    "省政府文件",
    "省政府办公厅文件",
    "部门文件",
    "政策解读",
    "规划计划",
    "财政预决算",
    "人事信息",
    "应急管理",
    "建议提案办理",
)


@dataclass(frozen=True)
class Site:
    """What a site puts around its articles: name, menu, breadcrumb, footer lines."""

    name: str
    nav: tuple[str, ...]
    breadcrumb: tuple[str, ...]
    source: str
    footer: tuple[str, ...]


GOV = Site(
    name="中国政府网",
    nav=(
        "首页",
        "简",
        "繁",
        "EN",
        "登录",
        "个人中心",
        "国务院",
        "总理",
        "新闻",
        "政策",
        "互动",
        "服务",
        "数据",
        "国情",
        "国家政务服务平台",
        "滚动新闻",
        "最新政策",
        "政策解读",
    ),
    breadcrumb=("首页", "政策", "最新"),
    source="中国政府网",
    footer=(
        "版权所有：中国政府网 | 中文域名：中国政府网.政务",
        "网站标识码bm01000001",
        "京ICP备05070218号 京公网安备11010202000001号",
        "地址：北京市西城区府右街2号 邮编：100017",
        "联系电话：010-12345678",
        "主办单位：国务院办公厅 运行维护单位：中国政府网运行中心",
    ),
)
PROVINCE = Site(
    name="某某省人民政府门户网站",
    nav=(
        "网站首页",
        "省情概况",
        "政务公开",
        "政务服务",
        "互动交流",
        "专题专栏",
        "无障碍浏览",
        "长者模式",
        "手机版",
        "政府信息公开指南",
        "政府信息公开目录",
        "依申请公开",
    ),
    breadcrumb=("首页", "政务公开", "政策文件", "省政府文件"),
    source="某某省人民政府办公厅",
    footer=(
        "主办单位：某某省人民政府办公厅 承办：某某省大数据中心",
        "版权所有 © 某某省人民政府",
        "网站标识码：5100000062 蜀ICP备12345678号-1",
        "地址：某某市人民南路一段88号 联系我们 | 网站地图 | 使用帮助",
        "联系电话：028-86012345（工作日9:00-17:00）",
    ),
)
NPC = Site(
    name="中国人大网",
    nav=(
        "首页",
        "宪法",
        "立法",
        "监督",
        "代表",
        "新闻",
        "图片",
        "视频",
        "专题",
        "法律法规库",
        "全国人民代表大会",
        "常委会组成人员",
        "机构设置",
    ),
    breadcrumb=("首页", "法律法规库", "宪法相关法"),
    source="中国人大网",
    footer=(
        "版权所有：全国人民代表大会常务委员会办公厅",
        "京ICP备05070218号-3",
        "网站标识码：bm27000001",
        "地址：北京市西城区前门西大街1号 联系电话：010-83083000",
        "建议使用1280×1024分辨率浏览本网站",
    ),
)
PARTY = Site(
    name="共产党员网",
    nav=(
        "共产党员网首页",
        "要闻",
        "党建",
        "理论",
        "学习",
        "党员教育",
        "先锋",
        "廉政",
        "专题",
        "党员之声",
        "微视频",
        "手机报",
        "客户端下载",
    ),
    breadcrumb=("首页", "理论", "重要文献"),
    source="共产党员网",
    footer=(
        "版权所有：共产党员网 未经授权禁止转载",
        "主办单位：中共中央组织部党员教育中心",
        "京ICP备11023388号 京公网安备11010202009999号",
        "网站标识码：dj00000001",
        "联系我们：010-58587777 地址：北京市西城区西长安街80号",
    ),
)

COUNTY = Site(
    name="某某县人民政府",
    nav=("首页", "走进某某", "政务公开", "政务服务", "政民互动", "专题专栏", "县长信箱"),
    breadcrumb=("首页", "政务公开", "通知公告"),
    source="某某县人民政府办公室",
    footer=(
        "主办：某某县人民政府办公室 版权所有",
        "网站标识码：4310000099 湘ICP备09001234号",
        "地址：某某县城关镇人民路1号 联系电话：0735-1234567",
    ),
)
COUNTY_NOTICE = (
    "温馨提示",
    "本网站为某某县人民政府唯一官方网站，请广大群众注意甄别，谨防上当受骗。如发现假冒网站，"
    "请及时拨打举报电话，我们将依法依规进行处理，感谢您的支持与配合。",
)


@dataclass(frozen=True)
class Page:
    """A saved page: its file name, bytes, the article's title, and the strings around it."""

    name: str
    data: bytes
    title: str
    cruft: tuple[str, ...]
    source: str  # the library file it was made from
    lines: tuple[str, ...]  # the article's paragraphs as the page has them, one a line
    table: tuple[str, ...] = ()  # the rows of a table in the article, cells joined by " "


def article(source: str) -> tuple[str, list[str]]:
    """A library document's title and its paragraph lines (its title line left out)."""
    text = (LIBRARY / source).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if source in FIRST_LINES:
        lines = lines[lines.index(FIRST_LINES[source]) :]
    if source in PAGE_TITLES:
        return PAGE_TITLES[source], lines
    return lines[0], lines[1:]


def short_notice(lines: list[str]) -> list[str]:
    """The first lines of an article, as many as make a short notice (SHORT_CHARS)."""
    kept: list[str] = []
    for line in lines:
        kept.append(line)
        if sum(map(len, kept)) >= SHORT_CHARS and len(kept) >= 3:
            break
    return kept


def esc(text: str) -> str:
    """Text as HTML character data."""
    return html.escape(text, quote=False)


def nav_html(site: Site) -> str:
    """The top menu: one link per item."""
    return "".join(f'<li><a href="/{n}/">{esc(item)}</a></li>' for n, item in enumerate(site.nav))


def breadcrumb_text(site: Site) -> str:
    """The breadcrumb as it reads: 当前位置：首页 > 政策 > 最新."""
    return "当前位置：" + " > ".join(site.breadcrumb)


def breadcrumb_html(site: Site) -> str:
    """The breadcrumb, its steps as links."""
    steps = " &gt; ".join(
        f'<a href="/{n}/">{esc(step)}</a>' for n, step in enumerate(site.breadcrumb)
    )
    return f"当前位置：{steps}"


def paragraphs_html(lines: list[str], centred: bool, wrap: str = "") -> str:
    """The body: one <p> a line (its text inside `wrap`, e.g. a Word-pasted <span>),
    headings in <strong> (centred or not), indentation by &nbsp;, by full-width spaces
    or none; every ninth pair of lines shares a <p>, separated by <br>."""
    opening, closing = (f"<{wrap}>", f"</{wrap.split()[0]}>") if wrap else ("", "")
    out = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if SHORT_HEADING.match(line) and len(line) <= 40:
            align = ' style="text-align: center;"' if centred else ""
            out.append(f"<p{align}><strong>{esc(line)}</strong></p>")
            index += 1
            continue
        indent = ("&nbsp;&nbsp;&nbsp;&nbsp;", "\u3000\u3000", "")[index % 3]
        if index % 9 == 4 and index + 1 < len(lines) and not SHORT_HEADING.match(lines[index + 1]):
            second = lines[index + 1]
            out.append(f"<p>{opening}{indent}{esc(line)}<br/>\n{indent}{esc(second)}{closing}</p>")
            index += 2
            continue
        out.append(f"<p>{opening}{indent}{esc(line)}{closing}</p>")
        index += 1
    return "\n".join(out)


def breaks_html(lines: list[str]) -> str:
    """An old CMS's body: no <p>, lines indented with full-width spaces and separated by
    <br>, headings in <b>."""
    out = []
    for line in lines:
        if SHORT_HEADING.match(line) and len(line) <= 40:
            out.append(f"<br/><b>{esc(line)}</b><br/>")
        else:
            out.append(f"\u3000\u3000{esc(line)}<br/>")
    return "\n".join(out)


def table_html() -> str:
    """A small table of figures, as articles have them."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in TABLE
    )
    return f'<table border="1" class="MsoTableGrid"><tbody>{rows}</tbody></table>'


def charset_meta(declared: str | None, http_equiv: bool) -> str:
    """The <meta> that declares the page's encoding, if any."""
    if declared is None:
        return ""
    if http_equiv:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
    return f'<meta charset="{declared}">'


def head_html(title: str, site: Site, meta: str) -> str:
    """<head>: encoding, title, keywords, styles and a tracking script."""
    return (
        f"<head>\n{meta}\n<title>{esc(title)}_{esc(site.name)}</title>\n"
        f'<meta name="keywords" content="{esc(site.name)},政策,文件">\n'
        '<link rel="stylesheet" href="/css/common.css">\n'
        f"<style>{STYLE}</style>\n<script>{HEAD_SCRIPT}</script>\n</head>"
    )


def footer_lines(site: Site) -> str:
    """The footer's lines, one <p> each."""
    return "".join(f"<p>{esc(line)}</p>" for line in site.footer)


def related_html(heading: str) -> str:
    """A related-links box: a heading and a list of links."""
    items = "".join(f'<li><a href="/r/{n}.htm">{esc(t)}</a></li>' for n, t in enumerate(RELATED))
    return f'<div class="related"><h3>{heading}</h3><ul>{items}</ul></div>'


def side_html(heading: str, titles: tuple[str, ...]) -> str:
    """A sidebar box of headline links."""
    items = "".join(f'<li><a href="/s/{n}.shtml">{esc(t)}</a></li>' for n, t in enumerate(titles))
    return f'<div class="side_box"><h3>{esc(heading)}</h3><ul>{items}</ul></div>'


def gov_page(title: str, lines: list[str], site: Site, meta: str) -> str:
    """A modern portal: header nav, breadcrumb div, article div with h1 and a content div
    of Word-pasted paragraphs, a sidebar of headlines."""
    body = paragraphs_html(lines, False, 'span style="font-family: 仿宋_GB2312; font-size: 16pt;"')
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
{head_html(title, site, meta)}
<body>
<div class="header"><div class="logo"><a href="/"><img src="/logo.png" alt="{site.name}"></a></div>
<div class="date"><script>{DATE_SCRIPT}</script></div>
<ul class="nav">{nav_html(site)}</ul></div>
<div class="BreadcrumbNav">{breadcrumb_html(site)}</div>
<div class="wrap"><div class="article oneColumn pub_border">
<h1>{esc(title)}</h1>
<div class="pages-date">2024-03-01 10:00 <span class="font">来源：{site.source}</span>
<span class="font index_switchsize">【字号：<span>大</span> <span>中</span>
<span>小</span>】</span>
<span class="printIco"><a href="javascript:window.print()">【打印】</a></span>
<a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="pages_content" id="UCAP-CONTENT">
<div class="TRS_Editor"><div class="Custom_UnionStyle">
{body}
{table_html()}
</div></div></div>
<div class="editor">责任编辑：张三</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="mobile">扫一扫在手机打开当前页</div>
{related_html("相关报道")}
</div>
<div class="sidebar">{side_html(SIDEBAR[0], SIDEBAR[1:])}</div></div>
<div class="footer">{footer_lines(site)}</div>
<script>{TAIL_SCRIPT}</script>
</body>
</html>
"""


def province_page(title: str, lines: list[str], site: Site, meta: str) -> str:
    """An old site laid out with tables: a menu column beside the article, the title in a
    <td class> (no <h1>), paragraphs in <font>, the editor line in the article's cell."""
    nav = " | ".join(f'<a href="/{n}/">{esc(item)}</a>' for n, item in enumerate(site.nav))
    menu = "".join(
        f'<tr><td><a href="/m/{n}/">{esc(item)}</a></td></tr>'
        for n, item in enumerate(PROVINCE_MENU)
    )
    related = "".join(
        f'<tr><td>·<a href="/r/{n}.htm">{esc(t)}</a></td></tr>' for n, t in enumerate(RELATED)
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html>
{head_html(title, site, meta)}
<body>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td class="top"><img src="/images/banner.jpg"></td></tr>
<tr><td class="navbar">{nav}</td></tr>
<tr><td class="dqwz">{breadcrumb_html(site)}</td></tr>
</table>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" class="bk">
<tr><td width="200" valign="top" class="left"><table>{menu}</table></td>
<td width="800" valign="top"><table width="100%">
<tr><td height="60" align="center" class="bt_title">{esc(title)}</td></tr>
<tr><td align="center" class="xx">来源：{site.source}&nbsp;&nbsp;时间：2024-03-01 10:00&nbsp;&nbsp;
【字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>
<a href="javascript:doZoom(12)">小</a>】 <a href="javascript:window.print()">【打印】</a>
<a href="javascript:window.close()">【关闭窗口】</a></td></tr>
<tr><td class="content"><div id="zoom">
<font size="3">{breaks_html(lines)}</font>
<p align="right">责任编辑：张三</p>
</div></td></tr>
<tr><td><table><tr><td>相关链接：</td></tr>{related}</table></td></tr>
</table></td></tr>
</table>
<table width="1000" align="center" class="foot"><tr><td>{footer_lines(site)}</td></tr></table>
<script>{TAIL_SCRIPT}</script>
</body>
</html>
"""


def npc_page(title: str, lines: list[str], site: Site, meta: str) -> str:
    """The NPC's law pages: a title div with an h1, the text in div#Zoom of <p>s, the
    editor's line as the last <p> of the text."""
    return f"""<html>
{head_html(title, site, meta)}
<body>
<div id="top"><div class="w1200"><ul class="menu">{nav_html(site)}</ul></div></div>
<div class="w1200"><div class="position">{breadcrumb_html(site)}</div>
<div class="main"><div class="tit"><h1>{esc(title)}</h1></div>
<div class="fontsize">来源：{site.source} &nbsp; 发布时间：2024-03-01 10:00 &nbsp;
【字号：<a>大</a> <a>中</a> <a>小</a>】【<a>打印</a>】【<a>关闭窗口</a>】</div>
<div id="Zoom">
{paragraphs_html(lines, True)}
<p style="text-align: right;">（责任编辑：张三）</p>
</div>
<div class="fx">分享到：<a>微信</a><a>微博</a><a>QQ</a></div>
{related_html("相关链接")}
</div></div>
<div id="footer">{footer_lines(site)}</div>
<script>{TAIL_SCRIPT}</script>
</body>
</html>
"""


def party_page(title: str, lines: list[str], site: Site, meta: str) -> str:
    """A party-building site: nested divs, a sidebar of links, the title in a div."""
    nav = "".join(
        f'<div class="nav_item"><a href="/{n}/">{esc(item)}</a></div>'
        for n, item in enumerate(site.nav)
    )
    return f"""<!DOCTYPE html>
<html>
{head_html(title, site, meta)}
<body>
<div class="top_nav"><div class="container"><div class="nav_list">{nav}</div></div></div>
<div class="container"><div class="crumbs">{breadcrumb_html(site)}</div>
<div class="main clearfix"><div class="main_left"><div class="box"><div class="inner">
<div class="big_title">{esc(title)}</div>
<div class="sub_title"><span>来源：{site.source}</span> <span>时间：2024-03-01 10:00</span>
<span class="size">【字号：<a>大</a> <a>中</a> <a>小</a>】</span><span>【打印】</span></div>
<div class="word" id="font_area">
{paragraphs_html(lines, False)}
</div>
<div class="editor"><p>责任编辑：张三</p></div>
<div class="share_box">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
{related_html("相关阅读")}
</div></div></div>
<div class="main_right">{side_html(SIDEBAR[0], SIDEBAR[1:])}</div>
</div></div>
<div class="footer"><div class="container">{footer_lines(site)}</div></div>
<script>{TAIL_SCRIPT}</script>
</body>
</html>
"""


def county_page(title: str, lines: list[str], site: Site, meta: str) -> str:
    """A county site: the logo in the <h1>, the title in an <h2>, one <div> a paragraph,
    and a sidebar that is prose too (a notice with full sentences)."""
    body = "\n".join(f"<div>{esc(line)}</div>" for line in lines)
    nav = "".join(f'<li><a href="/{n}/">{esc(item)}</a></li>' for n, item in enumerate(site.nav))
    return f"""<!DOCTYPE html>
<html>
{head_html(title, site, meta)}
<body>
<div id="header"><h1 class="logo"><a href="/"><img src="/logo.png" alt="{site.name}"></a></h1>
<div class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></div>
<ul id="menu">{nav}</ul></div>
<div id="location">{breadcrumb_html(site)}</div>
<div id="main"><div id="left">
<div class="notice"><h4>{COUNTY_NOTICE[0]}</h4><p>{COUNTY_NOTICE[1]}</p></div>
{side_html(SIDEBAR[0], SIDEBAR[1:])}</div>
<div id="right"><div class="detail">
<h2 class="title">{esc(title)}</h2>
<div class="info">发布时间：2024-03-01 10:00 来源：{site.source} 浏览次数：1024
【字体：<a>大</a> <a>中</a> <a>小</a>】 【<a>打印本页</a>】 【<a>关闭</a>】</div>
<div class="detail_content" id="zoom">
{body}
</div>
<div class="editor">责任编辑：张三</div>
<div class="prev-next">上一篇：<a>关于开展2024年度统计执法检查的公告</a><br>
下一篇：<a>关于公布行政事业性收费目录清单的通知</a></div>
</div></div></div>
<div id="footer">{footer_lines(site)}</div>
<script>{TAIL_SCRIPT}</script>
</body>
</html>
"""


Template = Callable[[str, list[str], Site, str], str]
TEMPLATES: dict[str, tuple[Template, Site]] = {
    "gov": (gov_page, GOV),
    "province": (province_page, PROVINCE),
    "npc": (npc_page, NPC),
    "party": (party_page, PARTY),
    "county": (county_page, COUNTY),
}


def cruft_of(site: Site, template: str) -> tuple[str, ...]:
    """Every string a template puts around the article, as it reads on the page."""
    strings = [
        *site.nav,
        breadcrumb_text(site),
        f"来源：{site.source}",
        "2024-03-01 10:00",
        "字号",
        "打印",
        "关闭窗口",
        "责任编辑：张三",
        "今天是",
        "_hmt",
        "document.write",
        "分享成功",
        "doZoom",
        "浏览次数统计脚本",
        *site.footer,
        *RELATED,
    ]
    if template in ("gov", "npc", "party"):
        strings += ["分享到", "QQ空间" if template != "npc" else "QQ"]
    strings += {
        "gov": ["扫一扫在手机打开当前页", "相关报道", *SIDEBAR],
        "province": ["相关链接", *PROVINCE_MENU],
        "npc": ["相关链接"],
        "party": ["相关阅读", *SIDEBAR],
        "county": [
            "请输入关键词",
            "浏览次数：1024",
            "打印本页",
            *COUNTY_NOTICE,
            "上一篇",
            "关于开展2024年度统计执法检查的公告",
            *SIDEBAR,
        ],
    }[template]
    return tuple(strings)


def make_page(
    source: str,
    template: str,
    encoding: str = "gbk",
    declared: str | None = "gbk",
    http_equiv: bool = False,
    short: bool = False,
) -> Page:
    """One library document as a saved page of `template`, in `encoding` bytes, declaring
    `declared` (None: no meta charset; it may differ from `encoding`, as on some sites).
    `short` keeps only the first paragraphs (a short notice among long menus)."""
    title, lines = article(source)
    if short:
        lines = short_notice(lines)
    build, site = TEMPLATES[template]
    page = build(title, lines, site, charset_meta(declared, http_equiv))
    data = page.encode(encoding.removesuffix("-sig"), errors="xmlcharrefreplace")
    if encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + data
    stem = Path(source).stem
    name = f"{stem}.{template}.{encoding}.{declared or 'none'}{'.short' if short else ''}.html"
    # Cruft the document itself contains (a word like 政策 or 服务) proves nothing.
    text = (LIBRARY / source).read_text(encoding="utf-8")
    cruft = tuple(s for s in cruft_of(site, template) if s not in text and s not in title)
    table = tuple(" ".join(row) for row in TABLE) if template == "gov" else ()
    return Page(name, data, title, cruft, source, tuple(lines), table)


def navigation_page() -> bytes:
    """A page with no article: menus, a breadcrumb, link lists and a footer only."""
    site = PROVINCE
    links = "".join(
        f'<li><a href="/r/{n}.htm">{esc(t)}</a><span>2024-03-0{n + 1}</span></li>'
        for n, t in enumerate(RELATED + SIDEBAR[1:])
    )
    page = f"""<html>
{head_html("政策文件", site, charset_meta("gbk", False))}
<body><ul class="nav">{nav_html(site)}</ul>
<div class="dqwz">{breadcrumb_html(site)}</div>
<div class="list"><h2>政策文件</h2><ul>{links}</ul>
<div class="page">共5页 首页 上一页 <a>1</a> <a>2</a> <a>3</a> 下一页 尾页</div></div>
<div class="footer">{footer_lines(site)}</div><script>{TAIL_SCRIPT}</script></body></html>
"""
    return page.encode("gbk", errors="xmlcharrefreplace")


# Every library document, its template and its encoding (bytes, declared, http-equiv).
PLAN: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("01_党的十九大报告.txt", "party", "utf-8", "utf-8", False),
    ("03_2020年政府工作报告.txt", "gov", "gb18030", "gb18030", False),
    ("04_2026年上海市政府工作报告.txt", "province", "gb18030", None, False),
    ("06_中国共产党章程.txt", "party", "gbk", "gbk", False),
    ("08_中国共产党纪律检查委员会工作条例.txt", "party", "utf-8-sig", None, False),
    ("11_信访工作条例.txt", "province", "gbk", "gb2312", True),
    ("13_监察法.txt", "npc", "gbk", "gbk", True),
    ("14_个人信息保护法.txt", "gov", "gbk", "utf-8", False),  # a wrong declaration
    ("16_教育法.txt", "npc", "utf-8", None, False),
    ("17_认罪认罚从宽制度指导意见.txt", "gov", "utf-8", "utf-8", False),
    ("在全市组织系统干部培训专班上的讲话.txt", "province", "gbk", None, False),
)


def planned_pages() -> list[Page]:
    """Every library document as a page, each in its planned template and encoding."""
    return [make_page(s, t, e, d, h) for s, t, e, d, h in PLAN]


def all_pages() -> list[Page]:
    """Every library document in every template, whole and short (to measure extractors)."""
    pages = []
    for source, _template, encoding, declared, equiv in PLAN:
        for template in TEMPLATES:
            pages.append(make_page(source, template, encoding, declared, equiv))
            pages.append(make_page(source, template, encoding, declared, equiv, short=True))
    return pages


def main(argv: list[str]) -> None:
    """Write every library document in every template into the folder argv[0]."""
    folder = Path(argv[0] if argv else "webpages")
    folder.mkdir(parents=True, exist_ok=True)
    for page in all_pages():
        (folder / page.name).write_bytes(page.data)
    print(f"{len(all_pages())} pages in {folder}")


if __name__ == "__main__":
    main(sys.argv[1:])
