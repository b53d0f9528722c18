package dev.cronsentinel.hunt;

import dev.cronsentinel.model.RawAuditRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * How far a hunt has read: the input's files and their sizes, counted once before the job starts, and the
 * bytes and records the job has read, counted by {@link #tap()} right behind the file source.
 *
 * <p>The counters live in a JVM-wide registry under a run id, like a metric, because a hunt runs its job in an
 * embedded (local) cluster inside this JVM; the tap carries only the id, so it serializes into the job graph.
 * Bytes read are the lines' lengths plus their newline, uncompressed; the total of a {@code .gz} file is the
 * uncompressed size its gzip trailer records (ISIZE, exact for single-member archives under 4 GiB), so both
 * sides count the same bytes. Each file's count is capped at its total, so a CRLF file cannot read past 100%.
 * One record is one audit line; an {@code EventList} line holding many events counts once.
 */
public final class HuntProgress {
    private static final Map<String, Counters> RUNS = new ConcurrentHashMap<>();

    private final String runId = UUID.randomUUID().toString();
    private final Map<String, Long> totals;
    private final long totalBytes;
    private final Counters counters = new Counters();
    private final LongSupplier alertsSoFar;
    private final long startNanos = System.nanoTime();

    private static final class Counters {
        final LongAdder records = new LongAdder();
        final Map<String, LongAdder> bytesByFile = new ConcurrentHashMap<>();
    }

    /** @param alertsSoFar distinct alert ids collected so far, read at each report */
    public HuntProgress(List<Path> inputs, LongSupplier alertsSoFar) {
        this.totals = inputFiles(inputs);
        this.totalBytes = totals.values().stream().mapToLong(Long::longValue).sum();
        this.alertsSoFar = alertsSoFar;
        RUNS.put(runId, counters);
    }

    /** The pass-through map behind the source that counts what the job read. */
    public MapFunction<RawAuditRecord, RawAuditRecord> tap() {
        String id = runId;
        return record -> {
            Counters c = RUNS.get(id);
            if (c != null) {
                c.records.increment();
                c.bytesByFile.computeIfAbsent(fileKey(record.origin()), k -> new LongAdder()).add(record.length() + 1);
            }
            return record;
        };
    }

    /** Frees the run's counters once the job ended. */
    public void close() {
        RUNS.remove(runId);
    }

    /** The files a file source reads under these inputs (directories recursively, hidden files skipped, as Flink does). */
    static Map<String, Long> inputFiles(List<Path> inputs) {
        Map<String, Long> files = new LinkedHashMap<>();
        for (Path input : inputs) {
            try (Stream<Path> walk = Files.walk(input)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !hiddenUnder(input, p))
                        .sorted(Comparator.naturalOrder())
                        .forEach(p -> files.put(fileKey(p.toAbsolutePath().normalize().toString()), uncompressedSize(p)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + input, e);
            }
        }
        return files;
    }

    private static boolean hiddenUnder(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static long uncompressedSize(Path file) {
        try {
            long size = Files.size(file);
            if (!file.getFileName().toString().endsWith(".gz") || size < 18) {
                return size;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(size - 4);
                long isize = (raf.read() & 0xffL) | (raf.read() & 0xffL) << 8 | (raf.read() & 0xffL) << 16
                        | (raf.read() & 0xffL) << 24;
                return isize;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** One key for a file whether Flink names it {@code file:/a/b} or {@code /a/b}. */
    static String fileKey(String origin) {
        return new org.apache.flink.core.fs.Path(origin).toUri().getPath();
    }

    /** The figures of one moment of the run. */
    public record Snapshot(long bytesRead, long totalBytes, int filesRead, int totalFiles, long records, long alerts,
                           long elapsedMillis) {
        public double fraction() {
            return totalBytes == 0 ? 1.0 : Math.min(1.0, (double) bytesRead / totalBytes);
        }

        public double recordsPerSecond() {
            return elapsedMillis == 0 ? 0 : records * 1000.0 / elapsedMillis;
        }

        /** One progress line, e.g. {@code hunt:  42.0% 1.2 MB/2.9 MB, files 1/3, 5,321 records/s, 7 alerts, 0:04 elapsed, ETA 0:06}. */
        public String line() {
            String eta;
            double f = fraction();
            if (f >= 1.0) {
                eta = "done";
            } else if (f <= 0 || elapsedMillis == 0) {
                eta = "ETA --:--";
            } else {
                eta = "ETA " + clock((long) (elapsedMillis * (1 - f) / f));
            }
            return String.format(Locale.ROOT, "hunt: %5.1f%% %s/%s, files %d/%d, %,.0f records/s, %d alerts, %s elapsed, %s",
                    f * 100, bytes(bytesRead), bytes(totalBytes), filesRead, totalFiles, recordsPerSecond(), alerts,
                    clock(elapsedMillis), eta);
        }
    }

    /** The figures now, as counted: 100% only when the tap saw every byte of every file. */
    public Snapshot snapshot() {
        long read = 0;
        int filesRead = 0;
        for (Map.Entry<String, Long> file : totals.entrySet()) {
            LongAdder seen = counters.bytesByFile.get(file.getKey());
            long b = Math.min(file.getValue(), seen == null ? 0 : seen.sum());
            // The last line may lack its newline: one byte short is the whole file.
            if (b >= file.getValue() - 1) {
                b = file.getValue();
                filesRead++;
            }
            read += b;
        }
        return new Snapshot(read, totalBytes, filesRead, totals.size(), counters.records.sum(), alertsSoFar.getAsLong(),
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    /**
     * Writes one progress line: on a terminal it overwrites the previous one ({@code \r}, cleared to the end of
     * the line), otherwise it is a line of its own, so a log file or a pipe gets readable periodic lines.
     */
    public static void print(PrintStream err, Snapshot s, boolean terminal, boolean last) {
        if (terminal) {
            err.print("\r" + s.line() + "\u001b[K" + (last ? "\n" : ""));
        } else {
            err.println(s.line());
        }
        err.flush();
    }

    /** Every file counted, for the summary. */
    public List<String> files() {
        return new ArrayList<>(totals.keySet());
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String clock(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
