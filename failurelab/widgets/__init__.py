"""Interactive explorers: pure compute in the package, a thin ipywidgets view.

Each explorer exposes ``.update(**params)`` (returns the computed state; used by tests and the
benchmark) and ``.ui`` (the widget tree). Bad input shows a message and keeps the last figure.
"""

from .advice import AdviceExplorer
from .base import Explorer
from .claims import ClaimExplorer
from .evidence import CIExplorer, EffectSizeExplorer, MetaExplorer
from .limitations import MeasurementErrorExplorer, StudyDesignExplorer
from .mechanism import SetExplorer, SizePrincipleExplorer
from .monitoring import LogExplorer
from .practice import HowCloseExplorer, SetPlannerExplorer, WeeklyPlanExplorer
from .responses import IndividualResponsesExplorer, VolumeConfoundingExplorer

__all__ = ["AdviceExplorer", "CIExplorer", "ClaimExplorer", "EffectSizeExplorer", "Explorer",
           "HowCloseExplorer", "IndividualResponsesExplorer", "LogExplorer", "MeasurementErrorExplorer", "MetaExplorer",
           "SetExplorer", "SetPlannerExplorer", "SizePrincipleExplorer", "StudyDesignExplorer",
           "VolumeConfoundingExplorer", "WeeklyPlanExplorer"]
