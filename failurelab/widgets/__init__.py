"""Interactive explorers: pure compute in the package, a thin ipywidgets view.

Each explorer exposes ``.update(**params)`` (returns the computed state; used by tests and the
benchmark) and ``.ui`` (the widget tree). Bad input shows a message and keeps the last figure.
"""

from .base import Explorer, kernel_free_twin
from .evidence import CIExplorer, EffectSizeExplorer, MetaExplorer
from .mechanism import SetExplorer, SizePrincipleExplorer
from .practice import HowCloseExplorer, SetPlannerExplorer

__all__ = ["CIExplorer", "EffectSizeExplorer", "Explorer", "HowCloseExplorer", "MetaExplorer",
           "SetExplorer", "SetPlannerExplorer", "SizePrincipleExplorer", "kernel_free_twin"]
