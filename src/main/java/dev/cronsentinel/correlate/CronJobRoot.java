package dev.cronsentinel.correlate;

/**
 * Keyed state of the CronJob stage: the current root of one (namespace, CronJob name).
 *
 * @param deadline until when the CronJob may spawn its next Job (its next fire time plus the grace, capped);
 *     each spawn moves it to the following fire time, so a CronJob that keeps firing keeps its root, and one
 *     that stops (deleted, suspended) loses it one period later
 */
public record CronJobRoot(RootContext root, long deadline) {}
