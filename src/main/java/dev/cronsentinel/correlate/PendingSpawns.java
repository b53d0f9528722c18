package dev.cronsentinel.correlate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Spawns that arrived before their root (or their Job), each waiting for it until an event-time timer at
 * {@code time + wait}. Bounded: when the buffer of a key is full, the caller resolves the spawn at once.
 * Timers are shared by timestamp with the owner's other timers, so a timer is deleted only when nothing
 * waits for it any more.
 */
final class PendingSpawns {
    private static final Comparator<Spawn> BY_TIME = Comparator.comparingLong(Spawn::time)
            .thenComparing(Spawn::auditId, Comparator.nullsLast(Comparator.naturalOrder()));

    private final ListState<Spawn> state;
    private final long wait;
    private final int max;

    PendingSpawns(ListState<Spawn> state, long waitMillis, int max) {
        this.state = state;
        this.wait = waitMillis;
        this.max = max;
    }

    long timerOf(Spawn s) {
        return s.time() + wait;
    }

    /** Buffers the spawn and registers its timer; false (and nothing buffered) when the key's buffer is full. */
    boolean add(Spawn s, TimerService timers) throws Exception {
        if (all().size() >= max) {
            return false;
        }
        state.add(s);
        timers.registerEventTimeTimer(timerOf(s));
        return true;
    }

    /** Every waiting spawn, earliest first. */
    List<Spawn> all() throws Exception {
        List<Spawn> out = new ArrayList<>();
        Iterable<Spawn> it = state.get();
        if (it != null) {
            for (Spawn s : it) {
                out.add(s);
            }
        }
        out.sort(BY_TIME);
        return out;
    }

    /**
     * Keeps only {@code keep} of {@code before}, and deletes the timers of the others unless a kept spawn or
     * {@code ownerTimer} still needs them.
     */
    void retain(List<Spawn> before, List<Spawn> keep, long ownerTimer, TimerService timers) throws Exception {
        if (keep.size() == before.size()) {
            return;
        }
        if (keep.isEmpty()) {
            state.clear();
        } else {
            state.update(keep);
        }
        for (Spawn gone : before) {
            long t = timerOf(gone);
            if (!keep.contains(gone) && t != ownerTimer && !needs(keep, t)) {
                timers.deleteEventTimeTimer(t);
            }
        }
    }

    /** True when a waiting spawn's timer is at {@code t}: the owner must not delete it. */
    boolean needs(long t) throws Exception {
        return needs(all(), t);
    }

    private boolean needs(List<Spawn> spawns, long t) {
        for (Spawn s : spawns) {
            if (timerOf(s) == t) {
                return true;
            }
        }
        return false;
    }
}
