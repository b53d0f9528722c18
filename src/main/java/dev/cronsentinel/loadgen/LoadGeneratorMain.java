package dev.cronsentinel.loadgen;

import dev.cronsentinel.config.ConfigSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes generated audit traffic as JSON lines to a file or stdout.
 *
 * <pre>java -cp cronsentinel.jar dev.cronsentinel.loadgen.LoadGeneratorMain --events 1000000 --out audit.log
 *     [--seed 42] [--relevant-share 0.04] [--malicious-share 0.05]</pre>
 */
public final class LoadGeneratorMain {
    private LoadGeneratorMain() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = ConfigSource.parseArgs(args);
        long events = Long.parseLong(a.getOrDefault("events", "1000000"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        AuditTrafficGenerator.Mix base = AuditTrafficGenerator.Mix.realistic();
        AuditTrafficGenerator.Mix mix = new AuditTrafficGenerator.Mix(
                Double.parseDouble(a.getOrDefault("relevant-share", String.valueOf(base.relevantShare()))),
                Double.parseDouble(a.getOrDefault("malicious-share", String.valueOf(base.maliciousShare()))),
                base.startMillis(), base.stepMicros());
        String out = a.getOrDefault("out", "-");
        AuditTrafficGenerator gen = new AuditTrafficGenerator(seed, mix);
        try (OutputStream os = new BufferedOutputStream(out.equals("-") ? System.out : Files.newOutputStream(Path.of(out)), 1 << 16)) {
            for (long i = 0; i < events; i++) {
                os.write(gen.next());
                os.write('\n');
            }
        }
        AuditTrafficGenerator.Counts c = gen.counts();
        System.err.printf("%d events, %d bytes (%.0f B/event), %d requests, %d relevant, %d malicious%n",
                c.events, c.bytes, (double) c.bytes / c.events, c.requests, c.relevantRequests, c.maliciousRequests);
    }
}
