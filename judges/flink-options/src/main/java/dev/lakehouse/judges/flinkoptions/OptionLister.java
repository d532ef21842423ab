package dev.lakehouse.judges.flinkoptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * Lists the {@code ConfigOption}s that the classes of some jars declare as public static fields, as Flink's own
 * documentation generator finds them ({@code flink-docs} {@code ConfigOptionsDocGenerator} reads the same fields).
 *
 * <p>{@code ConfigOption.getClazz()} and {@code isList()} are package-private in Flink 1.20
 * ({@code flink-core/src/main/java/org/apache/flink/configuration/ConfigOption.java}); they are read reflectively,
 * which the class path (the unnamed module) allows.
 */
final class OptionLister {
    private static final Method GET_CLAZZ;
    private static final Method IS_LIST;
    private static final Method CONVERT_TO_STRING;
    private static final Class<? extends Annotation> SUFFIX_OPTION;
    private static final Class<? extends Annotation> EXCLUDED;

    static {
        try {
            GET_CLAZZ = ConfigOption.class.getDeclaredMethod("getClazz");
            IS_LIST = ConfigOption.class.getDeclaredMethod("isList");
            GET_CLAZZ.setAccessible(true);
            IS_LIST.setAccessible(true);
            CONVERT_TO_STRING = Class.forName("org.apache.flink.configuration.ConfigurationUtils")
                    .getDeclaredMethod("convertToString", Object.class, boolean.class);
            CONVERT_TO_STRING.setAccessible(true);
            SUFFIX_OPTION = annotation("org.apache.flink.annotation.docs.Documentation$SuffixOption");
            EXCLUDED = annotation("org.apache.flink.annotation.docs.Documentation$ExcludeFromDocumentation");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OptionLister() {}

    private static Class<? extends Annotation> annotation(String name) throws ClassNotFoundException {
        return Class.forName(name).asSubclass(Annotation.class);
    }

    /**
     * The prefix that {@code Documentation.SuffixOption} (on the field, else on its class) puts before a suffix
     * option's key (Flink reads such options under that prefix, {@code <name>} being a placeholder), or null.
     */
    private static String suffixOf(Field field) throws ReflectiveOperationException {
        Annotation suffix = field.getAnnotation(SUFFIX_OPTION);
        if (suffix == null) {
            suffix = field.getDeclaringClass().getAnnotation(SUFFIX_OPTION);
        }
        return suffix == null ? null : (String) SUFFIX_OPTION.getMethod("value").invoke(suffix);
    }

    /**
     * Every public static {@code ConfigOption} field of Flink's classes in {@code jars} ({@code org.apache.flink},
     * relocated libraries under {@code shaded} packages skipped; a class that several jars bundle counted once), sorted by key, then declaring class
     * and field.
     *
     * @param jars jar files, all on the class path of this JVM
     * @return {@code {"options": [...], "failures": [...]}}: one map per option (key, type, list, enum, default,
     *     fallbackKeys, deprecatedKeys, deprecated, map, suffixOf, documented, class, field, jar) and one per class that declares options
     *     but could not be initialized (class, error)
     * @throws IOException a jar cannot be read
     */
    static Map<String, Object> list(List<String> jars) throws IOException {
        List<Map<String, Object>> options = new ArrayList<>();
        List<Map<String, Object>> failures = new ArrayList<>();
        ClassLoader loader = OptionLister.class.getClassLoader();
        Set<String> seen = new HashSet<>();
        for (String jar : jars) {
            String jarName = new File(jar).getName();
            try (JarFile file = new JarFile(jar)) {
                List<JarEntry> entries = Collections.list(file.entries());
                entries.sort(Comparator.comparing(JarEntry::getName));
                for (JarEntry entry : entries) {
                    String name = entry.getName();
                    if (!name.endsWith(".class") || !name.startsWith("org/apache/flink/") || name.contains("/shaded/")) {
                        continue; // options are Flink's own classes; the jars also bundle (and relocate) libraries
                    }
                    List<String> fields;
                    try (InputStream in = file.getInputStream(entry)) {
                        fields = ClassFields.publicStaticOptionFields(in.readAllBytes());
                    }
                    if (fields.isEmpty()) {
                        continue;
                    }
                    String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                    if (!seen.add(className)) {
                        continue; // bundled by an earlier jar too (the class path loads that copy)
                    }
                    try {
                        Class<?> type = Class.forName(className, true, loader);
                        for (String fieldName : fields) {
                            options.add(describe(type.getField(fieldName), jarName));
                        }
                    } catch (ReflectiveOperationException | LinkageError e) {
                        Map<String, Object> failure = new LinkedHashMap<>();
                        failure.put("class", className);
                        failure.put("jar", jarName);
                        failure.put("error", e.toString());
                        failures.add(failure);
                    }
                }
            }
        }
        options.sort(Comparator.comparing((Map<String, Object> o) -> (String) o.get("key"))
                .thenComparing(o -> (String) o.get("class")).thenComparing(o -> (String) o.get("field")));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("options", options);
        result.put("failures", failures);
        return result;
    }

    private static Map<String, Object> describe(Field field, String jar) throws ReflectiveOperationException {
        ConfigOption<?> option = (ConfigOption<?>) field.get(null);
        Class<?> clazz = (Class<?>) GET_CLAZZ.invoke(option);
        boolean isList = (Boolean) IS_LIST.invoke(option);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", option.key());
        out.put("type", clazz.isEnum() ? "Enum" : clazz.getSimpleName());
        out.put("list", isList);
        if (clazz.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object constant : clazz.getEnumConstants()) {
                values.add(constant.toString());
            }
            out.put("enumClass", clazz.getName());
            out.put("enum", values);
        }
        out.put("default", option.hasDefaultValue() ? CONVERT_TO_STRING.invoke(null, option.defaultValue(), true) : null);
        List<String> fallback = new ArrayList<>();
        List<String> deprecated = new ArrayList<>();
        for (FallbackKey key : option.fallbackKeys()) {
            (key.isDeprecated() ? deprecated : fallback).add(key.getKey());
        }
        out.put("fallbackKeys", fallback);
        out.put("deprecatedKeys", deprecated);
        out.put("deprecated", field.isAnnotationPresent(Deprecated.class)
                || field.getDeclaringClass().isAnnotationPresent(Deprecated.class));
        out.put("map", clazz == Map.class && !isList);
        out.put("suffixOf", suffixOf(field));
        out.put("documented", !field.isAnnotationPresent(EXCLUDED));
        out.put("class", field.getDeclaringClass().getName());
        out.put("field", field.getName());
        out.put("jar", jar);
        return out;
    }
}
