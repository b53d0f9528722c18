package dev.cronsentinel.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a structural rule file ({@code conf/rules/default.yaml}). Everything is checked at
 * start: unknown keys, weights out of range, patterns that RE2J rejects. A bad file fails with the file, the
 * rule and the reason, never at the first event.
 */
public final class RuleSetLoader {
    /** registry/repository[:tag][@algorithm:hex], lower or upper case; no pattern syntax. */
    private static final Pattern IMAGE_REFERENCE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*(@[A-Za-z0-9]+:[A-Fa-f0-9]{32,})?");
    private static final Set<String> TOP_KEYS =
            Set.of("profile", "version", "thresholds", "signals", "allowlists", "description", "families");

    private RuleSetLoader() {}

    public static RuleSet load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException("rules file " + file + ": not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("rules file " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    static RuleSet parse(JsonNode root, String file) {
        if (root == null || !root.isObject()) {
            throw fail(file, "(top level)", "must be a mapping");
        }
        checkKeys(root, TOP_KEYS, file, "(top level)");
        String profile = requiredText(root, "profile", file);
        String version = requiredText(root, "version", file);

        JsonNode thresholds = requiredObject(root, "thresholds", file, "thresholds");
        checkKeys(thresholds, Set.of("alert", "severity"), file, "thresholds");
        int alert = intIn(thresholds, "alert", 1, 1000, file, "thresholds.alert");
        JsonNode sev = requiredObject(thresholds, "severity", file, "thresholds.severity");
        Map<String, Integer> severity = new LinkedHashMap<>();
        int previous = 0;
        for (Severity s : new Severity[] {Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL}) {
            String key = s.toString();
            int v = intIn(sev, key, 1, 1000, file, "thresholds.severity." + key);
            if (v < previous) {
                throw fail(file, "thresholds.severity." + key, "must not be lower than the level below it");
            }
            previous = v;
            severity.put(key, v);
        }
        checkKeys(sev, severity.keySet(), file, "thresholds.severity");

        JsonNode signals = requiredObject(root, "signals", file, "signals");
        Set<String> known = new java.util.HashSet<>(Signals.FLAT);
        known.add(Signals.SUSPICIOUS_IMAGE);
        known.add(Signals.SHELL_COMMAND);
        checkKeys(signals, known, file, "signals");

        List<RuleSet.PatternRule> images = patternRules(signals, Signals.SUSPICIOUS_IMAGE, file);
        List<RuleSet.PatternRule> commands = patternRules(signals, Signals.SHELL_COMMAND, file);

        Map<String, Integer> weights = new LinkedHashMap<>();
        List<RuleSet.SensitivePath> sensitive = new ArrayList<>();
        List<String> capabilities = new ArrayList<>();
        for (String id : Signals.FLAT) {
            JsonNode s = signals.get(id);
            if (s == null) {
                weights.put(id, 0); // a signal left out of the file is switched off
                continue;
            }
            String where = "signals." + id;
            if (!s.isObject()) {
                throw fail(file, where, "must be a mapping with a weight");
            }
            Set<String> allowed = id.equals(Signals.SENSITIVE_MOUNT) ? Set.of("weight", "paths", "description")
                    : id.equals(Signals.ADDED_CAPABILITY) ? Set.of("weight", "capabilities", "description")
                    : Set.of("weight", "description");
            checkKeys(s, allowed, file, where);
            weights.put(id, intIn(s, "weight", 0, 100, file, where + ".weight"));
            if (id.equals(Signals.SENSITIVE_MOUNT)) {
                JsonNode paths = s.get("paths");
                if (paths == null || !paths.isArray() || paths.size() == 0) {
                    throw fail(file, where + ".paths", "must be a non-empty list");
                }
                for (JsonNode p : paths) {
                    String path;
                    boolean exact = false;
                    if (p.isTextual()) {
                        path = p.textValue();
                    } else if (p.isObject()) {
                        checkKeys(p, Set.of("path", "exact"), file, where + ".paths[]");
                        path = requiredText(p, "path", file);
                        exact = p.path("exact").asBoolean(false);
                    } else {
                        throw fail(file, where + ".paths[]", "entries are paths or {path, exact}");
                    }
                    if (!path.startsWith("/")) {
                        throw fail(file, where + ".paths", "'" + path + "' is not an absolute path");
                    }
                    sensitive.add(new RuleSet.SensitivePath(HostPaths.normalize(path), exact));
                }
            }
            if (id.equals(Signals.ADDED_CAPABILITY)) {
                JsonNode caps = s.get("capabilities");
                if (caps == null || !caps.isArray() || caps.size() == 0) {
                    throw fail(file, where + ".capabilities", "must be a non-empty list");
                }
                for (JsonNode c : caps) {
                    capabilities.add(normalizeCapability(c.asText()));
                }
            }
        }

        // What an allowlist may name: every signal id, each with its rules (a flat signal's only rule is its id).
        Map<String, Set<String>> ruleNames = new LinkedHashMap<>();
        for (String id : known) {
            ruleNames.put(id, Set.of(id));
        }
        ruleNames.put(Signals.SUSPICIOUS_IMAGE, ruleNamesOf(images));
        ruleNames.put(Signals.SHELL_COMMAND, ruleNamesOf(commands));
        List<RuleSet.AllowlistEntry> allowlists = new ArrayList<>();
        JsonNode al = root.get("allowlists");
        if (al != null && !al.isNull()) {
            if (!al.isArray()) {
                throw fail(file, "allowlists", "must be a list");
            }
            for (JsonNode e : al) {
                String id = requiredText(e, "id", file);
                String where = "allowlists." + id;
                checkKeys(e, Set.of("id", "reason", "namespace", "actor", "images", "silences"), file, where);
                String reason = requiredText(e, "reason", file);
                String ns = optionalPattern(e, "namespace", file, where);
                String actor = optionalPattern(e, "actor", file, where);
                List<String> allowedImages = imageReferences(e, file, where);
                if (ns == null && actor == null && allowedImages.isEmpty()) {
                    throw fail(file, where, "must set at least one of namespace, actor, images");
                }
                List<String> silences = silences(e, ruleNames, allowedImages, file, where);
                allowlists.add(new RuleSet.AllowlistEntry(id, reason, ns, actor, allowedImages, silences));
            }
        }
        return new RuleSet(profile, version, alert, Collections.unmodifiableMap(severity),
                Collections.unmodifiableMap(weights), images, commands, sensitive, capabilities, allowlists,
                families(root.get("families"), file));
    }

