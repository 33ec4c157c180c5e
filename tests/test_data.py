"""Data layer: schema, provenance, citations, published values, and malformed-input errors.

Reference values are the published ones, each pinned here with its source: the Potvin & Fuglevand
(2017) MATLAB code at commit 15462f8, the papers' abstracts, the published full texts named in
``verified_in``, and the corrected abstract of the Davies et al. 2016 erratum.
"""

import argparse
import csv
import inspect
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pybtex.database import parse_file
from pybtex.plugin import find_plugin

from failurelab import data, fatigue, motor_units
from tools import datasources

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "book" / "references.bib"
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
NOT_VERIFIED = "DOI not verified"

EXPECTED_KEYS = [
    "potvin2017", "fuglevand1993", "henneman1957", "henneman1965", "milnerbrown1973",
    "deluca1982", "kukulka1981", "schoenfeld2014emg", "schoenfeld2016emg", "sundstrup2012",
    "morton2019", "schoenfeld2017", "vigotsky2018", "muddle2018", "grgic2022", "refalo2023",
    "refalo2024", "ruple2023", "lopez2021", "robinson2024", "vieira2021", "davies2016",
    "currier2023", "halperin2022", "halperin2021preprint", "hackett2017", "hackett2018",
    "hackett2012", "steele2017", "zourdos2016", "nuzzo2024",
    "martorelli2017", "santanielo2020", "freylaw2010", "revill2011", "shields1997",
    "davies2016erratum", "robinson2023preprint", "desmedt1977", "morton2016",
    "steele2017interruption", "reynolds2006", "mayhew2008", "kramer1997", "sanborn2000",
    "pareja2017", "gandevia2001", "zourdos2021", "rover2015", "morris2008", "kennedy2001",
    "schoenfeld2017volume", "lasevicius2022",
]
FT = "full-text-verified"

# Potvin & Fuglevand (2017) MATLAB code @ 15462f8 (MatLab_Code_Potvin_Fuglevand_2017_Muscle_Fatigue_Model.m).
A3 = {"nu": 120, "samprate": 10, "res": 100, "r": 50, "fat": 180, "FatFac": 0.0225, "tau": 22,
      "adaptSF": 0.67, "ctSF": 0.379, "mthr": 1, "a": 1, "mir": 1, "minfr": 8, "pfr1": 35,
      "pfrL": 25, "rp": 100, "rt": 3, "tL": 90}


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(BIB), bib_format="bibtex").entries


def _doi(entry):
    return entry.fields.get("doi", "").lower()


# ----------------------------------------------------------------------------- package


def test_every_csv_is_a_resource_and_every_resource_has_its_file():
    names = data.resources()
    paths = {data.resource(n)["path"] for n in names}
    assert paths == {p.name for p in data.data_dir().glob("*.csv")}
    assert {"motor_unit_model_parameters", "emg_load_studies", "recruitment_limits",
            "load_rep_equations", "meta_analyses", "trials", "course_brief_claims",
            "synthetic_trials", "rir_accuracy", "synthetic_training_log"} <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", data.resources())
