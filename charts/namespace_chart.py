"""The base of every component chart: one cdk8s Chart per namespace, with stable object names."""

from __future__ import annotations

import cdk8s
import constructs


class NamespaceChart(cdk8s.Chart):
    """A chart whose objects live in one namespace. Props: `namespace`.

    Resource name hashes are disabled: every object carries an explicit, human name. The chart's
    `namespace` is also set on every object explicitly by its construct.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str):
        super().__init__(scope, id, namespace=namespace, disable_resource_name_hashes=True)
        self.namespace_name = namespace
