package dev.cronsentinel.correlate;

import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;

/**
 * What an unsuspicious update or patch of a known CronJob's pod template means for the root correlation keeps
 * (a suspicious one is a new root anyway). The spawns that follow run the template as changed, so they must be
 * judged against it:
 * <ul>
 *   <li>a change that shows the whole template (an {@code update}, whose body the API server stores as sent, or
 *       the stored object itself) replaces the root's verdict: the new template is benign, and so are its runs;</li>
 *   <li>a partial change (a merge, strategic-merge or JSON patch) of a benign root leaves a template nobody has
 *       seen whole: the root turns unscored, and each spawn is judged on its own spec (which is what runs);</li>
 *   <li>a partial change of a suspicious or unscored root keeps the root as it is: what was flagged may still be
 *       in the stored template, and an attacker must not lower the verdict with a harmless patch.</li>
 * </ul>
 */
public final class TemplateChanges {
    /** What a change does to the pod template. */
    public enum Kind {
        /** It does not touch it (suspend, schedule, labels), or the audit level hid whether it does. */
        NONE,
        /** It shows the whole new template. */
        WHOLE,
        /** It changes part of it. */
        PARTIAL
    }

    private TemplateChanges() {}

    static Kind kind(WorkloadEvent change) {
        if (change.bodiless() || change.templates() == null || change.templates().isEmpty()) {
            return Kind.NONE;
        }
        for (PodTemplate t : change.templates()) {
            String source = t.source();
            if (source != null && (source.startsWith("responseObject")
                    || ("update".equals(change.verb()) && source.equals("requestObject")))) {
                return Kind.WHOLE;
            }
        }
        return Kind.PARTIAL;
    }

    /** The root's status after the change, or null when the change leaves the verdict alone. */
    static RootStatus rescored(RootStatus current, Kind change) {
        return switch (change) {
            case NONE -> null;
            case WHOLE -> RootStatus.BENIGN;
            case PARTIAL -> current == RootStatus.BENIGN ? RootStatus.UNSCORED : null;
        };
    }
}
