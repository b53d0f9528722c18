package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.THRESHOLD;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.pod;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChainAggregateTest {
    private static final LinkKeys KEYS = new LinkKeys(config().maxWindow().toMillis());
    private final RootContext root = RootContext.of(cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build());

    @Test
    void theFinalAlertDoesNotDependOnArrivalOrder() {
        List<ChainFinding> findings = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long at = t("09:05:00") + i * 60_000L;
            findings.add(ChainFinding.escalation(root, null,
                    List.of(new ChainLink("jobs", "j" + i, "ju" + i, at), new ChainLink("pods", "p" + i, "pu" + i, at + 300)), at + 600_000));
        }
        Alert inOrder = fold(findings, 20).toAlert("default");
        Random random = new Random(3);
        for (int round = 0; round < 5; round++) {
            List<ChainFinding> shuffled = new ArrayList<>(findings);
            Collections.shuffle(shuffled, random);
            assertThat(fold(shuffled, 20).toAlert("default")).isEqualTo(inOrder);
        }
        assertThat(inOrder.count()).isEqualTo(80);
        assertThat(inOrder.chain()).hasSize(20).first().extracting(ChainLink::name).isEqualTo("j0");
        assertThat(inOrder.timeToFirstSpawnMillis()).isEqualTo(t("09:05:00") - t("09:02:13"));
        assertThat(inOrder.lastSeen()).isEqualTo(t("09:05:00") + 39 * 60_000L + 300);
    }

    @Test
    void theSameSpawnReportedTwiceCountsOnce() {
        ChainLink pod = new ChainLink("pods", "p", "pu", t("09:05:01"));
        ChainAggregate agg = fold(List.of(ChainFinding.escalation(root, null, List.of(pod), 0),
                ChainFinding.escalation(root, null, List.of(pod), 0)), 20);
        assertThat(agg.pods()).isEqualTo(1);
        assertThat(agg.chain()).hasSize(1);
    }

    @Test
    void anUnscoredRootEscalatesOnItsStrongestSpawnsSignals() {
        RootContext hidden = RootContext.of(cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).bodiless().build());
        assertThat(hidden.status()).isEqualTo(RootStatus.UNSCORED);
        Spawn weak = Spawn.of(pod("log-rotate-1", "j", "aaaaa").at(t("09:05:01")).score(THRESHOLD).build(), KEYS, THRESHOLD);
        Spawn strong = Spawn.of(pod("log-rotate-1", "j", "bbbbb").at(t("09:05:02")).score(90).build(), KEYS, THRESHOLD);
        Alert a = fold(List.of(ChainFinding.escalation(hidden, weak, List.of(weak.link()), 0),
                ChainFinding.escalation(hidden, strong, List.of(strong.link()), 0)), 20).toAlert("default");

        assertThat(a.kind()).isEqualTo(AlertKind.ESCALATION);
        assertThat(a.username()).isEqualTo(ChainEvents.HUMAN);
        assertThat(a.score()).isEqualTo(90);
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.auditId()).isEqualTo(hidden.auditId());
    }

    @Test
    void escalationSeverityIsOneStepAboveTheRoots() {
        RootContext medium = RootContext.of(cronJob("x").at(t("09:00:00")).score(45).build());
        assertThat(medium.severity()).isEqualTo(Severity.MEDIUM);
        Alert a = fold(List.of(ChainFinding.escalation(medium, null, List.of(new ChainLink("pods", "p", "u", t("09:05:00"))), 0)), 20)
                .toAlert("default");
        assertThat(a.severity()).isEqualTo(Severity.HIGH);
    }

    private static ChainAggregate fold(List<ChainFinding> findings, int maxLinks) {
        ChainAggregate agg = null;
        for (ChainFinding f : findings) {
            agg = agg == null ? ChainAggregate.start(f, maxLinks) : agg.fold(f, maxLinks);
        }
        return agg;
    }
}
