package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.Scorer;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.DeadLetterJson;
import dev.cronsentinel.testing.HostileInputs.Bomb;
import dev.cronsentinel.testing.HostileInputs.Hostile;
import dev.cronsentinel.testing.HostileInputs.Seed;
import dev.cronsentinel.testing.HostileInputs.Shape;
import dev.cronsentinel.testing.HostileInputs.Value;
import dev.cronsentinel.testing.HostileInputs;
import dev.cronsentinel.testing.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the decoder and the scorer with mutations of real audit events (jqwik). Seeds are every line of
 * {@code ../shared/data}, the test fixtures and the sample log. Mutations: typed node replacements (an
 * {@code objectRef} that is a string, a {@code command} that is a number, ...), removed fields, duplicate
 * keys, deep nesting, huge strings and numbers, wide arrays and objects, amplification bombs, random byte
 * flips, truncations, dropped ranges, inserted invalid UTF-8 and JSON punctuation, top-level arrays, glued
 * documents, BOMs, blank records, and all of these inside {@code EventList} batches and AKS envelopes. The managed
 * clusters' envelopes of {@code fixtures/envelopes} (GKE entries, AKS batches, EKS deliveries plain and base64
 * gzip) are seeds like any other line.
 *
 * <p>The property, for every input: nothing is thrown by {@link AuditDecoder#decode} nor by
 * {@link Scorer#score}, {@link AlertFactory} or the JSON writers on what it decoded; the record ends as at
 * least one event, dead letter or filtered verdict (one per item for a batch of well-formed items); every dead
 * letter has a documented reason other than the parser-bug safety net {@code decoder-error}, a detail, a
 * payload of at most {@code ingest.dead-letter-prefix-bytes} (for a dead letter of the whole record, exactly
 * its first bytes), and the true length. Coverage checks make sure the generator reaches every outcome, so a generator that
 * only produced garbage would fail.
 *
 * <p>The number of tries per property is jqwik's {@code jqwik.tries.default} (see
 * {@code src/test/resources/junit-platform.properties}); a longer campaign raises it, e.g.
 * {@code mvn -o test -Dtest=HostileInputFuzzTest -Djqwik.tries.default=1000000 -Djqwik.reporting.onlyfailures=false}.
 */
class HostileInputFuzzTest {
    /** Every reason the decoder may give, as documented in docs/DETECTION.md ("Hostile input"). */
    static final Set<String> REASONS = Set.of(
            "empty-record", "oversized", "malformed-json", "duplicate-key", "limit-exceeded", "not-an-object",
            "not-an-audit-event", "nested-event-list", "nested-envelope", "unknown-format", "malformed-compression",
            "wrong-type", "missing-field", "missing-timestamp", "bad-timestamp", "decoder-error");

    private static final List<Seed> SEEDS = HostileInputs.loadSeeds();
    private static final List<Seed> RELEVANT = new ArrayList<>();
    private static final List<Seed> OTHER = new ArrayList<>();

    static {
        for (Seed s : SEEDS) {
            (TestData.decode(DecoderConfig.defaults(), s.raw()).events.isEmpty() ? OTHER : RELEVANT).add(s);
        }
    }

    private final DecoderConfig config = DecoderConfig.defaults();
    private final AuditDecoder decoder = new AuditDecoder(config);
    private final EventClassifier classifier = new EventClassifier(config);
    private final Scorer scorer = TestData.defaultScorer();

    /** The managed clusters' envelopes (fixtures/envelopes) are seeds, relevant ones among them. */
    @Example
    void theSeedsIncludeEveryManagedClustersEnvelope() {
        for (String file : List.of("gke.jsonl", "aks.jsonl", "eks.jsonl")) {
            assertThat(RELEVANT).as(file).anyMatch(s -> s.name().startsWith(file + ":"));
        }
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void aMutatedRecordIsDecodedOrDeadLetteredNeverThrown(@ForAll("records") Hostile input) {
        String outcome = check(input);
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("event").percentage(p -> p > 5);
            c.check("filtered").percentage(p -> p > 1);
            for (String reason : List.of("malformed-json", "wrong-type", "duplicate-key", "limit-exceeded",
                    "empty-record", "missing-field", "bad-timestamp", "oversized")) {
                c.check(reason).count(n -> n > 0);
            }
        });
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void batchesAndEnvelopesAreAccountedForItemByItem(@ForAll("batches") Hostile input) {
        String outcome = check(input);
        Statistics.label("outcome").collect(outcome);
        Statistics.label("items owed").collect(input.minOutcomes() > 1 ? "one per item" : "one");
        Statistics.label("items owed").coverage(c -> c.check("one per item").percentage(p -> p > 10));
        Statistics.label("outcome").coverage(c -> {
            c.check("event").percentage(p -> p > 5);
            c.check("nested-event-list").count(n -> n > 0);
            c.check("not-an-object").count(n -> n > 0);
        });
    }

    /**
     * Issue 16: a record the byte pre-filter classifies as a relevant workload write ends as an event (which
     * is scored, and alerts when it should) or, when anything later fails, as an undecodable finding, which
     * becomes an alert: never only as a dead letter (an RBAC binding write, issue 19, ends as its grants instead of
     * an event). Every undecodable finding writes as an alert.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void aRelevantEventEndsAsAnEventOrAnUndecodableFindingNeverOnlyAsADeadLetter(@ForAll("records") Hostile input) {
        byte[] bytes = input.bytes();
        boolean relevant = new AuditPreFilter(AuditDecoder.MAX_TOKEN_DEPTH).classify(bytes) == AuditPreFilter.Verdict.RELEVANT;
        TestData.Decoded d = new TestData.Decoded();
        decoder.decode(new RawAuditRecord("fuzz", 1, bytes), d);
        String outcome = !relevant ? "not relevant" : !d.events.isEmpty() ? "event" : !d.grants.isEmpty() ? "grant"
                : !d.undecodable.isEmpty() ? "undecodable" : "filtered";
        Statistics.label("relevant outcome").collect(outcome);
        Statistics.label("relevant outcome").coverage(c -> {
            c.check("event").percentage(p -> p > 5);
            c.check("undecodable").count(n -> n > 0);
        });
        if (relevant && !d.deadLetters.isEmpty()) {
            assertThat(d.undecodable).as("undecodable findings of %s (dead letters %s)", input, d.deadLetters).isNotEmpty();
        }
        if (relevant) {
            assertThat(d.events.size() + d.grants.size() + d.undecodable.size() + d.filtered.size()).as("outcomes of %s", input).isPositive();
        }
        for (dev.cronsentinel.model.UndecodableEvent u : d.undecodable) {
            Alert a = AlertFactory.fromUndecodable(u, "default", "v");
            assertThat(AlertJson.toJson(a)).contains(a.alertId()).contains("undecodable");
        }
    }

    /** Runs the input through decoder, scorer and writers; returns a label of its main outcome. */
    private String check(Hostile input) {
        byte[] bytes = input.bytes();
        TestData.Decoded d = new TestData.Decoded();
        decoder.decode(new RawAuditRecord("fuzz", 1, bytes), d);

        assertThat(d.total()).as("outcomes of %s", input).isGreaterThanOrEqualTo(input.minOutcomes());
        for (DeadLetter dl : d.deadLetters) {
            assertThat(dl.reason()).as("reason of %s", input).isIn(REASONS)
                    // decoder-error is the safety net for a parser bug: reaching it is a finding.
                    .isNotEqualTo("decoder-error");
            assertThat(dl.detail()).as("detail of %s", input).isNotBlank().hasSizeLessThan(1024);
            assertThat(dl.payload()).as("payload of %s", input).isNotNull();
            assertThat(dl.payload().length).as("payload bound of %s", input)
                    .isLessThanOrEqualTo(config.deadLetterPrefixBytes())
                    .isLessThanOrEqualTo(dl.payloadLength());
            if (dl.payloadLength() == bytes.length) {
                // A dead letter for the whole record keeps exactly its first bytes.
                assertThat(dl.payload()).as("payload of %s", input).isEqualTo(Arrays.copyOf(bytes, dl.payload().length));
            }
            assertThat(DeadLetterJson.toJson(dl)).contains(dl.reason());
        }
        for (WorkloadEvent e : d.events) {
            EventRole role = classifier.classify(e);
            assertThat(role).as("role of an event the decoder kept, %s", input).isNotNull();
            ScoredEvent s = scorer.score(e, role);
            assertThat(s.score()).isNotNegative();
            for (Signal sig : s.signals()) {
                assertThat(sig.value() == null ? 0 : sig.value().length()).as("evidence bound").isLessThan(300);
            }
            if (s.alertable()) {
                Alert a = AlertFactory.fromScored(s, "default");
                assertThat(AlertJson.toJson(a)).contains(a.alertId());
            }
        }
        if (!d.events.isEmpty()) {
            return "event";
        }
        return d.deadLetters.isEmpty() ? "filtered" : d.deadLetters.get(0).reason();
    }

    // ------------------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Hostile> records() {
        return mutants(true);
    }

    /**
     * A seed, changed structurally or not, then changed byte by byte or not. Single records get byte changes
     * half of the time; batch items (big = false) seldom, so that most batches stay splittable and the
     * property can demand one outcome per item.
     */
    private static Arbitrary<Hostile> mutants(boolean big) {
        Arbitrary<List<UnaryOperator<Hostile>>> steps = Arbitraries.frequencyOf(
                Tuple.of(big ? 10 : 40, Arbitraries.just(List.of())),
                Tuple.of(7, byteSteps().list().ofSize(1)),
                Tuple.of(3, byteSteps().list().ofSize(2)));
        return Combinators.combine(structural(big), steps)
                .as((h, list) -> {
                    for (UnaryOperator<Hostile> step : list) {
                        h = step.apply(h);
                    }
                    return h;
                });
    }

    @Provide
    Arbitrary<Hostile> batches() {
        // Items stay small here: huge values and bombs are the other property's business, batches test the splitting.
        Arbitrary<Hostile> item = mutants(false);
        Arbitrary<Hostile> list = Combinators.combine(item.list().ofMaxSize(5), Arbitraries.of(true, true, true, false))
                .as((items, kindFirst) -> new Hostile("EventList of " + items.size() + (kindFirst ? "" : " (kind last)") + " " + items,
                        HostileInputs.eventList(items.stream().map(Hostile::bytes).toList(), kindFirst),
                        owed(items.stream().map(Hostile::bytes).toList())));
        Arbitrary<Hostile> nested = Combinators.combine(item, item)
                .as((a, b) -> {
                    byte[] inner = HostileInputs.eventList(List.of(b.bytes()), true);
                    return new Hostile("EventList with an EventList item [" + a + ", [" + b + "]]",
                            HostileInputs.eventList(List.of(a.bytes(), inner), true), owed(List.of(a.bytes(), inner)));
                });
        Arbitrary<Hostile> envelope = Combinators.combine(item, Arbitraries.of(true, false))
                .as((h, asString) -> h.then("AKS envelope" + (asString ? " (string)" : ""), HostileInputs.aksEnvelope(h.bytes(), asString)));
        Arbitrary<Hostile> listInEnvelope = item.map(h -> h.then("EventList in an AKS envelope",
                HostileInputs.aksEnvelope(HostileInputs.eventList(List.of(h.bytes()), true), false)));
        Arbitrary<Hostile> envelopeInList = item.map(h -> h.then("AKS envelope in an EventList",
                HostileInputs.eventList(List.of(HostileInputs.aksEnvelope(h.bytes(), false)), true)));
        Arbitrary<Hostile> mutatedList = Combinators.combine(list, byteSteps()).as((h, step) -> step.apply(h));
        return Arbitraries.frequencyOf(
                Tuple.of(6, list),
                Tuple.of(1, nested),
                Tuple.of(3, envelope),
                Tuple.of(1, listInEnvelope),
                Tuple.of(1, envelopeInList),
                Tuple.of(2, mutatedList));
    }

    /** Outcomes owed by a batch of these items: one per item when the splitter can find them all. */
    private static int owed(List<byte[]> items) {
        for (byte[] item : items) {
            if (!HostileInputs.wellFormed(item)) {
                return 1;
            }
        }
        return Math.max(1, items.size());
    }

    private static Arbitrary<Seed> seeds() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(RELEVANT)), Tuple.of(1, Arbitraries.of(OTHER)));
    }

    /**
     * Which node, member or byte a mutation hits (taken modulo what the input has). Not shrunk: a smaller
     * pick is not a simpler case, and plain random ints keep generation cheap.
     */
    private static Arbitrary<Integer> picks() {
        return Arbitraries.randomValue(r -> r.nextInt(Integer.MAX_VALUE));
    }

    /** Sizes for sized values: mostly small, some at the depth limit, a few at and past the string limits. */
    private static Arbitrary<Integer> sizes(boolean big) {
        if (!big) {
            return Arbitraries.frequencyOf(
                    Tuple.of(40, Arbitraries.integers().between(1, 100)),
                    Tuple.of(10, Arbitraries.integers().between(60, 70)),
                    Tuple.of(2, Arbitraries.integers().between(100, 2_000)));
        }
        // The rare big sizes cost milliseconds each; the bounds tests cover them in depth.
        return Arbitraries.frequencyOf(
                Tuple.of(160, Arbitraries.integers().between(1, 100)),
                Tuple.of(40, Arbitraries.integers().between(60, 70)),
                Tuple.of(24, Arbitraries.integers().between(100, 5_000)),
                Tuple.of(1, Arbitraries.integers().between(5_000, 100_000)),
                Tuple.of(1, Arbitraries.of((1 << 20) - 200, (1 << 20) + 1, 1_100_000)));
    }

    private static Arbitrary<Hostile> structural(boolean big) {
        Arbitrary<Seed> seed = seeds();
        Arbitrary<Value> values = Arbitraries.of(Value.class);
        return Arbitraries.frequencyOf(
                Tuple.of(20, seed.map(s -> new Hostile(s.name(), s.raw()))),
                // Each structural mutation below is a byte splice at a JSON node of the seed.
                Tuple.of(80, Combinators.combine(seed, picks(), values, sizes(big)).as((s, p, v, n) ->
                        new Hostile(s.name() + " > node #" + p + " := " + v + "(" + n + ")", HostileInputs.replaceNode(s, p, v, n)))),
                Tuple.of(80, Combinators.combine(seed, picks(), values, sizes(big)).as((s, p, v, n) ->
                        new Hostile(s.name() + " > " + HostileInputs.TARGETS.get(p % HostileInputs.TARGETS.size()) + " := " + v + "(" + n + ")",
                                HostileInputs.replaceTarget(s, p, v, n)))),
                Tuple.of(20, Combinators.combine(seed, picks()).as((s, p) ->
                        new Hostile(s.name() + " > remove node #" + p, HostileInputs.removeNode(s, p)))),
                Tuple.of(30, Combinators.combine(seed, picks(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as((s, m, first, other) -> new Hostile(s.name() + " > duplicate member #" + m
                                + (first ? " (first)" : " (last)") + (other ? " with another value" : ""),
                                HostileInputs.duplicateKey(s, m, first, other)))),
                Tuple.of(big ? 1 : 0, Combinators.combine(Arbitraries.of(Bomb.class), Arbitraries.integers().between(1, 5_000))
                        .as((b, n) -> new Hostile("bomb " + b + "(" + n + ")", HostileInputs.bomb(b, n)))));
    }

    private static Arbitrary<UnaryOperator<Hostile>> byteSteps() {
        Arbitrary<UnaryOperator<Hostile>> flips = Combinators.combine(Arbitraries.randomValue(r -> r.nextLong()), Arbitraries.integers().between(1, 8))
                .as((seed, k) -> h -> h.then("flip " + k + " bytes (" + seed + ")", HostileInputs.flipBytes(h.bytes(), seed, k)));
        Arbitrary<UnaryOperator<Hostile>> truncations = picks()
                .map(at -> h -> h.then("truncate at " + at, HostileInputs.truncate(h.bytes(), at)));
        Arbitrary<UnaryOperator<Hostile>> drops = Combinators.combine(picks(), Arbitraries.integers().between(1, 64))
                .as((at, n) -> h -> h.then("drop " + n + " bytes at " + at, HostileInputs.dropRange(h.bytes(), at, n)));
        Arbitrary<UnaryOperator<Hostile>> junk = Combinators.combine(picks(), Arbitraries.integers().between(0, HostileInputs.JUNK.size() - 1))
                .as((at, j) -> h -> h.then("insert junk #" + j + " at " + at, HostileInputs.insert(h.bytes(), at, HostileInputs.JUNK.get(j))));
        Arbitrary<UnaryOperator<Hostile>> shapes = Arbitraries.of(Shape.class)
                .map(shape -> h -> h.then(shape.toString(), HostileInputs.reshape(h.bytes(), shape)));
        return Arbitraries.frequencyOf(
                Tuple.of(4, flips),
                Tuple.of(3, truncations),
                Tuple.of(1, drops),
                Tuple.of(3, junk),
                Tuple.of(2, shapes));
    }
}
