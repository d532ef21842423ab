"""What Flink, Spark, the operators, Kubernetes, Karpenter, Argo CD, the metrics agents and the JVM define, pinned to
the versions the platform renders for: option keys and their tables, name and value rules, Java and Flink value
readers, the file dialects they read, cron and Quartz schedules, API formats, annotation keys, the CRD pins and the
capabilities table (`upstream.capabilities`).

The bottom layer (pyproject.toml, import-linter): config, charts and manifests all import it, and it imports none of
them, nor cdk8s or the generated bindings. A component may import any module of it. A fact that needs the
configuration model (a config path, `config.loading.Problem`) is not a fact module: it lives in `config`.
"""
