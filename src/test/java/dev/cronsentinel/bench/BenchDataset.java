package dev.cronsentinel.bench;

import dev.cronsentinel.loadgen.AuditTrafficGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;

/**
 * A generated audit log on disk: {@link AuditTrafficGenerator} output for one mix, seed and event count, as a
 * directory of {@code parts} files that the production {@code FileSource} reads.
 *
 * <p>Several files, because the job's file format does not split files: one file would be read by one source
 * subtask and decoded on one core whatever the parallelism. Events go to parts by audit ID
 * ({@link BenchAuditIds}), so each part covers the whole event-time range at the same pace, like the partitions
 * of a Kafka topic keyed by audit ID; contiguous chunks would put one source minutes of event time ahead of the
 * other and make the job buffer everything that waits for the watermark.
 *
 * <p>A directory is reused when its manifest ({@code _manifest.properties}; names starting with {@code _} are
 * skipped by the file source) names the same mix, seed, count and parts, the files add up to the size it
 * records, and the first events the generator makes today hash to what it recorded (so data from an older
 * generator is not measured by mistake). A directory is written under a temporary name and renamed when
 * complete, so an interrupted run leaves nothing that looks reusable.
 */
final class BenchDataset {
    private static final String MANIFEST = "_manifest.properties";
    private static final int FINGERPRINT_EVENTS = 10_000;
    /** How events are spread over the parts; a data set written another way is regenerated. */
    private static final String LAYOUT = "by-audit-id";

    final String mix;
    final long seed;
    final long events;
    final int parts;
    final Path dir;
    long bytes;
    long requests;
    long relevantRequests;
    long maliciousRequests;

    private BenchDataset(String mix, long seed, long events, int parts, Path dir) {
        this.mix = mix;
        this.seed = seed;
        this.events = events;
        this.parts = parts;
        this.dir = dir;
    }

    static AuditTrafficGenerator.Mix mixNamed(String name) {
        return switch (name) {
            case "realistic" -> AuditTrafficGenerator.Mix.realistic();
            case "relevant" -> AuditTrafficGenerator.Mix.relevantOnly();
            default -> throw new IllegalArgumentException("unknown mix '" + name + "' (realistic, relevant)");
        };
    }

    /** The data set in {@code root}, generated unless a complete copy of it is already there. */
    static BenchDataset ensure(Path root, String mix, long seed, long events, int parts) throws Exception {
        mixNamed(mix);
        BenchDataset d = new BenchDataset(mix, seed, events, parts,
                root.resolve(mix + "-seed" + seed + "-" + events + "ev-" + parts + "parts"));
        String fingerprint = fingerprint(mix, seed, Math.min(events, FINGERPRINT_EVENTS));
        if (d.reuse(fingerprint)) {
            System.out.printf("data: reusing %s (%,d events, %,d bytes)%n", d.dir, d.events, d.bytes);
            return d;
        }
        long t0 = System.nanoTime();
        d.generate(fingerprint);
        System.out.printf("data: generated %s (%,d events, %,d bytes) in %.1f s%n", d.dir, d.events, d.bytes,
                (System.nanoTime() - t0) / 1e9);
        return d;
    }

    private boolean reuse(String fingerprint) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            p.load(in);
        }
        if (!mix.equals(p.getProperty("mix")) || !Long.toString(seed).equals(p.getProperty("seed"))
                || !Long.toString(events).equals(p.getProperty("events")) || !Integer.toString(parts).equals(p.getProperty("parts"))
                || !fingerprint.equals(p.getProperty("fingerprint")) || !LAYOUT.equals(p.getProperty("layout"))) {
            System.out.printf("data: %s was made differently (or by an older generator); regenerating%n", dir);
            return false;
        }
        long onDisk = 0;
        for (int i = 0; i < parts; i++) {
            Path part = dir.resolve(partName(i));
            if (!Files.isRegularFile(part)) {
                return false;
            }
            onDisk += Files.size(part);
        }
        bytes = Long.parseLong(p.getProperty("bytes"));
        if (onDisk != bytes) {
            System.out.printf("data: %s holds %,d bytes, its manifest says %,d; regenerating%n", dir, onDisk, bytes);
            return false;
        }
        requests = Long.parseLong(p.getProperty("requests"));
        relevantRequests = Long.parseLong(p.getProperty("relevantRequests"));
        maliciousRequests = Long.parseLong(p.getProperty("maliciousRequests"));
        return true;
    }

    private void generate(String fingerprint) throws IOException {
        Files.createDirectories(dir.getParent());
        BenchFlink.deleteTree(dir);
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        BenchFlink.deleteTree(tmp);
        Files.createDirectories(tmp);
        AuditTrafficGenerator gen = new AuditTrafficGenerator(seed, mixNamed(mix));
        OutputStream[] out = new OutputStream[parts];
        try {
            for (int i = 0; i < parts; i++) {
                out[i] = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(partName(i))), 1 << 20);
            }
            for (long n = 0; n < events; n++) {
                byte[] event = gen.next();
                OutputStream o = out[BenchAuditIds.partition(BenchAuditIds.of(event), parts)];
                o.write(event);
                o.write('\n');
            }
        } finally {
            for (OutputStream o : out) {
                if (o != null) {
                    o.close();
                }
            }
        }
        AuditTrafficGenerator.Counts c = gen.counts();
        bytes = c.bytes;
        requests = c.requests;
        relevantRequests = c.relevantRequests;
        maliciousRequests = c.maliciousRequests;
        Properties p = new Properties();
        p.setProperty("mix", mix);
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("events", Long.toString(events));
        p.setProperty("parts", Integer.toString(parts));
        p.setProperty("fingerprint", fingerprint);
        p.setProperty("layout", LAYOUT);
        p.setProperty("bytes", Long.toString(bytes));
        p.setProperty("requests", Long.toString(requests));
        p.setProperty("relevantRequests", Long.toString(relevantRequests));
        p.setProperty("maliciousRequests", Long.toString(maliciousRequests));
        try (OutputStream o = Files.newOutputStream(tmp.resolve(MANIFEST))) {
            p.store(o, "AuditTrafficGenerator output, written by " + BenchDataset.class.getName());
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String partName(int i) {
        return String.format("part-%03d.log", i);
    }

    /** SHA-256 of the first {@code n} events the generator makes today for this mix and seed. */
    private static String fingerprint(String mix, long seed, long n) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        AuditTrafficGenerator gen = new AuditTrafficGenerator(seed, mixNamed(mix));
        for (long i = 0; i < n; i++) {
            sha.update(gen.next());
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The part files, in order. */
    Path[] files() {
        Path[] files = new Path[parts];
        for (int i = 0; i < parts; i++) {
            files[i] = dir.resolve(partName(i));
        }
        return files;
    }

    String label() {
        return mix + " (" + String.format("%,d", events) + " events)";
    }
}
