"""How `reportkit preview` serves a page: found by an HTML tokenizer, not by pattern."""

from __future__ import annotations

from reportkit.preview import FINDINGS_SCRIPT_PATH, RELOAD_PATH, STYLE_PATH, _decorate

SCRIPTS = f'<script src="{RELOAD_PATH}"></script>\n<script src="{FINDINGS_SCRIPT_PATH}"></script>\n'

PAGE = ('<html><head><script>document.title = "<body>";</script></head>'
        '<body class="page"><p>text</p><!-- </body> --></body></html>')


def test_the_error_banner_opens_the_body_and_the_reload_script_closes_it() -> None:
    served = _decorate(PAGE, "a <b> failed")
    assert served == (
        '<html><head><script>document.title = "<body>";</script>'
        f'<link rel="stylesheet" href="{STYLE_PATH}"></head><body class="page">'
        '<pre id="reportkit-build-error" role="alert">a &lt;b&gt; failed</pre><p>text</p><!-- </body> -->'
        f'{SCRIPTS}</body></html>')


def test_a_good_build_only_adds_the_reload_script() -> None:
    assert _decorate(PAGE, None) == PAGE.replace("--></body>", f"-->{SCRIPTS}</body>")
