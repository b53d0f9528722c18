package dev.cronsentinel.context;

import dev.cronsentinel.model.ScoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Lets a keyed context function judge its key's events in event-time order rather than in arrival order, so
 * that what is "new" (and which create completes a spread) depends only on the events, not on how sources,
 * partitions and shuffles interleaved them. Without it, two requests of one actor seconds apart, delivered
 * the other way round by two Kafka partitions, would swap their evidence.
 *
 * <p>An event waits until the watermark passes its event time (an event-time timer at that time), then the
 * key's released events are handled in (event time, audit ID) order. The wait is bounded in processing time
 * by {@code context.ordering-hold}: a key whose events have waited that long is released in order at once,
 * so a quiet cluster, whose watermark hardly moves, still alerts within the hold. A hold of 0 judges on
 * arrival; an event already behind the watermark (late) is judged on arrival too.
 *
 * <p>State ({@code <prefix>-pending}, event time to the events waiting at it, {@code <prefix>-release-at},
 * the key's processing-time deadline, and {@code <prefix>-latest}, the latest waiting time). Exit: the
 * event-time timer at an event's time or the key's processing-time deadline releases it; all three are empty
 * whenever nothing waits. No TTL: expiring a
 * waiting event would lose it.
 */
final class EventTimeBuffer {
    private static final Comparator<ScoredEvent> ORDER = Comparator
            .comparingLong((ScoredEvent s) -> s.event().eventTime())
            .thenComparing(s -> s.event().auditId() == null ? "" : s.event().auditId());

    private final long holdMillis;
    private final MapState<Long, List<ScoredEvent>> pending;
    private final ValueState<Long> releaseAt;
    private final ValueState<Long> latest;

    EventTimeBuffer(RuntimeContext ctx, String prefix, long holdMillis) {
        this.holdMillis = holdMillis;
        this.pending = ctx.getMapState(pendingDescriptor(prefix));
        this.releaseAt = ctx.getState(new ValueStateDescriptor<>(prefix + "-release-at", Types.LONG));
        this.latest = ctx.getState(new ValueStateDescriptor<>(prefix + "-latest", Types.LONG));
    }

    static MapStateDescriptor<Long, List<ScoredEvent>> pendingDescriptor(String prefix) {
        return new MapStateDescriptor<>(prefix + "-pending", Types.LONG, Types.LIST(TypeInformation.of(ScoredEvent.class)));
    }

    /** Buffers the event and returns true, or returns false when it is to be handled now (late, or no hold). */
    boolean hold(ScoredEvent s, TimerService timers) throws Exception {
        long t = s.event().eventTime();
        if (holdMillis == 0 || t <= timers.currentWatermark()) {
            return false;
        }
        List<ScoredEvent> at = pending.get(t);
        List<ScoredEvent> next = at == null ? new ArrayList<>(1) : new ArrayList<>(at);
        next.add(s);
        pending.put(t, next);
        timers.registerEventTimeTimer(t);
        Long deadlineSet = releaseAt.value();
        Long stored = latest.value();
        Long last = stored;
        if (last == null && deadlineSet != null) {
            // Events restored from before <prefix>-latest existed are waiting: learn their latest time once.
            last = latestWaiting();
        }
        if (last == null || t > last) {
            last = t;
        }
        if (!last.equals(stored)) {
            latest.update(last);
        }
        if (deadlineSet == null) {
            long deadline = timers.currentProcessingTime() + holdMillis;
            timers.registerProcessingTimeTimer(deadline);
            releaseAt.update(deadline);
        }
        return true;
    }

    /**
     * Removes and returns, in order, the events waiting at {@code time} (its event-time timer fired).
     *
     * <p>Only that one entry is read: every waiting time has its own timer, and a key's timers fire in time
     * order, so the earlier ones were released by their own timers already. Why it matters: scanning all the
     * key's waiting events at each timer made a busy key quadratic (an actor with 50,000 events inside the
     * out-of-orderness bound spent minutes of CPU in the scan).
     */
    List<ScoredEvent> releaseAt(long time, TimerService timers) throws Exception {
        List<ScoredEvent> at = pending.get(time);
        if (at == null) {
            return List.of();
        }
        pending.remove(time);
        finishIfEmpty(time, timers);
        List<ScoredEvent> out = new ArrayList<>(at);
        out.sort(ORDER);
        return out;
    }

    /**
     * Removes and returns, in order, every waiting event (the processing-time deadline passed), and deletes
     * their event-time timers except {@code keepTimer} (a timer the caller still needs, e.g. its prune timer).
     */
    List<ScoredEvent> releaseAll(TimerService timers, long keepTimer) throws Exception {
        List<ScoredEvent> out = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        Iterator<Map.Entry<Long, List<ScoredEvent>>> it = pending.iterator();
        while (it.hasNext()) {
            Map.Entry<Long, List<ScoredEvent>> e = it.next();
            times.add(e.getKey());
            out.addAll(e.getValue());
        }
        for (long t : times) {
            if (t != keepTimer) {
                timers.deleteEventTimeTimer(t);
            }
        }
        pending.clear();
        releaseAt.clear();
        latest.clear();
        out.sort(ORDER);
        return out;
    }

    private Long latestWaiting() throws Exception {
        Long last = null;
        for (Long t : pending.keys()) {
            if (last == null || t > last) {
                last = t;
            }
        }
        return last;
    }

    /** True when the processing-time timer that fired is this buffer's deadline. */
    boolean isDeadline(long timestamp) throws Exception {
        Long at = releaseAt.value();
        return at != null && at == timestamp;
    }

    /**
     * Ends the wait when the released time was the latest waiting one: timers fire in time order, so nothing
     * waits any more. Why not {@code pending.isEmpty()}: on RocksDB that is an iterator seek over the key's
     * prefix, which must step over every deleted entry not yet compacted away, so it grew with the number of
     * events the key had released (most of the relevant-event CPU in the throughput benchmark). The scan stays
     * only for state restored from before {@code <prefix>-latest} existed.
     */
    private void finishIfEmpty(long released, TimerService timers) throws Exception {
        Long last = latest.value();
        boolean empty = last != null ? released >= last : pending.isEmpty();
        if (empty) {
            Long at = releaseAt.value();
            if (at != null) {
                timers.deleteProcessingTimeTimer(at);
                releaseAt.clear();
            }
            latest.clear();
        }
    }
}
