package dev.cronsentinel.score;

import dev.cronsentinel.model.Signal;
import java.util.List;

/**
 * A signal a family evaluator fired, with the image of the container it came from (null for a pod-level
 * signal), so that {@link Scorer} applies image allowlists to it exactly as to its own signals.
 */
public record TemplateSignal(Signal signal, String image) {

    /** Adds the signal of {@code rule} with its evidence; a switched-off rule (null) adds nothing. */
    static void add(List<TemplateSignal> out, FamilyRules.Rule rule, String path, String value, String image) {
        if (rule != null && rule.weight() > 0) {
            out.add(new TemplateSignal(new Signal(rule.signal(), rule.rule(), rule.weight(), path, Scorer.bound(value)), image));
        }
    }
}
