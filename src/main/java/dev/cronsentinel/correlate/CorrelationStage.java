package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ScoredEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The correlation stage: CronJob -> Job -> Pod chains of scored events become escalation and orphan alerts.
 *
 * <pre>
 *  scored ─┬─ CronJob roots, changes, deletes, controller Jobs ─► keyBy(namespace, cronjob) ─► CronJobLinkFunction ─┬─ orphan and lifecycle findings ─┐
 *          │                                                                   SpawnedJob (+ root) │                   │
 *          │                                                                                        ▼                   │
 *          └─ Job roots and deletes, controller Pods ─────► keyBy(namespace, job) ──────► JobLinkFunction ─► findings ─┴─► keyBy(chain)
 *                                                                                                   ─► EscalationFunction ─► alerts
 * </pre>
 *
 * The input must carry event-time timestamps and watermarks (from {@code WorkloadEvent.eventTime}); spawns
 * never alert on their own upstream, so everything a spawn can raise comes out of here.
 */
public final class CorrelationStage {
    public static final String UID_ROUTE_CRONJOBS = "correlate-route-cronjob-links";
    public static final String UID_CRONJOB_LINKS = "correlate-cronjob-links";
    public static final String UID_ROUTE_JOBS = "correlate-route-job-links";
    public static final String UID_JOB_LINKS = "correlate-job-links";
    public static final String UID_ESCALATIONS = "correlate-escalations";

    /** Events behind the watermark when they reached a link stage: not correlated, counted in {@code correlationLateEvents}. */
    public static final OutputTag<ScoredEvent> LATE = new OutputTag<>("correlation-late", TypeInformation.of(ScoredEvent.class));

    private CorrelationStage() {}

    /**
     * @param alerts escalation and orphan alerts (an alert is re-emitted with the same id as its chain grows)
     * @param late scored events that arrived too late to be correlated
     */
    public record Result(DataStream<Alert> alerts, DataStream<ScoredEvent> late) {}

    /** Adds the correlation operators to the scored stream's job graph. {@code cfg} must have the rules applied. */
    public static Result attach(DataStream<ScoredEvent> scored, CorrelationConfig cfg) {
        cfg.requireRules();
        LinkKeys keys = new LinkKeys(cfg.maxWindow().toMillis());

        SingleOutputStreamOperator<SpawnedJob> cronJobLinks = scored
                .filter(keys::toCronJobStage)
                .uid(UID_ROUTE_CRONJOBS)
                .name("correlate: CronJob roots and controller Jobs")
                .keyBy(keys::cronJobKey, Types.STRING)
                .process(new CronJobLinkFunction(cfg))
                .uid(UID_CRONJOB_LINKS)
                .name("link CronJob -> Job by (namespace, cronjob)");

        SingleOutputStreamOperator<ChainFinding> jobLinks = scored
                .filter(keys::toJobStage)
                .uid(UID_ROUTE_JOBS)
                .name("correlate: Job roots and controller Pods")
                .keyBy(keys::jobKey, Types.STRING)
                .connect(cronJobLinks.keyBy(SpawnedJob::key, Types.STRING))
                .process(new JobLinkFunction(cfg))
                .uid(UID_JOB_LINKS)
                .name("link Job -> Pod by (namespace, job)");

        SingleOutputStreamOperator<Alert> alerts = jobLinks
                .union(cronJobLinks.getSideOutput(CronJobLinkFunction.ORPHANS),
                        cronJobLinks.getSideOutput(CronJobLinkFunction.LIFECYCLE))
                .keyBy(ChainFinding::key, Types.STRING)
                .process(new EscalationFunction(cfg))
                .uid(UID_ESCALATIONS)
                .name("escalate chains by root");

        DataStream<ScoredEvent> late = cronJobLinks.getSideOutput(LATE).union(jobLinks.getSideOutput(LATE));
        return new Result(alerts, late);
    }
}