def test_resource_loads_with_schema_columns_and_dtypes(name):
    frame = data.load(name)
    fields = data.resource(name)["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) > 0
    for f in fields:
        if f["type"] == "number":
            assert frame[f["name"]].dtype == np.float64
        if f.get("constraints", {}).get("required"):
            assert frame[f["name"]].notna().all(), f["name"]


@pytest.mark.parametrize("name", data.resources())
def test_provenance_is_complete(name):
    prov = data.provenance(name)
    assert prov["title"].strip() and prov["description"].strip()
    assert prov["verification"].strip()
    assert prov["licenses"] and all(lic.get("name") for lic in prov["licenses"])
    assert prov["sources"]
    for src in prov["sources"]:
        assert src.get("title", "").strip()
        if "doi" in src:
            assert DOI_RE.match(src["doi"]), src["doi"]
            assert src["path"] == "https://doi.org/" + src["doi"]
        else:
            assert src.get("note", "").strip(), f"{name}: source without DOI needs a note"
    fields = data.resource(name)["schema"]["fields"]
    for f in fields:
        assert f.get("description", "").strip(), f"{name}.{f['name']} has no description"
        if f["type"] in ("number", "integer"):
            assert f.get("unit"), f"{name}.{f['name']} has no unit"
    if any(re.search(r"effect|smd|hedges|slope", f["name"]) for f in fields):
        assert prov.get("sign_convention"), f"{name} has signed effects: needs sign_convention"


@pytest.mark.parametrize("name", data.resources())
def test_row_verification_levels_are_the_package_levels(name):
    frame = data.load(name)
    if "verification" in frame:
        assert set(frame["verification"]) <= set(data.VERIFICATION_LEVELS)
    else:
        assert data.provenance(name)["verification"].split(":")[0] in data.VERIFICATION_LEVELS


def test_verification_levels_are_defined_once_and_used_in_every_schema():
    levels = data.descriptor()["verification_levels"]
    assert set(levels) == set(data.VERIFICATION_LEVELS)
    assert "published full text" in levels[FT]
    for name in data.resources():
        for f in data.resource(name)["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum", [])
            if "abstract-verified" in enum:
                assert FT in enum, f"{name}.{f['name']}"
                assert set(enum) <= set(data.VERIFICATION_LEVELS), f"{name}.{f['name']}"


@pytest.mark.parametrize("name", ["meta_analyses", "trials", "rir_accuracy", "emg_load_studies"])
def test_full_text_rows_say_where_they_were_checked(name):
    frame = data.load(name)
    assert "verified_in" in frame
    levels = [c for c in frame if c.endswith("verification")]
    full = frame[levels].eq(FT).any(axis=1)
    assert frame.loc[full, "verified_in"].notna().all(), name
    for text in frame.loc[full, "verified_in"]:
        assert re.search(r"published (PDF|article)|Introduction", text), text
        assert "github" not in text.lower(), text  # name the document, not where a copy sits


def test_synthetic_resources_say_so():
    synthetic = [n for n in data.resources() if n.startswith("synthetic_")]
    assert synthetic == ["synthetic_trials", "synthetic_training_log"]
    for name in data.resources():
        prov = data.provenance(name)
        assert prov.get("synthetic", False) == (name in synthetic), name
        if name in synthetic:
            assert "simulat" in prov["description"].lower()
            assert prov["path"].startswith("synthetic_")
            assert prov["verification"].startswith("synthetic:")
            assert "synthetic" in prov["note"] and "not measured" in prov["note"]
            assert {"function", "seed", "parameters"} <= set(prov["generator"])


# ----------------------------------------------------------------------------- bibliography


def test_bib_has_every_course_key(bib):
    assert set(EXPECTED_KEYS) <= set(bib)


def _isbn13_ok(isbn):
    digits = [int(c) for c in isbn if c.isdigit()]
    return len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_every_bib_entry_has_a_doi_or_isbn_or_says_it_is_unverified(bib):
    for key, entry in bib.items():
        if "doi" in entry.fields:
            assert DOI_RE.match(entry.fields["doi"]), key
        elif "isbn" in entry.fields:
            assert entry.type == "book" and _isbn13_ok(entry.fields["isbn"]), key
        else:
            assert NOT_VERIFIED in entry.fields.get("note", ""), key
    assert bib["cohen1988"].fields["isbn"] == "978-0-8058-0283-2" and "doi" not in bib["cohen1988"].fields
    assert not _isbn13_ok("978-0-805-80283-7")  # a mis-typed ISBN of the same book fails the check


def test_erratum_and_preprint_entries_are_cited_next_to_their_papers(bib):
    assert bib["davies2016erratum"].fields["doi"] == "10.1007/s40279-016-0509-x"
    assert "year" in bib["davies2016erratum"].fields and "month" not in bib["davies2016erratum"].fields
    assert "davies2016erratum" in bib["davies2016"].fields["note"]
    assert "robinson2023preprint" in bib["robinson2024"].fields["note"]


def test_bib_entries_format_without_missing_fields(bib):
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    bib_data = parse_file(str(BIB), bib_format="bibtex")
    formatted = list(style.format_bibliography(bib_data))
    assert len(formatted) == len(bib)


def test_resource_sources_agree_with_bib(bib):
    for name in data.resources():
        for src in data.provenance(name)["sources"]:
            key = src.get("bibkey")
            if key is None:
                continue
            assert key in bib, f"{name}: {key} not in references.bib"
            assert src.get("doi", "").lower() == _doi(bib[key]), f"{name}: DOI of {key}"


def test_csv_citation_keys_resolve_and_dois_agree(bib):
    for name in data.resources():
        frame = data.load(name)
        if "source_key" not in frame:
            continue
        for i, row in frame.iterrows():
            key = row["source_key"]
            assert key in bib, f"{name} row {i + 1}: {key} not in references.bib"
            if "doi" in frame:
                doi = "" if pd.isna(row["doi"]) else row["doi"].lower()
                assert doi == _doi(bib[key]), f"{name} row {i + 1}: DOI of {key}"


def _course_texts():
    for folder in ("chapters", "exercises", "book"):
        for path in sorted((ROOT / folder).rglob("*")):
            if "_build" in path.parts or ".ipynb_checkpoints" in path.parts:
                continue
            if path.suffix == ".md":
                yield path, path.read_text(encoding="utf-8")
            elif path.suffix == ".ipynb":
                cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
                yield path, "\n".join("".join(c.get("source", "")) for c in cells)


def test_cite_roles_in_course_resolve(bib):
    missing = []
    for path, text in _course_texts():
        for match in CITE_RE.finditer(text):
            for key in (k.strip() for k in match.group(1).split(",")):
                if key and key not in bib:
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert not missing, "unresolved citation keys: " + "; ".join(missing)


def test_citations_are_links_that_match_the_bibliography():
    """The course cites with Markdown links to the DOI (they read the same in JupyterLab,
    RISE, the book and the decks): no Sphinx role is left, every link matches its entry."""
    from tools import citations

    assert citations.check(citations.course_files()) == []


def test_citation_roles_become_links_with_the_entrys_label_and_doi():
    from tools import citations

    text = citations.rewrite("as {cite:t}`refalo2024` found {cite:p}`grgic2022,refalo2023`")
    assert text == ("as [Refalo et al. (2024)](https://doi.org/10.1080/02640414.2024.2321021) found "
                    "([Grgic et al. 2022](https://doi.org/10.1016/j.jshs.2021.01.007); "
                    "[Refalo et al. 2023](https://doi.org/10.1007/s40279-022-01784-y))")
    assert citations.problems(text) == []
    wrong = "[Refalo et al. 2024](https://doi.org/10.1000/wrong)"
    assert citations.problems(wrong) == [
        "Refalo et al. 2024: https://doi.org/10.1000/wrong is not its entry's address"]
    assert citations.problems("{cite:p}`x`") == ["role left: {cite:p}`x`"]


def test_cite_regex_finds_all_role_forms():
    text = "{cite}`a` {cite:p}`b, c` {cite:t}`d` {cite:ps}`e`"
    keys = [k.strip() for m in CITE_RE.finditer(text) for k in m.group(1).split(",")]
    assert keys == ["a", "b", "c", "d", "e"]


# ----------------------------------------------------------------------------- values


def test_model_parameters_equal_the_authors_code():
    table = data.load("motor_unit_model_parameters").set_index("symbol")
    for symbol, value in A3.items():
        assert table.loc[symbol, "value"] == pytest.approx(value), symbol
        assert table.loc[symbol, "verification"] == "code-verified"
        assert "@15462f8" in table.loc[symbol, "source"]
    p = table["value"]
    maxex = p["r"] + (p["pfrL"] - p["minfr"]) / p["mir"]
    assert p["maxex"] == maxex == 67
    assert p["ulr"] == round(100 * p["r"] / maxex, 2) == 74.63  # authors' code reports 74.63
    assert set(table.loc[["maxex", "ulr"], "verification"]) == {"computed"}


# Code symbol -> name of the default in failurelab (motor_units.DEFAULTS, fatigue.FATIGUE_DEFAULTS).
POOL_NAMES = {"nu": "n", "r": "recruitment_range", "minfr": "min_rate",
              "pfr1": "peak_rate_first", "pfrL": "peak_rate_last", "mir": "rate_gain",
              "rp": "twitch_range", "rt": "contraction_time_range",
              "tL": "longest_contraction_time"}
FATIGUE_NAMES = {"fat": "fatigue_range", "FatFac": "fatigue_factor", "tau": "adaptation_tau",
                 "adaptSF": "adaptation_scale", "ctSF": "contraction_time_scale"}


def test_model_parameters_equal_motor_unit_pool_defaults():
    p = data.load("motor_unit_model_parameters").set_index("symbol")["value"]
    signature = inspect.signature(motor_units.MotorUnitPool).parameters
    for symbol, name in POOL_NAMES.items():
        assert motor_units.DEFAULTS[name] == pytest.approx(p[symbol]), symbol
        assert signature[name].default == pytest.approx(p[symbol]), symbol
    pool = motor_units.MotorUnitPool()
    thresholds = np.asarray(pool.thresholds)
    assert len(thresholds) == p["nu"]
    assert thresholds[[0, -1]] == pytest.approx([p["mthr"], p["r"]])
    assert np.asarray(pool.peak_rates)[[0, -1]] == pytest.approx([p["pfr1"], p["pfrL"]])
    assert np.asarray(pool.twitch_forces)[[0, -1]] == pytest.approx([1, p["rp"]])
    ct = np.asarray(pool.contraction_times, dtype=float)
    assert ct.max() / ct.min() == pytest.approx(p["rt"])
    assert ct.max() == pytest.approx(p["tL"])  # ms, as in the table
    assert pool.max_excitation == pytest.approx(p["maxex"])
    assert 100 * thresholds[-1] / pool.max_excitation == pytest.approx(p["ulr"], abs=0.005)


def test_model_parameters_equal_fatigue_defaults():
    p = data.load("motor_unit_model_parameters").set_index("symbol")["value"]
    for symbol, name in FATIGUE_NAMES.items():
        assert fatigue.FATIGUE_DEFAULTS[name] == pytest.approx(p[symbol]), symbol
    assert fatigue.RESOLUTION == p["res"]
    dt = inspect.signature(fatigue.simulate_sustained).parameters["dt"].default
    assert 1 / dt == pytest.approx(p["samprate"])


def test_emg_values_match_the_abstracts():
    emg = data.load("emg_load_studies")
    s14 = emg[emg.source_key == "schoenfeld2014emg"].set_index(["measure", "load_pct_1rm"])
    assert s14.loc[("peak EMG", 75.0), ["value", "sd"]].tolist() == [177.3, 89.53]
    assert s14.loc[("peak EMG", 30.0), ["value", "sd"]].tolist() == [137.73, 95.35]
    assert s14.loc[("mean EMG", 75.0), ["value", "sd"]].tolist() == [63.7, 37.23]
    assert s14.loc[("mean EMG", 30.0), ["value", "sd"]].tolist() == [41.63, 28.03]
    assert set(s14["n"]) == {10}
    trap = emg[(emg.source_key == "sundstrup2012") & emg.value.notna()]
    assert trap["value"].tolist() == [86.0, 124.0] and set(trap["unit"]) == {"% MVC"}
    s16 = emg[emg.source_key == "schoenfeld2016emg"].set_index("measure")["comparison_result"]
    assert s16["iEMG over the whole set"] == "higher at low load"
    assert s16["mean EMG"] == "higher at high load"
    intro = emg["study"] == "Schoenfeld et al. 2017 (introduction)"
    assert set(emg.loc[~intro, "verification"]) == {"abstract-verified"}
    assert intro.sum() == 2 and set(emg.loc[intro, "verification"]) == {FT}  # from its Introduction
    assert emg.loc[intro, "verified_in"].str.contains("Introduction").all()


def test_recruitment_limits_keep_their_levels():
    rec = data.load("recruitment_limits")
    kc = rec[rec.source_key == "kukulka1981"].set_index("muscle")
    assert kc.loc["adductor pollicis", "value"] == 50
    assert kc.loc["biceps brachii", ["value", "value_low", "value_high"]].tolist() == [88, 85, 90]
    assert set(kc["verification"]) == {"secondary, verify before quoting"}
    dl = rec[rec.source_key == "deluca1982"].set_index("muscle")
    assert dl.loc["deltoid", "value_text"] == "recruitment"
    assert dl.loc["first dorsal interosseous", "value_text"] == "rate coding"
    assert set(dl["verification"]) == {"abstract-verified"}


# Reference table computed from the formulas: %1RM -> (Epley, Brzycki, modified Epley) repetitions.
C1 = {100: (0.00, 1.00, 1.00), 95: (1.58, 2.80, 2.49), 90: (3.33, 4.60, 4.15),
      85: (5.29, 6.40, 6.00), 80: (7.50, 8.20, 8.08), 75: (10.00, 10.00, 10.44),
      70: (12.86, 11.80, 13.14), 65: (16.15, 13.60, 16.25), 60: (20.00, 15.40, 19.89),
      50: (30.00, 19.00, 29.33), 40: (45.00, 22.60, 43.49), 30: (70.00, 26.20, 67.10)}


def _eval(expr, **names):
    return eval(expr, {"__builtins__": {}}, names)  # formulas are data: plain arithmetic only


def test_load_rep_formulas_reproduce_the_reference_table():
    eq = data.load("load_rep_equations").set_index("name")
    for pct, expected in C1.items():
        got = [_eval(eq.loc[n, "reps_formula"], p=pct / 100)
               for n in ("Epley", "Brzycki", "Modified Epley")]
        assert np.round(got, 2) == pytest.approx(expected, abs=1e-9), pct


@pytest.mark.parametrize("name", ["Epley", "Brzycki", "Modified Epley"])
def test_load_rep_formulas_are_mutually_consistent(name):
    row = data.load("load_rep_equations").set_index("name").loc[name]
    for p in (0.6, 0.75, 0.9):
        reps = _eval(row["reps_formula"], p=p)
        assert _eval(row["pct_1rm_formula"], r=reps) == pytest.approx(p)
        assert _eval(row["one_rm_formula"], w=p, r=reps) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- meta-analyses

AV, SV = "abstract-verified", "secondary, verify before quoting"
# Published values: id -> (estimate, ci_low, ci_high, p, k, n), None = not given in the checked source.
META = {
    "grgic2022-strength": (-0.09, -0.22, 0.05, 0.198, 15, 394),
    "grgic2022-hypertrophy": (0.22, -0.11, 0.55, 0.152, 7, 219),
    "grgic2022-strength-volume-not-equated": (-0.32, -0.57, -0.07, 0.025, None, None),
    "grgic2022-strength-volume-equated": (0.01, -0.12, 0.15, 0.860, None, None),
    "grgic2022-hypertrophy-trained": (0.15, 0.03, 0.26, 0.039, 2, None),
    # Refalo 2023: abstract values; k, n, Theme B and Table 3 from the published PDF.
    "refalo2023-set-failure": (0.19, 0.00, 0.37, 0.045, 9, 284),
    "refalo2023-momentary-failure": (0.12, -0.13, 0.37, 0.343, 5, 170),
    "refalo2023-velocity-loss": (0.08, -0.16, 0.32, 0.529, 6, None),
    "refalo2023-other-definitions": (0.27, -0.03, 0.57, 0.077, 4, 114),
    "refalo2023-volume-equated": (0.20, -0.03, 0.43, 0.09, None, None),
    "refalo2023-volume-not-equated": (0.17, -0.13, 0.47, 0.27, None, None),
    "refalo2023-higher-load": (0.15, -0.07, 0.37, 0.18, None, None),
    "refalo2023-lower-load": (0.28, -0.06, 0.62, 0.11, None, None),
    "vieira2021-strength": (-0.08, None, None, 0.642, None, None),
    "vieira2021-strength-volume-not-equalised": (-0.34, None, None, 0.048, None, None),
    "vieira2021-hypertrophy": (0.75, None, None, 0.005, None, None),
    "vieira2021-power": (-0.20, None, None, 0.239, None, None),
    # Davies 2016 as corrected by its erratum (doi 10.1007/s40279-016-0509-x), not 0.34 / 0.37.
    "davies2016-strength": (0.05, None, None, 0.73, 8, None),
    "davies2016-strength-squat": (-0.03, None, None, 0.91, None, None),
    "davies2016-strength-bench-press": (-0.12, None, None, 0.60, None, None),
    "davies2016-strength-isolated": (0.23, None, None, 0.34, None, None),
    "lopez2021-hypertrophy-high-vs-low": (0.12, -0.06, 0.29, 0.241, None, None),
    "lopez2021-hypertrophy-moderate-vs-low": (0.20, -0.04, 0.44, 0.113, None, None),
    "lopez2021-hypertrophy-high-vs-moderate": (-0.09, -0.33, 0.16, 0.469, None, None),
    "lopez2021-strength-high-vs-low": (0.60, 0.38, 0.82, 0.001, None, None),
    "lopez2021-strength-moderate-vs-low": (0.34, 0.05, 0.62, 0.003, None, None),
    "lopez2021-strength-high-vs-moderate": (0.26, -0.02, 0.54, 0.068, None, None),
    "schoenfeld2017-strength-1rm": (0.58, 0.28, 0.89, 0.002, 14, None),
    "schoenfeld2017-strength-isometric": (0.16, -0.10, 0.41, 0.19, 8, None),
    "schoenfeld2017-hypertrophy": (0.03, -0.08, 0.14, 0.56, 10, None),
    "robinson2024-strength-smc": (0.003, -0.012, 0.018, None, 55, None),
    "robinson2024-strength-rr": (-0.059, -0.304, 0.186, None, 55, None),
    "robinson2024-hypertrophy-smc": (-0.019, -0.035, -0.004, None, 26, None),
    "robinson2024-hypertrophy-rr": (-0.48, -0.78, -0.179, None, 26, None),
    "robinson2024-hypertrophy-smc-below-10-rir": (-0.023, -0.042, -0.004, None, 26, None),
    "robinson2024-hypertrophy-rr-below-10-rir": (-0.544, -0.929, -0.158, None, 26, None),
}


@pytest.fixture(scope="module")
def meta():
    return data.load("meta_analyses").set_index("id")


def _value(x):
    return None if pd.isna(x) else x


def test_meta_analysis_values_equal_the_published_ones(meta):
    assert set(meta.index) == set(META)
    for row_id, expected in META.items():
        row = meta.loc[row_id]
        got = tuple(_value(row[c]) for c in ("estimate", "ci_low", "ci_high", "p", "k", "n"))
        assert got == expected, row_id
    assert meta.loc["lopez2021-strength-high-vs-low", "p_operator"] == "<"
    assert meta.loc[["schoenfeld2017-strength-1rm", "schoenfeld2017-strength-isometric",
                     "schoenfeld2017-hypertrophy"], "se"].tolist() == [0.16, 0.11, 0.05]
    assert meta["se"].notna().sum() == 3
    # the withdrawn Davies results are gone, not kept beside the corrected ones
    assert not {"davies2016-strength-compound", "davies2016-strength-trained"} & set(meta.index)


def test_meta_analysis_rows_are_internally_consistent(meta):
    for row_id, row in meta.iterrows():
        has_ci = [pd.notna(row["ci_low"]), pd.notna(row["ci_high"])]
        assert has_ci[0] == has_ci[1], row_id
        if all(has_ci) and pd.notna(row["estimate"]):
            assert row["ci_low"] <= row["estimate"] <= row["ci_high"], row_id
        assert pd.notna(row["p"]) == pd.notna(row["p_operator"]) == pd.notna(row["p_verification"])
        assert (pd.notna(row["k"]) or pd.notna(row["n"])) == pd.notna(row["k_n_verification"])
        assert row_id.startswith(row["source_key"] + "-")
        if pd.isna(row["estimate"]):
            assert "range" in row["note"], row_id  # only a reported range may leave it empty


def test_meta_analysis_signs_follow_each_papers_convention(meta):
    sign = meta["favours_failure_sign"]
    by_source = {key: set(sign[meta.source_key == key].dropna().tolist())
                 for key in meta.source_key.unique()}
    assert by_source["grgic2022"] == by_source["refalo2023"] == by_source["vieira2021"] == {1}
    assert by_source["davies2016"] == {-1}
    # Load contrasts (every arm to failure) and slopes are not failure vs non-failure.
    for key in ("lopez2021", "schoenfeld2017", "robinson2024"):
        assert sign[meta.source_key == key].isna().all(), key
    assert pd.isna(sign["refalo2023-velocity-loss"])
    for row_id, row in meta.iterrows():
        text, factor = row["sign_convention"], _value(row["favours_failure_sign"])
        if factor == 1:
            assert text == "positive favours failure", row_id
        elif factor == -1:
            assert text.startswith("positive favours NON-failure"), row_id
    assert "favours high load" in meta.loc["schoenfeld2017-hypertrophy", "sign_convention"]
    assert "(heavier) load" in meta.loc["lopez2021-strength-high-vs-low", "sign_convention"]


def test_meta_analysis_levels_and_caveats(meta):
    grgic = meta[meta.source_key == "grgic2022"]
    assert grgic["verification"].tolist() == [AV, AV, AV, SV, AV]  # volume-equated: secondary
    assert set(grgic["p_verification"]) == {SV}
    for key in ("schoenfeld2017", "robinson2024"):
        assert set(meta.loc[meta.source_key == key, "verification"]) == {SV}, key
    lopez = meta[meta.source_key == "lopez2021"]  # Table 2 of the published PDF
    assert set(lopez["verification"]) == set(lopez["p_verification"]) == {FT}
    assert lopez["verified_in"].str.contains("Table 2, p. 1210").all()
    assert lopez.loc[lopez.outcome == "strength", "note"].str.contains("adjusted analysis").all()
    for key in ("vieira2021", "davies2016"):
        assert set(meta.loc[meta.source_key == key, "verification"]) == {AV}, key
    refalo = meta[meta.source_key == "refalo2023"]
    abstract_rows = ["refalo2023-set-failure", "refalo2023-momentary-failure", "refalo2023-velocity-loss"]
    assert set(refalo.loc[abstract_rows, "verification"]) == {AV}
    assert set(refalo.loc[abstract_rows, "k_n_verification"]) == {FT}
    assert set(refalo.drop(abstract_rows)["verification"]) == {FT}
    assert refalo.loc[refalo.verification == FT, "verified_in"].str.contains("Table 3|pp. 655").all()
    assert "SUBSET" in meta.loc["refalo2023-momentary-failure", "note"]
    assert meta.loc["refalo2023-set-failure", ["p_verification", "k_n_verification"]].tolist() \
        == [AV, FT]
    trained = meta.loc["grgic2022-hypertrophy-trained", "note"]
    assert "Pareja-Blanco" in trained and "velocity-loss" in trained and "t(1)" in trained
    assert "Hypothesis" in trained
    iso = meta.loc["schoenfeld2017-strength-isometric", "note"]
    hyp = meta.loc["schoenfeld2017-hypertrophy", "note"]
    assert "INCONSISTENT" in iso and "-0.10 to 0.41" in iso and "-0.06 to 0.37 (Fig. 3)" in iso
    assert "INCONSISTENT" in hyp and "-0.08 to 0.14" in hyp and "-0.16 to 0.22 (Fig. 4)" in hyp
    for row_id in meta.index[meta.source_key == "robinson2024"]:
        assert meta.loc[row_id, "note"].startswith("PREPRINT value"), row_id
    for row_id in meta.index[meta.source_key.isin(["lopez2021", "schoenfeld2017"])]:
        assert meta.loc[row_id, "note"].startswith("Evidence about load, not failure"), row_id
    for row_id in meta.index[meta.source_key == "davies2016"]:
        note = meta.loc[row_id, "note"]
        assert "10.1007/s40279-016-0509-x" in note, row_id  # the erratum, named in every row
        assert "the erratum corrects the values, not the article's sign convention" in note, row_id
        assert "10.1007/s40279-016-0509-x" in meta.loc[row_id, "verified_in"], row_id
    assert "0.6-1.3" not in " ".join(meta.loc[meta.source_key == "davies2016", "note"])
    for row_id in meta.index[meta.source_key == "robinson2024"]:
        assert "preprint" in meta.loc[row_id, "verified_in"], row_id
        assert "published Sports Med 2024 text was not checked" in meta.loc[row_id, "verified_in"]


def test_harmonised_meta_analyses_put_every_row_on_the_failure_sign(meta):
    table = data.harmonised_meta_analyses().set_index("id")
    assert set(table.index) == set(meta.index[meta.favours_failure_sign.notna()])
    assert not table.source_key.isin(["lopez2021", "schoenfeld2017", "robinson2024"]).any()
    assert table.loc["davies2016-strength", "estimate"] == 0.05  # as corrected by the erratum
    assert table.loc["davies2016-strength", "harmonised_estimate"] == -0.05
    assert table.loc["davies2016-strength-bench-press", "harmonised_estimate"] == 0.12
    assert table.loc["davies2016-strength-isolated", "harmonised_estimate"] == -0.23
    assert table.loc["refalo2023-other-definitions", "harmonised_estimate"] == 0.27
    hyp = table.loc["grgic2022-hypertrophy"]
    assert [hyp.harmonised_estimate, hyp.harmonised_ci_low, hyp.harmonised_ci_high] == \
        [0.22, -0.11, 0.55]
    assert table.loc["grgic2022-strength-volume-not-equated", "harmonised_estimate"] == -0.32
    assert table.loc["vieira2021-hypertrophy", "harmonised_estimate"] == 0.75
    assert table["harmonised_estimate"].notna().all()


def test_harmonising_a_negative_sign_swaps_the_ci_bounds(tmp_path, monkeypatch):
    res = data.resource("meta_analyses")
    with open(data.data_dir() / res["path"], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    col = {name: header.index(name) for name in header}
    keep = {"davies2016-strength", "grgic2022-hypertrophy", "lopez2021-strength-high-vs-low"}
    picked = [r for r in rows[1:] if r[col["id"]] in keep]
    for r in picked:
        if r[col["id"]] == "davies2016-strength":  # give the -1 row a CI to test the swap
            r[col["ci_low"]], r[col["ci_high"]] = "-0.20", "0.30"
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "t", "resources": [res]}))
    with open(tmp_path / res["path"], "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *picked])
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    table = data.harmonised_meta_analyses().set_index("id")
    assert list(table.index) == ["grgic2022-hypertrophy", "davies2016-strength"]
    davies = table.loc["davies2016-strength"]
    assert [davies.harmonised_estimate, davies.harmonised_ci_low, davies.harmonised_ci_high] \
        == [-0.05, -0.30, 0.20]


def test_na_is_a_missing_value_only_where_the_schema_says_so(tmp_path, monkeypatch):
    meta = data.load("meta_analyses").set_index("id")
    assert pd.isna(meta.loc["lopez2021-strength-high-vs-low", "favours_failure_sign"])
    assert str(meta["favours_failure_sign"].dtype) == "Int64"
    _package(tmp_path, monkeypatch, "label,value,n,verification\na,NA,3,computed\n")
    with pytest.raises(ValueError, match=r"column 'value', row 1 .*expected a number, got 'NA'"):
        data.load("t")


# ----------------------------------------------------------------------------- trials, claims


def test_trial_designs_equal_the_abstracts():
    trials = data.load("trials").set_index("source_key")
    expected = {  # n, weeks, sessions per week, design, as in each abstract
        "ruple2023": (19, 5.0, 2, "between"), "refalo2024": (18, 8.0, 2, "within"),
        "martorelli2017": (89, 10.0, 2, "between"), "santanielo2020": (14, 10.0, 2, "within"),
        "hermann2025": (42, 8.0, 2, "between"), "robinson2023trial": (38, 8.0, None, "between"),
    }
    assert set(trials.index) == set(expected)
    for key, values in expected.items():
        row = trials.loc[key]
        got = (row["n"], row["weeks"], _value(row["sessions_per_week"]), row["design"])
        assert got == values, key
    ruple = trials.loc["ruple2023"]
    assert "0-1 RIR" in ruple.failure_definition and "not momentary" in ruple.failure_definition
    assert ruple.non_failure_definition == "sets ended at 4-6 RIR"
    assert ruple.sex == "11 men, 8 women" and "6th week" in ruple.note
    assert "n = 10" in ruple.arms and "n = 9" in ruple.arms
    refalo = trials.loc["refalo2024"]
    assert refalo.sex == "12 men, 6 women"
    assert "2 RIR (leg press) / 1 RIR (leg extension)" in refalo.non_failure_definition
    assert "0.181 cm" in refalo.main_finding and "0.182 cm" in refalo.main_finding
    assert "28.3% (RF), 28.3% (RNFV), 26.8% (RNF)" in trials.loc["martorelli2017", "main_finding"]
    assert "+13.5% vs +18.1%" in trials.loc["santanielo2020", "main_finding"]
    assert "tended to favor FAIL" in trials.loc["hermann2025", "main_finding"]
    robinson = trials.loc["robinson2023trial", "main_finding"]
    assert "9.05 (6.31, 11.8)" in robinson and "0.71 (-4.41, 5.62)" in robinson
    assert set(trials["verification"]) == {AV}
    assert "2 days per week" in trials.loc["santanielo2020", "verified_in"]  # each leg, twice a week
    assert "per leg" in trials.loc["santanielo2020", "note"]


def test_claims_name_the_corrections():
    claims = data.load("course_brief_claims")
    status = claims.set_index(["claim_id", "source_key"])["status"]
    assert status[(1, "lopez2021")] == "year wrong"
    assert status[(2, "lopez2021")] == "failure half not in source"
    assert status[(3, "schoenfeld2017")] == "number wrong (secondary evidence)"
    assert status[(4, "ruple2023")] == status[(4, "refalo2024")] \
        == "design misdescribed / conflated"
    assert set(claims.loc[claims.claim_id == 6, "source_key"]) == {"grgic2022", "refalo2023"}
    said = claims.set_index(["claim_id", "source_key"])["source_says"]
    assert "0.58 (95% CI 0.28-0.89)" in said[(3, "schoenfeld2017")]
    assert "0-1 RIR" in said[(4, "ruple2023")] and "4-6 RIR" in said[(4, "ruple2023")]
    assert "ES 0.22 (95% CI -0.11 to 0.55)" in said[(6, "grgic2022")]
    assert claims.set_index(["claim_id", "source_key"]).loc[(3, "schoenfeld2017"),
                                                            "verification"] == SV
    for _, row in claims.iterrows():  # each claim's text is the same in every row of its id
        assert set(claims.loc[claims.claim_id == row.claim_id, "claim"]) == {row["claim"]}
        assert set(row["chapters"].split("; ")) <= {"2", "4"}


# ----------------------------------------------------------------------------- synthetic data


def test_synthetic_trials_file_equals_its_generator_output():
    from failurelab import synthetic

    gen = data.provenance("synthetic_trials")["generator"]
    assert gen["function"] == "failurelab.synthetic.synthetic_trials"
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in gen["parameters"].items()}
    assert params == synthetic.SYNTHETIC_TRIALS and gen["seed"] == params["seed"]
    path = data.data_dir() / data.resource("synthetic_trials")["path"]
    assert path.read_text(encoding="utf-8") == synthetic.synthetic_trials_csv(params)
    table = data.load("synthetic_trials")
    assert len(table) == params["k"]
    assert table["n_failure"].between(*params["n_per_group"]).all()
    assert (table["n_failure"] == table["n_nonfailure"]).all()
    assert set(table["note"]) == {synthetic.NOTE}


