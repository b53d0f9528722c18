package dev.cronsentinel.correlate;

import dev.cronsentinel.model.ScoredEvent;

/**
 * A change of a known CronJob that is no new root (an unsuspicious update or patch, or a delete), waiting in the
 * CronJob stage until the watermark passes it: changes are applied in event-time order, after the create they
 * change (which the context stage may hold back) and before the Jobs that come after them.
 *
 * @param change the change as a root context, with the alerting fields kept (a template change may re-root)
 * @param suspend {@code spec.suspend} as the change shows it, null when it does not say
 * @param template what the change does to the pod template
 */
public record PendingChange(RootContext change, Boolean suspend, TemplateChanges.Kind template) {

    static PendingChange of(ScoredEvent s) {
        return new PendingChange(RootContext.of(s, RootStatus.UNSCORED), s.event().suspend(), TemplateChanges.kind(s.event()));
    }

    long time() {
        return change.time();
    }

    boolean delete() {
        return "delete".equals(change.verb());
    }
}
