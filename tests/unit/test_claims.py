"""The claims register (data/claims.csv): validation with lines, markers, due dates; and one base
population per chart axis."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportkit.api.charts import one_base
from reportkit.errors import ChartError, ClaimError
from reportkit.evidence.claims import Claims, marked_claims

HEADER = "id,statement,statement_en,source,checked_on,recheck_by,kind\n"
ROW = "appeal-pending,上訴中。,On appeal.,court2025,2026-11-30,2027-03-31,case\n"


def _parse(text: str) -> Claims:
    return Claims.parse(text, Path("data/claims.csv"))


def test_a_valid_register_loads_in_file_order() -> None:
    claims = _parse(HEADER + ROW + ROW.replace("appeal-pending", "bill-status").replace(",case", ",bill"))
    assert [c.id for c in claims] == ["appeal-pending", "bill-status"]
    assert claims["appeal-pending"].checked_on == date(2026, 11, 30)


@pytest.mark.parametrize(("row", "message"), [
    (ROW.replace(",case", ",rumour"), "kind"),
    (ROW.replace("2027-03-31", "2026-11-30"), "recheck_by 2026-11-30 must be after checked_on"),
    (ROW.replace("2026-11-30", "2026-11-31"), "checked_on"),
    (ROW.replace("appeal-pending", "Appeal_Pending"), "not kebab-case"),
    (ROW.replace("court2025", ""), "source"),
    (ROW + ROW, "duplicate id (first on line 2)"),
])
def test_bad_rows_are_rejected_with_their_line(row: str, message: str) -> None:
    with pytest.raises(ClaimError) as err:
        _parse(HEADER + row)
    assert message in err.value.message
    assert err.value.line == (3 if row.count("\n") == 2 else 2)


def test_unknown_source_and_unknown_marker_name_file_and_line(tmp_path: Path) -> None:
    claims = _parse(HEADER + ROW)
    with pytest.raises(ClaimError, match="source 'court2025' is not a key"):
        claims.check_sources({"other2024"})
    chapter = tmp_path / "04.qmd"
    chapter.write_text('一\n[上訴中]{.claim data-claim="appeal-pending"}；[另案]{.claim data-claim="no-such"}\n',
                       encoding="utf-8")
    with pytest.raises(ClaimError) as err:
        claims.check_markers(chapter)
    assert err.value.line == 2 and "no-such" in err.value.message


def test_a_claim_is_due_on_or_after_its_recheck_date() -> None:
    claim = _parse(HEADER + ROW)["appeal-pending"]
    assert not claim.due(date(2027, 3, 30))
    assert claim.due(date(2027, 3, 31)) and claim.due(date(2027, 6, 1))


def test_markers_are_found() -> None:
    assert marked_claims('[a]{.claim data-claim="x"} and [b]{.claim data-claim="y"}') == ["x", "y"]


def test_one_axis_may_not_mix_base_populations() -> None:
    one_base(["all respondents", "all respondents"], Path("t.csv"))
    one_base([], Path("t.csv"))
    with pytest.raises(ChartError, match="mix base populations"):
        one_base(["all respondents", "companies already using GenAI"], Path("t.csv"))


def test_check_warns_on_due_claims_and_fails_on_unmarked_ones(tmp_path: Path) -> None:
    from reportkit.checks import Severity
    from reportkit.checks.runner import check_claims
    from reportkit.config.project import Project

    from ..conftest import FIXTURES, copy_project

    root = copy_project(FIXTURES / "mini", tmp_path / "mini")
    (root / "data/claims.csv").write_text(
        HEADER + "due-claim,待查。,Pending.,wef2020jobs,2025-01-01,2026-11-30,report\n"
        "fresh-claim,已查。,Checked.,gs2023,2026-11-30,2027-06-30,report\n"
        "unmarked-claim,未標示。,Not marked.,gs2023,2026-11-30,2027-06-30,report\n", encoding="utf-8")
    chapter = root / "chapters/zh-Hant/01-jobs.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + '\n[待查]{.claim data-claim="due-claim"}，'
                       '[已查]{.claim data-claim="fresh-claim"}。\n', encoding="utf-8")
    findings = {(f.rule, f.line, f.severity) for f in check_claims(Project(root))}
    # as-of is 2026-11-30 in the fixture: a claim due that day is due; the unmarked one is an error
    assert findings == {("claim-due", 2, Severity.WARNING), ("claim-unused", 4, Severity.ERROR)}
    chapter.write_text(chapter.read_text(encoding="utf-8") + '[別案]{.claim data-claim="no-such-claim"}\n',
                       encoding="utf-8")
    [invalid] = check_claims(Project(root))
    assert (invalid.rule, invalid.path) == ("claims-invalid", "chapters/zh-Hant/01-jobs.qmd")
