package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.model.SeedRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Live parity: the real oracle ({@code python3 shared/oracle/seed_queries.py --profile P FILE}) and the
 * Java profiles over every shared audit file (falco, elastic-integrations, splunk-security-content, the
 * parity corpus) and every crafted fixture under {@code fixtures/seed/}. Rows must be identical (as JSON
 * and as text, in any order) and the same number of inputs must be skipped.
 */
class SeedQueryOracleParityTest {

    static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures", "seed");
    private static final List<String> PROFILES = List.of("splunk", "sumo");

    @TestFactory
    Stream<DynamicTest> everyFileAgreesWithTheOracle() {
        List<Path> files = new ArrayList<>();
        files.addAll(list(PythonProcess.SHARED.resolve("data").resolve("falco-k8s-audit"), ".json"));
        files.addAll(list(PythonProcess.SHARED.resolve("data").resolve("elastic-integrations"), ".log"));
        files.addAll(list(PythonProcess.SHARED.resolve("data").resolve("splunk-security-content"), ".json"));
        files.add(PythonProcess.SHARED.resolve("data").resolve("parity").resolve("corpus.jsonl"));
        List<Path> fixtures = list(FIXTURES, ".jsonl");
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(5);
        files.addAll(fixtures);
        assertThat(files).hasSizeGreaterThanOrEqualTo(47 + 2 + 1 + 1 + 5);
        return files.stream().flatMap(file -> PROFILES.stream().map(profile -> DynamicTest.dynamicTest(
                profile + " " + file.getFileName(), () -> assertParity(profile, file))));
    }

    /** The fixtures make every flag of both profiles fire somewhere and stay 0 somewhere, per the oracle. */
    @Test
    void fixturesMakeEveryFlagFireAndNotFire() {
        for (String profileName : PROFILES) {
            SeedQueryProfile profile = SeedQueryProfile.loadBuiltIn(Path.of("conf"), profileName);
            List<JsonNode> rows = new ArrayList<>();
            for (Path fixture : list(FIXTURES, ".jsonl")) {
                rows.addAll(PythonProcess.parseRows(PythonProcess.oracle(profileName, fixture).stdout()));
            }
            for (String flag : profile.flagNames()) {
                assertThat(rows).as(profileName + " " + flag + " fires").anyMatch(r -> r.get(flag).asInt() == 1);
                assertThat(rows).as(profileName + " " + flag + " stays 0").anyMatch(r -> r.get(flag).asInt() == 0);
            }
        }
    }

    static void assertParity(String profileName, Path file) throws IOException {
        SeedQueryProfile profile = SeedQueryProfile.loadBuiltIn(Path.of("conf"), profileName);
        PythonProcess.Run oracle = PythonProcess.oracle(profileName, file);

        SeedQueryLines.Result result = SeedQueryLines.evaluate(Files.readAllBytes(file), new SeedQueryScorer(profile));

        List<String> actual = new ArrayList<>();
        for (SeedRow row : result.rows()) {
            actual.add(SeedRowJson.toJson(row, profile.flagNames()));
        }
        assertThat(PythonProcess.parseRows(actual)).as("rows as JSON")
                .containsExactlyInAnyOrderElementsOf(PythonProcess.parseRows(oracle.stdout()));
        assertThat(actual).as("rows as text").containsExactlyInAnyOrderElementsOf(oracle.stdout());
        assertThat((long) result.skipped().size()).as("skipped inputs; oracle said " + oracle.stderr())
                .isEqualTo(oracle.skippedCount());
    }

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
