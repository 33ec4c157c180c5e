"""Input checks for every public function of failurelab: one rule and one message style.

Each check returns the value in a usable form (float, int, numpy array) or raises
:class:`InputError`, a ValueError, so explorers show the message and keep the last figure. The
message names the parameter, says what is expected and echoes the value:
"sd1 must be a number above 0 and at most 1e+12, got 0".

The rule: a number is an int, a float or a numpy number. Booleans and strings are refused
(``True`` is not 1 here, and ``"5"`` is not 5); so are NaN, infinities and ints too large
for a float.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Largest magnitude a float can hold; beyond it a number overflows.
FLOAT_MAX = float(np.finfo(float).max)


class InputError(ValueError):
    """Bad input to a public function of failurelab (a ValueError, as the course promises)."""


def fail(message):
    """Raise :class:`InputError` with ``message`` (for checks that are not a range or a type)."""
    raise InputError(message)


def shown(value, width=60):
    """A short ``repr`` of ``value`` for a message (big ints by their number of digits)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) \
            and abs(int(value)).bit_length() > 200:
        return f"an integer with about {int(abs(int(value)).bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any object may be passed; its repr must not break the message
        text = f"a {type(value).__name__}"
    return text if len(text) <= width else text[:width - 3] + "..."


def _g(x):
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 1000 else f"{x:g}"


def bounds(low=None, high=None, open_low=False, open_high=False):
    """The range part of a message: " > 0", " from 2 to 2,000", " above 0 and at most 1"."""
    if low is None and high is None:
        return ""
    if high is None:
        return f" {'>' if open_low else '>='} {_g(low)}"
    if low is None:
        return f" {'<' if open_high else '<='} {_g(high)}"
    if open_low and open_high:
        return f" between {_g(low)} and {_g(high)}"
    if open_low:
        return f" above {_g(low)} and at most {_g(high)}"
    if open_high:
        return f" from {_g(low)} to below {_g(high)}"
    return f" from {_g(low)} to {_g(high)}"


def _inside(x, low, high, open_low, open_high):
    return ((low is None or (x > low if open_low else x >= low))
            and (high is None or (x < high if open_high else x <= high)))


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def real(name, value, low=None, high=None, *, open_low=False, open_high=False,
         what="a number", hint="", say=None):
    """``value`` as a finite float within the bounds (``None``: unbounded), or InputError.

    ``what`` describes the value ("a positive SD"), ``hint`` is appended to the range
    (" (e.g. 0.95 for 95 %)"); ``say`` replaces both and the range ("between 0.3 and 1").
    """
    limits = bounds(low, high, open_low, open_high)
    if not limits and what == "a number":
        limits = f" (finite, at most {FLOAT_MAX:.1e} in size)"
    if say is not None:
        what, limits, hint = say, "", ""
    if _is_number(value):
        try:
            x = float(value)
        except (OverflowError, ValueError, TypeError):
            x = math.nan
        if math.isfinite(x) and _inside(x, low, high, open_low, open_high):
            return x
    raise InputError(f"{name} must be {(what + limits + hint).strip()}, got {shown(value)}")


def whole(name, value, low=None, high=None, *, what="a whole number", hint=""):
    """``value`` as an int within the bounds, or InputError; 3.0 counts as 3, True does not."""
    x = None
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        x = int(value)
    elif _is_number(value):
        try:
            f = float(value)
        except (OverflowError, ValueError, TypeError):
            f = math.nan
        if math.isfinite(f) and f.is_integer():
            x = int(f)
    if x is not None and _inside(x, low, high, False, False):
        return x
    expected = (what + bounds(low, high) + hint).strip()
    raise InputError(f"{name} must be {expected}, got {shown(value)}")


def fraction(name, value, *, open_low=True, open_high=True, what="a fraction", hint=""):
    """``value`` as a float between 0 and 1 (both excluded unless ``open_*`` is False)."""
    return real(name, value, 0, 1, open_low=open_low, open_high=open_high, what=what,
                hint=hint)


def flag(name, value):
    """``value`` as a bool: only True or False (numpy's too), never 0, 1 or "yes"."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputError(f"{name} must be True or False, got {shown(value)}")


def choice(name, value, options, *, what=None):
    """``value`` if it is one of ``options`` (compared by ==, never a bool for a number).

    ``what`` replaces the list of options in the message ("'z' (normal) or 'knha'").
    """
    options = tuple(options)
    try:
        ok = (not isinstance(value, np.ndarray) and hash(value) is not None
              and any(value == o and isinstance(value, bool) == isinstance(o, bool)
                      for o in options))
    except (TypeError, ValueError):  # unhashable (a list) or an ambiguous comparison
        ok = False
    if ok:
        return value
    expected = what or f"one of {', '.join(map(repr, options))}"
    raise InputError(f"{name} must be {expected}, got {shown(value)}")


def array(name, value, low=None, high=None, *, open_low=False, open_high=False,
          what="numbers", hint="", ndim=None, empty=False, whole=False, item="entry"):
    """``value`` (a number, list or array) as a float array within the bounds, or InputError.

    ``ndim``: the allowed number of dimensions (an int or a tuple of them); ``empty``: whether
    an empty array is allowed; ``whole``: whether every entry must be a whole number. The
    message names the first bad entry as ``item`` and its position ("study 2 is nan").
    """
    limits = bounds(low, high, open_low, open_high) + hint
    message = f"{name} must be {(what + limits).strip()}, got {shown(value)}"
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged lists
        raise InputError(message) from None
    if raw.dtype.kind not in "iuf":  # bools, strings, objects (e.g. ints too large)
        raise InputError(message)
    with np.errstate(all="ignore"):
        x = raw.astype(float)
    if ndim is not None and x.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise InputError(message)
    if x.size == 0 and not empty:
        raise InputError(f"{name} must have at least one {item} ({what}), got none")
    ok = np.isfinite(x)
    if whole:
        ok &= x == np.round(x)
    with np.errstate(invalid="ignore"):
        if low is not None:
            ok &= x > low if open_low else x >= low
        if high is not None:
            ok &= x < high if open_high else x <= high
    if not ok.all():
        if x.ndim == 1:
            i = int(np.flatnonzero(~ok)[0])
            raise InputError(f"{name} must be {(what + limits).strip()}; {item} {i + 1} is "
                             f"{x[i]:g}")
        raise InputError(message)
    return x
