package dev.cronsentinel.correlate;

import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Late streams never go nowhere (issue 16, rows 9 and 10): a scored event that reached correlation behind the
 * watermark is written to the dead-letter sink, reason {@value #REASON}, with a WARN (the first, then every
 * {@value #WARN_EVERY}th per subtask, so a flood of late events cannot flood the log). Its single-event alert,
 * if any, was already raised; what is lost is only its place in a chain, which the dead letter records.
 */
public class LateEventDeadLetters implements MapFunction<ScoredEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LateEventDeadLetters.class);
    public static final String REASON = "late-for-correlation";
    static final long WARN_EVERY = 1000;

    private transient long seen;

    @Override
    public DeadLetter map(ScoredEvent s) {
        WorkloadEvent e = s.event();
        seen++;
        if (seen == 1 || seen % WARN_EVERY == 0) {
            LOG.warn("{} scored event(s) reached correlation behind the watermark and were not correlated (latest: {} {}/{} "
                    + "at {}); raise event-time.max-out-of-orderness if this is a slow audit pipeline, or look for a forged "
                    + "event time on the audit topic", seen, e.resource(), e.namespace(), e.name(), e.timestamp());
        }
        String summary = "{\"auditID\":\"" + safe(e.auditId()) + "\",\"timestamp\":\"" + safe(e.timestamp()) + "\",\"resource\":\""
                + safe(e.resource()) + "\",\"namespace\":\"" + safe(e.namespace()) + "\",\"name\":\"" + safe(e.name())
                + "\",\"score\":" + s.score() + "}";
        byte[] payload = summary.getBytes(StandardCharsets.UTF_8);
        return DeadLetter.ofDecoded(e.origin(), REASON, "event at " + safe(e.timestamp())
                + " reached correlation behind the watermark and was not correlated", payload);
    }

    /** Keeps the summary valid JSON whatever the field holds (quotes, backslashes and controls dropped, 80 chars). */
    private static String safe(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(v.length(), 80));
        for (int i = 0; i < v.length() && sb.length() < 80; i++) {
            char c = v.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