def test_synthetic_trials_follow_their_stated_distributions():
    from failurelab.synthetic import synthetic_trials

    same = synthetic_trials(6, 10, 0.2, 0.0, seed=1)
    assert same["true_smd"].tolist() == [0.2] * 6  # tau = 0: every study has the true effect
    assert same.equals(synthetic_trials(6, 10, 0.2, 0.0, seed=1))
    assert not same.equals(synthetic_trials(6, 10, 0.2, 0.0, seed=2))
    big = synthetic_trials(400, 200, 0.5, 0.2, seed=7, control_mean=10.0, sd=5.0)
    assert big["true_smd"].mean() == pytest.approx(0.5, abs=0.03)  # SE 0.2 / 20 = 0.01
    assert big["true_smd"].std() == pytest.approx(0.2, abs=0.02)
    assert big["mean_nonfailure"].mean() == pytest.approx(10.0, abs=0.05)
    assert big["sd_nonfailure"].mean() == pytest.approx(5.0, abs=0.05)
    d = (big["mean_failure"] - big["mean_nonfailure"]) / 5.0
    assert d.mean() == pytest.approx(big["true_smd"].mean(), abs=0.02)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"k": 0}, r"k \(number of studies\) must be a whole number >= 1, got 0"),
    ({"k": 2.5}, r"k \(number of studies\) must be a whole number"),
    ({"n_per_group": 1}, r"n_per_group must be at least 2, got 1"),
    ({"n_per_group": (10, 5)}, r"n_per_group: low must not exceed high"),
    ({"n_per_group": (8.5, 10)}, r"n_per_group must be an integer or a pair of them"),
    ({"n_per_group": (8, 10, 12)}, r"n_per_group must be a number or a \(low, high\) pair"),
    ({"true_effect": float("nan")}, r"true_effect \(SMD\) must be a finite number"),
    ({"tau": -0.1}, r"tau \(between-study SD\) must be a finite number >= 0, got -0\.1"),
    ({"seed": -1}, r"seed must be a whole number >= 0, got -1"),
    ({"sd": (0, 4)}, r"sd must be > 0"),
])
def test_synthetic_trials_reject_bad_input(kwargs, pattern):
    from failurelab.synthetic import synthetic_trials

    args = {"k": 3, "n_per_group": 10, "true_effect": 0.2, "tau": 0.1, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=pattern):
        synthetic_trials(**args)


