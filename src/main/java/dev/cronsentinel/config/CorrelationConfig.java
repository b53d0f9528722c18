package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Settings of the correlation stage (keys under {@code correlation.}), plus two values that come from the rule
 * set rather than from the config file ({@link #forRules}).
 *
 * @param defaultWindow how long a root waits for its first spawn when no schedule says better: Job roots, and
 *     CronJobs whose schedule is missing or unparsable; also how long a Job waits for its next Pod
 * @param scheduleGrace added to a CronJob's next fire time: the controller creates the Job a little after the
 *     scheduled time (longer when it was down and catches up within {@code startingDeadlineSeconds})
 * @param maxWindow the longest any root or Job is waited for, whatever its schedule says (memory bound)
 * @param spawnBuffer how long a spawn whose root has not arrived yet waits for it (out-of-order delivery), and
 *     the clock skew tolerated between a root and its spawns
 * @param orphanWindow spawns of an unknown root raise one orphan alert per root name per window of this length
 *     (windows are aligned to the epoch, so the alert id is the same on every replay)
 * @param updateInterval an open escalation or orphan alert is re-emitted with its new count at most this often
 *     (event time), and once more when it closes
 * @param stateTtl processing-time TTL on all correlation state: only a backstop, timers clear state first
 * @param maxChainLinks how many spawned objects an alert lists in {@code chain}; {@code count} keeps counting
 * @param maxPendingSpawns how many spawns one key buffers while waiting for their root; more are resolved at once
 * @param controllerTimeZone the zone of kube-controller-manager, used for CronJobs without {@code spec.timeZone}
 * @param lifecycle how suspend/resume and deletes of roots are read (keys {@code correlation.lifecycle.})
 * @param profile the rule-set profile written into every alert; set by {@link #forRules}
 * @param alertThreshold the rule set's alert threshold: a spawn of an unknown root is suspicious on its own
 *     spec when its score reaches it; set by {@link #forRules}
 */
public record CorrelationConfig(
        Duration defaultWindow,
        Duration scheduleGrace,
        Duration maxWindow,
        Duration spawnBuffer,
        Duration orphanWindow,
        Duration updateInterval,
        Duration stateTtl,
        int maxChainLinks,
        int maxPendingSpawns,
        ZoneId controllerTimeZone,
        Lifecycle lifecycle,
        String profile,
        int alertThreshold) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static CorrelationConfig defaults() {
        return new CorrelationConfig(Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofHours(26),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofDays(7),
                20, 32, ZoneId.of("UTC"), Lifecycle.defaults(), null, -1);
    }

    /**
     * The lifecycle of a root after its create (docs/CORRELATION.md, "Lifecycle"). The weights live here, next to
     * the windows they go with, rather than in the rule file: they judge a sequence of requests, not a spec.
     *
     * @param maxSuspended the longest a suspended CronJob's root is kept waiting for its resume (memory bound);
     *     resumed later, its spawns are orphans as before
     * @param hitAndRunWindow a root deleted within this of its create, after at least one spawn, is a hit-and-run
     * @param resumedByOtherWeight weight of {@code resumed-by-other}: the resume came from another identity than
     *     the root's creator
     * @param hitAndRunWeight weight of {@code hit-and-run}
     * @param hitAndRunNoHistoryWeight weight of {@code hit-and-run} when the root was also set to keep no finished
     *     Jobs ({@code successfulJobsHistoryLimit: 0}, {@code ttlSecondsAfterFinished: 0}): nothing is left to look at
     */
    public record Lifecycle(Duration maxSuspended, Duration hitAndRunWindow, int resumedByOtherWeight, int hitAndRunWeight,
                            int hitAndRunNoHistoryWeight) implements Serializable {
        private static final long serialVersionUID = 1L;

        public static Lifecycle defaults() {
            return new Lifecycle(Duration.ofDays(3), Duration.ofMinutes(15), 20, 20, 40);
        }

        static Lifecycle from(ConfigSource c) {
            Lifecycle d = defaults();
            return new Lifecycle(
                    positive(c, "correlation.lifecycle.max-suspended", d.maxSuspended()),
                    positive(c, "correlation.lifecycle.hit-and-run-window", d.hitAndRunWindow()),
                    c.intValue("correlation.lifecycle.weights.resumed-by-other", d.resumedByOtherWeight(), 0, 100),
                    c.intValue("correlation.lifecycle.weights.hit-and-run", d.hitAndRunWeight(), 0, 100),
                    c.intValue("correlation.lifecycle.weights.hit-and-run-no-history", d.hitAndRunNoHistoryWeight(), 0, 100));
        }
    }

    /** Reads every {@code correlation.} key; {@link #forRules} must still be applied before use. */
    public static CorrelationConfig from(ConfigSource c) {
        CorrelationConfig d = defaults();
        Duration defaultWindow = positive(c, "correlation.default-window", d.defaultWindow());
        Duration grace = positive(c, "correlation.schedule-grace", d.scheduleGrace());
        Duration maxWindow = positive(c, "correlation.max-window", d.maxWindow());
        Duration buffer = positive(c, "correlation.spawn-buffer", d.spawnBuffer());
        Duration orphan = positive(c, "correlation.orphan-window", d.orphanWindow());
        Duration update = positive(c, "correlation.update-interval", d.updateInterval());
        Duration ttl = positive(c, "correlation.state-ttl", d.stateTtl());
        int links = c.intValue("correlation.max-chain-links", d.maxChainLinks(), 1, 1000);
        int pending = c.intValue("correlation.max-pending-spawns", d.maxPendingSpawns(), 1, 10_000);
        String zone = c.string("correlation.controller-time-zone", d.controllerTimeZone().getId());
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ConfigException.forKey("correlation.controller-time-zone", "unknown time zone '" + zone + "'");
        }
        Lifecycle lifecycle = Lifecycle.from(c);
        if (defaultWindow.compareTo(maxWindow) > 0) {
            throw ConfigException.forKey("correlation.default-window", "must not exceed correlation.max-window (" + maxWindow + ")");
        }
        if (grace.compareTo(maxWindow) > 0) {
            throw ConfigException.forKey("correlation.schedule-grace", "must not exceed correlation.max-window (" + maxWindow + ")");
        }
        if (buffer.compareTo(defaultWindow) > 0) {
            throw ConfigException.forKey("correlation.spawn-buffer", "must not exceed correlation.default-window (" + defaultWindow + ")");
        }
        Duration longest = maxWindow.compareTo(orphan) > 0 ? maxWindow : orphan;
        if (lifecycle.maxSuspended().compareTo(longest) > 0) {
            longest = lifecycle.maxSuspended();
        }
        if (ttl.compareTo(longest.multipliedBy(2)) < 0) {
            throw ConfigException.forKey("correlation.state-ttl",
                    "is a backstop and must be at least twice the longest window (" + longest.multipliedBy(2) + ")");
        }
        return new CorrelationConfig(defaultWindow, grace, maxWindow, buffer, orphan, update, ttl, links, pending, zoneId,
                lifecycle, null, -1);
    }

    private static Duration positive(ConfigSource c, String key, Duration def) {
        Duration d = c.duration(key, def);
        if (d.isNegative() || d.isZero()) {
            throw ConfigException.forKey(key, "must be positive, got " + d);
        }
        return d;
    }

    /** This config with the rule set's profile and alert threshold, which the topology knows once rules are loaded. */
    public CorrelationConfig forRules(String rulesProfile, int ruleAlertThreshold) {
        if (rulesProfile == null || ruleAlertThreshold < 1) {
            throw new IllegalArgumentException("a rule set has a profile and an alert threshold >= 1");
        }
        return new CorrelationConfig(defaultWindow, scheduleGrace, maxWindow, spawnBuffer, orphanWindow, updateInterval,
                stateTtl, maxChainLinks, maxPendingSpawns, controllerTimeZone, lifecycle, rulesProfile, ruleAlertThreshold);
    }

    /** Fails unless {@link #forRules} was applied: the stage cannot judge orphans without the threshold. */
    public CorrelationConfig requireRules() {
        if (profile == null || alertThreshold < 1) {
            throw new IllegalStateException("CorrelationConfig.forRules(profile, alertThreshold) was not applied");
        }
        return this;
    }
}
