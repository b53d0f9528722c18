package dev.cronsentinel.score;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The rules of the detection families beyond the first release's signals (section {@code families} of a rule
 * file): Pod Security Standards, placement, image provenance, service accounts, system namespaces and
 * anti-forensics. Plain values only, like {@link RuleSet}; {@link FamilyCatalog} names every rule, the signal
 * id it fires and the lists it needs, and {@link RuleSetLoader} validates the section against it.
 *
 * @param rules every configured rule by {@code family/rule}; a rule left out of the file is off
 * @param reportAtLow signal ids of Pod Security Standards baseline controls: a workload written by a
 *     non-controller identity with one of them is reported at least at low severity, whatever its score
 * @param trustedWriters RE2J pattern over the username of the identities that may write to system
 *     namespaces (control-plane components, kube-system service accounts); null when not set
 */
public record FamilyRules(Map<String, Rule> rules, List<String> reportAtLow, String trustedWriters) implements Serializable {

    /** No family rule: the section is absent (seed-query profiles, older rule files). */
    public static final FamilyRules NONE = new FamilyRules(Map.of(), List.of(), null);

    /**
     * One rule of a family.
     *
     * @param signal the signal id it fires (several rules may share one: the score counts the highest)
     * @param values the rule's list (allowed values, paths, names, registries), empty when it takes none
     * @param pattern the rule's RE2J pattern, null when it takes none
     */
    public record Rule(String family, String rule, String signal, int weight, List<String> values, String pattern)
            implements Serializable {}

    /** The rule, or null when the file leaves it out or gives it weight 0 (off). */
    public Rule rule(String family, String rule) {
        Rule r = rules.get(family + "/" + rule);
        return r == null || r.weight() == 0 ? null : r;
    }
}
