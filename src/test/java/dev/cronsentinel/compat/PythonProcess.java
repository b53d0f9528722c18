package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real python3 (the seed-query oracle, or a short script) as a child process. The live parity
 * tests depend on it; when python3 is missing they fail with a message saying so rather than skip.
 */
final class PythonProcess {

    /** {@code shared/}, set by surefire; {@code ../shared} from the project directory otherwise. */
    static final Path SHARED = Path.of(System.getProperty("cronsentinel.shared", "../shared"));

    static final Path ORACLE = SHARED.resolve("oracle").resolve("seed_queries.py");

    /** Reads the oracle's rows: JSON with NaN/Infinity, and integers of up to 4300 digits. */
    static final ObjectMapper ROW_READER = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(10_000).build())
            .build());

    /**
     * A value as ASCII-only JSON, for stdin of a python3 script: every non-ASCII UTF-16 unit escaped, so
     * that lone surrogates travel intact.
     */
    static String asciiJson(Object value) {
        try {
            return new ObjectMapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exit status, and stdout and stderr split into lines (at LF only: rows may hold U+2028 raw). */
    record Run(int exit, List<String> stdout, List<String> stderr) {
        long skippedCount() {
            return stderr.stream().filter(l -> l.startsWith("skipped:")).count();
        }
    }

    private PythonProcess() {}

    /** The oracle over one file, which must finish cleanly. */
    static Run oracle(String profile, Path file) {
        Run run = run(List.of(ORACLE.toString(), "--profile", profile, file.toString()), null);
        if (run.exit() != 0) {
            fail("oracle failed on " + file + " (exit " + run.exit() + "): " + String.join("\n", run.stderr()));
        }
        return run;
    }

    /** {@code python3 -c script} with {@code stdin}; the script must exit 0. */
    static List<String> script(String script, String stdin) {
        Run run = run(List.of("-c", script), stdin.getBytes(StandardCharsets.UTF_8));
        if (run.exit() != 0) {
            fail("python3 script failed (exit " + run.exit() + "): " + String.join("\n", run.stderr()));
        }
        return run.stdout();
    }

    static Run run(List<String> args, byte[] stdin) {
        File in = null;
        File out = null;
        File err = null;
        try {
            in = File.createTempFile("py-in", ".txt");
            out = File.createTempFile("py-out", ".txt");
            err = File.createTempFile("py-err", ".txt");
            Files.write(in.toPath(), stdin == null ? new byte[0] : stdin);
            List<String> command = new ArrayList<>();
            command.add("python3");
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(in).redirectOutput(out).redirectError(err);
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError("python3 is required on the PATH: the seed-query parity tests run the "
                        + "Python oracle shared/oracle/seed_queries.py as the reference. Install python3 (3.11 "
                        + "is what the oracle was written for). Cause: " + e.getMessage(), e);
            }
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("python3 did not finish within 5 minutes: " + command);
            }
            return new Run(p.exitValue(), lines(out.toPath()), lines(err.toPath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            for (File f : new File[] {in, out, err}) {
                if (f != null) {
                    f.delete();
                }
            }
        }
    }

    private static List<String> lines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    static List<JsonNode> parseRows(List<String> lines) {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : lines) {
            try {
                rows.add(ROW_READER.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not a JSON row: " + line, e);
            }
        }
        return rows;
    }
}
