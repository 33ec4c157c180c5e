"""The Zero to JupyterHub config (deploy/z2jh/config.yaml) is valid for the chart, and its
guarantees follow the load test's measurement.

Validated as the chart's own tooling does it: the config merged over the chart's default values
(a deep merge, the config wins) and the result checked with jsonschema against the chart's values
schema. Both chart files are read from ../shared/data/z2jh/ (the chart repository's
values.yaml and values.schema.yaml, BSD-3-Clause; their README gives the commit); the test skips
where that folder is absent, and CI has it.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml

from tools.course import ROOT, course_release

CONFIG = ROOT / "deploy" / "z2jh" / "config.yaml"
CHART = ROOT.parent / "shared" / "data" / "z2jh"
MEASURED = ROOT / "book" / "_data" / "class_load.json"
UNITS = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def deep_merge(base, over):
    """``over`` merged into a copy of ``base``: mappings merge key by key, anything else replaces
    (Helm's rule for --values)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def nbytes(quantity) -> float:
    m = re.fullmatch(r"([0-9.]+)([KMGT]i?)?", str(quantity))
    assert m, f"not a Kubernetes quantity: {quantity!r}"
    return float(m[1]) * UNITS.get(m[2] or "", 1)


@pytest.fixture(scope="module")
def chart():
    if not (CHART / "values.schema.yaml").is_file() or not (CHART / "values.yaml").is_file():
        pytest.skip(f"the Zero to JupyterHub chart's values.yaml and values.schema.yaml are not in "
                    f"{CHART} (they come with the course's shared data; CI has them)")
    return (yaml.safe_load((CHART / "values.yaml").read_text()),
            yaml.safe_load((CHART / "values.schema.yaml").read_text()))


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG.read_text())


def test_config_merged_over_the_defaults_validates_against_the_chart_schema(chart, config):
    import jsonschema

    defaults, schema = chart
    merged = deep_merge(defaults, config)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(merged), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors[:10])


def test_the_schema_check_catches_a_misspelt_key(chart, config):
    import jsonschema

    defaults, schema = chart
    broken = deep_merge(defaults, {**config, "singleuser": {**config["singleuser"], "memroy": {"limit": "1G"}}})
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken)), "the schema must refuse it"


def test_a_real_authenticator_and_no_credentials(config):
    hub = config["hub"]
    assert hub["config"]["JupyterHub"]["authenticator_class"] not in ("dummy", "null", "simple")
    text = CONFIG.read_text()
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        assert not re.search(r"(secret|password|token|client_id)\s*:\s*\S", line, re.IGNORECASE) or \
            "secretKeyRef" in line, f"a credential in the config: {line.strip()}"
    assert set(hub["extraEnv"]) == {"OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"}
    assert all("secretKeyRef" in v["valueFrom"] for v in hub["extraEnv"].values())


def test_image_is_the_course_release_built_by_repo2docker(config):
    image = config["singleuser"]["image"]
    assert image["tag"] == course_release()
    assert "repo2docker" in CONFIG.read_text() and f"--ref {course_release()}" in CONFIG.read_text()


def test_idle_servers_are_culled_and_the_course_is_pulled(config):
    cull = config["cull"]
    assert cull["enabled"] is True and 0 < cull["timeout"] <= 4 * 3600 and cull["every"] <= cull["timeout"]
    command = config["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller" and command[1].startswith("https://")
    assert yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"] == command[1]


def test_guarantees_follow_the_measured_class(config):
    """Memory: a server with one notebook (the measured p95 RSS) plus a second kernel fits in the
    guarantee, four notebooks in the limit; CPU: one student's measured CPU-seconds (server,
    pull, run all) fit in a minute of the guarantee."""
    if not MEASURED.is_file():
        pytest.fail(f"{MEASURED.relative_to(ROOT)} is missing: run `make loadtest`")
    measured = json.loads(MEASURED.read_text())
    assert measured["success_rate"] == 1.0 and measured["students"] >= 30
    mem = config["singleuser"]["memory"]
    rss_p95 = measured["memory_per_user_mib"]["rss"]["p95"] * 2**20
    kernel = measured["memory_per_user_mib"]["kernel_rss"]["p95"] * 2**20
    assert nbytes(mem["guarantee"]) >= rss_p95 + kernel  # a chapter and its exercises open
    assert nbytes(mem["limit"]) >= rss_p95 + 3 * kernel  # four notebooks
    cpu = config["singleuser"]["cpu"]
    assert cpu["guarantee"] * 60 >= measured["cpu"]["per_student_s"]["p95"]
    assert cpu["limit"] >= 1


def test_the_guide_and_the_status_page_show_the_measured_figures():
    from tools import hub, status

    measured = json.loads(MEASURED.read_text())
    guide = hub.GUIDE.read_text(encoding="utf-8")
    assert hub.guide_block(measured) in guide, "run `python -m tools loadtest` (make loadtest)"
    assert "\n".join(hub.figures_table(measured)) in "\n".join(status.class_section())
