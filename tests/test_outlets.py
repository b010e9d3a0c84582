"""The outlet perspective: the curated registry (integrity, user overrides, bad rows), story coverage and the
outlet page over the desk's real-Arabic store, ``rasid outlets``, and the UI at phone size.

The store is the analyst's-desk fixture of tests/test_web_ui.py (Syrian and Russian outlets reporting the
same Qamishli withdrawal with different vehicle counts), so the expected numbers below can be read off it:
the Qamishli story is covered by rt_arabic, tass_ar and enab_baladi; sana and aawsat published in its window
but not about it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webtools import LiveServer

from rasid import resources
from rasid.config import OutletsConfig, RunConfig
from rasid.serve.api import create_app
from rasid.serve.cli import app as cli_app
from rasid.serve.outlets import OWNERSHIP, country_names, load_registry, parse_rows
from rasid.store import Store

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rasid_web_ui_for_outlets", Path(__file__).with_name("test_web_ui.py"))
ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui)  # type: ignore[union-attr]
QAMISHLI, VISIT = ui.QAMISHLI, ui.api_fixture.STORY

# outlet ids rasid assigns to the corpora it is evaluated on (ANT "src", SaudiNewsNet "source") and the demo
ANT_IDS = ("skynews", "alarabia", "france24", "BBC", "CNN")
SNN_IDS = ("alriyadh", "aljazirah", "alyaum", "aleqtisadiya", "aawsat", "okaz", "alwatan", "almadina", "alweeam",
           "3alyoum", "sabq", "was", "arreyadi", "arriyadiyah")
DEMO_IDS = ("alarabiya", "sana", "aawsat", "enab_baladi", "rt_arabic", "tass_ar", "reuters_ar", "anadolu_ar", "afp_ar")


# ---- the shipped registry -----------------------------------------------------------------------------
def _shipped_lines() -> list[str]:
    return resources.path("outlet_registry.tsv").read_text(encoding="utf-8").splitlines()


def test_registry_file_is_well_formed_and_sourced() -> None:
    text = resources.path("outlet_registry.tsv").read_text(encoding="utf-8")
    assert not text.startswith("\ufeff") and "\r" not in text and text.endswith("\n")
    header = [line for line in text.splitlines() if line.startswith("#")]
    for key in ("source:", "used by:", "licence"):
        assert any(key in line for line in header), f"header needs {key}"
    records, problems = parse_rows(_shipped_lines(), "outlet_registry.tsv", "shipped", strict_source=True)
    assert problems == []
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)), "duplicate ids"
    aliases = [a for r in records for a in r.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(ids), "an alias names two outlets"
    arabic = re.compile(r"[\u0621-\u064A]")
    for r in records:
        assert r.ownership in OWNERSHIP
        assert r.country == "" or r.country in country_names()
        assert arabic.search(r.name), f"{r.id}: the display name is Arabic"
        if r.ownership != "unknown" or r.affiliation:
            assert r.source.startswith("https://"), f"{r.id}: a stated fact needs its public source"
    # the well-known cases the issue names
    got = {r.id: (r.country, r.ownership) for r in records}
    assert got["aljazeera"] == ("QA", "state") and got["bbc"] == ("GB", "public") and got["rt"] == ("RU", "state")
    assert got["france24"] == ("FR", "public") and got["alhurra"] == ("US", "public") and got["spa"] == ("SA", "state")
    assert got["skynewsarabia"][0] == "AE" and got["ahram"] == ("EG", "state")


def test_registry_covers_every_named_outlet_and_every_corpus_id() -> None:
    reg = load_registry()
    named = [row[0] for row in resources.rows(resources.path("outlets.tsv"))]
    assert [o for o in named if o not in reg.records] == []
    for outlet in (*ANT_IDS, *SNN_IDS, *DEMO_IDS):
        assert reg.lookup(outlet) is not None, f"{outlet} is not in the registry"
    assert reg.lookup("was").id == "spa" and reg.lookup("BBC").id == "bbc" and reg.lookup("skynews").id == "skynewsarabia"
    assert reg.lookup("rt_arabic").name == "آر تي عربي" and reg.lookup("no-such-outlet") is None


SHARED = Path(os.environ.get("RASID_SHARED_DATA", "/work/shared/data"))


@pytest.mark.skipif(not (SHARED / "saudinewsnet").is_dir() or not (SHARED / "ant_multisource").is_dir(),
                    reason="needs the staged ANT and SaudiNewsNet corpora (/work/shared/data)")
def test_every_outlet_of_the_staged_corpora_is_registered() -> None:
    """The ids the JSONL reader gives these corpora (their source field) all resolve, read from the data."""
    from rasid.ingest.readers import read_inputs

    reg = load_registry()
    seen: set[str] = set()
    for folder in ("ant_multisource", "saudinewsnet"):
        files = sorted((SHARED / folder / "jsonl").glob("*.jsonl"))
        for f in files[:: max(1, len(files) // 6)]:  # a spread of files: every outlet appears in each batch
            seen |= {a.outlet for a in read_inputs([f]) if getattr(a, "outlet", None)}
    assert {"skynews", "BBC", "was", "3alyoum"} <= seen
    assert sorted(o for o in seen if reg.lookup(o) is None) == []


def test_country_table_is_iso_codes_with_arabic_names() -> None:
    names = country_names()
    assert len(names) >= 245 and all(re.fullmatch(r"[A-Z]{2}", c) for c in names)
    assert names["SA"] == "المملكة العربية السعودية" and names["EG"] == "مصر" and "XK" not in names


# ---- the user's registry ------------------------------------------------------------------------------
def test_user_rows_override_extend_and_bad_rows_are_skipped_with_a_reason(tmp_path: Path, caplog) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text("\ufeff# my outlets\n"
                    "sana\tسانا (دمشق)\tSY\tstate\tthe transitional government\t\n"  # override, no source needed
                    "was\tواس\tSA\tstate\t\t\n"  # an alias: overrides the record it stands for
                    "halab\tحلب اليوم\tSY\tprivate\t\thttps://example.org/about\tHalabToday\n"  # new
                    "broken row without tabs\n"
                    "x1\tاسم\tXX\tprivate\t\t\n"
                    "x2\tاسم\tSY\towned\t\t\n"
                    "x3\tاسم\tSY\tprivate\t\tjavascript:alert(1)\n"
                    "halab\tمكرر\tSY\tprivate\t\t\n", encoding="utf-8")
    with caplog.at_level("WARNING"):
        reg = load_registry(mine)
    assert reg.lookup("sana").name == "سانا (دمشق)" and reg.lookup("sana").origin == "user"
    assert reg.lookup("spa").name == "واس" and reg.lookup("was").id == "spa" and "was" in reg.lookup("spa").aliases
    assert reg.lookup("HalabToday").id == "halab" and reg.lookup("aljazeera").origin == "shipped"
    reasons = "\n".join(reg.problems)
    assert len(reg.problems) == 5, reasons
    for why in ("got 1", "'XX' is not an ISO", "'owned' is not one of", "not an http(s) URL", "duplicate id 'halab'"):
        assert why in reasons
    assert "mine.tsv:5" in reasons and "outlet registry" in caplog.text
    assert load_registry(mine) is reg  # read once per file version
    os.utime(mine, ns=(1, 1))
    assert load_registry(mine) is not reg  # an edited file is read again


def test_a_missing_user_file_keeps_the_shipped_registry(tmp_path: Path) -> None:
    reg = load_registry(tmp_path / "nope.tsv")
    assert reg.lookup("aljazeera") is not None and "cannot read" in reg.problems[-1]


def test_outlets_section_of_the_run_config() -> None:
    cfg = RunConfig.from_dict({"outlets": {"registry": "my.tsv", "coverage_slack_days": 2}})
    assert cfg.outlets == OutletsConfig(registry="my.tsv", coverage_slack_days=2.0)


# ---- API: coverage and the outlet page ----------------------------------------------------------------
@pytest.fixture(scope="module")
def desk_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return ui.build_desk_db(tmp_path_factory.mktemp("outlets") / "desk.db")


@pytest.fixture(scope="module")
def client(desk_store: Store) -> TestClient:
    return TestClient(create_app(desk_store), base_url="http://localhost")


def test_story_coverage_by_ownership_and_country_and_who_did_not_cover(client: TestClient) -> None:
    cov = client.get(f"/api/stories/{QAMISHLI}").json()["coverage"]
    assert [c["outlet"] for c in cov["covered"]] == ["rt_arabic", "tass_ar", "enab_baladi"]  # first to report first
    assert {c["outlet"]: c["ownership"] for c in cov["covered"]} == {"rt_arabic": "state", "tass_ar": "state",
                                                                     "enab_baladi": "private"}
    assert cov["window"]["from"].startswith("2026-01-25") and cov["window"]["to"].startswith("2026-01-28")
    assert [(m["outlet"], m["documents_in_window"]) for m in cov["missing"]] == [("aawsat", 1), ("sana", 1)]
    assert cov["by_ownership"] == [{"ownership": "state", "covered": 2, "missing": 1},
                                   {"ownership": "private", "covered": 1, "missing": 1}]
    by_country = {r["country"]: (r["covered"], r["missing"], r["country_name"]) for r in cov["by_country"]}
    assert by_country == {"RU": (2, 0, "روسيا"), "SY": (1, 1, "سوريا"), "SA": (0, 1, "المملكة العربية السعودية")}
    # a wider window brings the quake's outlets in (alarabiya published on the 29th)
    wide = TestClient(create_app(client.app.state.store, outlets=OutletsConfig(coverage_slack_days=2)),
                      base_url="http://localhost").get(f"/api/stories/{QAMISHLI}").json()["coverage"]
    assert "alarabiya" in {m["outlet"] for m in wide["missing"]}


def test_outlet_page_stands_alone_and_reports_early(client: TestClient) -> None:
    rt = client.get("/api/outlets/rt_arabic").json()
    assert rt["outlet"]["registry_id"] == "rt" and rt["outlet"]["country_name"] == "روسيا"
    assert rt["outlet"]["source"].startswith("https://")
    s = rt["stats"]
    # visit type «عمل» only RT gives (alone); the 40 vehicles RT shares with TASS (not alone)
    assert (s["documents"], s["stories"], s["conflicts"], s["alone"], s["alone_share"]) == (2, 2, 2, 1, 0.5)
    # Qamishli: RT first (tied with TASS the same day); the visit: a day after Asharq Al-Awsat
    assert (s["shared_stories"], s["first_reports"], s["first_share"], s["median_lag_hours"]) == (2, 1, 0.5, 12.0)
    assert [x["id"] for x in rt["stories"]["items"]] == [VISIT, QAMISHLI]  # newest first
    second = client.get("/api/outlets/rt_arabic", params={"limit": 1, "offset": 1}).json()["stories"]
    assert second["total"] == 2 and [x["id"] for x in second["items"]] == [QAMISHLI]
    enab = client.get("/api/outlets/enab_baladi").json()["stats"]
    assert (enab["conflicts"], enab["alone"], enab["first_reports"], enab["median_lag_hours"]) == (1, 1, 0, 24.0)


def test_outlet_page_for_registry_only_unknown_and_hostile_ids(client: TestClient) -> None:
    x = client.get("/api/outlets/xinhua").json()
    assert x["outlet"]["name"] == "شينخوا" and x["stats"]["documents"] == 0 and x["stories"]["total"] == 0
    r = client.get("/api/outlets/no-such-outlet")
    assert r.status_code == 404 and r.json()["code"] == "outlet_not_found"
    assert client.get("/api/outlets/" + "x" * 400).json()["code"] == "id_too_long"
    lst = {o["outlet"]: o for o in client.get("/api/outlets").json()}
    assert lst["tass_ar"]["name"] == "تاس" and lst["tass_ar"]["documents"] == 1


def test_a_user_registry_reaches_the_api(desk_store: Store, tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text("enab_baladi\tعنب بلدي\tSY\tunknown\t\t\n", encoding="utf-8")
    c = TestClient(create_app(desk_store, outlets=OutletsConfig(registry=str(mine))), base_url="http://localhost")
    cov = c.get(f"/api/stories/{QAMISHLI}").json()["coverage"]
    assert cov["by_ownership"][-1] == {"ownership": "unknown", "covered": 1, "missing": 0}


def test_cli_lists_registry_and_counts(desk_store: Store, tmp_path: Path) -> None:
    db = desk_store.url.removeprefix("sqlite:///")
    out = CliRunner().invoke(cli_app, ["outlets", "--db", db], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    row = next(line for line in out.output.splitlines() if "rt_arabic" in line)
    assert "RU" in row and "state" in row and re.search(r"\b2\b.*\b2\b", row)
    assert "xinhua" not in out.output
    everything = CliRunner().invoke(cli_app, ["outlets", "--db", db, "--all"], env={"COLUMNS": "200"})
    assert "xinhua" in everything.output and everything.output.count(" rt") == 1  # rt_arabic stands for rt


# ---- the UI at phone size ---------------------------------------------------------------------------
browser = ui.browser
shots = ui.shots


@pytest.fixture(scope="module")
def live(desk_store: Store):  # noqa: ANN201
    if ui.NO_BROWSER:
        pytest.skip("needs selenium, chromium and chromedriver")
    with LiveServer(desk_store) as srv:
        yield srv


@ui.browser_only
def test_coverage_bar_and_outlet_page_fit_a_phone(browser: object, live: object, shots: Path) -> None:
    ui.screen(browser, *ui.PHONE)
    ui.open_page(browser, live.url + f"/#/story/{QAMISHLI}")  # type: ignore[attr-defined]
    segs = browser.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('#coverage .cov-bar .cov-seg'))"
        ".map(s => [s.className, Math.round(s.getBoundingClientRect().width)]);")
    assert [c for c, _ in segs] == ["cov-seg own-state", "cov-seg own-private"]
    assert segs[0][1] > 1.5 * segs[1][1], "two state outlets against one private one"
    text = browser.find_element(ui.By.ID, "coverage").text  # type: ignore[attr-defined]
    assert "حكومي" in text and "روسيا" in text and "مصدران" in text
    for code in ("state", "private", "RU", "SY", "rt_arabic"):
        assert code not in text, f"{code!r} shown to people"
    f = ui.fits(browser)
    assert f["sw"] <= f["iw"] == ui.PHONE[0], f"story page with coverage is {f['sw']} px wide"
    ui.shot_of(browser, "coverage", shots / "ui-coverage-390.png")
    link = browser.find_element(ui.By.CSS_SELECTOR, "#coverage-covered a[href='#/outlet/rt_arabic']")  # type: ignore[attr-defined]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)  # type: ignore[attr-defined]
    ui.settle(browser, link.click)
    assert browser.find_element(ui.By.TAG_NAME, "h1").text.startswith("آر تي عربي")  # type: ignore[attr-defined]
    page = ui.shown_text(browser)
    assert "انفرد بروايته وحده في 1" in page and "كان الأسبق في 1 منها (50٪)" in page and "12 ساعة" in page
    items = browser.find_elements(ui.By.CSS_SELECTOR, "#outlet-stories li[data-story]")  # type: ignore[attr-defined]
    assert [i.get_attribute("data-story") for i in items] == [VISIT, QAMISHLI]
    f = ui.fits(browser)
    assert f["sw"] <= f["iw"] == ui.PHONE[0], f"outlet page is {f['sw']} px wide"
    browser.save_screenshot(str(shots / "ui-outlet-390.png"))  # type: ignore[attr-defined]


def test_labels_name_every_ownership() -> None:
    lab = json.loads((ROOT / "rasid/serve/web/labels.json").read_text(encoding="utf-8"))
    assert set(lab["ownership"]) == set(OWNERSHIP)
