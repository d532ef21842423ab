"""cdk8s-free tooling over rendered manifests: validation in layers, the object diff, the credential scan,
the restricted Pod Security Standard check, the CRD pins and their strict schemas, and the facts about
manifests the charts also render by (Argo CD annotation keys, the rollout checksum, Iceberg env references), and
the Argo CD health checks (Lua) of the operators' custom resources (`argo_health`).
It reads YAML only (no cdk8s, no generated bindings), so `validate` and `diff` stay fast."""
