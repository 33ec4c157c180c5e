"""Load the course's data tables and their provenance.

Every table in ``data/`` is a resource of ``data/datapackage.json`` (a Frictionless tabular
data package): field schema with units, sources with DOIs, licence and verification level
(the levels are defined in ``data/datapackage.json``, ``verification_levels``, and listed in
:data:`VERIFICATION_LEVELS`). :func:`load` validates a CSV against its
schema before returning it, so a malformed file fails loudly with file, column and row.

The data directory is ``data/`` next to the package (repository checkout); set the
environment variable ``FAILURELAB_DATA`` to use another directory.
"""

import csv
import json
import math
import os
from pathlib import Path

import pandas as pd

from .validation import fail

ENV_VAR = "FAILURELAB_DATA"
DESCRIPTOR = "datapackage.json"
VERIFICATION_LEVELS = (
    "full-text-verified",
    "abstract-verified",
    "secondary, verify before quoting",
    "not available",
    "computed",
    "code-verified",
    "synthetic",
)
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def data_dir():
    """Directory holding ``datapackage.json``: ``$FAILURELAB_DATA`` or the checkout's ``data/``."""
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else Path(__file__).resolve().parent.parent / "data"


def descriptor():
    """The parsed ``datapackage.json``."""
    path = data_dir() / DESCRIPTOR
    if not path.is_file():
        raise ValueError(f"no {DESCRIPTOR} in {path.parent} (set {ENV_VAR} to the data directory)")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def resources():
    """Names of all resources in the data package, in descriptor order."""
    return [r["name"] for r in descriptor()["resources"]]


def resource(name):
    """The descriptor entry (dict) of resource ``name``."""
    if not isinstance(name, str):
        fail(f"resource name must be a string, got {type(name).__name__}")
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    raise ValueError(f"unknown data resource {name!r}; available: {', '.join(resources())}")


def provenance(name):
    """Title, description, sources (citation, DOI, bib key), licences and verification of a table.

    Licences fall back to the package's when the resource names none.
    """
    res = resource(name)
    out = {
        "name": res["name"],
        "title": res.get("title", ""),
        "path": res["path"],
        "description": res.get("description", ""),
        "sources": [dict(s) for s in res.get("sources", [])],
        "licenses": [dict(lic) for lic in res.get("licenses") or descriptor().get("licenses", [])],
        "verification": res.get("verification", ""),
    }
    for key in ("sign_convention", "synthetic", "generator", "note"):
        if key in res:
            out[key] = res[key]
    return out


def _convert(value, field, where):
    kind = field.get("type", "string")
    if kind == "string":
        return value
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{where}: expected a number, got {value!r}") from None
        if math.isnan(number):
            raise ValueError(f"{where}: expected a number, got {value!r}")
        return number
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{where}: expected an integer, got {value!r}") from None
    if kind == "boolean":
        low = value.lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    raise ValueError(f"{where}: unsupported schema type {kind!r}")


_DTYPES = {"string": "object", "number": "float64", "integer": "Int64", "boolean": "boolean"}


def validate_rows(header, rows, schema, label):
    """Check CSV ``header`` and ``rows`` (lists of strings) against a Table Schema.

    Returns ``{field name: list of converted values or None}``. Raises ``ValueError`` naming
    ``label`` (the file), the column and the row (1 = first data row, line = row + 1).
    """
    fields = schema.get("fields", [])
    names = [fld["name"] for fld in fields]
    missing_values = set(schema.get("missingValues", [""]))  # Table Schema default: [""]
    missing = [n for n in names if n not in header]
    if missing:
        raise ValueError(f"{label}: missing column(s) {', '.join(map(repr, missing))}")
    extra = [h for h in header if h not in names]
    if extra:
        raise ValueError(f"{label}: column(s) {', '.join(map(repr, extra))} not in the schema")
    if len(set(header)) != len(header):
        raise ValueError(f"{label}: duplicate column names in the header")
    index = {h: i for i, h in enumerate(header)}
    columns = {n: [] for n in names}
    for r, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise ValueError(f"{label}: row {r} (line {r + 1}) has {len(row)} cells, "
                             f"expected {len(header)}")
        for fld in fields:
            name = fld["name"]
            where = f"{label}: column {name!r}, row {r} (line {r + 1})"
            cell = row[index[name]].strip()
            cons = fld.get("constraints", {})
            if cell in missing_values or cell == "":
                if cons.get("required"):
                    raise ValueError(f"{where}: required value is empty")
                columns[name].append(None)
                continue
            value = _convert(cell, fld, where)
            if "enum" in cons and value not in cons["enum"]:
                raise ValueError(f"{where}: {value!r} is not one of {cons['enum']}")
            columns[name].append(value)
    key = schema.get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        seen = {}
        for r, values in enumerate(zip(*(columns[k] for k in key)), start=1):
            if values in seen:
                raise ValueError(f"{label}: column(s) {', '.join(key)}, row {r} (line {r + 1}): "
                                 f"duplicate key {values!r} (first in row {seen[values]})")
            seen[values] = r
    return columns


