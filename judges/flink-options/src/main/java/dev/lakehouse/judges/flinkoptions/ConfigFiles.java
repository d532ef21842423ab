package dev.lakehouse.judges.flinkoptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * Reads a whole configuration file the way its program does, for the tests of the project's file writers
 * ({@code upstream/file_dialects.py}). Each returns the keys and values read, sorted by key.
 *
 * <ul>
 *   <li>{@code file:flink-conf.yaml} and {@code file:config.yaml}: the text as that file of a configuration directory,
 *       read by {@code GlobalConfiguration.loadConfiguration(dir)} (the legacy line reader, or standard YAML), as
 *       {@code Configuration.toMap()}.
 *   <li>{@code file:catalog}: the text as a catalog file {@code c.yaml} of Flink's file catalog store, read by
 *       {@code FileCatalogStore.getCatalog("c")} (Jackson's YAML mapper), as its configuration's {@code toMap()}.
 *   <li>{@code file:properties}: {@code java.util.Properties.load(InputStream)} of the text's UTF-8 bytes (an
 *       input stream is read as ISO-8859-1, as log4j2 reads its {@code .properties} files).
 * </ul>
 */
final class ConfigFiles {
    private ConfigFiles() {}

    static Map<String, String> read(String kind, String text) throws IOException, ReflectiveOperationException {
        if (kind.equals("file:properties")) {
            Properties properties = new Properties();
            properties.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            Map<String, String> out = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                out.put(key, properties.getProperty(key));
            }
            return out;
        }
        Path dir = Files.createTempDirectory("judge-conf");
        try {
            return switch (kind) {
                case "file:flink-conf.yaml", "file:config.yaml" -> {
                    Files.writeString(dir.resolve(kind.substring("file:".length())), text, StandardCharsets.UTF_8);
                    yield new TreeMap<>(GlobalConfiguration.loadConfiguration(dir.toString()).toMap());
                }
                case "file:catalog" -> {
                    Files.writeString(dir.resolve("c.yaml"), text, StandardCharsets.UTF_8);
                    yield new TreeMap<>(catalog(dir.toString()));
                }
                default -> throw new IllegalArgumentException("unknown kind " + kind);
            };
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** {@code FileCatalogStore} by reflection: flink-table-api-java is on the judge's class path, not its build's. */
    private static Map<String, String> catalog(String dir) throws ReflectiveOperationException {
        Class<?> store = Class.forName("org.apache.flink.table.catalog.FileCatalogStore");
        Object instance = store.getConstructor(String.class).newInstance(dir);
        store.getMethod("open").invoke(instance);
        Optional<?> descriptor = (Optional<?>) store.getMethod("getCatalog", String.class).invoke(instance, "c");
        Object found = descriptor.orElseThrow();
        Method configuration = found.getClass().getMethod("getConfiguration");
        return ((Configuration) configuration.invoke(found)).toMap();
    }
}
