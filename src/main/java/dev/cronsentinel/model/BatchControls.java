package dev.cronsentinel.model;

/**
 * The CronJob/Job fields around the pod template that decide how long the evidence of a run survives:
 * {@code ttlSecondsAfterFinished} (Job, or a CronJob's {@code jobTemplate}), the CronJob history limits and
 * {@code concurrencyPolicy}. Null when absent (or not applicable to the resource).
 */
public record BatchControls(
        Long ttlSecondsAfterFinished,
        Long successfulJobsHistoryLimit,
        Long failedJobsHistoryLimit,
        String concurrencyPolicy) {}
