"""Apache Polaris in namespace `polaris`: PostgreSQL, the Polaris server, the realm bootstrap and the
declarative catalog setup (catalogs, principal roles, catalog roles, grants, principals)."""

from charts.polaris.chart import PolarisChart, PolarisProps

__all__ = ["PolarisChart", "PolarisProps"]
