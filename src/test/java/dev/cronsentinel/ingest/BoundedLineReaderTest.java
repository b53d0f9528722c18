package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
    private static List<String> read(String text, int max, List<Long> lengths) throws IOException {
        BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        List<String> out = new ArrayList<>();
        while (r.next()) {
            out.add(new String(r.bytes(), StandardCharsets.UTF_8));
            lengths.add(r.totalLength());
        }
        return out;
    }

    @Test
    void splitsLinesAndDropsCarriageReturns() throws IOException {
        List<Long> lengths = new ArrayList<>();
        assertThat(read("a\r\nbb\n\nccc", 100, lengths)).containsExactly("a", "bb", "", "ccc");
        assertThat(lengths).containsExactly(1L, 2L, 0L, 3L);
    }

    @Test
    void longLinesKeepABoundedPrefixAndTheirTrueLength() throws IOException {
        String huge = "x".repeat(200_000);
        List<Long> lengths = new ArrayList<>();
        assertThat(read("ok\n" + huge + "\nafter\n", 1000, lengths)).containsExactly("ok", "x".repeat(1000), "after");
        assertThat(lengths).containsExactly(2L, 200_000L, 5L);
    }
}
