package dev.cronsentinel.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * Every configuration option the Flink version on the test classpath defines, read from Flink's own option
 * classes (the {@code *Options} classes of the {@code flink-*} jars: core, runtime, RocksDB, ...), so a config
 * file can be checked key by key against the Flink that runs it: a typo, a key from another version, or a
 * deprecated spelling is found before a cluster silently ignores it.
 */
public final class FlinkOptions {
    private static final String REPORTER_PREFIX = "metrics.reporter.";

    private final Map<String, ConfigOption<?>> byKey = new HashMap<>();
    /** Deprecated or fallback spellings, with the option that replaces them. */
    private final Map<String, ConfigOption<?>> replaced = new HashMap<>();
    private final Set<String> deprecatedKeys = new TreeSet<>();
    /** Keys a metric reporter takes after {@code metrics.reporter.<name>.}: {@code factory.class}, {@code interval}... */
    private final Set<String> reporterKeys = new TreeSet<>();

    private FlinkOptions() {}

    /** Scans the option classes of every Flink jar on the class path. */
    public static FlinkOptions onClasspath() {
        FlinkOptions options = new FlinkOptions();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.startsWith("flink-") && name.endsWith(".jar")) {
                options.scanJar(entry);
            }
        }
        options.scanClass(MetricOptions.class);
        for (ConfigOption<?> o : options.optionsOf(MetricOptions.class)) {
            if (!o.key().startsWith("metrics.")) {
                options.reporterKeys.add(o.key());
            }
        }
        return options;
    }

    private void scanJar(String path) {
        try (JarFile jar = new JarFile(path)) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                String n = e.nextElement().getName();
                if (n.startsWith("org/apache/flink/") && n.endsWith("Options.class") && !n.contains("$")) {
                    String className = n.substring(0, n.length() - ".class".length()).replace('/', '.');
                    try {
                        scanClass(Class.forName(className, true, FlinkOptions.class.getClassLoader()));
                    } catch (LinkageError | ClassNotFoundException missingOptionalDependency) {
                        // An options class of a component whose dependencies are absent (Hadoop, Python): not ours.
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void scanClass(Class<?> c) {
        for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) {
                continue;
            }
            ConfigOption<?> o;
            try {
                f.setAccessible(true);
                o = (ConfigOption<?>) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                continue;
            }
            byKey.putIfAbsent(o.key(), o);
            if (f.isAnnotationPresent(Deprecated.class)) {
                deprecatedKeys.add(o.key());
            }
            for (FallbackKey k : o.fallbackKeys()) {
                replaced.putIfAbsent(k.getKey(), o);
            }
        }
    }

    private List<ConfigOption<?>> optionsOf(Class<?> c) {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** The option a key names, or null; a deprecated spelling is not the option. */
    public ConfigOption<?> option(String key) {
        return byKey.get(key);
    }

    /**
     * Why a key of a config file is wrong for this Flink, or null when it is right. {@code reporterArgs} are the
     * keys the configured reporters accept beyond Flink's generic reporter keys (e.g. Prometheus' {@code port}).
     */
    public String problem(String key, Set<String> reporterArgs) {
        if (key.startsWith(REPORTER_PREFIX)) {
            String rest = key.substring(REPORTER_PREFIX.length());
            int dot = rest.indexOf('.');
            String suffix = dot < 0 ? "" : rest.substring(dot + 1);
            if (reporterKeys.contains(suffix) || reporterArgs.contains(suffix)) {
                return null;
            }
            return "not a key of a metric reporter (generic: " + reporterKeys + ", the reporter's own: " + reporterArgs + ")";
        }
        if (replaced.containsKey(key) && !byKey.containsKey(key)) {
            return "deprecated; Flink " + org.apache.flink.runtime.util.EnvironmentInformation.getVersion()
                    + " reads it as " + replaced.get(key).key();
        }
        if (!byKey.containsKey(key)) {
            return "no option of Flink " + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + " has this key";
        }
        if (deprecatedKeys.contains(key)) {
            return "deprecated in Flink " + org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
        }
        return null;
    }

    /** How many options were found: a guard against a scan that silently found nothing. */
    public int size() {
        return byKey.size();
    }

    /** The string constants named {@code ARG_*} of a reporter factory: the keys that reporter reads. */
    public static Set<String> reporterArgs(String factoryClass) {
        Set<String> out = new TreeSet<>();
        try {
            for (Field f : Class.forName(factoryClass).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().startsWith("ARG_")) {
                    f.setAccessible(true);
                    out.add((String) f.get(null));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("reporter factory " + factoryClass + " is not on the class path", e);
        }
        return out;
    }
}
