"""One configuration surface: TOML file ↔ RunConfig, values reaching the stages, and stored-stories
config mismatch (refused with advice, or rebuilt with --reconfigure)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.config import (
    ClusterConfig,
    ConfigError,
    DedupConfig,
    RunConfig,
    StoriesConfig,
    example_toml,
)
from rasid.run.pipeline import RunReport, run
from rasid.run.stages import load_clusterer
from rasid.serve.cli import app
from rasid.store import STAGE_CLUSTERED, STAGE_EXTRACTED, Store
from rasid.stories.cluster import config_mismatch

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# A short article written for this test (not from any corpus): a new story to cluster after a config change.
NEW_ARTICLE = """date 2026-02-03
title وزير الخارجية الأردني يزور دمشق ويبحث ملف اللاجئين

وصل وزير الخارجية الأردني أيمن الصفدي إلى دمشق اليوم الثلاثاء في زيارة رسمية يلتقي خلالها الرئيس السوري أحمد الشرع.
وقال الصفدي في مؤتمر صحفي إن المباحثات تناولت عودة اللاجئين السوريين وأمن الحدود المشتركة بين البلدين.
وأضاف أن الأردن يدعم جهود إعادة الإعمار في سوريا ويريد تعزيز التبادل التجاري عبر معبر جابر نصيب.
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---- the file --------------------------------------------------------------------------------
def test_example_file_is_the_generated_one() -> None:
    """docs/config.example.toml never goes stale: regenerate with `python -m rasid.config`."""
    assert (ROOT / "docs" / "config.example.toml").read_text(encoding="utf-8") == example_toml()


def test_example_file_loads_as_the_defaults() -> None:
    assert RunConfig.from_toml(ROOT / "docs" / "config.example.toml") == RunConfig()


def test_toml_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.toml", "batch_size = 64\n[dedup]\nthreshold = 0.9\n"
                                       "[stories.cluster]\nthreshold = 0.3\nwindow_days = 5\n"
                                       "[extraction.ner]\nunsure_common_word = 0.6\n")
    cfg = RunConfig.from_toml(path)
    assert cfg.batch_size == 64 and cfg.dedup.threshold == 0.9 and cfg.extraction.ner.unsure_common_word == 0.6
    assert cfg.stories.cluster == ClusterConfig(threshold=0.3, window_days=5.0)
    assert isinstance(cfg.stories.cluster.window_days, float)  # an int is accepted for a float key
    assert cfg.clean == RunConfig().clean  # keys left out keep their defaults
    assert RunConfig.from_dict(cfg.to_dict()) == cfg
    assert cfg.to_dict()["stories"]["cluster"]["threshold"] == 0.3