def _generator_params(name):
    gen = data.provenance(name)["generator"]
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in gen["parameters"].items()}
    return gen, params


def test_synthetic_training_log_file_equals_its_generator_output():
    from failurelab import synthetic

    gen, params = _generator_params("synthetic_training_log")
    assert gen["function"] == "failurelab.synthetic.synthetic_training_log"
    assert params == synthetic.SYNTHETIC_TRAINING_LOG and gen["seed"] == params["seed"]
    path = data.data_dir() / data.resource("synthetic_training_log")["path"]
    assert path.read_text(encoding="utf-8") == synthetic.synthetic_training_log_csv(params)
    table = data.load("synthetic_training_log")
    assert len(table) == params["weeks"] * 2 * len(params["one_rm"]) * params["sets"]
    assert set(table["notes"]) == {synthetic.LOG_NOTE}
    weeks = (pd.to_datetime(table["date"]) - pd.Timestamp(params["start"])).dt.days // 7 + 1
    in_block = weeks.between(*params["failure_weeks"])
    assert table.loc[in_block, "failure"].all() and not table.loc[~in_block, "failure"].any()
    assert (table.loc[in_block, "rir"] == 0).all()
    assert (table.loc[~in_block, "rir"] == params["target_rir"]).all()


def test_synthetic_training_log_follows_its_stated_model():
    from failurelab.synthetic import synthetic_training_log

    one = synthetic_training_log(2, 0, one_rm={"Squat": 100.0}, day_sd=0, rir_sd=0,
                                 rir_bias=0, failure_weeks=(5, 5))
    # 75 kg = 0.75 of 100 kg: Epley 10 reps to failure; set s stops 2 short of 10 - (s - 1)
    assert one["weight_kg"].unique().tolist() == ["75.0"]
    assert one["reps"].tolist()[:3] == [8, 7, 6]
    biased = synthetic_training_log(2, 0, one_rm={"Squat": 100.0}, day_sd=0, rir_sd=0,
                                    rir_bias=1, failure_weeks=(5, 5))
    assert biased["reps"].tolist()[:3] == [7, 6, 5]  # really 3 reps short when logging 2
    assert synthetic_training_log(3, 1).equals(synthetic_training_log(3, 1))
    assert not synthetic_training_log(3, 1).equals(synthetic_training_log(3, 2))


