package dev.cronsentinel.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Command-line flags of the benchmark harness programs: {@code --name value} or {@code --name=value}, a flag
 * may repeat ({@code --set a=1 --set b=2}), a bare {@code --name} means {@code true}. Every flag a program
 * does not read fails the run ({@link #rejectUnread}), so a typo cannot silently measure the defaults.
 */
final class BenchFlags {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final TreeSet<String> read = new TreeSet<>();

    private BenchFlags() {}

    static BenchFlags parse(String[] args) {
        BenchFlags flags = new BenchFlags();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected --flag or --flag value, got '" + a + "'");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            String name;
            String value;
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                name = body;
                value = args[++i];
            } else {
                name = body;
                value = "true";
            }
            flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return flags;
    }

    boolean has(String name) {
        read.add(name);
        return values.containsKey(name);
    }

    String string(String name, String defaultValue) {
        read.add(name);
        List<String> v = values.get(name);
        return v == null ? defaultValue : v.get(v.size() - 1);
    }

    /** Every occurrence of a repeatable flag, in order. */
    List<String> all(String name) {
        read.add(name);
        return values.getOrDefault(name, List.of());
    }

    long longValue(String name, long defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            // 3_000_000 and 3000000 both read as numbers; so does 3e6 through the double path.
            String s = v.replace("_", "");
            return s.contains("e") || s.contains("E") ? (long) Double.parseDouble(s) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a whole number: '" + v + "'");
        }
    }

    int intValue(String name, int defaultValue) {
        return Math.toIntExact(longValue(name, defaultValue));
    }

    double doubleValue(String name, double defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: '" + v + "'");
        }
    }

    boolean bool(String name) {
        String v = string(name, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + ": expected true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** Fails on every flag given that the program never asked for. */
    void rejectUnread() {
        TreeSet<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown flag(s): --" + String.join(", --", unknown) + " (see --help)");
        }
    }

    /** {@code key=value} pairs of a repeatable flag such as {@code --set}, in order. */
    Map<String, String> pairs(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : all(name)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--" + name + ": expected key=value, got '" + kv + "'");
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }
}