def load(name):
    """Load resource ``name`` of the data package as a validated pandas DataFrame.

    Column dtypes follow the schema (number → float64, integer → Int64, boolean → boolean,
    string → object); empty optional cells become missing values.
    """
    res = resource(name)
    path = data_dir() / res["path"]
    label = f"data file {res['path']}"
    if not path.is_file():
        raise ValueError(f"{label} not found in {path.parent}")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{label} is empty")
        rows = [row for row in reader if row]
    schema = res.get("schema", {})
    columns = validate_rows([h.strip() for h in header], rows, schema, label)
    frame = pd.DataFrame({
        fld["name"]: pd.Series(columns[fld["name"]], dtype=_DTYPES[fld.get("type", "string")])
        for fld in schema["fields"]
    })
    frame.attrs["resource"] = name
    return frame


def harmonised_meta_analyses():
    """Failure vs non-failure rows of ``meta_analyses`` on the course's common sign.

    Papers differ in what a positive effect favours (column ``sign_convention``). Each row is
    stored as published. This function keeps the rows with a ``favours_failure_sign`` (so not
    load contrasts or dose-response slopes) and multiplies estimate and CI by that factor.
    The results go in ``harmonised_estimate``, ``harmonised_ci_low`` and ``harmonised_ci_high``,
    where positive favours failure. When the factor is -1 the CI bounds swap.
    Example: Davies et al. 2016's corrected overall ES 0.05 (erratum, doi:10.1007/s40279-016-0509-x;
    positive favours non-failure) becomes -0.05, and its bench-press ES -0.12 becomes 0.12.
    """
    table = load("meta_analyses")
    table = table[table["favours_failure_sign"].notna()].reset_index(drop=True)
    sign = table["favours_failure_sign"].astype("float64")
    low, high = table["ci_low"] * sign, table["ci_high"] * sign
    table["harmonised_estimate"] = table["estimate"] * sign
    table["harmonised_ci_low"] = low.where(sign > 0, high)
    table["harmonised_ci_high"] = high.where(sign > 0, low)
    return table


SECONDARY = "secondary, verify before quoting"
#: Order of the subgroups in the course's forest plots of the published estimates.
_SUBGROUP_ORDER = {"all studies": 0, "Theme B: other definitions of set failure": 0.5,
                   "volume not equated": 1, "volumes not equalised": 1, "volume equated": 2,
                   "compound exercises: squat": 3, "compound exercises: bench press": 3.1,
                   "isolated exercises": 3.2, "resistance-trained participants": 4}
#: Refalo 2023's Table 3 moderator subgroups (volume, load): tabulated, not plotted.
MODERATOR_ROWS = ("refalo2023-volume-equated", "refalo2023-volume-not-equated",
                  "refalo2023-lower-load", "refalo2023-higher-load")
_DEFINITIONS = {"momentary muscular failure": "momentary failure (Theme A)",
                "set failure (definitions other than momentary muscular failure)":
                    "other definitions (Theme B)"}


def short_name(study):
    """'Grgic et al. 2022' -> 'Grgic 2022'."""
    return study.replace(" et al.", "")


def interval(est, low, high, places=2):
    """'0.22 (-0.11 to 0.55)', or the estimate alone when no CI is published."""
    if pd.isna(est):
        return "not reported"
    if pd.isna(low):
        return f"{est:.{places}f} (no CI)"
    return f"{est:.{places}f} ({low:.{places}f} to {high:.{places}f})"


def analysis_name(row):
    """A row's subgroup, or the definition of failure where the review split by it (Refalo 2023)."""
    if row["comparison"] not in ("failure vs non-failure", "set failure vs non-failure"):
        name = row["comparison"].split(" vs ")[0]
        return _DEFINITIONS.get(name, name)
    subgroup = row["subgroup"].replace(" (Table 3 moderator subgroup)", "")
    return "overall" if subgroup == "all studies" else subgroup


def published_estimates():
    """The strength and hypertrophy rows of :func:`harmonised_meta_analyses` that the course's
    forest plots show (every pooled estimate but Refalo 2023's moderator subgroups), ordered
    strength first, overall first, with the columns a plot needs: ``label`` (review, analysis,
    k; "*" when k is secondary), ``est``/``lo``/``hi`` (course sign), ``secondary`` (hollow
    marker) and ``text`` (the interval, plus the published value where the sign was flipped)."""
    table = harmonised_meta_analyses()
    rows = table[table["outcome"].isin(["strength", "hypertrophy"])
                 & table["harmonised_estimate"].notna()
                 & ~table["id"].isin(MODERATOR_ROWS)].copy()
    rows["rank"] = rows["subgroup"].map(_SUBGROUP_ORDER).fillna(5)
    rows = rows.sort_values(["outcome", "rank", "study"], ascending=[False, True, True])

    def label(row):
        name = f"{short_name(row['study'])}: {analysis_name(row)}"
        if pd.isna(row["k"]):
            return name
        return f"{name}, k = {row['k']}" + ("*" if row["k_n_verification"] == SECONDARY else "")

    rows["label"] = rows.apply(label, axis=1)
    rows["secondary"] = rows["verification"] == SECONDARY
    rows["est"], rows["lo"], rows["hi"] = (rows["harmonised_estimate"], rows["harmonised_ci_low"],
                                           rows["harmonised_ci_high"])
    rows["text"] = [interval(r.est, r.lo, r.hi) + ("" if r.favours_failure_sign == 1 else
                                                   f"; published {r.estimate:+.2f}")
                    for r in rows.itertuples()]
    return rows
