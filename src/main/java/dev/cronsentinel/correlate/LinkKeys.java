package dev.cronsentinel.correlate;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.Serializable;

/**
 * Which scored events take part in correlation, and the keys that join them. A chain is joined link by link,
 * never by namespace alone, so a busy namespace spreads over as many keys as it has CronJobs and Jobs:
 * <ul>
 *   <li>(namespace, CronJob name) joins a CronJob root with the Jobs the CronJob controller creates for it;</li>
 *   <li>(namespace, Job name) joins a Job (a root, or a spawn carrying its root's context) with its Pods.</li>
 * </ul>
 * The owner reference names the owner when the audit level shows the body. Without it, the names the
 * controllers generate still tell: a CronJob's Job is {@code <cronjob>-<scheduled minute since epoch>}, a Job's
 * Pod is {@code <job>-<5 random characters>}, and Pods carry a {@code job-name} label.
 */
public final class LinkKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The Job controller's generateName suffix: five characters of Kubernetes' safe alphabet. */
    private static final Pattern GENERATED_POD_SUFFIX = Pattern.compile("^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$");
    private static final Pattern SCHEDULED_JOB_SUFFIX = Pattern.compile("^(.+)-([0-9]{1,12})$");
    private static final long MINUTE = 60_000;

    private final long maxLagMillis;

    /**
     * @param maxLagMillis how long after its scheduled minute a Job (or a Pod of it) may still be created for
     *     the numeric name suffix to count as that minute
     */
    public LinkKeys(long maxLagMillis) {
        this.maxLagMillis = maxLagMillis;
    }

    public static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** CronJob writes and deletes by non-controllers (possible roots, lifecycle steps), and Jobs the controller created. */
    public boolean toCronJobStage(ScoredEvent s) {
        WorkloadEvent e = s.event();
        if (e.name() == null) {
            return false;
        }
        if (s.role() == EventRole.WORKLOAD && "cronjobs".equals(e.resource())) {
            return "create".equals(e.verb()) || "update".equals(e.verb()) || "patch".equals(e.verb());
        }
        if (s.role() == EventRole.DELETE) {
            return "cronjobs".equals(e.resource());
        }
        return s.role() == EventRole.SPAWN && "jobs".equals(e.resource()) && "create".equals(e.verb());
    }

    /**
     * Jobs created by non-controllers (roots; a Job's template cannot change later) and their deletes, and Pods
     * the controller created.
     */
    public boolean toJobStage(ScoredEvent s) {
        WorkloadEvent e = s.event();
        if (s.role() == EventRole.DELETE) {
            return "jobs".equals(e.resource()) && e.name() != null;
        }
        if (!"create".equals(e.verb())) {
            return false;
        }
        if (s.role() == EventRole.WORKLOAD && "jobs".equals(e.resource())) {
            return e.name() != null;
        }
        return s.role() == EventRole.SPAWN && "pods".equals(e.resource()) && jobOf(e) != null;
    }

    /** Key of the CronJob stage: (namespace, CronJob name); a Job whose CronJob cannot be told keys by its own name. */
    public String cronJobKey(ScoredEvent s) {
        WorkloadEvent e = s.event();
        if ("jobs".equals(e.resource())) {
            String cronJob = cronJobOf(e);
            return key(e.namespace(), cronJob != null ? cronJob : e.name());
        }
        return key(e.namespace(), e.name());
    }

    /** Key of the Job stage: (namespace, Job name). */
    public String jobKey(ScoredEvent s) {
        WorkloadEvent e = s.event();
        return key(e.namespace(), "pods".equals(e.resource()) ? jobOf(e) : e.name());
    }

    /** The CronJob a Job belongs to: its controller owner reference, else its scheduled-minute name; null if neither. */
    public String cronJobOf(WorkloadEvent job) {
        if ("CronJob".equals(job.ownerKind()) && job.ownerName() != null) {
            return job.ownerName();
        }
        return cronJobOfJobName(job.name(), job.eventTime());
    }

    /**
     * The CronJob name in a Job name {@code <cronjob>-<minutes>}, when the minutes are a scheduled time at most
     * {@code maxLagMillis} before {@code eventTime} (and not after it, give or take a minute); else null.
     */
    public String cronJobOfJobName(String jobName, long eventTime) {
        if (jobName == null) {
            return null;
        }
        Matcher m = SCHEDULED_JOB_SUFFIX.matcher(jobName);
        if (!m.matches()) {
            return null;
        }
        long scheduled = Long.parseLong(m.group(2)) * MINUTE;
        return scheduled >= eventTime - maxLagMillis && scheduled <= eventTime + MINUTE ? m.group(1) : null;
    }

    /** The Job a Pod belongs to: owner reference, else {@code job-name} label, else its generated name; null if none. */
    public String jobOf(WorkloadEvent pod) {
        if ("Job".equals(pod.ownerKind()) && pod.ownerName() != null) {
            return pod.ownerName();
        }
        if (pod.jobNameLabel() != null) {
            return pod.jobNameLabel();
        }
        String name = pod.name();
        if (name == null) {
            return null;
        }
        if (name.endsWith("-") && name.length() > 1) {
            return name.substring(0, name.length() - 1);
        }
        Matcher m = GENERATED_POD_SUFFIX.matcher(name);
        return m.matches() ? m.group(1) : null;
    }
}
