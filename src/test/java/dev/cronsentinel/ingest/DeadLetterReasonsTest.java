package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter reasons documented in {@code docs/DETECTION.md} ("Hostile input") are exactly those the
 * decoder's source can emit and those the fuzz test accepts, so an operator's alerting on reasons never meets
 * an undocumented one.
 */
class DeadLetterReasonsTest {
    private static final Path INGEST = Path.of("src/main/java/dev/cronsentinel/ingest");

    @Test
    void documentedReasonsAreExactlyTheOnesTheDecoderEmits() throws IOException {
        Set<String> emitted = new TreeSet<>();
        for (String file : new String[] {"AuditDecoder.java", "AuditEventParser.java", "BadEventException.java", "PodTemplateExtractor.java",
                "GkeAuditLogMapper.java", "AksRecordsSplitter.java", "CloudWatchLogsSplitter.java"}) {
            String src = Files.readString(TestData.projectRoot().resolve(INGEST).resolve(file));
            // dead(rec, bytes, off, len, length, "reason", ...): the first literal of a dead(...) call
            collect(Pattern.compile("dead\\([^;\"]*\"([a-z]+(?:-[a-z]+)*)\""), src, emitted);
            // items.deadLetter(bytes, off, len, "reason", ...): an envelope's entry
            collect(Pattern.compile("items\\.deadLetter\\([^;\"]*\"([a-z]+(?:-[a-z]+)*)\""), src, emitted);
            // new BadEventException("reason", ...)
            collect(Pattern.compile("new BadEventException\\(\"([a-z]+(?:-[a-z]+)*)\""), src, emitted);
            // reason chosen by a condition: cond ? "a" : "b"
            collect(Pattern.compile("\\? \"([a-z]+(?:-[a-z]+)+)\" : \"([a-z]+(?:-[a-z]+)+)\""), src, emitted);
        }
        assertThat(emitted).as("reasons found in the decoder's source").contains("wrong-type", "duplicate-key", "oversized");
        Set<String> decoderReasons = new TreeSet<>(emitted);
        // Dead letters written after the decoder, by the stages that bound event times and take late events.
        for (Path file : new Path[] {INGEST.resolve("EventTimeGuard.java"), Path.of("src/main/java/dev/cronsentinel/correlate/LateEventDeadLetters.java")}) {
            String src = Files.readString(TestData.projectRoot().resolve(file));
            collect(Pattern.compile("String REASON = \"([a-z]+(?:-[a-z]+)*)\""), src, emitted);
        }
        assertThat(emitted).contains("late-for-correlation");

        String doc = Files.readString(TestData.projectRoot().resolve("docs/DETECTION.md"));
        String table = doc.substring(doc.indexOf("### Dead-letter reasons"), doc.indexOf("### Patterns"));
        Set<String> documented = new TreeSet<>();
        collect(Pattern.compile("(?m)^\\| `([a-z-]+)` \\|"), table, documented);

        assertThat(documented).isEqualTo(emitted);
        assertThat(new TreeSet<>(HostileInputFuzzTest.REASONS)).isEqualTo(decoderReasons);
    }

    private static void collect(Pattern p, String text, Set<String> out) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                out.add(m.group(g));
            }
        }
    }
}
