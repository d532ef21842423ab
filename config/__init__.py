"""Environment configuration: `environments/<env>.yaml`, validated by `environments/config.schema.json`.

The JSON Schema is the configuration surface editors complete against: it rejects unknown keys and wrong
types, and it holds every default (`default`), which the loader applies before building the frozen, typed
sections (one module per component: `config.polaris`, `config.fluss`, `config.flink` with `config.flink_deployments`
and `config.flink_jobs`, `config.spark`, `config.object_store`, `config.operators`, `config.platform`;
`config.environment` holds the whole). Each field of a section is documented where it is declared, with the same
text, unit and default as the schema (a test keeps the two equal), and README's configuration reference is generated
from the schema.

Errors are `ConfigError`s with one line per problem, each naming the file, the line and column, the path and what
was expected, e.g. `environments/prod.yaml:31:5: flink.sessionCluster.taskManagerMemory: '2 gigs' is not a Flink
memory size ...` (`config.loading.Document`).
Every problem of a file is reported at once: all schema violations, or (once the schema holds) every check
on the typed sections, including those the API server or an operator would make later (name lengths, limits
below requests, memory formats).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from config.catalog_model import CatalogRoleSpec, CatalogSpec, PrincipalSpec
from config.common import Buckets, Resources, S3Keys
from config.environment import EnvironmentConfig
from config.environment_rules import problems as cross_section_problems
from config.flink import FlinkConfig, SessionClusterConfig, SqlGatewayConfig, TieringJobConfig
from config.flink_jobs import SessionJobConfig
from config.fluss import FlussConfig
from config.loading import (
    ENVIRONMENTS_DIR,
    ROOT,
    SCHEMA_PATH,
    ConfigError,
    Document,
    Problem,
    apply_defaults,
    build,
    parse_yaml,
    read_yaml,
    resolve_ref,
    schema,
    schema_problems,
    type_name,
)
from config.object_store import InClusterStore, ObjectStoreConfig
from config.operators import FlinkOperatorConfig, SparkOperatorConfig
from config.platform import ArgoCdConfig, CertManagerConfig, CrdsConfig, ExternalSecretsConfig, Namespaces
from config.polaris import PolarisConfig, PolarisSetupConfig, PostgresConfig
from config.spark import SparkApplicationConfig, SparkConfig
from config.zookeeper import ZooKeeper

__all__ = [
    "ENVIRONMENTS_DIR", "ROOT", "SCHEMA_PATH", "ArgoCdConfig", "Buckets", "CatalogRoleSpec", "CatalogSpec", "CertManagerConfig",
    "ConfigError", "CrdsConfig", "EnvironmentConfig", "ExternalSecretsConfig", "FlinkConfig", "FlinkOperatorConfig",
    "FlussConfig", "InClusterStore", "Namespaces", "ObjectStoreConfig", "PolarisConfig", "PolarisSetupConfig",
    "PostgresConfig", "PrincipalSpec", "Problem", "Resources", "S3Keys", "SessionClusterConfig", "SessionJobConfig",
    "SparkApplicationConfig", "SparkConfig", "SparkOperatorConfig", "SqlGatewayConfig", "TieringJobConfig", "ZooKeeper",
    "apply_defaults", "available_environments", "load_environment", "parse_document",
    "parse_environment", "parse_text", "resolve_ref", "schema",
]


def available_environments(directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    """Names of the environments defined in `directory` (one `<name>.yaml` each), sorted."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_environment(name: str, directory: Path = ENVIRONMENTS_DIR) -> EnvironmentConfig:
    """Load `<directory>/<name>.yaml`; each error names the file, line and column (`config.loading.Document`).

    Raises:
        ConfigError: unknown environment, unreadable YAML or a duplicate key, schema violations, or failed checks
            on the typed sections (every problem of the file, one per line).
    """
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(available_environments(directory)) or "none"
        raise ConfigError(f"unknown environment '{name}': {_display(path)} does not exist (known: {known})")
    return parse_document(read_yaml(path, _display(path)), expected_name=name)


def parse_environment(raw: Any, *, source: str, expected_name: str | None = None) -> EnvironmentConfig:
    """Validate an environment document built in memory (no YAML text: its errors carry no line) and build the typed
    configuration.

    Raises:
        ConfigError: as for `load_environment`, each line prefixed with `source`.
    """
    return parse_document(Document(source, raw), expected_name=expected_name)


def parse_text(text: str, *, source: str, expected_name: str | None = None) -> EnvironmentConfig:
    """Validate the environment document of YAML `text`, shown as `source` in errors with line and column.

    Raises:
        ConfigError: as for `load_environment`.
    """
    return parse_document(parse_yaml(text, source), expected_name=expected_name)


def parse_document(document: Document, *, expected_name: str | None = None) -> EnvironmentConfig:
    """Validate a parsed document (`read_yaml`, `parse_yaml`) and build the typed configuration.

    Raises:
        ConfigError: as for `load_environment`.
    """
    raw = document.data
    if not isinstance(raw, dict):
        document.report([Problem("", f"expected a mapping at the top level, got {type_name(raw)}")])
    doc = copy.deepcopy(raw)
    document.report(schema_problems(doc))
    apply_defaults(schema(), doc)
    if expected_name is not None and doc["environment"] != expected_name:
        document.report([Problem("environment", f"'{doc['environment']}' must equal the file name '{expected_name}'")])
    problems: list[Problem] = []
    config = build(EnvironmentConfig, doc, "", problems, source=document.source)
    document.report(problems + cross_section_problems(config))
    return config


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
