package dev.cronsentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.ingest.AuditDecoder;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locations of test data, and a decoder run that collects everything it produced. */
public final class TestData {
    private TestData() {}

    /** The shared folder beside the checkout ({@code ../shared}), set by surefire. */
    public static Path shared() {
        String p = System.getProperty("cronsentinel.shared", "../shared");
        Path path = Path.of(p).toAbsolutePath().normalize();
        assertThat(path.resolve("data")).as("shared data folder (system property cronsentinel.shared)").isDirectory();
        return path;
    }

    public static Path resource(String name) {
        URL url = TestData.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("test resource not found: " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The project root (the working directory of surefire). */
    public static Path projectRoot() {
        return Path.of("").toAbsolutePath();
    }

    public static List<byte[]> lines(Path file) {
        try {
            List<byte[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.getBytes(StandardCharsets.UTF_8));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static dev.cronsentinel.score.Scorer scorer;

    /** The scorer of the shipped default rules. */
    public static synchronized dev.cronsentinel.score.Scorer defaultScorer() {
        if (scorer == null) {
            scorer = new dev.cronsentinel.score.Scorer(
                    dev.cronsentinel.score.RuleSetLoader.load(projectRoot().resolve("conf/rules/default.yaml")));
        }
        return scorer;
    }

    public static dev.cronsentinel.ingest.EventClassifier classifier() {
        return new dev.cronsentinel.ingest.EventClassifier(DecoderConfig.defaults());
    }

    /** Everything one decoder run produced. */
    public static final class Decoded implements AuditDecoder.Output {
        public final List<WorkloadEvent> events = new ArrayList<>();
        public final List<DeadLetter> deadLetters = new ArrayList<>();
        public final List<String> filtered = new ArrayList<>();
        public final List<dev.cronsentinel.model.UndecodableEvent> undecodable = new ArrayList<>();
        public final List<dev.cronsentinel.model.RbacGrant> grants = new ArrayList<>();

        @Override
        public void event(WorkloadEvent event) {
            events.add(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            deadLetters.add(deadLetter);
        }

        @Override
        public void filtered(String reason) {
            filtered.add(reason);
        }

        @Override
        public void undecodable(dev.cronsentinel.model.UndecodableEvent finding) {
            undecodable.add(finding);
        }

        @Override
        public void grant(dev.cronsentinel.model.RbacGrant grant) {
            grants.add(grant);
        }

        public int total() {
            return events.size() + deadLetters.size() + filtered.size() + grants.size();
        }
    }

    public static Decoded decode(String json) {
        return decode(DecoderConfig.defaults(), json.getBytes(StandardCharsets.UTF_8));
    }

    public static Decoded decode(DecoderConfig cfg, byte[]... records) {
        AuditDecoder decoder = new AuditDecoder(cfg);
        Decoded out = new Decoded();
        long pos = 0;
        for (byte[] r : records) {
            decoder.decode(new RawAuditRecord("test", ++pos, r), out);
        }
        return out;
    }

    public static Decoded decodeFile(Path file) {
        return decode(DecoderConfig.defaults(), lines(file).toArray(new byte[0][]));
    }
}
