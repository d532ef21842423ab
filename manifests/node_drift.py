"""NodePool changes that replace nodes (a rule of `diff`'s state-safety section, `manifests.state_safety`).

Karpenter 1.14.1 (kubernetes-sigs/karpenter v1.14.1) replaces every node of a pool whose template changes:
- `pkg/apis/v1/nodepool.go` `NodePool.Hash` (lines 336-342) hashes `spec.template` (hashstructure FormatV2 with
  `SlicesAsSets`, `IgnoreZeroValue`, `ZeroNil`): its labels and annotations, `taints`, `startupTaints`,
  `nodeClassRef`, `terminationGracePeriod` and `expireAfter`; `requirements` carry `hash:"ignore"`
  (`NodeClaimTemplateSpec`, line 234), as do the disruption settings (`budgets`, line 114). `expireAfter` is a
  `NillableDuration` whose `Raw` text is ignored: the duration counts, not how it is written; absent, the CRD
  defaults it to 720h.
- `pkg/controllers/nodepool/hash/controller.go` writes that hash on the NodePool; each NodeClaim keeps the hash of
  the template it was launched from, and `pkg/controllers/nodeclaim/disruption/drift.go` `areStaticFieldsDrifted`
  marks it Drifted when the two differ (`NodePoolDrifted`). The disruption controller then replaces drifted nodes
  as the pool's budgets allow: each is drained, and its pods are evicted and start elsewhere (a Flink TaskManager
  among them restarts its job from the last checkpoint).
- A changed `requirements` list drifts only the nodes whose labels no longer satisfy it (`areRequirementsDrifted`);
  the rendering does not show which nodes those are, so it is not flagged here.
- NodeClaims are owned by their NodePool (`pkg/controllers/provisioning/scheduling/nodeclaimtemplate.go`,
  ownerReference with blockOwnerDeletion), so removing (or renaming) a pool deletes its NodeClaims through the
  garbage collector: every node is drained and terminated, not paced by the pool's disruption budgets.
The workloads a finding names are those of the base rendering whose pods can run on the pool
(`manifests.validation.node_pools.pool_users`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from manifests.diff import Key
from manifests.state_finding import REVIEW, Finding, Objects, few, kept_by_argo_cd
from manifests.tree import changed_paths
from manifests.validation.node_pools import CRD_EXPIRE_AFTER, pool_users, pools
from manifests.validation.report import Manifest

UNHASHED = ("requirements", "resources")
"""`spec.template.spec` fields `NodePool.Hash` ignores (`hash:"ignore"`)."""
DURATIONS = ("expireAfter", "terminationGracePeriod")
"""`spec.template.spec` durations, hashed by value (`1h` and `60m` hash alike)."""
_DURATION_PART = re.compile(r"([0-9]+)(h|m|s)")
_SECONDS = {"h": 3600, "m": 60, "s": 1}


def _duration(value: Any) -> Any:
    """A Karpenter duration (`720h`, `1h30m`) in seconds; anything else (`Never`) as it is."""
    text = str(value)
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return value
    return sum(int(n) * _SECONDS[u] for n, u in parts)


def _hashed(node: Any) -> Any:
    """`node` as `NodePool.Hash` sees it: zero values (None, "", 0, false, empty maps and lists) dropped, lists
    compared as sets (sorted by their text)."""
    if isinstance(node, dict):
        kept = {k: _hashed(v) for k, v in node.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", 0, False, {}, ())}
    if isinstance(node, list):
        return tuple(sorted((_hashed(v) for v in node), key=repr))
    return node


def hashed_template(pool: dict[str, Any]) -> dict[str, Any]:
    """The part of NodePool `pool`'s `spec.template` that Karpenter's hash covers, normalized so that two templates
    are equal exactly when their hashes are: without `UNHASHED` fields, `expireAfter` defaulted to the CRD's 720h,
    durations in seconds, zero values dropped, lists as sets."""
    template = dict((pool.get("spec") or {}).get("template") or {})
    spec = {k: v for k, v in (template.get("spec") or {}).items() if k not in UNHASHED}
    spec.setdefault("expireAfter", CRD_EXPIRE_AFTER)
    spec.update({k: _duration(spec[k]) for k in DURATIONS if spec.get(k) is not None})
    result: dict[str, Any] = _hashed({**template, "spec": spec})
    return result


def _on_pool(key: Key, base: Objects) -> tuple[str, str]:
    """(who, what): the pods of the base rendering (same environment) that can run on pool `key` and move when its
    nodes go (`the pods on them (<workloads>)`, or `their pods`), and `; a Flink job among them restarts from its
    last checkpoint` when Flink pods are among them ("" otherwise). DaemonSets are left out: their pods go with the
    node, and each new node runs its own."""
    manifests = [Manifest("", obj) for k, obj in base.items() if k[0] == key[0] and k[1] != "DaemonSet"]
    rendered = pools(manifests)
    users = pool_users(manifests, rendered).get(key[3], [])
    flink = pool_users(manifests, rendered, flink_only=True).get(key[3])
    return (f"the pods on them ({few(users)})" if users else "their pods",
            "; a Flink job among them restarts from its last checkpoint" if flink else "")


def node_drift(key: Key, base: Objects, head: Objects) -> Iterator[Finding]:
    """A review finding for a Karpenter NodePool (`key`) whose hashed template (`hashed_template`) changes from `base`
    to `head`, naming the changed fields and the workloads on the pool, or that is removed; nothing for other kinds."""
    old = base[key]
    if key[1] != "NodePool" or not str(old.get("apiVersion", "")).startswith("karpenter.sh/"):
        return
    who, flink = _on_pool(key, base)
    if key not in head:
        yield Finding(key, "removed", f"{kept_by_argo_cd(old)}its NodeClaims are owned by it, so Kubernetes deletes "
                      "them with it: Karpenter drains and terminates every node of the pool, not paced by its "
                      f"disruption budgets: {who} are evicted and start elsewhere, or stay Pending when no other pool "
                      f"takes them{flink}", REVIEW)
        return
    fields = list(changed_paths(hashed_template(old), hashed_template(head[key]), "spec.template"))
    if fields:
        yield Finding(key, few(fields), "Karpenter hashes the NodePool's template (all of spec.template but "
                      "requirements: NodePool.Hash) into every node it launches, so this change marks every node of "
                      "the pool Drifted: each is drained and replaced as the pool's disruption budgets allow: "
                      f"{who} are evicted and start again on new nodes{flink}", REVIEW)
