"""Languages of the edition: locale identifiers and the user-interface strings.

One entry per language the report can be published in. The chapter folders use
the short code (``zh-Hant``); HTML uses the BCP 47 tag, citeproc the CSL locale
and number formatting the Babel locale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from babel import Locale
from babel.dates import format_date


@dataclass(frozen=True)
class Language:
    code: str  # folder name and the language's id everywhere in reportkit
    bcp47: str  # <html lang>, hreflang
    csl: str  # Quarto's `lang` and pandoc/citeproc's (picks the CSL locale: zh-TW, zh-CN, en-US)
    babel: str  # Babel locale for numbers and territory names
    name: str  # the language's own name, for the language switcher
    ui: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.babel)

    def t(self, key: str) -> str:
        """A user-interface string in this language."""
        return self.ui[key]

    def date(self, day: datetime.date) -> str:
        """A calendar date written the way this language writes it (2026年11月30日, November 30, 2026)."""
        return format_date(day, format="long", locale=self.locale)

    def as_of(self, day: datetime.date) -> str:
        """The edition's as-of line: what date its research is current to."""
        return f"{self.t('as-of')} {self.date(day)}"


_UI_KEYS = (
    "contents", "previous", "next", "references", "source", "locator", "status",
    "measure", "languages", "figure", "table", "section", "chapter", "appendix",
    "status-confirmed", "status-differs", "status-unverified", "skip", "menu", "search",
    "edition", "pdf", "value", "used-in", "stale", "horizon-passed", "changes", "changes-intro",
    "status-secondary", "quote", "read-at", "accessed",
    "as-of", "claim", "claim-checked", "claim-recheck",
    "notebook", "notebook-intro", "label-separator", "data-csv",
    # the archive of earlier editions (archive.py) and how to cite an edition (citation.py)
    "archive-notice", "archive-same-page", "archive-home", "archive-editions", "edition-year",
    "archive-latest", "archive-intro", "archive-result", "cite-heading",
    # the edition diff (changes.py): the "what changed" page and `reportkit diff`
    *(f"diff-{key}" for key in ("statistic", "change", "before", "after", "absolute", "relative", "source",
                                "added", "removed", "changed", "citations", "sentences", "yes", "no",
                                "compared", "claims", "claim", "what")),
)

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "zh-Hant", "zh-Hant-TW", "zh-TW", "zh_Hant_TW", "繁體中文",
            dict(zip(_UI_KEYS, (
                "目錄", "上一章", "下一章", "參考文獻", "來源", "出處", "查核狀態",
                "測量內容", "語言", "圖", "表", "節", "章", "附錄",
                "已查證", "與初稿不同", "未經查證", "跳至內容", "選單", "搜尋",
                "版次", "PDF 版", "數值", "出現章節",
                "本譯文的原文已有修改，譯文可能未反映最新內容。",
                "預測的目標年份已過", "本版更新", "本頁比較本版與前一版次的統計數字、引用文獻與相關句子。",
                "轉引自二手報導", "來源原文", "原文出處", "查閱日期",
                "本版內容查核至", "時效性陳述", "最後查核", "下次查核",
                "下載本章的 Jupyter 筆記本",
                "本筆記本是報告發布時執行的「{title}」一章，含執行結果。要重新執行，需要 Python、Jupyter 與 "
                "reportkit（`pip install reportkit jupyterlab`），以及報告的資料：網站的 `data/` 資料夾"
                "（`statistics.csv` 與各資料表），放在本筆記本所在資料夾的旁邊：\n\n```\n{layout}\n```\n\n"
                "第一個程式碼儲存格設定資料的位置（`DATA`；資料放在別處時請修改）與數字的書寫語言。內文中的數字照"
                "發布時的樣子顯示；含數字的段落之後的程式碼儲存格，會從資料重新計算這些數字。",
                "：", "資料（CSV）",
                "這是 {year} 年版，不是最新版：最新版為 {latest} 年版。",
                "閱讀 {latest} 年版的本頁",
                "前往 {latest} 年版",
                "歷年版本",
                "{year} 年版",
                "最新版",
                "本報告每年發行一版。舊版保留在原來的位置，內容不再更新，供閱讀與引用。",
                "〔{year} 年版〕",
                "如何引用本版",
                "統計項目", "變動", "前版", "本版", "變化", "相對變化", "來源變更", "新增", "移除", "變更",
                "引用文獻", "數字有變動的句子", "是", "否",
                "比較對象：{year} 年版（{ref}）", "時效性陳述", "陳述", "變更欄位",
            ), strict=True)),
        ),
        Language(
            "zh-Hans", "zh-Hans-CN", "zh-CN", "zh_Hans_CN", "简体中文",
            dict(zip(_UI_KEYS, (
                "目录", "上一章", "下一章", "参考文献", "来源", "出处", "核查状态",
                "测量内容", "语言", "图", "表", "节", "章", "附录",
                "已核实", "与初稿不同", "未经核实", "跳至正文", "菜单", "搜索",
                "版次", "PDF 版", "数值", "出现章节",
                "本译文的原文已有修改，译文可能未反映最新内容。",
                "预测的目标年份已过", "本版更新", "本页比较本版与前一版次的统计数字、引用文献与相关句子。",
                "转引自二手报道", "来源原文", "原文出处", "查阅日期",
                "本版内容核查至", "时效性陈述", "最后核查", "下次核查",
                "下载本章的 Jupyter 笔记本",
                "本笔记本是报告发布时运行的「{title}」一章，含运行结果。要重新运行，需要 Python、Jupyter 与 "
                "reportkit（`pip install reportkit jupyterlab`），以及报告的数据：网站的 `data/` 文件夹"
                "（`statistics.csv` 与各数据表），放在本笔记本所在文件夹的旁边：\n\n```\n{layout}\n```\n\n"
                "第一个代码单元格设置数据的位置（`DATA`；数据放在别处时请修改）与数字的书写语言。正文中的数字按"
                "发布时的样子显示；含数字的段落之后的代码单元格，会从数据重新计算这些数字。",
                "：", "数据（CSV）",
                "这是 {year} 年版，不是最新版：最新版为 {latest} 年版。",
                "阅读 {latest} 年版的本页",
                "前往 {latest} 年版",
                "历年版本",
                "{year} 年版",
                "最新版",
                "本报告每年发行一版。旧版保留在原来的位置，内容不再更新，供阅读与引用。",
                "〔{year} 年版〕",
                "如何引用本版",
                "统计项目", "变动", "前版", "本版", "变化", "相对变化", "来源变更", "新增", "移除", "变更",
                "引用文献", "数字有变动的句子", "是", "否",
                "比较对象：{year} 年版（{ref}）", "时效性陈述", "陈述", "变更栏位",
            ), strict=True)),
        ),
        Language(
            "en", "en", "en", "en_US", "English",
            dict(zip(_UI_KEYS, (
                "Contents", "Previous", "Next", "References", "Source", "Locator", "Status",
                "Measure", "Languages", "Figure", "Table", "Section", "Chapter", "Appendix",
                "confirmed", "differs from draft", "unverified", "Skip to content", "Menu",
                "Search", "Edition", "PDF", "Value", "Used in",
                "The original of this chapter has changed since it was translated; this "
                "translation may be out of date.",
                "forecast horizon has passed", "What changed",
                "This page compares this edition's statistics, citations and the sentences that show them "
                "with the previous edition.",
                "secondary source only", "Source's words", "Read at", "accessed",
                "Research current to", "Time-sensitive claim", "Last checked", "Re-check by",
                "Download this chapter as a Jupyter notebook",
                "This notebook is the chapter “{title}” as the published report ran it, outputs included. To run "
                "it again you need Python with Jupyter and reportkit (`pip install reportkit jupyterlab`), and the "
                "report's data: the website's `data/` folder (`statistics.csv` and the tables), placed beside the "
                "folder that holds this notebook:\n\n```\n{layout}\n```\n\n"
                "The first code cell says where the data are (`DATA`: change it if you keep them elsewhere) and "
                "in which language figures are written. Each figure in the text is shown as published; the code "
                "cell after a paragraph with figures computes them again from the data.",
                ": ", "Data (CSV)",
                "This is the {year} edition, not the latest: the latest is the {latest} edition.",
                "Read this page in the {latest} edition",
                "Go to the {latest} edition",
                "All editions",
                "{year} edition",
                "latest",
                "This report is published once a year. Earlier editions stay where they were, unchanged, "
                "to be read and cited.",
                "[{year} edition]",
                "How to cite this edition",
                "Statistic", "Change", "Before", "After", "Change", "Relative", "Source changed", "added",
                "removed", "changed", "Citations", "Sentences whose figures changed", "yes", "no",
                "Compared with: the {year} edition ({ref})", "Time-sensitive claims", "Claim",
                "Fields changed",
            ), strict=True)),
        ),
    )
}

assert all(set(lang.ui) == set(_UI_KEYS) for lang in LANGUAGES.values())

