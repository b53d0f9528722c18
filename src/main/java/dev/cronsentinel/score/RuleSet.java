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
     * A known false positive: a scope, and the findings it silences there. Every scope field that is set must
     * match: {@code namespace} and {@code actor} are RE2J patterns (unanchored unless the pattern anchors
     * itself); {@code images} are image references compared by registry and repository (and tag and digest
     * where given, see {@link ImageReference#admits}), never patterns, so the same name on another registry
     * is not allowlisted.
     *
     * <p>{@code silences} names what the entry silences: signal ids ({@code hostpath-volume}) or single rules of
     * a signal ({@code shell-command:interpreter-one-liner}), and {@code unscored} for the verdict on a batch
     * write whose body the audit policy hid. Nothing else is silenced: in particular, command signals only
     * when the entry names them. With {@code images}, container signals are silenced only on containers
     * running a listed image, and pod-level ones only when every container does; without, in the whole scope.
     */
    public record AllowlistEntry(String id, String reason, String namespace, String actor, List<String> images,
            List<String> silences) implements Serializable {}
}
