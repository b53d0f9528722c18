package dev.cronsentinel.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.RbacSequenceConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GrantSequenceFunction} in a keyed harness, keyed as {@code GrantSequenceStage} keys it. */
class GrantSequenceFunctionTest {
    static final RbacSequenceConfig CFG = RbacSequenceConfig.defaults();
    static final long WINDOW = CFG.window().toMillis();
    static final String SA = "system:serviceaccount:ops:ci-runner";

    private final List<KeyedTwoInputStreamOperatorTestHarness<String, KeyedGrant, WorkloadWrite, Alert>> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    static long t(String hhmmss) {
        return Instant.parse("2026-11-20T" + hhmmss + "Z").toEpochMilli();
    }

    static RbacGrant grant(String auditId, String time, String actor, String subjectKind, String subject, String role) {
        String ns = RbacGrant.SERVICE_ACCOUNT.equals(subjectKind) ? "ops" : null;
        return new RbacGrant(auditId, t(time), "create", "clusterrolebindings", null, "b-" + auditId, actor, "10.0.0.9",
                "kubectl/v1.30.2", subjectKind, subject, ns, "ClusterRole", role, "test:1");
    }

    static WorkloadWrite write(String key, String form, String auditId, String time, String actor) {
        return new WorkloadWrite(key, form, auditId, t(time), "create", "cronjobs", "ops", "nightly-" + auditId, actor,
                "kubectl/v1.30.2", "10.0.0.7", 201, SA, "v1");
    }

