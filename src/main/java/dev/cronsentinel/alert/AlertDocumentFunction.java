package dev.cronsentinel.alert;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.runtime.JobMetrics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Turns an alertable scored event into its alert document and counts it by severity
 * ({@code cronsentinel.alerts_<severity>}). Counted here, after the per-actor context, because context
 * signals can lift an event over the threshold that structure alone left below it.
 */
public class AlertDocumentFunction extends RichMapFunction<ScoredEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final String profile;
    private transient Map<Severity, Counter> bySeverity;

    public AlertDocumentFunction(String profile) {
        this.profile = profile;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        bySeverity = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            bySeverity.put(s, group.counter("alerts_" + s));
        }
    }

    @Override
    public Alert map(ScoredEvent s) {
        bySeverity.get(s.severity()).inc();
        return AlertFactory.fromScored(s, profile);
    }
}