@pytest.mark.parametrize("kwargs, pattern", [
    ({"weeks": 0}, "weeks must be a whole number >= 1, got 0"),
    ({"seed": -1}, "seed must be a whole number >= 0"),
    ({"sets": 0}, "sets must be a whole number >= 1"),
    ({"target_rir": -1}, "target_rir must be a whole number >= 0"),
    ({"load_fraction": 1.2}, "load_fraction must be between 0.3 and 1"),
    ({"failure_weeks": (8, 6)}, "failure_weeks: low must not exceed high"),
    ({"rir_sd": -1}, "rir_sd must be a finite number >= 0"),
    ({"recovery": 2}, "recovery must be between 0 and 1"),
    ({"start": "soon"}, "start must be a date as YYYY-MM-DD"),
    ({"one_rm": {"Squat": 0}}, "one_rm must map exercise names to 1RMs in kg > 0"),
])
def test_synthetic_training_log_rejects_bad_input(kwargs, pattern):
    from failurelab.synthetic import synthetic_training_log

    with pytest.raises(ValueError, match=pattern):
        synthetic_training_log(**{"weeks": 2, "seed": 0, **kwargs})


# Published facts: fact_id -> (value, low, high, verification)
RIR_FACTS = {
    "halperin2022-underprediction": (0.95, 0.17, 1.73, "abstract-verified"),
    "halperin2022-participants": (414, None, None, "abstract-verified"),
    "halperin2022-i2": (97.9, None, None, "abstract-verified"),
    "halperin2022-proximity": (-0.025, -0.05, 0.0014, "abstract-verified"),
    "halperin2022-preprint-under12": (0.06, 0.04, 0.09, "abstract-verified"),
    "halperin2022-preprint-over12": (0.47, 0.44, 0.49, "abstract-verified"),
    "hackett2017-near": (1, None, None, "abstract-verified"),
    "hackett2017-far": (2, None, None, "abstract-verified"),
    "hackett2018-chest": (2.0, None, None, "abstract-verified"),
    "hackett2018-leg": (3.1, None, None, "abstract-verified"),
    "steele2017-sem-smallest": (2.64, 2.36, 2.99, "abstract-verified"),
    "steele2017-sem-largest": (3.38, 3.02, 3.83, "abstract-verified"),
    "jss2012-agreement": (0.63, None, None, "abstract-verified"),
    "nuzzo2024-tests": (952, None, None, "abstract-verified"),
    "nuzzo2024-sd80": (2.51, None, None, "secondary, verify before quoting"),
    "nuzzo2024-sd60": (4.36, None, None, "secondary, verify before quoting"),
    "nuzzo2024-reps70": (14, None, None, "secondary, verify before quoting"),
}