    KeyedTwoInputStreamOperatorTestHarness<String, KeyedGrant, WorkloadWrite, Alert> harness(RbacSequenceConfig cfg, boolean rocksDb,
            OperatorSubtaskState restore) throws Exception {
        return Harnesses.open(new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new GrantSequenceFunction(cfg, "default")), KeyedGrant::key, WorkloadWrite::key,
                Types.STRING), rocksDb, restore, opened);
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, KeyedGrant, WorkloadWrite, Alert> h, RbacGrant g) throws Exception {
        for (KeyedGrant k : KeyedGrant.of(g)) {
            h.processElement1(new StreamRecord<>(k, g.eventTime()));
        }
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, KeyedGrant, WorkloadWrite, Alert> h, WorkloadWrite w) throws Exception {
        h.processElement2(new StreamRecord<>(w, w.eventTime()));
    }

    static void watermark(KeyedTwoInputStreamOperatorTestHarness<String, KeyedGrant, WorkloadWrite, Alert> h, long t) throws Exception {
        h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(t));
    }

    @Test
    void aSelfGrantToClusterAdminThenACronJobThreeMinutesLaterIsOneSequenceWithBothRequests() throws Exception {
        var h = harness(CFG, false, null);
        send(h, grant("g1", "10:00:00", "mallory@example.com", RbacGrant.USER, "mallory@example.com", "cluster-admin"));
        send(h, write("mallory@example.com", WorkloadWrite.SAME_ACTOR, "w1", "10:03:00", "mallory@example.com"));

        assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.SEQUENCE);
            assertThat(a.alertId()).isEqualTo(AlertIds.of(AlertKind.SEQUENCE, "g1", "w1", GrantSequenceFunction.GRANTED_TO_WRITER,
                    "mallory@example.com", "v1"));
            assertThat(a.username()).isEqualTo("mallory@example.com");
            assertThat(a.auditId()).isEqualTo("w1");
            assertThat(a.severity()).isEqualTo(Severity.HIGH);
            assertThat(a.firstSeen()).isEqualTo(t("10:00:00"));
            assertThat(a.lastSeen()).isEqualTo(t("10:03:00"));
            assertThat(a.chain()).extracting(ChainLink::auditId).containsExactly("g1", "w1");
            assertThat(a.chain()).extracting(ChainLink::verb).containsExactly(ChainLink.GRANT, "create");
            assertThat(a.signals()).singleElement().extracting(Signal::rule).isEqualTo(GrantSequenceFunction.GRANTED_TO_WRITER);
            assertThat(a.signals().get(0).value()).contains("ClusterRole/cluster-admin", "180s before", "g1");
        });
    }

    @Test
    void aWorkloadDeliveredBeforeItsGrantStillMeetsItOnce() throws Exception {
        var h = harness(CFG, false, null);
        send(h, write("mallory@example.com", WorkloadWrite.SAME_ACTOR, "w1", "10:03:00", "mallory@example.com"));
        send(h, grant("g1", "10:00:00", "mallory@example.com", RbacGrant.USER, "mallory@example.com", "cluster-admin"));
        send(h, write("mallory@example.com", WorkloadWrite.SAME_ACTOR, "w0", "09:59:00", "mallory@example.com"));
        assertThat(h.extractOutputValues()).as("the write before the grant is no sequence")
                .extracting(Alert::auditId).containsExactly("w1");
    }

    @Test
    void aGrantToAServiceAccountThenAWorkloadUnderItByAnotherUserNamesBothActors() throws Exception {
        var h = harness(CFG, false, null);
        send(h, grant("g2", "10:00:00", "eve@example.com", RbacGrant.SERVICE_ACCOUNT, "ci-runner", "edit"));
        send(h, write("bob@example.com", WorkloadWrite.SAME_ACTOR, "w2", "10:05:00", "bob@example.com"));
        send(h, write(SA, WorkloadWrite.SERVICE_ACCOUNT, "w2", "10:05:00", "bob@example.com"));
        assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
            assertThat(a.username()).isEqualTo("bob@example.com");
            assertThat(a.signals().get(0).rule()).isEqualTo(GrantSequenceFunction.GRANTED_TO_SERVICE_ACCOUNT);
            assertThat(a.chain()).extracting(ChainLink::username).containsExactly("eve@example.com", "bob@example.com");
        });
    }

    @Test
    void theGrantorsOwnWorkloadAfterGrantingSomeoneElseIsElasticsForm() throws Exception {
        var h = harness(CFG, false, null);
        send(h, grant("g3", "10:00:00", "eve@example.com", RbacGrant.USER, "bob@example.com", "admin"));
        send(h, write("eve@example.com", WorkloadWrite.SAME_ACTOR, "w3", "10:04:00", "eve@example.com"));
        assertThat(h.extractOutputValues()).singleElement().satisfies(a ->
                assertThat(a.signals().get(0).rule()).isEqualTo(GrantSequenceFunction.GRANTED_BY_WRITER));
    }

    @Test
    void aWorkloadPastTheWindowIsNoSequenceAndStateDrainsToZeroByTimers() throws Exception {
        var h = harness(CFG, false, null);
        send(h, grant("g4", "10:00:00", "admin@example.com", RbacGrant.USER, "admin@example.com", "cluster-admin"));
        send(h, write("admin@example.com", WorkloadWrite.SAME_ACTOR, "w4", "12:00:00", "admin@example.com"));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isPositive();
        watermark(h, t("12:00:00") + WINDOW);
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }

    @Test
    void aGrantBehindTheWatermarkIsMatchedButNotKept() throws Exception {
        var h = harness(CFG, false, null);
        send(h, write("mallory@example.com", WorkloadWrite.SAME_ACTOR, "w5", "10:09:00", "mallory@example.com"));
        watermark(h, t("10:09:30"));
        send(h, grant("g5", "10:00:00", "mallory@example.com", RbacGrant.USER, "mallory@example.com", "cluster-admin"));
        assertThat(h.extractOutputValues()).extracting(Alert::auditId).containsExactly("w5");
        watermark(h, t("10:19:00"));
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }

    @Test
    void grantsPerSubjectAreBoundedAndTheNewestAreKept() throws Exception {
        RbacSequenceConfig small = new RbacSequenceConfig(Duration.ofMinutes(10), 2, 2, CFG.sensitiveRoles(), 80, Duration.ofDays(1));
        var h = harness(small, false, null);
        send(h, grant("g6", "10:00:00", "m", RbacGrant.USER, "m", "cluster-admin"));
        send(h, grant("g7", "10:01:00", "m", RbacGrant.USER, "m", "cluster-admin"));
        send(h, grant("g8", "10:02:00", "m", RbacGrant.USER, "m", "cluster-admin"));
        send(h, write("m", WorkloadWrite.SAME_ACTOR, "w6", "10:05:00", "m"));
        assertThat(h.extractOutputValues()).extracting(a -> a.chain().get(0).auditId()).containsExactlyInAnyOrder("g7", "g8");
    }

    @ParameterizedTest(name = "rocksDb={0}")
    @ValueSource(booleans = {false, true})
    void aGrantSurvivesSnapshotAndRestoreAndMeetsTheWorkloadAfterIt(boolean rocksDb) throws Exception {
        var h = harness(CFG, rocksDb, null);
        send(h, grant("g9", "10:00:00", "eve@example.com", RbacGrant.SERVICE_ACCOUNT, "ci-runner", "cluster-admin"));
        OperatorSubtaskState snapshot = h.snapshot(1L, t("10:00:01"));
        var restored = harness(CFG, rocksDb, snapshot);
        send(restored, write(SA, WorkloadWrite.SERVICE_ACCOUNT, "w9", "10:08:00", "bob@example.com"));
        assertThat(restored.extractOutputValues()).singleElement().satisfies(a ->
                assertThat(a.chain()).extracting(ChainLink::auditId).containsExactly("g9", "w9"));
        watermark(restored, t("10:18:00"));
        // The harness counts keyed state entries on the heap backend only; timers on both.
        Harnesses.assertDrained(rocksDb ? 0 : restored.numKeyedStateEntries(), restored.numEventTimeTimers());
    }

    @Test
    void stateRecordsAreSerializedAsPojosAndAreSmall() throws IOException {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RbacGrant.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(WorkloadWrite.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(KeyedGrant.class);
        RbacGrant g = new RbacGrant("9f2c6a1e-4b7d-4e0a-9c3b-2d8f1e6a7b5c", t("10:00:00"), "create", "clusterrolebindings", null,
                "ci-runner-admin", "eve@example.com", "10.20.30.40", "kubectl/v1.30.2 (linux/amd64) kubernetes/3f7b4c1", "ServiceAccount",
                "ci-runner", "ops", "ClusterRole", "cluster-admin", "/var/log/kubernetes/audit/audit.log:123456");
        WorkloadWrite w = new WorkloadWrite(SA, WorkloadWrite.SERVICE_ACCOUNT, "1b3d5f7a-9c2e-4a6b-8d0f-1e3a5c7b9d2f", t("10:05:00"),
                "create", "cronjobs", "ops", "nightly-backup", "bob@example.com", "kubectl/v1.30.2 (linux/amd64) kubernetes/3f7b4c1",
                "10.20.30.41", 201, SA, "2026.11.1");
        int grantBytes = bytes(RbacGrant.class, g);
        int writeBytes = bytes(WorkloadWrite.class, w);
        System.out.printf("rbac-sensitive-grants: %d bytes per grant; rbac-workload-writes: %d bytes per write%n", grantBytes, writeBytes);
        assertThat(grantBytes).isLessThan(512);
        assertThat(writeBytes).isLessThan(512);
    }

    /** The serialized value plus the 8-byte TTL timestamp, as ContextStateSizeTest counts it. */
    static <T> int bytes(Class<T> type, T value) throws IOException {
        TypeSerializer<T> s = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        s.serialize(value, out);
        return out.length() + 8;
    }
}
