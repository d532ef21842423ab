package lakehouse.judges.fluss;

import org.apache.fluss.config.ConfigOptions;
import org.apache.fluss.config.Configuration;
import org.apache.fluss.fs.FileSystem;
import org.apache.fluss.fs.FsPath;
import org.apache.fluss.fs.token.ObtainedSecurityToken;
import org.apache.fluss.server.ServerBase;
import org.apache.fluss.server.coordinator.CoordinatorServer;
import org.apache.fluss.server.tablet.TabletServer;
import org.apache.fluss.server.utils.ConfigurationParserUtils;
import org.apache.fluss.server.zk.ZooKeeperClient;
import org.apache.fluss.server.zk.ZooKeeperUtils;
import org.apache.fluss.server.zk.data.CoordinatorAddress;
import org.apache.fluss.server.zk.data.TabletServerRegistration;
import org.apache.fluss.fs.FSDataOutputStream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Boots the pinned Fluss release's CoordinatorServer and TabletServer, in this JVM, from two config directories
 * that each hold a {@code server.yaml}, with an embedded ZooKeeper 3.8 on loopback; then reports what Fluss
 * registered and whether the servers' remote filesystem takes a write. Driven by tests/judges/fluss_judge.py.
 *
 * <p>Arguments: {@code --work-dir DIR --zookeeper-port N --coordinator-conf DIR --tablet-conf DIR
 * --timeout-seconds N}.
 *
 * <p>Each server is built and started as its {@code main} does (apache/fluss v0.9.1-incubating,
 * fluss-server/src/main/java/org/apache/fluss/server/coordinator/CoordinatorServer.java, main:162-167;
 * TabletServer.java likewise): the configuration comes from {@link
 * ConfigurationParserUtils#loadCommonConfiguration} with {@code --configDir}, as bin/coordinator-server.sh passes it,
 * then {@code new CoordinatorServer(conf).start()}, which loads the filesystem plugins from {@code
 * FLUSS_PLUGINS_DIR} (ServerBase.start:118-131; PluginConfig:39-80).
 *
 * <p>Output, one line each on stdout (the harness parses them; everything else goes to the log file of
 * log4j2-judge.properties):
 *
 * <ul>
 *   <li>{@code FAILED <server>: <message>} and exit code 2, where {@code <message>} is Fluss's own exception chain
 *       ({@code Failed to start the CoordinatorServer. <- <cause> <- ...}), when a server cannot be built or
 *       started (the same exceptions {@code ServerBase.startServer} logs before it exits the process);
 *   <li>{@code COORDINATOR <id> <endpoints>} and {@code TABLET <id> <endpoints>}: the registrations read back from
 *       ZooKeeper with Fluss's own ZooKeeperClient; exit code 3 when one is missing after the timeout;
 *   <li>{@code REMOTE-WRITE <uri>}: a probe written through the remote filesystem the servers opened for {@code
 *       remote.data.dir} (ServerBase.start:128-129, cached per scheme and authority by FileSystem.get); {@code
 *       FAILED remote.data.dir: <message>} and exit code 4 when the write fails;
 *   <li>{@code TOKEN <key>=<value> ...}: what the CoordinatorServer hands a client that reads remote data (the
 *       additional infos of {@code remoteFileSystem.obtainSecurityToken()}, which RpcServiceBase
 *       .getFileSystemSecurityToken:412-430 returns): the S3 endpoint, path-style and region, and {@code
 *       credentials=yes} when the token carries credentials; {@code FAILED security token: <message>} and exit
 *       code 5 when the token cannot be obtained;
 *   <li>{@code FAILED judge: <message>} and exit code 6 when anything else fails (the arguments, the embedded
 *       ZooKeeper, the ZooKeeper client): the JVM halts then too, so no server thread keeps it running.
 * </ul>
 */
public final class FlussBootJudge {

    private static final int EXIT_SERVER_FAILED = 2;
    private static final int EXIT_NOT_REGISTERED = 3;
    private static final int EXIT_REMOTE_WRITE_FAILED = 4;
    private static final int EXIT_TOKEN_FAILED = 5;
    private static final int EXIT_JUDGE_FAILED = 6;

    private FlussBootJudge() {}

    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args);
        } catch (Throwable t) {
            // anything unforeseen (arguments, ZooKeeper, the ZooKeeper client) ends the JVM too, with the reason,
            // instead of leaving it to the servers' threads until the harness's timeout
            exit = failed("judge", t, EXIT_JUDGE_FAILED);
        }
        System.out.flush();
        // ZooKeeper and the servers stop with the JVM; their non-daemon threads (netty, curator) would keep it alive
        Runtime.getRuntime().halt(exit);
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path work = Path.of(required(options, "--work-dir"));
        int zookeeperPort = Integer.parseInt(required(options, "--zookeeper-port"));
        long timeoutMs = TimeUnit.SECONDS.toMillis(Long.parseLong(options.getOrDefault("--timeout-seconds", "60")));
        startZooKeeper(work.resolve("zookeeper"), zookeeperPort);
        return judge(required(options, "--coordinator-conf"), required(options, "--tablet-conf"), timeoutMs);
    }

    private static int judge(String coordinatorConfDir, String tabletConfDir, long timeoutMs) throws Exception {
        // The servers are not closed: main halts the JVM after the report (closing them took seconds, and nothing
        // they hold outlives the process).
        Configuration coordinatorConf = started("CoordinatorServer", coordinatorConfDir, CoordinatorServer::new);
        if (coordinatorConf == null) {
            return EXIT_SERVER_FAILED;
        }
        Configuration tabletConf = started("TabletServer", tabletConfDir, TabletServer::new);
        if (tabletConf == null) {
            return EXIT_SERVER_FAILED;
        }
        int registered = reportRegistrations(coordinatorConf, tabletConf.get(ConfigOptions.TABLET_SERVER_ID),
                                             timeoutMs);
        if (registered != 0) {
            return registered;
        }
        String remoteDir = coordinatorConf.get(ConfigOptions.REMOTE_DATA_DIR);
        FileSystem remote;
        try {
            FsPath probe = new FsPath(remoteDir + "/judge/coordinator-probe");
            remote = probe.getFileSystem();
            try (FSDataOutputStream out = remote.create(probe, FileSystem.WriteMode.OVERWRITE)) {
                out.write("written by the Fluss judge\n".getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("REMOTE-WRITE " + probe);
        } catch (Throwable t) {
            return failed("remote.data.dir", t, EXIT_REMOTE_WRITE_FAILED);
        }
        try {
            ObtainedSecurityToken token = remote.obtainSecurityToken();
            StringBuilder line = new StringBuilder("TOKEN scheme=" + token.getScheme());
            new TreeMap<>(token.getAdditionInfos()).forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            line.append(" credentials=").append(token.getToken() != null && token.getToken().length > 0 ? "yes" : "no");
            System.out.println(line);
        } catch (Throwable t) {
            return failed("security token", t, EXIT_TOKEN_FAILED);
        }
        return 0;
    }

    /**
     * Loads {@code confDir} as the server's main does, then builds and starts the server; its configuration, or null
     * after printing the {@code FAILED} line when Fluss refuses the configuration or the server cannot start.
     */
    private static Configuration started(String name, String confDir, Function<Configuration, ServerBase> create) {
        try {
            Configuration conf = load(confDir, name);
            create.apply(conf).start();
            return conf;
        } catch (Throwable t) {
            failed(name, t, EXIT_SERVER_FAILED);
            return null;
        }
    }

    /** Fluss's own configuration loading, as the server's main does with {@code --configDir <dir>}. */
    private static Configuration load(String confDir, String serverName) throws Exception {
        return ConfigurationParserUtils.loadCommonConfiguration(new String[] {"--configDir", confDir}, serverName);
    }

    private static int reportRegistrations(Configuration conf, int tabletServerId, long timeoutMs) throws Exception {
        ZooKeeperClient client = ZooKeeperUtils.startZookeeperClient(conf, error -> {
            System.err.println("ZooKeeper client: " + error);
        });
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            Optional<CoordinatorAddress> coordinator = Optional.empty();
            Optional<TabletServerRegistration> tablet = Optional.empty();
            while (System.currentTimeMillis() < deadline) {
                coordinator = client.getCoordinatorAddress();
                tablet = client.getTabletServer(tabletServerId);
                if (coordinator.isPresent() && tablet.isPresent()) {
                    break;
                }
                Thread.sleep(200);
            }
            if (coordinator.isEmpty() || tablet.isEmpty()) {
                System.out.println("NOT-REGISTERED coordinator=" + coordinator.isPresent() + " tablet "
                                   + tabletServerId + "=" + tablet.isPresent());
                return EXIT_NOT_REGISTERED;
            }
            System.out.println("COORDINATOR " + coordinator.get().getId() + " " + coordinator.get().getEndpoints());
            System.out.println("TABLET " + tabletServerId + " " + tablet.get().getEndpoints());
            return 0;
        } finally {
            client.close();
        }
    }

    private static void startZooKeeper(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        Properties properties = new Properties();
        properties.setProperty("clientPort", Integer.toString(port));
        properties.setProperty("clientPortAddress", "127.0.0.1");
        properties.setProperty("admin.enableServer", "false");
        properties.setProperty("4lw.commands.whitelist", "");
        ZooKeeperServerEmbedded zookeeper = ZooKeeperServerEmbedded.builder()
                .baseDir(dir)
                .configuration(properties)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        // a port taken meanwhile only logs (ExitHandler.LOG_ONLY) and the start times out: FAILED judge
        zookeeper.start(TimeUnit.SECONDS.toMillis(15));
    }

    /** Prints {@code FAILED <what>: <message> <- <cause message> ...} (Fluss's own messages) and returns code. */
    private static int failed(String what, Throwable error, int code) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (message.length() > 0) {
                message.append(" <- ");
            }
            message.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        System.out.println("FAILED " + what + ": " + message.toString().replace('\n', ' '));
        error.printStackTrace();
        return code;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
