package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.time.Instant;
import java.util.List;

/**
 * Scored events of CronJob -> Job -> Pod chains for the correlation tests, shaped like the decoder and scorer
 * produce them (roles, controller identities, owner references, generated names, job-name labels).
 */
final class ChainEvents {
    static final String NS = "payments";
    static final String HUMAN = "mallory@example.com";
    static final String CRONJOB_CONTROLLER = "system:serviceaccount:kube-system:cronjob-controller";
    static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";
    static final int THRESHOLD = 40;
    static final String RULES = "2026.11.23";

    private static int audits;

    private ChainEvents() {}

    static CorrelationConfig config() {
        return CorrelationConfig.defaults().forRules("default", THRESHOLD);
    }

    static long t(String hhmmss) {
        return Instant.parse("2026-11-20T" + hhmmss + "Z").toEpochMilli();
    }

    /** A CronJob create by a human. */
    static Builder cronJob(String name) {
        return new Builder("cronjobs", name, "create", EventRole.WORKLOAD, HUMAN).schedule("*/5 * * * *", null);
    }

    /** A Job create by a human (a Job root). */
    static Builder job(String name) {
        return new Builder("jobs", name, "create", EventRole.WORKLOAD, HUMAN);
    }

    /** A delete of a CronJob or Job by {@code username} (Metadata level, as most audit policies log deletes). */
    static Builder delete(String resource, String name, String username) {
        return new Builder(resource, name, "delete", EventRole.DELETE, username).bodiless().code(200);
    }

    /** The Job the CronJob controller creates for {@code cronJob} at the scheduled time {@code scheduled}. */
    static Builder spawnedJob(String cronJob, String cronJobUid, long scheduled) {
        return new Builder("jobs", cronJob + "-" + scheduled / 60_000, "create", EventRole.SPAWN, CRONJOB_CONTROLLER)
                .owner("CronJob", cronJob, cronJobUid).at(scheduled + 40);
    }

    /** A Pod the Job controller creates for {@code job}. */
    static Builder pod(String job, String jobUid, String suffix) {
        Builder b = new Builder("pods", job + "-" + suffix, "create", EventRole.SPAWN, JOB_CONTROLLER).owner("Job", job, jobUid);
        b.jobNameLabel = job;
        return b;
    }

    static final class Builder {
        private final String resource;
        private final String name;
        private String verb;
        private EventRole role;
        private String username;
        private String auditId = "audit-" + (++audits);
        private String uid;
        private long time = t("09:00:00");
        private String ownerKind;
        private String ownerName;
        private String ownerUid;
        private String jobNameLabel;
        private String schedule;
        private String timeZone;
        private int score;
        private boolean bodiless;
        private String allowlistedBy;
        private int code = 201;
        private String decision = "allow";
        private Boolean suspend;
        private boolean keepsNoHistory;
        private List<PodTemplate> noTemplates;

        private Builder(String resource, String name, String verb, EventRole role, String username) {
            this.resource = resource;
            this.name = name;
            this.verb = verb;
            this.role = role;
            this.username = username;
        }

        Builder at(long t) {
            this.time = t;
            return this;
        }

        Builder uid(String u) {
            this.uid = u;
            return this;
        }

        Builder audit(String id) {
            this.auditId = id;
            return this;
        }

        Builder verb(String v) {
            this.verb = v;
            return this;
        }

        Builder owner(String kind, String owner, String ownerUidValue) {
            this.ownerKind = kind;
            this.ownerName = owner;
            this.ownerUid = ownerUidValue;
            return this;
        }

        Builder noOwner() {
            this.ownerKind = null;
            this.ownerName = null;
            this.ownerUid = null;
            this.jobNameLabel = null;
            return this;
        }

        Builder label(String jobName) {
            this.jobNameLabel = jobName;
            return this;
        }

        Builder schedule(String s, String tz) {
            this.schedule = s;
            this.timeZone = tz;
            return this;
        }

        /** Scores 60 on its own spec (a reverse shell): above the threshold of 40. */
        Builder suspicious() {
            this.score = 60;
            return this;
        }

        Builder score(int s) {
            this.score = s;
            return this;
        }

        /** Logged at Metadata level: no spec, nothing to score. */
        Builder bodiless() {
            this.bodiless = true;
            this.score = 0;
            return this;
        }

        Builder allowlisted(String id) {
            this.allowlistedBy = id;
            this.score = 0;
            return this;
        }

        /** {@code spec.suspend} as the event shows it. */
        Builder suspend(boolean s) {
            this.suspend = s;
            return this;
        }

        /** {@code successfulJobsHistoryLimit: 0} (CronJob) or {@code ttlSecondsAfterFinished: 0} (Job). */
        Builder keepsNoHistory() {
            this.keepsNoHistory = true;
            return this;
        }

        /** A patch that does not touch the pod template (suspend, schedule, labels): no template, not bodiless. */
        Builder noTemplate() {
            this.noTemplates = List.of();
            return this;
        }

        /** Refused by RBAC (403, decision forbid): an attempt. */
        Builder refused() {
            this.code = 403;
            this.decision = "forbid";
            this.role = EventRole.ATTEMPT;
            return this;
        }

        Builder code(int c) {
            this.code = c;
            return this;
        }

        Builder by(String user) {
            this.username = user;
            return this;
        }

        ScoredEvent build() {
            List<PodTemplate> templates = bodiless ? List.of() : noTemplates != null ? noTemplates : List.of(new PodTemplate("requestObject", "requestObject.spec", null,
                    null, null, null, null, List.of(new ContainerSpec("requestObject.spec.containers[0]", "c",
                            score > 0 ? "debian:bookworm-slim" : "registry.example.com/app:1", List.of("/bin/bash", "-c", "x"),
                            List.of(), List.of(), null, null, null, null, List.of(), List.of())), List.of()));
            WorkloadEvent e = new WorkloadEvent(auditId, time, Instant.ofEpochMilli(time).toString(), verb, resource, NS, name, uid,
                    username, List.of("system:authenticated"), "kubectl/v1.31.2", "198.51.100.23", code, decision,
                    bodiless ? "Metadata" : "RequestResponse", false, ownerKind, ownerName, ownerUid, jobNameLabel, schedule,
                    timeZone, suspend, keepsNoHistory, false, templates, "test:1");
            List<Signal> signals = score > 0
                    ? List.of(new Signal("shell-command", "reverse-shell-dev-tcp", score, "requestObject.spec.containers[0].command", "/dev/tcp/"))
                    : List.of();
            Severity severity = score >= 90 ? Severity.CRITICAL : score >= 60 ? Severity.HIGH : score >= 40 ? Severity.MEDIUM
                    : score >= 20 ? Severity.LOW : Severity.INFO;
            boolean alertable = switch (role) {
                case SPAWN, DELETE -> false;
                case ATTEMPT -> true;
                case WORKLOAD -> bodiless ? allowlistedBy == null : score >= THRESHOLD;
            };
            return new ScoredEvent(e, role, signals, score, bodiless ? Severity.LOW : severity, alertable, allowlistedBy, RULES);
        }
    }
}