def test_rir_accuracy_values_equal_the_published_ones():
    table = data.load("rir_accuracy").set_index("fact_id")
    facts = table[table["topic"] != "rpe-scale"]
    assert set(facts.index) == set(RIR_FACTS)
    for fact, (value, low, high, level) in RIR_FACTS.items():
        row = facts.loc[fact]
        assert row["value"] == pytest.approx(value), fact
        for got, want in ((row["low"], low), (row["high"], high)):
            assert (pd.isna(got) if want is None else got == pytest.approx(want)), fact
        assert row["verification"] == level, fact
        if not pd.isna(row["low"]):
            assert row["low"] <= row["value"] <= row["high"], fact
    dois = dict(zip(table["citation"], table["doi"]))
    assert dois["Halperin et al. preprint (SportRxiv / OSF) of Sports Med 2022"] == "10.31236/osf.io/x256f"
    assert table.loc["jss2012-agreement", "doi"] == "10.1080/02640414.2012.710757"
    assert table.loc["hackett2018-leg", "doi"] == "10.1519/JSC.0000000000002419"
    scale = table[table["topic"] == "rpe-scale"]["verification"]
    in_abstract = ["zourdos2016-rpe10", "zourdos2016-rpe9"]  # "RPE-10 = 0-RIR, RPE-9 = 1-RIR"
    assert (scale[in_abstract] == AV).all() and (scale.drop(in_abstract) == SV).all()
    assert table.loc[in_abstract, "verified_in"].str.contains("PMID 26049792").all()
    keys = table.set_index("doi")["source_key"]
    assert keys["10.31236/osf.io/x256f"].eq("halperin2021preprint").all()
    assert keys["10.1519/JSC.0000000000002419"].eq("hackett2018").all()
    assert keys["10.1080/02640414.2012.710757"] == "hackett2012"


