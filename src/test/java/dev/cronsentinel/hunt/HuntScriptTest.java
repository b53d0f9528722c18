package dev.cronsentinel.hunt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/hunt.sh} runs from a copy of the checkout made read-only: it builds into its work directory
 * ({@code CRONSENTINEL_WORK_DIR} / {@code XDG_STATE_HOME}), prints progress and the summary, writes the report,
 * and leaves every file of the checkout as it was (checked by listing, since root ignores file modes).
 */
class HuntScriptTest {
    @TempDir
    Path tmp;

    @Test
    void huntRunsFromAReadOnlyCheckoutAndWritesOnlyItsWorkDirAndReport() throws Exception {
        Path checkout = tmp.resolve("checkout");
        Path root = TestData.projectRoot();
        for (String part : List.of("pom.xml", "src/main", "conf", "scripts", "samples/audit.log")) {
            copy(root.resolve(part), checkout.resolve(part));
        }
        Map<String, Long> before = listing(checkout);
        setWritable(checkout, false);
        try {
            Path state = tmp.resolve("state");
            Path report = tmp.resolve("report");
            ProcessBuilder pb = new ProcessBuilder("bash", checkout.resolve("scripts/hunt.sh").toString(),
                    "samples/audit.log", "--report", report.toString(), "--event-time.wall-clock-bounds=off")
                    .directory(checkout.toFile())
                    .redirectOutput(tmp.resolve("out.txt").toFile())
                    .redirectError(tmp.resolve("err.txt").toFile());
            pb.environment().remove("CRONSENTINEL_WORK_DIR");
            pb.environment().put("XDG_STATE_HOME", state.toString());
            // As root the modes above do not stop writes; the work dir is then chosen explicitly outside the copy.
            if (isRoot()) {
                pb.environment().put("CRONSENTINEL_WORK_DIR", state.resolve("cronsentinel").toString());
            }
            Process p = pb.start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("hunt.sh finished").isTrue();
            String out = Files.readString(tmp.resolve("out.txt"));
            String err = Files.readString(tmp.resolve("err.txt"));
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).contains("hunt: 100.0%").contains("files 1/1");
            assertThat(out).contains("alerts: 9").contains("escalated chains: 1").contains("malformed-json");
            assertThat(report.resolve("report.html")).exists();
            assertThat(Files.readAllLines(report.resolve("alerts.jsonl"))).hasSize(9);
            assertThat(state.resolve("cronsentinel/build/classes/dev/cronsentinel/hunt/HuntMain.class")).exists();
        } finally {
            setWritable(checkout, true);
        }
        assertThat(listing(checkout)).as("the checkout is unchanged").isEqualTo(before);
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        id.waitFor();
        return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Every path under the checkout with its size and modification time. */
    private static Map<String, Long> listing(Path dir) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? -1 : Files.size(p) * 31
                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }

    private static void setWritable(Path dir, boolean writable) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                p.toFile().setWritable(writable, false);
            }
        }
    }
}
