package dev.cronsentinel.correlate;

import dev.cronsentinel.config.RbacSequenceConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.ScoredEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * The RBAC sequence stage (issue 19 item 2): sensitive grants and workload writes meet in
 * {@link GrantSequenceFunction}, keyed by identity.
 *
 * <pre>
 *  decode ─ RBAC_GRANTS side output ─► sensitive roles only ─► watermarks ─► under subject (+ grantor) ─┐
 *                                                                                                      ├─► keyBy(identity) ─► GrantSequenceFunction ─► alerts (sequence)
 *  context ─ scored ─► CronJob/Job/Pod writes by non-controllers ─► under actor (+ service accounts) ───┘
 * </pre>
 *
 * Only grants of sensitive roles and workload writes by non-controllers cross the new exchange: the irrelevant
 * majority was dropped by the byte pre-filter before a tree was built, and controllers' spawns and the attempts,
 * deletes and housekeeping of the workload path are filtered out before the keyBy.
 */
public final class GrantSequenceStage {
    public static final String UID_SENSITIVE_GRANTS = "rbac-sensitive-grants";
    public static final String UID_GRANT_TIMES = "rbac-grant-event-time";
    public static final String UID_KEY_GRANTS = "rbac-key-grants";
    public static final String UID_WORKLOAD_WRITES = "rbac-workload-writes";
    public static final String UID_SEQUENCES = "rbac-grant-sequences";

    private GrantSequenceStage() {}

    /**
     * @param grants every grant the decoder read (its side output {@code DecodeFunction.RBAC_GRANTS})
     * @param scored the scored workload stream, with event-time timestamps and watermarks
     * @param watermarks the job's watermark strategy, applied to the grants (they come straight from the decoder)
     */
    public static DataStream<Alert> attach(DataStream<RbacGrant> grants, DataStream<ScoredEvent> scored, RbacSequenceConfig cfg,
                                           WatermarkStrategy<RbacGrant> watermarks, String profile) {
        DataStream<KeyedGrant> keyedGrants = grants
                .filter(g -> cfg.sensitive(g.roleRefName()))
                .uid(UID_SENSITIVE_GRANTS)
                .name("sequences: sensitive RBAC grants")
                .assignTimestampsAndWatermarks(watermarks)
                .uid(UID_GRANT_TIMES)
                .name("sequences: grant event time")
                .flatMap((RbacGrant g, Collector<KeyedGrant> out) -> KeyedGrant.of(g).forEach(out::collect))
                .returns(TypeInformation.of(KeyedGrant.class))
                .uid(UID_KEY_GRANTS)
                .name("sequences: grants under subject and grantor");
        DataStream<WorkloadWrite> writes = scored
                .filter(WorkloadWrite::relevant)
                .uid(UID_WORKLOAD_WRITES + "-filter")
                .name("sequences: workload writes by non-controllers")
                .flatMap((ScoredEvent s, Collector<WorkloadWrite> out) -> WorkloadWrite.of(s).forEach(out::collect))
                .returns(TypeInformation.of(WorkloadWrite.class))
                .uid(UID_WORKLOAD_WRITES)
                .name("sequences: writes under actor and service accounts");
        return keyedGrants.keyBy(KeyedGrant::key, Types.STRING)
                .connect(writes.keyBy(WorkloadWrite::key, Types.STRING))
                .process(new GrantSequenceFunction(cfg, profile))
                .returns(TypeInformation.of(Alert.class))
                .uid(UID_SEQUENCES)
                .name("sequences: sensitive grant then workload by identity");
    }
}