# ----------------------------------------------------------------------------- datasources page


def _args(**kw):
    return argparse.Namespace(**{"check": False, "output": datasources.DEFAULT_OUTPUT, **kw})


def test_committed_data_sources_page_is_up_to_date():
    assert datasources.run(_args(check=True)) == 0


def test_datasources_check_detects_stale_and_missing_pages(tmp_path):
    page = tmp_path / "data_sources.md"
    assert datasources.run(_args(check=True, output=page)) == 1
    assert datasources.run(_args(output=page)) == 0
    assert datasources.run(_args(check=True, output=page)) == 0
    page.write_text(page.read_text() + "edited\n")
    assert datasources.run(_args(check=True, output=page)) == 1


def test_data_sources_page_covers_every_resource():
    text = datasources.render()
    for name in data.resources():
        prov = data.provenance(name)
        assert f'failurelab.data.load("{name}")' in text
        for src in prov["sources"]:
            if "doi" in src:
                assert f"(https://doi.org/{src['doi']})" in text
    assert "`synthetic_`" in text
    assert "| `load_pct_1rm` | number | % 1RM |" in text
    assert "Simulated tables here: `synthetic_trials`, `synthetic_training_log`." in text
    assert "**Generator:** `failurelab.synthetic.synthetic_training_log` with seed 20240108" in text
    assert "**Generator:** `failurelab.synthetic.synthetic_trials` with seed 20220202" in text
    assert "| `favours_failure_sign` | integer | 1 |" in text


