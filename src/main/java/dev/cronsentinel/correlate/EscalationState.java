package dev.cronsentinel.correlate;

/**
 * Keyed state of the escalation stage: one open escalation or orphan alert.
 *
 * @param dirty true when spawns were folded in since the alert was last emitted
 * @param lastEmitted event time of the last emission
 * @param expiryTimer when the alert closes and the state is cleared
 * @param updateTimer when the pending update is emitted; {@link #NO_TIMER} when none is due
 */
public record EscalationState(ChainAggregate aggregate, boolean dirty, long lastEmitted, long expiryTimer, long updateTimer) {
    public static final long NO_TIMER = Long.MIN_VALUE;
}