@pytest.mark.parametrize(("text", "message"), [
    ("[stories.cluster]\ntreshold = 0.3\n", "unknown key 'stories.cluster.treshold'"),
    ("[dedup]\nthreshold = \"high\"\n", "dedup.threshold must be float, got str 'high'"),
    ("batch_size = true\n", "batch_size must be int, got bool"),
    ("clean = 3\n", "clean must be a table, got int"),
    ("[dedup]\nthreshold = 1.5\n", "dedup.threshold must be in [0.05, 1], got 1.5"),
    ("[stories.summary]\nmax_sentences = 0\n", "stories.summary.max_sentences must be in [1, any], got 0"),
    ("[dedup\nthreshold = 0.5\n", "is not valid TOML"),
    ("[stories.embed]\nbackend = \"bert\"\n", "stories.embed.backend must be one of use, e5, none; got 'bert'"),
])
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as err:
        RunConfig.from_toml(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_cli_bad_config_is_an_error_not_a_traceback(tmp_path: Path, demo_corpus: Path) -> None:
    path = _write(tmp_path / "bad.toml", "[stories.cluster]\ntreshold = 0.3\n")
    db = tmp_path / "x.db"
    res = runner.invoke(app, ["run", str(demo_corpus / "rt_arabic"), "--db", str(db), "--config", str(path), "-q"])
    assert res.exit_code == 2
    out = " ".join(res.output.split())  # rich wraps long lines
    assert "unknown key 'stories.cluster.treshold'" in out and "Traceback" not in out
    res = runner.invoke(app, ["run", str(demo_corpus / "rt_arabic"), "--db", str(db), "--config",
                              str(tmp_path / "missing.toml"), "-q"])
    assert res.exit_code == 2 and "cannot read config file" in " ".join(res.output.split())


# ---- values reach the stages -----------------------------------------------------------------
def _duplicates(tmp_path: Path, demo_corpus: Path, cfg: RunConfig) -> dict[str, str]:
    store = Store(tmp_path / f"d{cfg.dedup.threshold}.db")
    run([demo_corpus], store, cfg)
    return {d.id: d.duplicate_of for d in store.documents() if d.duplicate_of}


def test_dedup_threshold_changes_what_is_a_duplicate(tmp_path: Path, demo_corpus: Path) -> None:
    base = RunConfig(extract=False, cluster=False)
    default = _duplicates(tmp_path, demo_corpus, base)
    strict = _duplicates(tmp_path, demo_corpus, RunConfig(extract=False, cluster=False,
                                                          dedup=DedupConfig(threshold=0.99)))
    # TASS's rewrite of RT's Putin–Sharaa call (Jaccard ~0.74) is a near duplicate only under the default 0.5
    assert default["tass-2026-01-13-putin-sharaa-call"] == "rt-2026-01-12-putin-sharaa-phone-call"
    assert len(default) == 4
    # at 0.99 only the byte-identical republication is left
    assert strict == {"sana-2026-01-27-sharaa-moscow-visit-2": "sana-2026-01-27-sharaa-moscow-visit"}


def test_clean_min_repeat_docs_changes_boilerplate(tmp_path: Path, demo_corpus: Path) -> None:
    def repeated(cfg: RunConfig, name: str) -> int:
        store = Store(tmp_path / name)
        run([demo_corpus], store, cfg)
        return sum(line.split("\t")[1] == "repeated-in-outlet" for d in store.documents() for line in d.removed_lines)

    default = repeated(RunConfig(extract=False, cluster=False), "a.db")
    never = repeated(RunConfig.from_dict({"extract": False, "cluster": False, "clean": {"min_repeat_docs": 100}}),
                     "b.db")
    assert default > 0 and never == 0


def test_load_clusterer_uses_the_configured_cluster_section(tmp_path: Path) -> None:
    cfg = RunConfig.from_dict({"stories": {"cluster": {"threshold": 0.42}}})
    clusterer = load_clusterer(Store(tmp_path / "e.db"), RunReport(), cfg)
    assert clusterer is not None
    assert clusterer.config.threshold == 0.42 and clusterer.settings == cfg.stories


# ---- stored stories record their config --------------------------------------------------------
@pytest.fixture()
def built(tmp_path: Path, demo_db: Path) -> Path:
    """A private copy of the demo store, clustered with the default config."""
    db = tmp_path / "built.db"
    shutil.copy(demo_db, db)
    return db


def test_state_records_config_and_mismatch_names_the_change(built: Path) -> None:
    state = Store(built).get_state("clusterer")
    assert config_mismatch(state, StoriesConfig()) is None
    changed = RunConfig.from_dict({"stories": {"cluster": {"threshold": 0.3}}}).stories
    problem = config_mismatch(state, changed)
    assert problem is not None
    assert "stories.cluster.threshold 0.22 -> 0.3" in problem and "--reconfigure" in problem
    assert StoriesConfig().digest() in problem and changed.digest() in problem


def test_library_run_with_other_stories_config_refuses_to_mix(tmp_path: Path, built: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    _write(new / "jordan-fm-damascus.txt", NEW_ARTICLE)
    store = Store(built)
    stories_before = store.story_doc_ids()
    cfg = RunConfig.from_dict({"stories": {"summary": {"max_sentences": 3}}})
    report = run([new], store, cfg)
    assert report.added == 1 and report.extracted == 1 and report.clustered == 0
    assert any("stories.summary.max_sentences 5 -> 3" in n for n in report.notes)
    assert store.ids_at_stage(STAGE_EXTRACTED) == ["jordan-fm-damascus"]  # waits for a consistent run
    assert store.story_doc_ids() == stories_before
    # the same run under the stories config that built the store clusters it
    again = run([new], store, RunConfig())
    assert again.clustered == 1 and not store.ids_at_stage(STAGE_EXTRACTED)


def test_cli_refuses_then_reconfigure_rebuilds(tmp_path: Path, built: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    _write(new / "jordan-fm-damascus.txt", NEW_ARTICLE)
    conf = _write(tmp_path / "strict.toml", "[stories.cluster]\nthreshold = 0.6\n")
    n_docs = Store(built).count()
    n_stories = len(Store(built).story_doc_ids())
    args = ["run", str(new), "--db", str(built), "--config", str(conf), "-q"]

    res = runner.invoke(app, args)
    assert res.exit_code == 2
    out = " ".join(res.output.split())
    assert "config mismatch" in out and "stories.cluster.threshold 0.22 -> 0.6" in out and "--reconfigure" in out
    assert Store(built).count() == n_docs  # refused before any work

    res = runner.invoke(app, [*args, "--reconfigure"])
    assert res.exit_code == 0, res.output
    assert "rebuilding every story" in " ".join(res.output.split())
    store = Store(built)
    assert store.count() == n_docs + 1
    assert not store.ids_at_stage(STAGE_EXTRACTED) and store.ids_at_stage(STAGE_CLUSTERED)
    strict = RunConfig.from_toml(conf).stories
    assert config_mismatch(store.get_state("clusterer"), strict) is None
    assert config_mismatch(store.get_state("clusterer"), StoriesConfig()) is not None
    # a stricter threshold splits the demo's stories: more of them, and none left from the old config
    assert len(store.story_doc_ids()) > n_stories
    assert {s.id for s in store.stories()} == set(store.story_doc_ids())


def test_timeline_slack_reaches_publication_inference() -> None:
    from datetime import datetime

    from rasid.config import TimelineConfig
    from rasid.models import Document
    from rasid.stories.timeline import infer_publication_range

    def doc(doc_id: str, published: datetime | None) -> Document:
        text = "التقى الرئيس الشرع الرئيس بوتين في موسكو لبحث العلاقات الثنائية."
        return Document(id=doc_id, text=text, raw_text=text, source_path="t", fmt="txt", published=published)

    undated, dated = doc("u", None), doc("d", datetime(2026, 1, 28))
    assert infer_publication_range(undated, [undated, dated]) == (datetime(2026, 1, 26), datetime(2026, 1, 30))
    wide = TimelineConfig(publication_slack_days=5)
    assert infer_publication_range(undated, [undated, dated], wide) == (datetime(2026, 1, 23), datetime(2026, 2, 2))


def test_geocode_sharpness_changes_confidence_of_an_ambiguous_place() -> None:
    from rasid.config import GeocodeConfig
    from rasid.extract.geocode import Geocoder

    sharp, soft = Geocoder.load(), Geocoder.load(config=GeocodeConfig(sharpness=0.5))
    a, b = sharp.geocode("طرابلس"), soft.geocode("طرابلس")
    assert a is not None and b is not None and a.key == b.key  # the same best candidate...
    assert b.score < a.score  # ...held with less confidence when candidates are weighed more evenly
