package dev.cronsentinel.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.alert.AlertGroupingFunction;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.fixtures.AttackChainFixture;
import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;
import dev.cronsentinel.score.Scorer;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the attack-chain fixture ({@code fixtures/chains/attack-chains.expected.json}) says a correct job raises,
 * turned into the alert ids the job derives. A single-event alert reaches the sinks under its group's id
 * ({@link AlertGroupingFunction#groupIdOf}: actor, namespace, structural evidence, grouping period and rule
 * version), so the expected id is computed from the fixture's event through the decoder, the scorer and the
 * alert factory; every such alert of this fixture is a group of its own. Alerts of kinds whose ids another
 * stage derives (escalation, orphan) are listed by what identifies them instead.
 */
final class AttackChainExpectations {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Required alert ids (workload, and attempts the fixture requires), each with its chain's namespace. */
    final Map<String, String> workloadIds = new LinkedHashMap<>();
    /** The audit ID each required or optional alert id derives from. */
    final Map<String, String> auditIds = new LinkedHashMap<>();
    /** Attempt ids the fixture allows but does not require. */
    final List<String> optionalIds = new ArrayList<>();
    /** Expected escalations and orphans: (kind, namespace/name) to count. */
    final Map<String, Long> correlatedCounts = new LinkedHashMap<>();

    static Path fixture() {
        return TestData.resource(AttackChainFixture.FIXTURE);
    }

    static AttackChainExpectations load(JobConfig config) {
        RuleSet rules = RuleSetLoader.load(config.rulesFile());
        Scorer scorer = new Scorer(rules);
        EventClassifier classifier = new EventClassifier(config.decoder());
        AttackChainExpectations out = new AttackChainExpectations();
        try {
            JsonNode root = MAPPER.readTree(TestData.resource(AttackChainFixture.EXPECTED).toFile());
            for (JsonNode chain : root.path("chains")) {
                String ns = chain.path("namespace").asText();
                for (JsonNode a : chain.path("expectedAlerts")) {
                    String kind = a.path("kind").asText();
                    switch (kind) {
                        case "workload":
                            String w = idOf(AlertKind.WORKLOAD, a.path("auditID").asText(), config, scorer, classifier);
                            out.workloadIds.put(w, ns);
                            out.auditIds.put(w, a.path("auditID").asText());
                            break;
                        case "attempt":
                            String id = idOf(AlertKind.ATTEMPT, a.path("auditID").asText(), config, scorer, classifier);
                            out.auditIds.put(id, a.path("auditID").asText());
                            if (a.path("optional").asBoolean(false)) {
                                out.optionalIds.add(id);
                            } else {
                                out.workloadIds.put(id, ns);
                            }
                            break;
                        case "escalation":
                            out.correlatedCounts.put("escalation " + ns + "/" + a.path("rootName").asText(), a.path("count").asLong());
                            break;
                        default:
                            out.correlatedCounts.put(kind + " " + ns + "/" + a.path("name").asText(), a.path("count").asLong());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The id the job gives the single-event alert of this audit ID's ResponseComplete event. */
    private static String idOf(AlertKind kind, String auditId, JobConfig config, Scorer scorer, EventClassifier classifier) {
        byte[] line = TestData.lines(fixture()).get((int) lineOf(auditId) - 1);
        WorkloadEvent e = TestData.decode(config.decoder(), line).events.get(0);
        ScoredEvent s = scorer.score(e, classifier.classify(e));
        Alert alert = AlertFactory.fromScored(s, scorer.rules().profile());
        if (alert.kind() != kind) {
            throw new IllegalStateException(auditId + " scores as " + alert.kind() + ", the fixture expects " + kind);
        }
        return AlertGroupingFunction.groupIdOf(alert, config.grouping().period());
    }

    /** The fixture's lines as a source would hand them over. */
    static List<RawAuditRecord> records() {
        List<RawAuditRecord> out = new ArrayList<>();
        long position = 1;
        for (byte[] line : TestData.lines(fixture())) {
            out.add(new RawAuditRecord(AttackChainFixture.FIXTURE, position++, line));
        }
        return out;
    }

    /** The fixture line (1-based) of the ResponseComplete event of an audit ID, to tell which half it is in. */
    static long lineOf(String auditId) {
        long n = 1;
        for (byte[] line : TestData.lines(fixture())) {
            try {
                JsonNode e = MAPPER.readTree(line);
                if (auditId.equals(e.path("auditID").asText()) && "ResponseComplete".equals(e.path("stage").asText())) {
                    return n;
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            n++;
        }
        throw new IllegalArgumentException("audit ID not in the fixture: " + auditId);
    }
}
