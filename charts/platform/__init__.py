"""The composition root: `Platform(app, config)` builds every chart of one environment.

The environment configuration reaches the components only through here: one module per component maps its
sections onto the component's props (`flink.py`, ...), and `composition.py` wires the components by object.
Components never see `config` sections, so a Python user can compose them without an environment file.
"""

from charts.platform.composition import Platform

__all__ = ["Platform"]
