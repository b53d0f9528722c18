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
final class TemplateChanges {
    private TemplateChanges() {}

    /** The root's status after the change, or null when the change leaves the template (and the verdict) alone. */
    static RootStatus rescored(RootContext current, WorkloadEvent change) {
        if (change.bodiless() || change.templates() == null || change.templates().isEmpty()) {
            return null;
        }
        if (showsWholeTemplate(change)) {
            return RootStatus.BENIGN;
        }
        return current.status() == RootStatus.BENIGN ? RootStatus.UNSCORED : null;
    }

    private static boolean showsWholeTemplate(WorkloadEvent change) {
        for (PodTemplate t : change.templates()) {
            String source = t.source();
            if (source == null) {
                continue;
            }
            if (source.startsWith("responseObject") || ("update".equals(change.verb()) && source.equals("requestObject"))) {
                return true;
            }
        }
        return false;
    }
}
