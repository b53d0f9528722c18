package dev.cronsentinel.compat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import dev.cronsentinel.config.ConfigException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One seed-query compatibility profile ({@code splunk}, {@code sumo}): the query's flags in order, each a
 * name and a Python {@code re} pattern, loaded from a rule file such as {@code conf/rules/splunk.yaml}:
 *
 * <pre>
 * profile: splunk
 * version: "1"
 * flags:
 *   - name: IsHostPathMount
 *     pattern: 'hostPath'
 * </pre>
 *
 * Patterns keep the oracle's Python syntax, so the file can be compared with {@code seed_queries.py} line
 * for line; {@link PythonRegex} compiles them to RE2J with Python's matching. Loading validates everything
 * and fails with a {@link ConfigException} naming the file (and the flag, for a flag's problem).
 *
 * <p>Serializable, so the client can load it and ship it to the task managers inside a function.
 */
public final class SeedQueryProfile implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Pattern PROFILE_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern FLAG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The row's own fields: a flag of the same name would overwrite one in the oracle's row dict. */
    private static final Set<String> ROW_FIELDS = Set.of("auditID", "stage", "time", "resource", "verb",
            "namespace", "resource_name", "user", "user_agent", "source_ip", "SuspicionScore");

    /** One flag of the query: 1 when {@code pattern} is found in the raw request body. */
    public static final class Flag implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String name;
        private final String pythonPattern;
        private final Pattern pattern;

        Flag(String name, String pythonPattern) {
            this.name = name;
            this.pythonPattern = pythonPattern;
            this.pattern = PythonRegex.compile(pythonPattern);
        }

        public String name() {
            return name;
        }

        /** The pattern as written in the rule file (Python syntax). */
        public String pythonPattern() {
            return pythonPattern;
        }

        /** The compiled RE2J pattern; {@code matcher(text).find()} is Python's {@code re.search}. */
        public Pattern pattern() {
            return pattern;
        }
    }

    private final String name;
    private final String version;
    private final List<Flag> flags;

    private SeedQueryProfile(String name, String version, List<Flag> flags) {
        this.name = name;
        this.version = version;
        this.flags = Collections.unmodifiableList(flags);
    }

    /** {@code splunk} or {@code sumo}: the {@code profile} value of the file. */
    public String name() {
        return name;
    }

    /** The rule version, for alert ids and the alert's {@code ruleVersion}. */
    public String version() {
        return version;
    }

    /** The flags in the oracle's order, which is also the order of the row's flag columns. */
    public List<Flag> flags() {
        return flags;
    }

    /** The flag names in order. */
    public List<String> flagNames() {
        List<String> names = new ArrayList<>(flags.size());
        for (Flag f : flags) {
            names.add(f.name());
        }
        return names;
    }

    /**
     * Loads {@code <confDir>/rules/<name>.yaml} and checks that it declares {@code profile: <name>}.
     *
     * @param confDir the configuration directory, e.g. {@code conf} (the caller resolves it)
     */
    public static SeedQueryProfile loadBuiltIn(Path confDir, String name) {
        if (name == null || !PROFILE_NAME.matcher(name).matches()) {
            throw new ConfigException("seed-query profile name '" + name + "': must match " + PROFILE_NAME);
        }
        Path file = confDir.resolve("rules").resolve(name + ".yaml");
        SeedQueryProfile profile = load(file);
        if (!profile.name().equals(name)) {
            throw new ConfigException("rule file " + file + ": declares profile '" + profile.name()
                    + "', expected '" + name + "'");
        }
        return profile;
    }

    /** Loads and validates one rule file. */
    public static SeedQueryProfile load(Path yamlFile) {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(Files.readAllBytes(yamlFile));
        } catch (IOException e) {
            throw new ConfigException("rule file " + yamlFile + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw fileError(yamlFile, "must be a mapping with keys profile, version, flags");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("profile", "version", "flags").contains(key)) {
                throw fileError(yamlFile, "unknown key '" + key + "' (expected profile, version, flags)");
            }
        }
        String name = requiredText(yamlFile, root, "profile");
        if (!PROFILE_NAME.matcher(name).matches()) {
            throw fileError(yamlFile, "profile '" + name + "' must match " + PROFILE_NAME);
        }
        String version = requiredText(yamlFile, root, "version");
        JsonNode flagNodes = root.get("flags");
        if (flagNodes == null || !flagNodes.isArray() || flagNodes.isEmpty()) {
            throw fileError(yamlFile, "'flags' must be a non-empty list of {name, pattern}");
        }
        List<Flag> flags = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (JsonNode node : flagNodes) {
            index++;
            if (!node.isObject()) {
                throw fileError(yamlFile, "flag #" + index + ": must be a mapping {name, pattern}");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("name") && !key.equals("pattern")) {
                    throw fileError(yamlFile, "flag #" + index + ": unknown key '" + key + "' (expected name, pattern)");
                }
            }
            JsonNode nameNode = node.get("name");
            if (nameNode == null || !nameNode.isTextual() || !FLAG_NAME.matcher(nameNode.asText()).matches()) {
                throw fileError(yamlFile, "flag #" + index + ": 'name' must be an identifier matching " + FLAG_NAME);
            }
            String flagName = nameNode.asText();
            if (ROW_FIELDS.contains(flagName)) {
                throw flagError(yamlFile, flagName, "name clashes with a field of the row");
            }
            if (!seen.add(flagName)) {
                throw flagError(yamlFile, flagName, "defined twice");
            }
            JsonNode patternNode = node.get("pattern");
            if (patternNode == null || !patternNode.isTextual() || patternNode.asText().isEmpty()) {
                throw flagError(yamlFile, flagName, "'pattern' must be a non-empty string (quote it)");
            }
            try {
                flags.add(new Flag(flagName, patternNode.asText()));
            } catch (IllegalArgumentException e) {
                throw flagError(yamlFile, flagName,
                        "bad pattern '" + patternNode.asText() + "': " + e.getMessage());
            }
        }
        return new SeedQueryProfile(name, version, flags);
    }

    private static String requiredText(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw fileError(file, "'" + key + "' must be a non-empty string (quote it)");
        }
        return n.asText();
    }

    private static ConfigException fileError(Path file, String problem) {
        return new ConfigException("rule file " + file + ": " + problem);
    }

    private static ConfigException flagError(Path file, String flag, String problem) {
        return new ConfigException("rule file " + file + ": flag '" + flag + "': " + problem);
    }
}
