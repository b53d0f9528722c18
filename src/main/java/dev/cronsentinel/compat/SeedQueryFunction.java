package dev.cronsentinel.compat;

import dev.cronsentinel.ingest.DecodeFunction;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.SeedRow;
import dev.cronsentinel.runtime.JobMetrics;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The {@code splunk} and {@code sumo} compatibility profiles: each raw record goes through the seed query
 * exactly as the published query would see it (no stage, status or level filter; regexes over the raw
 * {@code requestObject} text), and every row the query returns becomes a COMPAT alert carrying the row.
 * Lines the query's reference implementation skips are dead-lettered with the reason. Stateless.
 */
public class SeedQueryFunction extends ProcessFunction<RawAuditRecord, Alert> {
    private static final long serialVersionUID = 1L;

    private final SeedQueryScorer scorer;
    private final int maxRecordBytes;
    private final int deadLetterPrefixBytes;
    private transient Counter recordsIn;
    private transient Counter rows;
    private transient Counter deadLettered;

    public SeedQueryFunction(SeedQueryProfile profile, int maxRecordBytes, int deadLetterPrefixBytes) {
        this.scorer = new SeedQueryScorer(profile);
        this.maxRecordBytes = maxRecordBytes;
        this.deadLetterPrefixBytes = deadLetterPrefixBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        recordsIn = group.counter("recordsIn");
        rows = group.counter("seedRows");
        deadLettered = group.counter("deadLettered");
    }

    @Override
    public void processElement(RawAuditRecord record, Context ctx, Collector<Alert> out) {
        recordsIn.inc();
        byte[] payload = record.payload() == null ? new byte[0] : record.payload();
        if (record.length() > maxRecordBytes || record.length() > payload.length) {
            dead(ctx, record, payload, "oversized", "record of " + record.length() + " bytes exceeds ingest.max-record-bytes=" + maxRecordBytes);
            return;
        }
        SeedQueryLines.Result result;
        try {
            result = SeedQueryLines.evaluate(payload, scorer);
        } catch (RuntimeException e) {
            // Defensive: a bug in the compatibility path costs one dead letter, never the job.
            dead(ctx, record, payload, "decoder-error", e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        for (SeedRow row : result.rows()) {
            rows.inc();
            out.collect(scorer.toAlert(row));
        }
        for (SkippedInputException skipped : result.skipped()) {
            dead(ctx, record, payload, skipped.reason(), skipped.detail());
        }
    }

    private void dead(Context ctx, RawAuditRecord record, byte[] payload, String reason, String detail) {
        deadLettered.inc();
        byte[] prefix = Arrays.copyOf(payload, Math.min(payload.length, deadLetterPrefixBytes));
        ctx.output(DecodeFunction.DEAD_LETTERS, new DeadLetter(record.origin(), record.position(), reason, detail, prefix,
                (int) Math.min(Integer.MAX_VALUE, record.length())));
    }
}
