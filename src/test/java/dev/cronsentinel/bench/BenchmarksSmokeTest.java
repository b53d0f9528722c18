package dev.cronsentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Proves that every JMH benchmark in {@code dev.cronsentinel.bench} still runs: each benchmark method once, in this
 * JVM (no fork), no warm-up, one short measurement, with the first declared value of each {@code @Param}. It
 * measures nothing; the scores it sees come from a cold JVM on a busy CI machine and mean only "it ran and did work".
 * Real figures come from {@code scripts/bench.sh}.
 *
 * <p>The benchmarks are found in {@code META-INF/BenchmarkList}, which JMH's annotation processor writes into
 * {@code target/test-classes} at test-compile, so a new benchmark class is covered without touching this test.
 * The benchmark harness programs with a {@code main} (pipeline throughput, Kafka latency, the correlation soak) are
 * not JMH benchmarks and are not run here.
 */
class BenchmarksSmokeTest {
    private static final String PACKAGE = "dev.cronsentinel.bench.";

    @Test
    void everyBenchmarkMethodRunsAndDoesWork() throws Exception {
        SortedSet<BenchmarkListEntry> entries = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
                        List.of(Pattern.quote(PACKAGE) + ".*"), List.of());
        Map<String, List<BenchmarkListEntry>> byClass = new TreeMap<>();
        for (BenchmarkListEntry e : entries) {
            byClass.computeIfAbsent(e.getUserClassQName(), c -> new ArrayList<>()).add(e);
        }
        assertThat(byClass.keySet()).as("JMH benchmark classes in META-INF/BenchmarkList")
                .contains(PACKAGE + "DecodeBenchmark", PACKAGE + "CorrelationBenchmark");

        SortedSet<String> expected = new TreeSet<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Map.Entry<String, List<BenchmarkListEntry>> c : byClass.entrySet()) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + Pattern.quote(c.getKey()) + "\\.")
                    .forks(0)
                    .warmupIterations(0)
                    .measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(150))
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT);
            // One value per parameter: the first one the class declares (its usual case).
            Map<String, String> params = new TreeMap<>();
            for (BenchmarkListEntry e : c.getValue()) {
                expected.add(e.getUsername());
                Map<String, String[]> declared = e.getParams().orElse(Map.of());
                declared.forEach((name, values) -> params.putIfAbsent(name, values[0]));
            }
            params.forEach(options::param);

            long t0 = System.nanoTime();
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.printf("%s: %d benchmark runs in %.1f s%n", c.getKey(), results.size(), (System.nanoTime() - t0) / 1e9);
            for (RunResult r : results) {
                scores.put(r.getParams().getBenchmark(), r.getPrimaryResult().getScore());
            }
        }

        assertThat(scores.keySet()).as("benchmark methods that produced a result").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(scores).allSatisfy((benchmark, score) -> assertThat(score).as(benchmark).isPositive());
    }
}
