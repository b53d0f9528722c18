package dev.cronsentinel.context;

import org.apache.flink.streaming.api.TimerService;

/**
 * One pending event-time prune timer per key. The pending time is kept in the key's state, so an event never
 * registers a second timer: it moves the pending one only when its own entries expire earlier (an
 * out-of-order event). When the timer fires, the function prunes and arms the next one, or clears the key.
 */
final class PruneTimers {
    private PruneTimers() {}

    /**
     * Makes sure a timer fires at or before {@code expiry} (rounded up to {@code granularity}, so that busy
     * keys fire at most once per granularity). Returns the pending timer's time, to be stored in the state.
     */
    static long ensure(TimerService timers, long pendingAt, long expiry, long granularity) {
        long next = roundUp(expiry, granularity);
        if (pendingAt != 0 && pendingAt <= next) {
            return pendingAt;
        }
        if (pendingAt != 0) {
            timers.deleteEventTimeTimer(pendingAt);
        }
        timers.registerEventTimeTimer(next);
        return next;
    }

    static long roundUp(long t, long granularity) {
        if (t > Long.MAX_VALUE - granularity) {
            return Long.MAX_VALUE - 1;
        }
        long r = Math.floorMod(t, granularity);
        return r == 0 ? t : t - r + granularity;
    }
}
