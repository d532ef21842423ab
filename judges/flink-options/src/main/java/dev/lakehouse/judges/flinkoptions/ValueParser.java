package dev.lakehouse.judges.flinkoptions;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

/**
 * Reads one value the way Flink 1.20 does, for the differential tests of the project's own readers.
 *
 * <p>Kinds: {@code duration} ({@code TimeUtils.parseDuration}), {@code memory} ({@code MemorySize.parse}), and
 * {@code option:<type>}: the value set as text under a key of a {@code Configuration} and read back through a
 * {@code ConfigOption} of that type ({@code Configuration.get}, hence {@code ConfigurationUtils.convertValue}), where
 * {@code <type>} is {@code Boolean}, {@code Integer}, {@code Long}, {@code Float}, {@code Double}, {@code String},
 * {@code Duration}, {@code MemorySize}, {@code Map}, {@code enum:<class>}, or {@code list:<element type>};
 * {@code file:<file>}: a whole configuration file, read by its program ({@link ConfigFiles}).
 */
final class ValueParser {
    private static final String KEY = "judge.value";
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private ValueParser() {}

    /**
     * The result of reading {@code text}.
     *
     * @param standardYaml the {@code Configuration}'s syntax for lists and maps: standard YAML ({@code config.yaml},
     *     Flink 1.19+) or the legacy one ({@code flink-conf.yaml}); only {@code option:} kinds use it
     * @param kind what to read (see the class comment)
     * @param text the value
     * @return {@code {"ok": true, "value": ...}} or {@code {"ok": false, "error": ..., "cause": ...}} (the
     *     exception and its innermost cause, as {@code Class: message})
     */
    static Map<String, Object> parse(boolean standardYaml, String kind, String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Object value;
            if (kind.equals("duration")) {
                value = TimeUtils.parseDuration(text);
            } else if (kind.equals("memory")) {
                value = MemorySize.parse(text);
            } else if (kind.startsWith("file:")) {
                value = ConfigFiles.read(kind, text);
            } else if (kind.startsWith("option:")) {
                Configuration conf = new Configuration(standardYaml);
                conf.setString(KEY, text);
                value = conf.get(option(kind.substring("option:".length())));
            } else {
                throw new IllegalArgumentException("unknown kind " + kind);
            }
            out.put("ok", true);
            out.put("value", represent(value));
        } catch (RuntimeException | java.io.IOException | ReflectiveOperationException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            out.put("ok", false);
            out.put("error", e.toString());
            out.put("cause", cause.toString());
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ConfigOption<?> option(String type) {
        ConfigOptions.OptionBuilder builder = ConfigOptions.key(KEY);
        boolean list = type.startsWith("list:");
        String element = list ? type.substring("list:".length()) : type;
        ConfigOptions.TypedConfigOptionBuilder<?> typed;
        if (element.startsWith("enum:")) {
            try {
                typed = builder.enumType((Class) Class.forName(element.substring("enum:".length())));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("judge: no enum " + element, e);
            }
        } else {
            typed = switch (element) {
                case "Boolean" -> builder.booleanType();
                case "Integer" -> builder.intType();
                case "Long" -> builder.longType();
                case "Float" -> builder.floatType();
                case "Double" -> builder.doubleType();
                case "String" -> builder.stringType();
                case "Duration" -> builder.durationType();
                case "MemorySize" -> builder.memoryType();
                case "Map" -> builder.mapType();
                default -> throw new IllegalStateException("judge: unknown type " + element);
            };
        }
        return list ? typed.asList().noDefaultValue() : typed.noDefaultValue();
    }

    private static Object represent(Object value) {
        if (value instanceof Duration duration) {
            return BigInteger.valueOf(duration.getSeconds()).multiply(NANOS_PER_SECOND)
                    .add(BigInteger.valueOf(duration.getNano())).toString();
        }
        if (value instanceof MemorySize size) {
            return size.getBytes();
        }
        if (value instanceof Float single) {
            return Double.toString(single.doubleValue()); // the float's exact value, which a double holds
        }
        if (value instanceof Double || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            for (Object item : list) {
                items.add(represent(item));
            }
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                entries.put(String.valueOf(entry.getKey()), represent(entry.getValue()));
            }
            return entries;
        }
        return value;
    }
}
