"""The base of every component chart: one cdk8s Chart per namespace, with stable object names."""

from __future__ import annotations

import cdk8s
import constructs


class ComponentChart(cdk8s.Chart):
    """A chart whose objects live in one namespace. Props: `namespace`.

    Resource name hashes are disabled: every object carries an explicit, human name.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str):
        # The namespace is not the cdk8s Chart's: that would also stamp it on cluster-scoped objects
        # (ClusterRoles, webhook configurations). Constructs set it on each namespaced object.
        super().__init__(scope, id, disable_resource_name_hashes=True)
        self.namespace_name = namespace
