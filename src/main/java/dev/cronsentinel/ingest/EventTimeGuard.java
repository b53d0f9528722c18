package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cronsentinel.config.EventTimeConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.runtime.JobMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Time an attacker cannot move (issue 16, rows 9 and 10): bounds each decoded event's time before the
 * watermark is assigned, so a record dated 2099 cannot jump the watermark (and with it every timer: dedupe,
 * profile pruning, correlation) and records dated 2000 cannot end the learning period at once.
 *
 * <p>An event is refused when its time lies
 * <ul>
 *   <li>further than {@code event-time.max-age} before the newest event time this subtask has accepted (always:
 *       the stream's own clock, which works for archives of any date), or</li>
 *   <li>later than the wall clock plus {@code event-time.max-clock-skew} (by default, for every input: nothing
 *       real lies in the future, live or archived), or</li>
 *   <li>with {@code event-time.wall-clock-bounds: on} only, further than {@code event-time.max-age} before the
 *       wall clock: a strictly live stream. Off by default, because a replay of last month's logs through Kafka
 *       (or a backlog) would be refused whole.</li>
 * </ul>
 * Refused events are dead-lettered {@code bad-timestamp} (never clamped: a clamped time would still be the
 * attacker's choice) and, being relevant writes, raise an undecodable finding each, so a payload dated
 * 2099 still alerts. They are counted in {@code cronsentinel.badTimestamps} and never reach the watermark,
 * the scorer or the per-actor learning clock.
 *
 * <p>A warm-up from archives ({@code WarmupJob}) does not pass through here and needs no change; replaying
 * archives through this job uses the stream-relative bound and the future cap only. What this leaves open by
 * default: old records that come before any real one on a subtask set its first newest time (row 10's
 * attack at a job's start); {@code wall-clock-bounds: on} closes it for live streams. The newest
 * accepted time is a field of the subtask, not state: after a restore it starts again from the first event.
 * The clock is injected so tests are date-independent.
 */
public class EventTimeGuard extends ProcessFunction<WorkloadEvent, WorkloadEvent> {
    private static final long serialVersionUID = 1L;
    static final String REASON = "bad-timestamp";

    private final long maxSkewMillis;
    private final long maxAgeMillis;
    private final boolean wallClock;
    private final boolean wallClockAge;
    private final Clock clock;

    private transient long newest;
    private transient Counter badTimestamps;

    public EventTimeGuard(EventTimeConfig config, Clock clock) {
        this.maxSkewMillis = config.maxClockSkew().toMillis();
        this.maxAgeMillis = config.maxAge().toMillis();
        this.wallClock = config.wallClockBounds();
        this.wallClockAge = config.wallClockAge();
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        newest = Long.MIN_VALUE;
        badTimestamps = JobMetrics.group(getRuntimeContext()).counter("badTimestamps");
    }

    @Override
    public void processElement(WorkloadEvent e, Context ctx, Collector<WorkloadEvent> out) {
        String why = refusal(e.eventTime());
        if (why == null) {
            newest = Math.max(newest, e.eventTime());
            out.collect(e);
            return;
        }
        badTimestamps.inc();
        String detail = "event time " + AuditEventParser.bounded(String.valueOf(e.timestamp())) + " " + why;
        byte[] summary = summary(e).getBytes(StandardCharsets.UTF_8);
        DeadLetter dl = DeadLetter.ofDecoded(e.origin(), REASON, detail, summary);
        ctx.output(DecodeFunction.DEAD_LETTERS, dl);
        // The time is the attacker's: the alert does not carry it (-1; it is in the detail).
        ctx.output(DecodeFunction.UNDECODABLE, new UndecodableEvent(dl.origin(), dl.position(), REASON, detail, e.auditId(), e.verb(),
                e.resource(), e.namespace(), e.name(), e.username(), e.sourceIp(), e.userAgent(), e.responseCode(), -1));
    }

    /** Why {@code t} is refused, or null when it is accepted. */
    String refusal(long t) {
        if (newest != Long.MIN_VALUE && t < newest - maxAgeMillis) {
            return "is more than event-time.max-age before the newest event time accepted";
        }
        if (wallClock) {
            long now = clock.millis();
            if (t > now + maxSkewMillis) {
                return "is more than event-time.max-clock-skew after the wall clock";
            }
            if (wallClockAge && t < now - maxAgeMillis) {
                return "is more than event-time.max-age before the wall clock";
            }
        }
        return null;
    }

    /** The dead letter's payload: the decoded event no longer has its raw bytes, so what identifies it. */
    private static String summary(WorkloadEvent e) {
        return "{\"auditID\":" + quote(e.auditId()) + ",\"timestamp\":" + quote(e.timestamp()) + ",\"verb\":" + quote(e.verb())
                + ",\"resource\":" + quote(e.resource()) + ",\"namespace\":" + quote(e.namespace()) + ",\"name\":" + quote(e.name())
                + ",\"username\":" + quote(e.username()) + ",\"origin\":" + quote(e.origin()) + "}";
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(AuditEventParser.bounded(s))) + "\"";
    }
}
