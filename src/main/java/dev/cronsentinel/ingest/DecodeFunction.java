package dev.cronsentinel.ingest;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.runtime.JobMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The decode stage: raw records in, relevant {@link WorkloadEvent}s out, dead letters to a side output.
 * A thin Flink shell around the pure {@link AuditDecoder}; it only adds metrics.
 *
 * <p>Relevant writes that could not be decoded go to a second side output, {@link #UNDECODABLE}, besides their
 * dead letter: the topology turns each into an {@code undecodable} alert.
 *
 * <p>Subjects of RBAC binding writes go to a third side output, {@link #RBAC_GRANTS}, for the grant-then-workload
 * sequences (correlate/GrantSequenceFunction).
 *
 * <p>Metrics (group {@code cronsentinel}): {@code recordsIn}, {@code eventsDecoded}, {@code eventsFiltered},
 * {@code deadLettered}; {@code undecodableFindings}; {@code rbacGrants}; {@code eventsFiltered} again per reason in the group {@code reason=<token>} (the stable
 * tokens of docs/DETECTION.md: {@code verb}, {@code aks-category}, {@code eks-control-message}, ...).
 */
public class DecodeFunction extends ProcessFunction<RawAuditRecord, WorkloadEvent> {
    private static final long serialVersionUID = 1L;

    /** Undecodable input, with raw bytes (or a bounded prefix), position and reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Relevant workload writes that could not be decoded, and evidence of lenient reads (issue 16, row 4). */
    public static final OutputTag<UndecodableEvent> UNDECODABLE = new OutputTag<>("undecodable") {};

    /** Subjects of accepted RBAC binding writes (issue 19 item 1): a stream of their own, off the workload path. */
    public static final OutputTag<RbacGrant> RBAC_GRANTS = new OutputTag<>("rbac-grants") {};

    private final DecoderConfig config;
    private transient AuditDecoder decoder;
    private transient Counter recordsIn;
    private transient Counter decoded;
    private transient Counter filtered;
    /** {@code eventsFiltered} per reason ({@code reason} variable): the reasons are the decoder's constants. */
    private transient Map<String, Counter> filteredByReason;
    private transient MetricGroup metrics;
    private transient Counter deadLettered;
    private transient Counter undecodable;
    private transient Counter grants;
    private transient Context ctx;
    private transient Collector<WorkloadEvent> out;
    private transient AuditDecoder.Output output;

    public DecodeFunction(DecoderConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new AuditDecoder(config);
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        recordsIn = group.counter("recordsIn");
        decoded = group.counter("eventsDecoded");
        filtered = group.counter("eventsFiltered");
        filteredByReason = new HashMap<>();
        metrics = group;
        deadLettered = group.counter("deadLettered");
        undecodable = group.counter("undecodableFindings");
        grants = group.counter("rbacGrants");
        // One reusable callback: the decode path allocates nothing per irrelevant event.
        output = new AuditDecoder.Output() {
            @Override
            public void event(WorkloadEvent event) {
                decoded.inc();
                out.collect(event);
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                deadLettered.inc();
                ctx.output(DEAD_LETTERS, deadLetter);
            }

            @Override
            public void filtered(String reason) {
                filtered.inc();
                filteredByReason.computeIfAbsent(reason, r -> metrics.addGroup("reason", r).counter("eventsFiltered")).inc();
            }

            @Override
            public void undecodable(UndecodableEvent finding) {
                undecodable.inc();
                ctx.output(UNDECODABLE, finding);
            }

            @Override
            public void grant(RbacGrant grant) {
                grants.inc();
                ctx.output(RBAC_GRANTS, grant);
            }
        };
    }

    @Override
    public void processElement(RawAuditRecord record, Context context, Collector<WorkloadEvent> collector) {
        recordsIn.inc();
        this.ctx = context;
        this.out = collector;
        decoder.decode(record, output);
    }
}
