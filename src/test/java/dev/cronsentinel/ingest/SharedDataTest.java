package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every real captured file in {@code ../shared/data} is decoded or dead-lettered, never lost, never a crash. */
class SharedDataTest {

    static List<Path> allDataFiles() throws IOException {
        try (Stream<Path> s = Files.walk(TestData.shared().resolve("data"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyLineOfEveryFileIsAccountedFor() throws IOException {
        List<Path> files = allDataFiles();
        assertThat(files).hasSizeGreaterThan(50);
        for (Path f : files) {
            List<byte[]> lines = TestData.lines(f);
            TestData.Decoded d = TestData.decodeFile(f);
            // Each line ends as at least one event, dead letter or filtered verdict (an EventList as several).
            assertThat(d.total()).as(f.toString()).isGreaterThanOrEqualTo(lines.size());
            for (DeadLetter dl : d.deadLetters) {
                assertThat(dl.reason()).as(f + " " + dl.detail()).isNotBlank();
                assertThat(dl.payload()).isNotNull();
            }
        }
    }

    @Test
    void theMalformedFalcoCaseIsDeadLettered() {
        TestData.Decoded d = TestData.decodeFile(TestData.shared().resolve("data/falco-k8s-audit/fal_01_003.json"));
        assertThat(d.deadLetters).singleElement().satisfies(dl -> assertThat(dl.reason()).isEqualTo("not-an-audit-event"));
    }

    @Test
    void yamlManifestsAreNotEventsAndAreDeadLettered() {
        TestData.Decoded d = TestData.decodeFile(TestData.shared().resolve("data/atomic-red-team/cronjob.yaml"));
        assertThat(d.events).isEmpty();
        assertThat(d.deadLetters).isNotEmpty().allSatisfy(dl -> assertThat(dl.reason()).isEqualTo("malformed-json"));
    }

    /**
     * The real captures only. {@code peer-suites/} holds another project's hand-written rule-test stubs (most
     * without timestamps or stage, see its PROVENANCE.md), scored by their own evaluator; they are accounted for
     * above like every file, but a stub that cannot be placed in time is rightly a dead letter.
     */
    @Test
    void realCapturesDecodeWithoutDeadLetters() throws IOException {
        Path peerSuites = TestData.shared().resolve("data").resolve("peer-suites");
        for (Path f : allDataFiles()) {
            String name = f.getFileName().toString();
            if (name.equals("fal_01_003.json") || name.endsWith(".yaml") || f.getParent().getFileName().toString().equals("parity")
                    || f.startsWith(peerSuites)) {
                continue;
            }
            assertThat(TestData.decodeFile(f).deadLetters).as(f.toString()).isEmpty();
        }
    }

    @Test
    void theRefusedEksJobCreateIsAnAttempt() {
        TestData.Decoded d = TestData.decodeFile(TestData.shared().resolve("data/splunk-security-content/kubernetes_audit.example_log.json"));
        WorkloadEvent e = d.events.get(0);
        assertThat(e.resource()).isEqualTo("jobs");
        assertThat(e.refused()).isTrue();
        ScoredEvent s = TestData.defaultScorer().score(e, TestData.classifier().classify(e));
        assertThat(s.role()).isEqualTo(EventRole.ATTEMPT);
        assertThat(s.alertable()).as("a refused Job create with its spec unknown is reported").isTrue();
    }

    /** The Falco pod captures behave as their names say (they are ReplicaSet pods, so scored directly). */
    @Test
    void falcoPodVariantsFireExactlyTheirSignal() {
        assertSignal("create_nginx_pod_privileged.json", "privileged-container", true);
        assertSignal("create_nginx_pod_privileged_2nd_container.json", "privileged-container", true);
        assertSignal("create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json", "privileged-container", true);
        assertSignal("create_nginx_pod_unprivileged.json", "privileged-container", false);
        assertSignal("create_nginx_pod_hostnetwork.json", "host-network", true);
        assertSignal("create_nginx_pod_nohostnetwork.json", "host-network", false);
        assertSignal("create_nginx_pod_sensitive_mount.json", "sensitive-mount", true);
        assertSignal("create_nginx_pod_sensitive_mount_2nd_container.json", "sensitive-mount", true);
        assertSignal("create_nginx_pod_unsensitive_mount.json", "sensitive-mount", false);
    }

    private static void assertSignal(String file, String signal, boolean fires) {
        Path f = TestData.shared().resolve("data/falco-k8s-audit/" + file);
        TestData.Decoded d = TestData.decodeFile(f);
        // The pipeline drops ReplicaSet pods as out of scope; decode them as a human's pods to score the spec.
        List<WorkloadEvent> pods = d.events;
        if (pods.isEmpty()) {
            pods = TestData.lines(f).stream()
                    .map(l -> new String(l, java.nio.charset.StandardCharsets.UTF_8).replace("system:serviceaccount:kube-system:replicaset-controller", "tester"))
                    .map(TestData::decode)
                    .flatMap(x -> x.events.stream())
                    .collect(Collectors.toList());
        }
        if (fires) {
            assertThat(pods).as(file).isNotEmpty();
        }
        // (create_nginx_pod_unsensitive_mount.json holds only a kubelet "get" of the pod: nothing to score.)
        List<String> ids = pods.stream()
                .flatMap(e -> TestData.defaultScorer().score(e, EventRole.WORKLOAD).signals().stream())
                .map(Signal::id)
                .collect(Collectors.toList());
        if (fires) {
            assertThat(ids).as(file).contains(signal);
        } else {
            assertThat(ids).as(file).doesNotContain(signal);
        }
    }
}