    /**
     * Section {@code families}: per family a mapping of rule name to {weight, description, values, pattern},
     * each rule one that {@link FamilyCatalog} implements and with exactly the lists it takes; plus
     * {@code pod-security.report-at-low} (signal ids) and {@code namespaces.trusted-writers} (a pattern).
     */
    static FamilyRules families(JsonNode section, String file) {
        if (section == null || section.isNull()) {
            return FamilyRules.NONE;
        }
        if (!section.isObject()) {
            throw fail(file, "families", "must be a mapping of family to rules");
        }
        checkKeys(section, new java.util.LinkedHashSet<>(FamilyCatalog.families()), file, "families");
        Map<String, FamilyRules.Rule> rules = new LinkedHashMap<>();
        List<String> reportAtLow = new ArrayList<>();
        String trustedWriters = null;
        Iterator<Map.Entry<String, JsonNode>> fams = section.fields();
        while (fams.hasNext()) {
            Map.Entry<String, JsonNode> fam = fams.next();
            String family = fam.getKey();
            String where = "families." + family;
            if (!fam.getValue().isObject()) {
                throw fail(file, where, "must be a mapping of rule to {weight, ...}");
            }
            Iterator<Map.Entry<String, JsonNode>> it = fam.getValue().fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> r = it.next();
                String name = r.getKey();
                String rw = where + "." + name;
                if (family.equals(FamilyCatalog.POD_SECURITY) && name.equals("report-at-low")) {
                    reportAtLow.addAll(textList(r.getValue(), file, rw));
                    continue;
                }
                if (family.equals(FamilyCatalog.NAMESPACES) && name.equals("trusted-writers")) {
                    if (!r.getValue().isTextual()) {
                        throw fail(file, rw, "must be a pattern");
                    }
                    trustedWriters = r.getValue().textValue();
                    compile(trustedWriters, file, rw);
                    continue;
                }
                FamilyCatalog.Entry entry = FamilyCatalog.entry(family, name);
                if (entry == null) {
                    throw fail(file, rw, "unknown rule (expected one of " + FamilyCatalog.all().stream()
                            .filter(e -> e.family().equals(family)).map(FamilyCatalog.Entry::rule).toList() + ")");
                }
                JsonNode n = r.getValue();
                if (!n.isObject()) {
                    throw fail(file, rw, "must be a mapping with a weight");
                }
                boolean values = entry.takes() == FamilyCatalog.Takes.VALUES || entry.takes() == FamilyCatalog.Takes.PATTERN_AND_VALUES;
                boolean pattern = entry.takes() == FamilyCatalog.Takes.PATTERN || entry.takes() == FamilyCatalog.Takes.PATTERN_AND_VALUES;
                Set<String> allowed = new java.util.HashSet<>(Set.of("weight", "description"));
                if (values) {
                    allowed.add("values");
                }
                if (pattern) {
                    allowed.add("pattern");
                }
                checkKeys(n, allowed, file, rw);
                int weight = intIn(n, "weight", 0, 100, file, rw + ".weight");
                List<String> list = values ? textList(n.get("values"), file, rw + ".values") : List.of();
                String p = null;
                if (pattern) {
                    p = requiredText(n, "pattern", file);
                    compile(p, file, rw + ".pattern");
                }
                rules.put(family + "/" + name, new FamilyRules.Rule(family, name, entry.signal(), weight, List.copyOf(list), p));
            }
        }
        Set<String> knownSignals = new java.util.HashSet<>(Signals.FLAT);
        knownSignals.addAll(FamilyCatalog.signals());
        for (String id : reportAtLow) {
            if (!knownSignals.contains(id)) {
                throw fail(file, "families.pod-security.report-at-low", "unknown signal id '" + id + "'");
            }
        }
        return new FamilyRules(Collections.unmodifiableMap(rules), List.copyOf(reportAtLow), trustedWriters);
    }

    private static List<String> textList(JsonNode n, String file, String where) {
        if (n == null || !n.isArray()) {
            throw fail(file, where, "must be a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : n) {
            if (!v.isValueNode() || v.isNull()) {
                throw fail(file, where, "entries must be strings");
            }
            out.add(v.asText());
        }
        return out;
    }

    /**
     * An entry's {@code images}: image references (registry, repository, optional tag or digest), not patterns.
     * A value that looks like a pattern fails, so an old {@code image: '^fluentd$'} entry cannot silently
     * turn into a reference that matches nothing (or everything).
     */
    private static List<String> imageReferences(JsonNode e, String file, String where) {
        JsonNode n = e.get("images");
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() == 0) {
            throw fail(file, where + ".images", "must be a non-empty list of image references");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode i : n) {
            String ref = i.isTextual() ? i.textValue().trim() : "";
            if (ref.isEmpty() || !IMAGE_REFERENCE.matcher(ref).matches()) {
                throw fail(file, where + ".images", "'" + i.asText() + "' is not an image reference "
                        + "(registry/repository[:tag][@sha256:digest], e.g. docker.io/fluent/fluentd; patterns are not allowed)");
            }
            out.add(ref);
        }
        return List.copyOf(out);
    }

    /**
     * An entry's {@code silences}: required and explicit, each a known signal id, {@code signal:rule} of a rule
     * in this file, or {@code unscored} (only for entries without images: a hidden body names no image).
     */
    private static List<String> silences(JsonNode e, Map<String, Set<String>> ruleNames, List<String> images, String file, String where) {
        JsonNode n = e.get("silences");
        if (n == null || !n.isArray() || n.size() == 0) {
            throw fail(file, where + ".silences", "is required: the list of signal ids (or signal:rule) this entry silences");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            String v = s.isTextual() ? s.textValue().trim() : "";
            int colon = v.indexOf(':');
            String id = colon < 0 ? v : v.substring(0, colon);
            if (v.equals(Signals.UNSCORED)) {
                if (!images.isEmpty()) {
                    throw fail(file, where + ".silences", "'unscored' needs an entry without images (a hidden body names no image)");
                }
            } else if (!ruleNames.containsKey(id)) {
                throw fail(file, where + ".silences", "unknown signal '" + s.asText() + "' (expected one of " + ruleNames.keySet()
                        + ", signal:rule, or " + Signals.UNSCORED + ")");
            } else if (colon >= 0 && !ruleNames.get(id).contains(v.substring(colon + 1))) {
                throw fail(file, where + ".silences", "unknown rule '" + v + "' (signal " + id + " has rules " + ruleNames.get(id) + ")");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static Set<String> ruleNamesOf(List<RuleSet.PatternRule> rules) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (RuleSet.PatternRule r : rules) {
            names.add(r.rule());
        }
        return names;
    }

    static String normalizeCapability(String c) {
        String u = c.trim().toUpperCase(Locale.ROOT);
        return u.startsWith("CAP_") ? u.substring(4) : u;
    }

    private static List<RuleSet.PatternRule> patternRules(JsonNode signals, String id, String file) {
        JsonNode list = signals.get(id);
        List<RuleSet.PatternRule> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        if (!list.isArray()) {
            throw fail(file, "signals." + id, "must be a list of {rule, weight, pattern}");
        }
        for (JsonNode r : list) {
            String rule = requiredText(r, "rule", file);
            String where = "signals." + id + "." + rule;
            checkKeys(r, Set.of("rule", "weight", "pattern", "description"), file, where);
            int weight = intIn(r, "weight", 0, 100, file, where + ".weight");
            String pattern = requiredText(r, "pattern", file);
            compile(pattern, file, where);
            out.add(new RuleSet.PatternRule(rule, weight, pattern));
        }
        return out;
    }

    private static String optionalPattern(JsonNode e, String key, String file, String where) {
        JsonNode n = e.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        compile(n.asText(), file, where + "." + key);
        return n.asText();
    }

    static Pattern compile(String pattern, String file, String where) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw fail(file, where, "invalid RE2J pattern '" + pattern + "': " + e.getDescription());
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String file, String where) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw fail(file, where, "unknown key '" + k + "' (expected one of " + allowed + ")");
            }
        }
    }

    private static String requiredText(JsonNode n, String key, String file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw fail(file, key, "is required");
        }
        return v.asText();
    }

    private static JsonNode requiredObject(JsonNode n, String key, String file, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isObject()) {
            throw fail(file, where, "is required and must be a mapping");
        }
        return v;
    }

    private static int intIn(JsonNode n, String key, int min, int max, String file, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw fail(file, where, "must be a whole number");
        }
        int i = v.intValue();
        if (i < min || i > max) {
            throw fail(file, where, "must be between " + min + " and " + max + ", got " + i);
        }
        return i;
    }

    private static ConfigException fail(String file, String where, String why) {
        return new ConfigException("rules file " + file + ", " + where + ": " + why);
    }
}
