package dev.cronsentinel;

import dev.cronsentinel.alert.AlertDocumentFunction;
import dev.cronsentinel.alert.AlertGroupingFunction;
import dev.cronsentinel.alert.UndecodableAlertFunction;
import dev.cronsentinel.compat.SeedQueryFunction;
import dev.cronsentinel.compat.SeedQueryProfile;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.context.ContextStage;
import dev.cronsentinel.correlate.CorrelationStage;
import dev.cronsentinel.correlate.GrantSequenceStage;
import dev.cronsentinel.correlate.LateEventDeadLetters;
import dev.cronsentinel.ingest.DecodeFunction;
import dev.cronsentinel.ingest.EventTimeGuard;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.redact.Redaction;
import dev.cronsentinel.score.ActorNamespaceKey;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;
import dev.cronsentinel.score.ScoringFunction;
import java.time.Clock;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The CronSentinel dataflow, as one function of its sources and sinks so that tests inject their own:
 *
 * <pre>
 *  raw records ─► decode ─────────────────────────────► dead letters
 *                   ├─ relevant but undecodable ────────► alerts (undecodable)
 *                   │ WorkloadEvent
 *                   ▼ event-time watermarks (bounded out-of-orderness + idleness)
 *                 keyBy(actor, namespace) ─► score ─► context (spread by actor, profile by (actor, namespace))
 *                                                        │ ScoredEvent
 *                    ┌───────────────────────────────────┴───────────────────────────────────┐
 *                    ▼                                                                       ▼
 *  alerts (workload, attempt, unscored) ─► group repeats              correlate (CronJob -> Job -> Pod) ─► alerts (escalation, orphan)
 *                                                                      sequences (keyBy identity, with the decoder's RBAC grants) ─► alerts (sequence)
 * </pre>
 *
 * Every operator has a stable uid (savepoint compatibility) and a name that reads like the architecture in
 * the web UI. Connector classes never appear here: {@code CronSentinelJob} builds them from config.
 */
public final class Topology {
    public static final String UID_DECODE = "decode";
    public static final String UID_EVENT_TIME = "event-time";
    public static final String UID_SCORE = "score";
    public static final String UID_ALERTS = "alert-documents";
    public static final String UID_UNDECODABLE_ALERTS = "undecodable-alerts";
    public static final String UID_EVENT_TIME_GUARD = "event-time-guard";
    public static final String UID_LATE_DEAD_LETTERS = "late-dead-letters";
    public static final String UID_SEED_QUERY = "seed-query";
    public static final String UID_ALERT_SINK = "alert-sink";
    public static final String UID_DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String UID_REDACT_ALERTS = "redact-alerts";
    public static final String UID_REDACT_DEAD_LETTERS = "redact-dead-letters";

    private Topology() {}

    /**
     * Where the results go.
     *
     * @param sinkParallelism parallelism of both sinks; 0 keeps the job's default (local file and console
     *     sinks use 1)
     */
    public record Sinks(Sink<Alert> alerts, Sink<DeadLetter> deadLetters, int sinkParallelism) {
        public Sinks(Sink<Alert> alerts, Sink<DeadLetter> deadLetters) {
            this(alerts, deadLetters, 0);
        }
    }

    /**
     * The streams the topology produces, before they reach the sinks (for tests and for extension).
     *
     * @param alerts every alert the sink receives: single-event alerts and correlation's escalations and orphans
     * @param lateForCorrelation scored events that reached correlation behind the watermark (also counted in the
     *     {@code correlationLateEvents} metric); null, like {@code scored}, for the seed-query profiles
     */
    public record Streams(DataStream<ScoredEvent> scored, DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters,
                          DataStream<ScoredEvent> lateForCorrelation) {}

    public static Streams build(StreamExecutionEnvironment env, DataStream<RawAuditRecord> input, Sinks sinks, JobConfig config) {
        return build(env, input, sinks, config, Clock.systemUTC());
    }

    /**
     * @param clock the wall clock, read only to bound event times of a live stream; tests pass a fixed one
     */
    public static Streams build(StreamExecutionEnvironment env, DataStream<RawAuditRecord> input, Sinks sinks, JobConfig config,
                                Clock clock) {
        if (config.seedProfile()) {
            return buildSeedProfile(input, sinks, config);
        }
        RuleSet rules = RuleSetLoader.load(config.rulesFile());

        SingleOutputStreamOperator<WorkloadEvent> decoded = input
                .process(new DecodeFunction(config.decoder()))
                .uid(UID_DECODE)
                .name("decode audit events");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DecodeFunction.DEAD_LETTERS);

        WatermarkStrategy<WorkloadEvent> watermarks = WatermarkStrategy
                .<WorkloadEvent>forBoundedOutOfOrderness(config.eventTime().maxOutOfOrderness())
                .withTimestampAssigner((e, previous) -> e.eventTime())
                .withIdleness(config.eventTime().idleness());
        // Event times are bounded before the watermark sees them (issue 16, rows 9 and 10; ingest/EventTimeGuard).
        SingleOutputStreamOperator<WorkloadEvent> bounded = decoded
                .process(new EventTimeGuard(config.eventTime(), clock))
                .uid(UID_EVENT_TIME_GUARD)
                .name("bound event times");
        deadLetters = deadLetters.union(bounded.getSideOutput(DecodeFunction.DEAD_LETTERS));
        SingleOutputStreamOperator<WorkloadEvent> timed = bounded
                .assignTimestampsAndWatermarks(watermarks)
                .uid(UID_EVENT_TIME)
                .name("event-time watermarks");

        SingleOutputStreamOperator<ScoredEvent> scored = timed
                .keyBy(new ActorNamespaceKey())
                .process(new ScoringFunction(rules, config.decoder(), config.scoring()))
                .uid(UID_SCORE)
                .name("score by (actor, namespace)");

        // Per-actor context (issue 10): context signals join the structural ones before anything alerts or
        // correlates, so a root lifted by context escalates too. See score/ContextStage.
        DataStream<ScoredEvent> contextual = ContextStage.apply(scored, rules, config.context());

        String profile = rules.profile();
        SingleOutputStreamOperator<Alert> alerts = contextual
                .filter(ScoredEvent::alertable)
                .uid("alertable")
                .name("alertable events")
                .map(new AlertDocumentFunction(profile))
                .uid(UID_ALERTS)
                .name("alert documents");

        // Correlation: spawns never alert on their own above; their chains escalate here (operators uid'd correlate-*).
        CorrelationStage.Result correlated = CorrelationStage.attach(contextual,
                config.correlation().forRules(rules.profile(), rules.alertThreshold()));
        // RBAC grants then workloads (issue 19 item 2): grants come off the decoder's side output, keyed by identity
        // with the workload writes; nothing else crosses this exchange (correlate/GrantSequenceStage).
        WatermarkStrategy<RbacGrant> grantWatermarks = WatermarkStrategy
                .<RbacGrant>forBoundedOutOfOrderness(config.eventTime().maxOutOfOrderness())
                .withTimestampAssigner((g, previous) -> g.eventTime())
                .withIdleness(config.eventTime().idleness());
        DataStream<Alert> sequences = GrantSequenceStage.attach(decoded.getSideOutput(DecodeFunction.RBAC_GRANTS), contextual,
                config.rbacSequences(), grantWatermarks, profile);
        // Repeats of one single-event finding fold into one alert (issue 10, score/AlertGroupingFunction);
        // correlation's alerts already carry their own count.
        DataStream<Alert> grouped = AlertGroupingFunction.apply(alerts, config.grouping());
        // A relevant write that could not be decoded is a finding of its own, never only a dead letter (issue 16).
        DataStream<Alert> undecodable = decoded.getSideOutput(DecodeFunction.UNDECODABLE)
                .union(bounded.getSideOutput(DecodeFunction.UNDECODABLE))
                .map(new UndecodableAlertFunction(profile, rules.version()))
                .uid(UID_UNDECODABLE_ALERTS)
                .name("undecodable alerts");
        // Every alert passes here once, whatever made it: the single place alert documents are redacted of secrets.
        DataStream<Alert> allAlerts = grouped.union(correlated.alerts(), undecodable, sequences)
                .map(Redaction::alert)
                .returns(Alert.class)
                .uid(UID_REDACT_ALERTS)
                .name("redact secrets from alerts");

        // Late streams go to the dead-letter sink with a WARN, never to nowhere (issue 16).
        DataStream<DeadLetter> late = correlated.late()
                .map(new LateEventDeadLetters())
                .uid(UID_LATE_DEAD_LETTERS)
                .name("late events to dead letters");
        // Every dead letter passes here once, whatever made it: the single place they are redacted of secrets.
        deadLetters = redactDeadLetters(deadLetters.union(late));

        attach(allAlerts.sinkTo(sinks.alerts()), UID_ALERT_SINK, "alerts sink", sinks.sinkParallelism());
        attach(deadLetters.sinkTo(sinks.deadLetters()), UID_DEAD_LETTER_SINK, "dead-letter sink", sinks.sinkParallelism());
        return new Streams(contextual, allAlerts, deadLetters, correlated.late());
    }

    /**
     * The {@code splunk}/{@code sumo} compatibility path: the published query applied to raw records, one
     * COMPAT alert per row. It has no state and no event time, like the query it reproduces.
     */
    private static Streams buildSeedProfile(DataStream<RawAuditRecord> input, Sinks sinks, JobConfig config) {
        SeedQueryProfile profile = SeedQueryProfile.load(config.rulesFile());
        SingleOutputStreamOperator<Alert> alerts = input
                .process(new SeedQueryFunction(profile, config.decoder().maxRecordBytes(), config.decoder().deadLetterPrefixBytes()))
                .uid(UID_SEED_QUERY)
                .name("seed query (" + profile.name() + ")");
        // The query's rows stay byte-for-byte the oracle's; its dead letters are redacted like the default path's.
        DataStream<DeadLetter> deadLetters = redactDeadLetters(alerts.getSideOutput(DecodeFunction.DEAD_LETTERS));
        attach(alerts.sinkTo(sinks.alerts()), UID_ALERT_SINK, "alerts sink", sinks.sinkParallelism());
        attach(deadLetters.sinkTo(sinks.deadLetters()), UID_DEAD_LETTER_SINK, "dead-letter sink", sinks.sinkParallelism());
        return new Streams(null, alerts, deadLetters, null);
    }

    /** The single place dead letters (raw input that could not be decoded) are redacted of secrets. */
    private static DataStream<DeadLetter> redactDeadLetters(DataStream<DeadLetter> deadLetters) {
        return deadLetters
                .map(Redaction::deadLetter)
                .returns(DeadLetter.class)
                .uid(UID_REDACT_DEAD_LETTERS)
                .name("redact secrets from dead letters");
    }

    private static void attach(DataStreamSink<?> sink, String uid, String name, int parallelism) {
        sink.uid(uid).name(name);
        if (parallelism > 0) {
            sink.setParallelism(parallelism);
        }
    }
}
