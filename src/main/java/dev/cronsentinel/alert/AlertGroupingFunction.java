package dev.cronsentinel.alert;

import dev.cronsentinel.config.GroupingConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.runtime.StateTtlBackstop;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds repeats of one finding into one alert, keyed by {@link AlertFingerprint#groupKey} (actor, namespace,
 * kind and evidence).
 *
 * <p>Periods are aligned to the epoch: a finding at event time {@code t} belongs to the period starting at
 * {@code floor(t / period) * period}. The group's alert id is derived from that start
 * ({@link AlertFingerprint#groupId}), so it depends only on the data, never on arrival order or on which
 * subtask saw what first; a replay yields the same ids. The price of aligned periods: a burst that straddles
 * a period boundary becomes two alerts (each with its own count), not one.
 *
 * <p>Emission: the first finding of a group is emitted at once (count 1). Repeats update the group; an
 * update of the same alert id is emitted whenever the count reaches a power of two (2, 4, 8, ...) and once
 * more when the period closes (an event-time timer at its last millisecond) if the count has grown since.
 * Idempotent sinks overwrite by alert id, so a group costs about log2(count) + 2 writes and ends with its
 * full count and last-seen time. The alert document is that of the group's earliest finding (ties: the
 * lowest audit ID), again independent of arrival order.
 *
 * <p>Late repeats: a group is kept for {@code grouping.allowed-lateness} after its period closed, and a
 * repeat arriving then still folds into it and is emitted at once with the new count. So whether a repeat
 * came on time or late (a replay, a slow source) does not change the final document. A finding later than
 * that is emitted on its own, under the per-event id it came with: it can neither reopen a group whose state
 * is gone nor overwrite its count.
 *
 * <p>State {@code alert-groups}: period start to the group's current alert. Exit: an event-time timer at the
 * period's end plus the allowed lateness removes it (a second timer at the period's end emits the final
 * count); a TTL of twice the period plus the lateness plus an hour is the backstop.
 *
 * <p>Metrics (group {@code cronsentinel}): {@code alertsGrouped} (repeats folded, late ones included),
 * {@code alertsLate} (findings too late to fold).
 */
public class AlertGroupingFunction extends KeyedProcessFunction<String, Alert, Alert> {
    private static final long serialVersionUID = 1L;

    public static final String UID = "alert-grouping";
    public static final String GROUPS_STATE = "alert-groups";

    private final long periodMillis;
    private final long latenessMillis;

    private transient MapState<Long, Alert> groups;
    private transient Counter grouped;
    private transient Counter late;

    public AlertGroupingFunction(GroupingConfig config) {
        this.periodMillis = config.period().toMillis();
        this.latenessMillis = config.allowedLateness().toMillis();
    }

    /** The grouping stage: keyBy(group) then this function, with its stable uid. */
    public static DataStream<Alert> apply(DataStream<Alert> alerts, GroupingConfig config) {
        return alerts
                .keyBy(new GroupKey())
                .process(new AlertGroupingFunction(config))
                .uid(UID)
                .name("group repeated findings");
    }

    /** The start of the grouping period an alert's event time falls into (periods aligned to the epoch). */
    public static long periodStart(Alert a, Duration period) {
        return Math.floorDiv(a.eventTime(), period.toMillis()) * period.toMillis();
    }

    /** The id under which an alert reaches the sinks unless it is too late: its group's id ({@link AlertFingerprint#groupId}). */
    public static String groupIdOf(Alert a, Duration period) {
        return AlertFingerprint.groupId(a, periodStart(a, period));
    }

    static MapStateDescriptor<Long, Alert> groupsDescriptor(long periodMillis, long latenessMillis) {
        MapStateDescriptor<Long, Alert> d = new MapStateDescriptor<>(GROUPS_STATE, Types.LONG, TypeInformation.of(Alert.class));
        d.enableTimeToLive(StateTtlBackstop.of(Duration.ofMillis(2 * periodMillis + latenessMillis + 3_600_000L)));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        groups = getRuntimeContext().getMapState(groupsDescriptor(periodMillis, latenessMillis));
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        grouped = group.counter("alertsGrouped");
        late = group.counter("alertsLate");
    }

    @Override
    public void processElement(Alert a, Context ctx, Collector<Alert> out) throws Exception {
        long start = periodStart(a, Duration.ofMillis(periodMillis));
        long closeAt = start + periodMillis - 1;
        long watermark = ctx.timerService().currentWatermark();
        if (closeAt + latenessMillis <= watermark) {
            late.inc();
            out.collect(a);
            return;
        }
        Alert g = groups.get(start);
        if (g == null) {
            Alert first = regroup(a, AlertFingerprint.groupId(a, start), a.count(), a.firstSeen(), a.lastSeen());
            groups.put(start, first);
            ctx.timerService().registerEventTimeTimer(closeAt);
            ctx.timerService().registerEventTimeTimer(closeAt + latenessMillis);
            out.collect(first);
            return;
        }
        grouped.inc();
        long count = g.count() + a.count();
        Alert doc = earlier(a, g) ? a : g;
        Alert next = regroup(doc, g.alertId(), count, Math.min(g.firstSeen(), a.firstSeen()), Math.max(g.lastSeen(), a.lastSeen()));
        groups.put(start, next);
        boolean closed = closeAt <= watermark;
        if (closed || Long.highestOneBit(count) != Long.highestOneBit(g.count())) {
            out.collect(next);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        // A timestamp can be one period's close and, when the lateness is a multiple of the period, an earlier
        // period's end of lateness at once.
        long closing = timestamp + 1 - periodMillis;
        Alert g = groups.get(closing);
        if (g != null && g.count() != Long.highestOneBit(g.count())) {
            out.collect(g); // grown since the last power of two: the final count
        }
        long expiring = closing - latenessMillis;
        if (groups.contains(expiring)) {
            groups.remove(expiring);
        }
    }

    private static boolean earlier(Alert a, Alert b) {
        if (a.eventTime() != b.eventTime()) {
            return a.eventTime() < b.eventTime();
        }
        String x = a.auditId() == null ? "" : a.auditId();
        String y = b.auditId() == null ? "" : b.auditId();
        return x.compareTo(y) < 0;
    }

    /** {@code doc} with the group's id, count and first/last-seen times. */
    static Alert regroup(Alert doc, String id, long count, long firstSeen, long lastSeen) {
        return new Alert(id, doc.kind(), doc.profile(), doc.ruleVersion(), doc.eventTime(),
                Instant.ofEpochMilli(doc.eventTime()).toString(), doc.auditId(), doc.username(), doc.groups(),
                doc.userAgent(), doc.sourceIp(), doc.namespace(), doc.resource(), doc.name(), doc.verb(),
                doc.responseCode(), doc.signals(), doc.score(), doc.severity(), doc.techniqueId(), doc.tactics(),
                doc.images(), count, firstSeen, lastSeen, doc.chain(), doc.timeToFirstSpawnMillis(), doc.compat(), doc.source());
    }

    /** The grouping key as a key selector. */
    public static final class GroupKey implements KeySelector<Alert, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Alert a) {
            return AlertFingerprint.groupKey(a);
        }
    }
}
