package dev.cronsentinel.correlate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Changes of a CronJob waiting for the watermark to pass them ({@link PendingChange}), each with an event-time
 * timer at its own time: the CronJob stage applies them in event-time order, so a change delivered before the
 * create it changes (the context stage holds creates back to order them) is not lost, and a Job delivered before
 * the change that came before it waits for it. Bounded: when the buffer of a key is full, the caller applies the
 * change at once. A change's timer is never deleted; it fires, finds the change applied, and does nothing.
 */
final class PendingChanges {
    private static final Comparator<PendingChange> BY_TIME = Comparator.comparingLong(PendingChange::time)
            .thenComparing(c -> c.change().auditId(), Comparator.nullsLast(Comparator.naturalOrder()));

    private final ListState<PendingChange> state;
    private final int max;

    PendingChanges(ListState<PendingChange> state, int max) {
        this.state = state;
        this.max = max;
    }

    /** Buffers the change and registers its timer; false (and nothing buffered) when the key's buffer is full. */
    boolean add(PendingChange c, TimerService timers) throws Exception {
        if (all().size() >= max) {
            return false;
        }
        state.add(c);
        timers.registerEventTimeTimer(c.time());
        return true;
    }

    /** True when a change at or before {@code time} still waits. */
    boolean anyBefore(long time) throws Exception {
        for (PendingChange c : all()) {
            if (c.time() <= time) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the changes due by {@code timestamp}, earliest first. */
    List<PendingChange> takeDue(long timestamp) throws Exception {
        List<PendingChange> waiting = all();
        if (waiting.isEmpty()) {
            return waiting;
        }
        List<PendingChange> due = new ArrayList<>();
        List<PendingChange> keep = new ArrayList<>();
        for (PendingChange c : waiting) {
            (c.time() <= timestamp ? due : keep).add(c);
        }
        if (due.isEmpty()) {
            return due;
        }
        if (keep.isEmpty()) {
            state.clear();
        } else {
            state.update(keep);
        }
        return due;
    }

    private List<PendingChange> all() throws Exception {
        List<PendingChange> out = new ArrayList<>();
        Iterable<PendingChange> it = state.get();
        if (it != null) {
            for (PendingChange c : it) {
                out.add(c);
            }
        }
        out.sort(BY_TIME);
        return out;
    }
}
