package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written reader gives exactly what {@link Instant#parse} gives, value or exception. */
class AuditTimestampsTest {

    @Test
    void agreesWithInstantParseOnRandomAndAwkwardTimestamps() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            long millis = r.nextLong(-2_000_000_000_000L, 8_000_000_000_000L);
            String iso = Instant.ofEpochMilli(millis).plusNanos(r.nextInt(1_000_000)).toString();
            check(iso);
            // Mutations: every precision, a broken character, a field out of range.
            check(withFraction(iso, r.nextInt(11)));
            char[] c = iso.toCharArray();
            c[r.nextInt(c.length)] = "0123456789:-.TZx+ ".charAt(r.nextInt(18));
            check(new String(c));
        }
        for (String s : new String[] {"2026-02-29T00:00:00Z", "2024-02-29T23:59:59.999999999Z", "2026-13-01T00:00:00Z",
            "2026-11-20T24:00:00Z", "2026-11-20T23:59:60Z", "2026-11-20T00:00:00.Z", "2026-11-20T00:00:00+01:00",
            "2026-11-20T00:00:00.1234567890Z", "+12026-11-20T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-20t00:00:00z",
            "1969-12-31T23:59:59.999Z", "2026-11-20T07:03:11.482119Z", "", "Z"}) {
            check(s);
        }
    }

    private static String withFraction(String iso, int digits) {
        String base = iso.substring(0, 19);
        return digits == 0 ? base + "Z" : base + "." + "1234567891".substring(0, Math.min(digits, 10)) + "Z";
    }

    private static void check(String s) {
        assertThat(outcome(() -> AuditTimestamps.epochMillis(s))).as(s).isEqualTo(outcome(() -> Instant.parse(s).toEpochMilli()));
    }

    private static Object outcome(java.util.function.LongSupplier f) {
        try {
            return f.getAsLong();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
