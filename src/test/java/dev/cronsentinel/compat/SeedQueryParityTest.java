package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.model.SeedRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed parity corpus ({@code shared/data/parity/corpus.jsonl}, 600 events) against the rows the
 * oracle returned for it ({@code splunk.jsonl}, {@code sumo.jsonl}): the same multiset of rows.
 */
class SeedQueryParityTest {

    private static final Path PARITY = PythonProcess.SHARED.resolve("data").resolve("parity");

    @ParameterizedTest
    @ValueSource(strings = {"splunk", "sumo"})
    void corpusRowsEqualTheCommittedOracleRows(String profileName) throws IOException {
        SeedQueryProfile profile = SeedQueryProfile.loadBuiltIn(Path.of("conf"), profileName);
        byte[] corpus = Files.readAllBytes(PARITY.resolve("corpus.jsonl"));

        SeedQueryLines.Result result = SeedQueryLines.evaluate(corpus, new SeedQueryScorer(profile));

        List<String> expected = Files.readAllLines(PARITY.resolve(profileName + ".jsonl"), StandardCharsets.UTF_8);
        List<String> actual = new ArrayList<>();
        for (SeedRow row : result.rows()) {
            actual.add(SeedRowJson.toJson(row, profile.flagNames()));
        }
        assertThat(expected).as("the committed oracle output is not empty").hasSizeGreaterThan(100);
        List<JsonNode> expectedRows = PythonProcess.parseRows(expected);
        assertThat(PythonProcess.parseRows(actual)).containsExactlyInAnyOrderElementsOf(expectedRows);
        // The renderer prints what the oracle prints, byte for byte.
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(result.skipped()).isEmpty();
    }
}
