package dev.cronsentinel.score;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The detection rules as data, exactly as a rule file in {@code conf/rules/} states them. Plain values only
 * (pattern strings, not compiled patterns), so the rule set travels inside Flink functions and stays easy
 * to diff; {@link Scorer} compiles it once per instance. Load and validate with {@link RuleSetLoader}.
 *
 * @param weights the weight of every signal that has no per-rule weight (hostPath, privileged, ...)
 * @param imageRules RE2J patterns over the normalised image repository, each with its own weight
 * @param commandRules RE2J patterns over a container's {@code command} and {@code args} joined by spaces
 * @param families the rules of section {@code families} ({@link FamilyRules#NONE} when the file has none)
 */
public record RuleSet(
        String profile,
        String version,
        int alertThreshold,
        Map<String, Integer> severityThresholds,
        Map<String, Integer> weights,
        List<PatternRule> imageRules,
        List<PatternRule> commandRules,
        List<SensitivePath> sensitivePaths,
        List<String> dangerousCapabilities,
        List<AllowlistEntry> allowlists,
        FamilyRules families) implements Serializable {

    /** A named pattern with its weight. */
    public record PatternRule(String rule, int weight, String pattern) implements Serializable {}

    /** A sensitive host path; {@code exact} paths match only themselves, others also everything under them. */
    public record SensitivePath(String path, boolean exact) implements Serializable {}

    /**
     * A known false positive. Every field that is set must match (RE2J, unanchored unless the pattern
     * anchors itself). An entry with an {@code image} silences only the containers running a matching image,
     * and pod-level signals only when every container matches; an entry without one silences the event.
     */
    public record AllowlistEntry(String id, String reason, String namespace, String actor, String image)
            implements Serializable {}
}
