package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.testing.AuditEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Absorbing, bounding and pruning a profile: pure, order-independent, every entry with an exit. */
class ActorProfilesTest {
    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final long DAY = Duration.ofDays(1).toMillis();
    static final ContextConfig CFG = ContextConfig.defaults();

    private static ActorProfiles.Observation obs(int day, String kind, String image, String ua, String ip) {
        AuditEvents b = kind.equals("cronjobs") ? AuditEvents.cronJob("ns", "x") : kind.equals("jobs") ? AuditEvents.job("ns", "x") : AuditEvents.pod("ns", "x");
        return ActorProfiles.observationOf(b.id("id-" + day + image).at(T0.plusMillis(day * DAY)).images(image).agent(ua).from(ip).decoded());
    }

    @Test
    void anObservationNormalisesWhatItSees() {
        ActorProfiles.Observation o = ActorProfiles.observationOf(AuditEvents.cronJob("ns", "x").id("a").at(T0)
                .images("Alpine:3.19", "docker.io/library/alpine@sha256:abcd", "ghcr.io/acme/tool:1").agent("python-requests/2.31.0")
                .from("198.51.100.23").decoded());
        assertThat(o.kind()).isEqualTo("cronjobs");
        assertThat(o.images()).extracting(ActorProfiles.ImageUse::repository).containsExactly("docker.io/alpine", "ghcr.io/acme/tool");
        assertThat(o.images().get(0).path()).isEqualTo("requestObject.spec.jobTemplate.spec.template.spec.containers[0].image");
        assertThat(o.client()).isEqualTo("python-requests");
        assertThat(o.network()).isEqualTo("198.51.100.0/24");
        assertThat(o.time()).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void absorbingIsIndependentOfOrderEvenWhenTheBoundEvicts() {
        ContextConfig small = new ContextConfig(CFG.lookback(), CFG.learningPeriod(), 3, 2, 2, CFG.scriptedClients(),
                CFG.weights(), CFG.spreadWindow(), CFG.spreadNamespaces(), CFG.spreadMaxNamespaces(), CFG.orderingHold());
        List<ActorProfiles.Observation> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(obs(i % 7, i % 3 == 0 ? "cronjobs" : "pods", "registry.example.com/img" + (i % 5), "client" + (i % 4) + "/1.0", "10.0." + (i % 3) + ".1"));
        }
        ActorProfile reference = fold(all, small);
        assertThat(reference.imageRepositories()).hasSize(3);
        assertThat(reference.clients()).hasSize(2);
        assertThat(reference.networks()).hasSize(2);
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<ActorProfiles.Observation> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, r);
            assertThat(fold(shuffled, small)).isEqualTo(reference);
        }
        assertThat(reference.firstSeen()).isEqualTo(T0.toEpochMilli());
        assertThat(reference.lastSeen()).isEqualTo(T0.toEpochMilli() + 6 * DAY);
    }

    private static ActorProfile fold(List<ActorProfiles.Observation> obs, ContextConfig cfg) {
        ActorProfile p = null;
        for (ActorProfiles.Observation o : obs) {
            p = ActorProfiles.absorb(p, o, cfg);
        }
        return p;
    }

    @Test
    void aFullSetEvictsTheLeastRecentlySeenEntry() {
        List<ActorProfiles.Observation> obs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            obs.add(obs(i, "pods", "registry.example.com/img" + i, "kubectl/1", "10.0.0.1"));
        }
        ActorProfile p = fold(obs, CFG);
        assertThat(p.imageRepositories()).hasSize(32);
        assertThat(p.imageRepositories()).doesNotContainKeys("registry.example.com/img0", "registry.example.com/img7")
                .containsKeys("registry.example.com/img8", "registry.example.com/img39");
        // An old observation arriving late does not push out anything more recent.
        ActorProfile late = ActorProfiles.absorb(p, obs(-1, "pods", "registry.example.com/ancient", "kubectl/1", "10.0.0.1"), CFG);
        assertThat(late.imageRepositories()).isEqualTo(p.imageRepositories());
    }

    @Test
    void pruningRemovesEntriesOneLookbackAfterTheyWereLastSeenAndEmptiesTheProfile() {
        long lookback = CFG.lookback().toMillis();
        ActorProfile p = ActorProfiles.absorb(null, obs(0, "pods", "registry.example.com/old", "kubectl/1", "10.0.0.1"), CFG);
        p = ActorProfiles.absorb(p, obs(5, "cronjobs", "registry.example.com/new", "kubectl/1", "10.0.0.1"), CFG);
        assertThat(ActorProfiles.nextExpiry(p, lookback)).isEqualTo(T0.toEpochMilli() + lookback);

        ActorProfile justBefore = ActorProfiles.prune(p, T0.toEpochMilli() + lookback - 1, lookback);
        assertThat(justBefore.imageRepositories()).containsKey("registry.example.com/old");
        ActorProfile after = ActorProfiles.prune(p, T0.toEpochMilli() + lookback, lookback);
        assertThat(after.imageRepositories()).containsOnlyKeys("registry.example.com/new");
        assertThat(after.kinds()).containsOnlyKeys("cronjobs");
        assertThat(ActorProfiles.nextExpiry(after, lookback)).isEqualTo(T0.toEpochMilli() + 5 * DAY + lookback);
        assertThat(ActorProfiles.prune(p, T0.toEpochMilli() + 5 * DAY + lookback, lookback)).isNull();
    }
}
