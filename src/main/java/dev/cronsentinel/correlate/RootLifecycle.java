package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a root's life after its create means for its escalation (docs/CORRELATION.md, "Lifecycle"): a resume of
 * a suspended CronJob by another identity than its creator ({@code resumed-by-other}), and a delete soon after
 * the root first spawned ({@code hit-and-run}). Pure: the link functions keep the state, this judges it.
 */
final class RootLifecycle implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String RESUMED_BY_OTHER = "resumed-by-other";
    static final String HIT_AND_RUN = "hit-and-run";
    static final String RULE_DELETED_AFTER_SPAWN = "deleted-after-spawn";
    static final String RULE_DELETED_LEAVING_NO_HISTORY = "deleted-after-spawn-no-history";

    /** A root first seen by an update or patch: its create, and so its age, is unknown. */
    static final long UNKNOWN_CREATE = Long.MIN_VALUE;

    private final CorrelationConfig.Lifecycle cfg;

    RootLifecycle(CorrelationConfig.Lifecycle cfg) {
        this.cfg = cfg;
    }

    /** The lifecycle step ({@link ChainLink#RESUME}, {@link ChainLink#DELETE}) that {@code change} takes on {@code root}. */
    static ChainLink step(String verb, RootContext change, RootContext root) {
        return ChainLink.step(verb, root.resource(), root.name(), root.uid() != null ? root.uid() : change.uid(), change.time(),
                change.username(), change.auditId());
    }

    /** The delete step of a Job or CronJob delete event. */
    static ChainLink delete(WorkloadEvent e) {
        return ChainLink.step(ChainLink.DELETE, e.resource(), e.name(), e.uid(), e.eventTime(), e.username(), e.auditId());
    }

    /**
     * The links and signals a root's resume adds to the first finding of a spawn at {@code spawnTime} after it
     * (none when the spawn came before the resume): the resume itself, and
     * {@code resumed-by-other} when another identity than the creator switched it on.
     */
    void addResume(RootContext root, long spawnTime, List<ChainLink> links, List<Signal> signals) {
        ChainLink r = root.resumed();
        if (r == null || r.time() > spawnTime) {
            return;
        }
        links.add(r);
        if (!Objects.equals(r.username(), root.username())) {
            signals.add(new Signal(RESUMED_BY_OTHER, RESUMED_BY_OTHER, cfg.resumedByOtherWeight(), "spec.suspend",
                    "false, by " + r.username() + " at " + Instant.ofEpochMilli(r.time()) + " (created by " + root.username() + ")"));
        }
    }

    /**
     * The finding a delete adds to its root's escalation, or null when it is no hit-and-run: the root must be one
     * whose spawns escalate, created at a known time no longer than the window before the delete, and have
     * spawned at least once ({@code spawned}, the link that proves it, goes with the finding).
     */
    ChainFinding hitAndRun(RootContext root, long createdAt, ChainLink spawned, ChainLink delete, long expiresAt) {
        if (!root.escalates() || createdAt == UNKNOWN_CREATE || spawned == null) {
            return null;
        }
        long age = delete.time() - createdAt;
        if (age < 0 || age > cfg.hitAndRunWindow().toMillis()) {
            return null;
        }
        boolean noHistory = root.keepsNoHistory();
        Signal signal = new Signal(HIT_AND_RUN, noHistory ? RULE_DELETED_LEAVING_NO_HISTORY : RULE_DELETED_AFTER_SPAWN,
                noHistory ? cfg.hitAndRunNoHistoryWeight() : cfg.hitAndRunWeight(), "verb",
                "delete by " + delete.username() + " " + Duration.ofMillis(age) + " after create");

        return ChainFinding.escalation(root, null, List.of(spawned, delete), Math.max(expiresAt, delete.time()), List.of(signal));
    }
}
