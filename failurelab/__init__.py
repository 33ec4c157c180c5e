"""failurelab: the Python package behind the course "Train to failure?".

Models (motor-unit pool, fatigue), statistics, data access, plots and widgets used by the
chapter notebooks. Every public function validates its input and raises ``ValueError`` with a
message a learner can act on.
"""

__version__ = "0.1.0"
