package dev.cronsentinel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flat, dotted-key view of the job configuration: a YAML file (nested maps become {@code a.b.c} keys)
 * with command-line overrides ({@code --a.b.c=value} or {@code --a.b.c value}) laid over it. Sub-configs
 * read their keys through the typed getters, which fail with a {@link ConfigException} naming the key.
 *
 * <p>Keys that nobody read are reported by {@link #assertAllKeysUsed()}, so a typo in the file or on the
 * command line fails the start instead of being silently ignored.
 */
public final class ConfigSource {
    private final Map<String, String> values;
    private final Path baseDir;
    private final Set<String> used = new TreeSet<>();

    public ConfigSource(Map<String, String> values, Path baseDir) {
        this.values = new LinkedHashMap<>(values);
        this.baseDir = baseDir;
    }

    /** Loads a YAML file and applies command-line overrides on top of it. */
    public static ConfigSource load(Path yamlFile, String[] args) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (yamlFile != null) {
            flat.putAll(flattenYaml(yamlFile));
        }
        flat.putAll(parseArgs(args));
        Path base = yamlFile == null ? Path.of(".") : yamlFile.toAbsolutePath().getParent();
        return new ConfigSource(flat, base);
    }

    /** Parses {@code --key=value} and {@code --key value} pairs. {@code --config} is handled by the caller. */
    public static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("command line: expected --key=value or --key value, got '" + a + "'");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                out.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                out.put(body, args[++i]);
            } else {
                out.put(body, "true");
            }
        }
        return out;
    }

    static Map<String, String> flattenYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root != null && !root.isNull() && !root.isMissingNode()) {
            if (!root.isObject()) {
                throw new ConfigException("config file " + file + ": top level must be a mapping");
            }
            flatten("", root, out);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (item.isContainerNode()) {
                    throw new ConfigException(ConfigException.forKey(prefix, "lists may hold only scalars").getMessage());
                }
                items.add(item.asText());
            }
            out.put(prefix, String.join(",", items));
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    public boolean has(String key) {
        used.add(key);
        String v = values.get(key);
        return v != null && !v.isBlank();
    }

    public String string(String key, String defaultValue) {
        used.add(key);
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null) {
            throw ConfigException.forKey(key, "is required");
        }
        return v;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        long v = longValue(key, defaultValue, min, max);
        return (int) v;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        String v = string(key, null);
        long parsed;
        if (v == null) {
            parsed = defaultValue;
        } else {
            try {
                parsed = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw ConfigException.forKey(key, "expected a whole number, got '" + v + "'");
            }
        }
        if (parsed < min || parsed > max) {
            throw ConfigException.forKey(key, "must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw ConfigException.forKey(key, "expected true or false, got '" + v + "'");
        }
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 14d}, or ISO-8601 {@code PT5M}. */
    public Duration duration(String key, Duration defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw ConfigException.forKey(key, "expected a duration like 30s, 10m, 2h or 14d, got '" + v + "'");
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException(v);
        }
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i).trim()) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
            case "":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                throw new IllegalArgumentException(v);
        }
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        String norm = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw ConfigException.forKey(key, "unknown value '" + v + "', expected one of " + allowed);
    }

    /** A comma-separated list (a YAML list is flattened to the same form). */
    public List<String> list(String key, List<String> defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A path, resolved against the config file's directory when relative. */
    public Path path(String key, String defaultValue) {
        String v = string(key, defaultValue);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        return p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    /** Every key with the given prefix, prefix removed: for pass-through property groups such as Kafka client properties. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                used.add(e.getKey());
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    /** Fails when a key was given that no sub-config read: almost always a typo. */
    public void assertAllKeysUsed() {
        List<String> unknown = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            Collections.sort(unknown);
            throw ConfigException.forKey(unknown.get(0), "unknown key" + (unknown.size() > 1 ? " (also unknown: " + unknown.subList(1, unknown.size()) + ")" : ""));
        }
    }

    public Path baseDir() {
        return baseDir;
    }

    @Override
    public String toString() {
        return "ConfigSource" + Arrays.toString(values.keySet().toArray());
    }
}
