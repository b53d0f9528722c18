package dev.cronsentinel.score;

import dev.cronsentinel.model.BatchControls;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.List;

/**
 * Settings that make a CronJob's runs leave no objects behind: both history limits 0, a
 * {@code ttlSecondsAfterFinished} of 0 (the Job and its pods are deleted as soon as they finish), and an
 * every-minute schedule with {@code concurrencyPolicy: Allow} (runs pile up: a beacon, not a batch task).
 * Weak hints: plenty of tidy CronJobs set one of them, so the signal is evidence that only counts when
 * something else is wrong; its weight stays far below the alert threshold.
 */
final class AntiForensics implements FamilyEvaluator {
    private final FamilyRules.Rule noHistory;
    private final FamilyRules.Rule ttlZero;
    private final FamilyRules.Rule everyMinute;

    AntiForensics(FamilyRules rules) {
        noHistory = rules.rule(FamilyCatalog.ANTI_FORENSICS, "no-job-history");
        ttlZero = rules.rule(FamilyCatalog.ANTI_FORENSICS, "ttl-zero");
        everyMinute = rules.rule(FamilyCatalog.ANTI_FORENSICS, "every-minute-overlap");
    }

    @Override
    public void evaluate(WorkloadEvent e, PodTemplate t, List<TemplateSignal> out) {
        BatchControls b = t.batch();
        if (b == null) {
            return;
        }
        String spec = objectSpec(t.path());
        if (Long.valueOf(0).equals(b.successfulJobsHistoryLimit()) && Long.valueOf(0).equals(b.failedJobsHistoryLimit())) {
            TemplateSignal.add(out, noHistory, spec + ".successfulJobsHistoryLimit+failedJobsHistoryLimit", "0/0", null);
        }
        if (Long.valueOf(0).equals(b.ttlSecondsAfterFinished())) {
            String ttl = "cronjobs".equals(e.resource()) ? spec + ".jobTemplate.spec.ttlSecondsAfterFinished" : spec + ".ttlSecondsAfterFinished";
            TemplateSignal.add(out, ttlZero, ttl, "0", null);
        }
        if (everyMinute != null && "cronjobs".equals(e.resource()) && e.schedule() != null
                && (b.concurrencyPolicy() == null || "Allow".equals(b.concurrencyPolicy()))) {
            String schedule = e.schedule().trim().replaceAll("\\s+", " ");
            if (everyMinute.values().contains(schedule)) {
                TemplateSignal.add(out, everyMinute, spec + ".schedule", e.schedule() + " (concurrencyPolicy: "
                        + (b.concurrencyPolicy() == null ? "Allow by default" : b.concurrencyPolicy()) + ")", null);
            }
        }
    }

    /** The object's {@code spec} path from its pod spec path ({@code X.spec.jobTemplate.spec.template.spec} -> {@code X.spec}). */
    private static String objectSpec(String podSpecPath) {
        int i = podSpecPath.indexOf(".spec.");
        return i < 0 ? podSpecPath : podSpecPath.substring(0, i) + ".spec";
    }
}