def test_datasources_is_a_registered_command():
    from tools.__main__ import COMMANDS

    assert "datasources" in COMMANDS
    parser = argparse.ArgumentParser()
    datasources.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["datasources", "--check"])
    assert args.check and args.func is datasources.run


# ----------------------------------------------------------------------------- malformed input


def _package(tmp_path, monkeypatch, text):
    """A one-resource package in tmp_path, made current through FAILURELAB_DATA."""
    pkg = {"name": "t", "licenses": [{"name": "CC0-1.0"}], "resources": [{
        "name": "t", "path": "t.csv", "title": "T", "sources": [{"title": "x", "note": "y"}],
        "verification": "computed",
        "schema": {"primaryKey": ["label"], "fields": [
            {"name": "label", "type": "string", "constraints": {"required": True}},
            {"name": "value", "type": "number", "unit": "Hz"},
            {"name": "n", "type": "integer", "unit": "participants"},
            {"name": "verification", "type": "string",
             "constraints": {"required": True, "enum": list(data.VERIFICATION_LEVELS)}}]}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(pkg))
    (tmp_path / "t.csv").write_text(text)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))


def test_env_override_loads_a_valid_table(tmp_path, monkeypatch):
    _package(tmp_path, monkeypatch, "label,value,n,verification\na,1.5,3,computed\nb,,,computed\n")
    frame = data.load("t")
    assert frame["value"].tolist()[0] == 1.5 and np.isnan(frame["value"].tolist()[1])
    assert str(frame["n"].dtype) == "Int64" and frame["n"].isna().tolist() == [False, True]
    assert data.resources() == ["t"]
    assert data.provenance("t")["licenses"] == [{"name": "CC0-1.0"}]


@pytest.mark.parametrize("text, pattern", [
    ("label,n,verification\na,3,computed\n", r"t\.csv: missing column\(s\) 'value'"),
    ("label,value,n,verification,x\na,1,3,computed,0\n", r"column\(s\) 'x' not in the schema"),
    ("label,value,n,verification\na,1,3,computed\nb,abc,3,computed\n",
     r"t\.csv: column 'value', row 2 \(line 3\): expected a number, got 'abc'"),
    ("label,value,n,verification\na,1,2.5,computed\n",
     r"column 'n', row 1 \(line 2\): expected an integer, got '2.5'"),
    ("label,value,n,verification\n,1,3,computed\n",
     r"column 'label', row 1 \(line 2\): required value is empty"),
    ("label,value,n,verification\na,1,3,verified\n",
     r"column 'verification', row 1 \(line 2\): 'verified' is not one of"),
    ("label,value,n,verification\na,1,3\n", r"row 1 \(line 2\) has 3 cells, expected 4"),
    ("label,value,n,verification\na,1,3,computed\na,2,3,computed\n",
     r"column\(s\) label, row 2 \(line 3\): duplicate key"),
])
def test_malformed_csv_raises_naming_file_column_and_row(tmp_path, monkeypatch, text, pattern):
    _package(tmp_path, monkeypatch, text)
    with pytest.raises(ValueError, match=pattern):
        data.load("t")


def test_unknown_resource_and_missing_package_are_explained(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match=r"unknown data resource 'nope'; available: .*emg_load"):
        data.load("nope")
    with pytest.raises(ValueError, match="must be a string"):
        data.provenance(3)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match=r"no datapackage\.json in .*FAILURELAB_DATA"):
        data.resources()


def test_committed_csvs_are_plain_utf8_csv():
    for name in data.resources():
        path = data.data_dir() / data.resource(name)["path"]
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert len({len(r) for r in rows}) == 1, name
