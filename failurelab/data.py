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
