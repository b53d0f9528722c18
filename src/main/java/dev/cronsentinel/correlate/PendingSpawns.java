package dev.cronsentinel.correlate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
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

    static final long NO_TIMER = Long.MIN_VALUE;

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
     * What spawns wait for: a root (CronJob stage) or a Job (Job stage). The owner is an immutable state value;
     * {@code linker} links a spawn, emits what that means, stores and returns the owner as linking left it;
     * {@code deadline} is the owner's own timer (its window's end), which waiting spawns share by timestamp.
     */
    record Owner<S>(Claims<S> claims, Linker<S> linker, ToLongFunction<S> deadline) {}

    interface Claims<S> {
        boolean test(S owner, Spawn spawn) throws Exception;
    }

    interface Linker<S> {
        S link(Spawn spawn, S owner) throws Exception;
    }

    /** What becomes of a spawn whose wait ended with no owner claiming it. */
    interface Unclaimed {
        void accept(Spawn spawn) throws Exception;
    }

    /** The owner that just arrived (already stored) takes the waiting spawns it claims; the others keep waiting. */
    <S> S drainInto(S owner, Owner<S> o, TimerService timers) throws Exception {
        return resolve(owner, o, Long.MIN_VALUE, s -> {
            throw new IllegalStateException("nothing is due while draining");
        }, timers);
    }

    /**
     * At the timer {@code timestamp}: waiting spawns the owner (if any) now claims are linked, those whose wait
     * has ended and that no owner claims go to {@code unclaimed}, the rest keep waiting.
     */
    <S> S fire(long timestamp, S owner, Owner<S> o, Unclaimed unclaimed, TimerService timers) throws Exception {
        return resolve(owner, o, timestamp, unclaimed, timers);
    }

    private <S> S resolve(S owner, Owner<S> o, long dueBy, Unclaimed unclaimed, TimerService timers) throws Exception {
        List<Spawn> waiting = all();
        if (waiting.isEmpty()) {
            return owner;
        }
        List<Spawn> keep = new ArrayList<>();
        for (Spawn p : waiting) {
            if (owner != null && o.claims().test(owner, p)) {
                owner = o.linker().link(p, owner);
            } else if (timerOf(p) <= dueBy) {
                unclaimed.accept(p);
            } else {
                keep.add(p);
            }
        }
        retain(waiting, keep, owner == null ? NO_TIMER : o.deadline().applyAsLong(owner), timers);
        return owner;
    }

    /**
     * Moves the owner's timer from {@code from} ({@link #NO_TIMER} when it had none) to {@code to}; {@code from}
     * stays registered while a waiting spawn needs it.
     */
    void moveOwnerTimer(long from, long to, TimerService timers) throws Exception {
        if (from != NO_TIMER && from != to && !needs(from)) {
            timers.deleteEventTimeTimer(from);
        }
        timers.registerEventTimeTimer(to);
    }

    /** Keeps {@code keep} of {@code before}; the others' timers go unless a kept spawn or the owner needs them. */
    private void retain(List<Spawn> before, List<Spawn> keep, long ownerTimer, TimerService timers) throws Exception {
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

    private boolean needs(long t) throws Exception {
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
