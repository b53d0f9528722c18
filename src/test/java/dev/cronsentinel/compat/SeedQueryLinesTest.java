package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.SeedRow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What only the Java side can show: the oracle dies on these inputs (so there is nothing to compare), and
 * the line reader must instead skip the bad part and keep going.
 */
class SeedQueryLinesTest {
    private static final SeedQueryScorer SPLUNK = new SeedQueryScorer(SeedQueryProfile.loadBuiltIn(Path.of("conf"), "splunk"));
    private static final String EVENT = "{\"verb\":\"create\",\"auditID\":\"%s\",\"objectRef\":{\"resource\":\"jobs\"},"
            + "\"requestObject\":{\"hostPath\":{}}}";

    @Test
    void bytesThatAreNotUtf8CostOnlyTheirLine() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(String.format(EVENT, "first").getBytes(StandardCharsets.UTF_8));
        file.write('\n');
        file.writeBytes(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}', '\n'});
        file.writeBytes(String.format(EVENT, "third").getBytes(StandardCharsets.UTF_8));

        SeedQueryLines.Result result = SeedQueryLines.evaluate(file.toByteArray(), SPLUNK);

        assertThat(result.rows()).extracting(SeedRow::auditID).containsExactly("first", "third");
        assertThat(result.skipped()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(SkippedInputException.INVALID_UTF8);
            assertThat(e.detail()).startsWith("line 2: ");
        });
    }

    @Test
    void eventListItemsThatCannotBeIteratedAreOneSkip() {
        for (String items : new String[] {"5", "true", "-1.5"}) {
            byte[] line = ("{\"kind\":\"EventList\",\"items\":" + items + "}").getBytes(StandardCharsets.UTF_8);
            SeedQueryLines.Result result = SeedQueryLines.evaluate(line, SPLUNK);
            assertThat(result.rows()).isEmpty();
            assertThat(result.skipped()).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(SkippedInputException.ITEMS_NOT_ITERABLE));
        }
    }

    @Test
    void skipsSayWhereTheyHappened() {
        byte[] input = ("\n\n{\"kind\":\"EventList\",\"items\":[" + String.format(EVENT, "ok") + ",7]}\nnope\r\n")
                .getBytes(StandardCharsets.UTF_8);
        SeedQueryLines.Result result = SeedQueryLines.evaluate(input, SPLUNK);
        assertThat(result.rows()).extracting(SeedRow::auditID).containsExactly("ok");
        assertThat(result.skipped()).extracting(SkippedInputException::detail)
                .satisfiesExactly(d -> assertThat(d).startsWith("line 3, item 2: "),
                        d -> assertThat(d).startsWith("line 4: "));
    }

    @Test
    void emptyInputYieldsNothing() {
        SeedQueryLines.Result result = SeedQueryLines.evaluate(new byte[0], SPLUNK);
        assertThat(result.rows()).isEmpty();
        assertThat(result.skipped()).isEmpty();
    }
}
