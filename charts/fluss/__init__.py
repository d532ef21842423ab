"""Apache Fluss in namespace `fluss`: the ZooKeeper ensemble, the CoordinatorServer and the TabletServers."""
