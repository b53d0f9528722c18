package dev.cronsentinel.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CronSchedulesTest {
    private final CronSchedules utc = new CronSchedules(ZoneId.of("UTC"));

    @Test
    void nextFireIsStrictlyAfterTheGivenTime() {
        assertThat(next(utc, "*/5 * * * *", null, "2026-11-20T09:02:13Z")).isEqualTo("2026-11-20T09:05:00Z");
        assertThat(next(utc, "*/5 * * * *", null, "2026-11-20T09:05:00Z")).isEqualTo("2026-11-20T09:10:00Z");
        assertThat(next(utc, "0 * * * *", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(next(utc, "30 9 * * *", null, "2026-11-20T09:00:41Z")).isEqualTo("2026-11-20T09:30:00Z");
    }

    @Test
    void theScheduleIsEvaluatedInSpecTimeZone() {
        // 02:30 in Tokyo is 17:30 UTC the day before
        assertThat(next(utc, "30 2 * * *", "Asia/Tokyo", "2026-11-20T00:00:00Z")).isEqualTo("2026-11-20T17:30:00Z");
        // an hourly schedule fires on the UTC hour in a whole-hour zone, at :30 in India
        assertThat(next(utc, "0 * * * *", "Europe/Berlin", "2026-11-20T09:10:02Z")).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(next(utc, "0 * * * *", "Asia/Kolkata", "2026-11-20T09:10:02Z")).isEqualTo("2026-11-20T09:30:00Z");
    }

    @Test
    void withoutATimeZoneTheControllersZoneApplies() {
        CronSchedules newYork = new CronSchedules(ZoneId.of("America/New_York"));
        assertThat(next(newYork, "0 9 * * *", null, "2026-11-20T00:00:00Z")).isEqualTo("2026-11-20T14:00:00Z");
        assertThat(next(newYork, "CRON_TZ=UTC 0 9 * * *", null, "2026-11-20T00:00:00Z")).isEqualTo("2026-11-20T09:00:00Z");
        assertThat(next(newYork, "TZ=Asia/Tokyo 0 9 * * *", null, "2026-11-20T00:00:00Z")).isEqualTo("2026-11-21T00:00:00Z");
    }

    @Test
    void macrosNamesAndQuestionMarksAreAcceptedAsKubernetesDoes() {
        assertThat(next(utc, "@hourly", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(next(utc, "@daily", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-21T00:00:00Z");
        assertThat(next(utc, "@weekly", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-22T00:00:00Z");
        assertThat(next(utc, "@monthly", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(next(utc, "@yearly", null, "2026-11-20T09:10:02Z")).isEqualTo("2027-01-01T00:00:00Z");
        // 2026-11-20 is a Friday
        assertThat(next(utc, "0 9 ? * MON-FRI", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-23T09:00:00Z");
        assertThat(next(utc, "0  9  *  *  1-5", null, "2026-11-20T09:10:02Z")).isEqualTo("2026-11-23T09:00:00Z");
    }

    @Test
    void unparsableSchedulesAndZonesGiveNothing() {
        for (String bad : new String[] {"every minute", "61 * * * *", "* * * *", "* * * * * *", "@every 5m", "@reboot", ""}) {
            assertThat(utc.nextFireAfter(bad, null, 0)).as(bad).isEmpty();
            assertThat(utc.parses(bad, null)).as(bad).isFalse();
        }
        assertThat(utc.nextFireAfter("*/5 * * * *", "Mars/Olympus_Mons", 0)).isEmpty();
        assertThat(utc.nextFireAfter(null, null, 0)).isEmpty();
        assertThat(utc.parses("*/5 * * * *", null)).isTrue();
    }

    private static String next(CronSchedules s, String schedule, String zone, String after) {
        OptionalLong n = s.nextFireAfter(schedule, zone, Instant.parse(after).toEpochMilli());
        assertThat(n).as(schedule).isPresent();
        return Instant.ofEpochMilli(n.getAsLong()).toString();
    }

    @Test
    void rememberedAnswersEqualFreshOnes() {
        // One instance answering many times (memoised intervals) must agree with a fresh instance per question,
        // over times that move forwards, backwards and across a DST change.
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        String[][] schedules = {{"*/5 * * * *", null}, {"30 2 * * *", "Europe/Berlin"}, {"0 * * * *", "America/New_York"},
            {"@daily", null}, {"15 9 * * 1-5", "Asia/Kolkata"}};
        CronSchedules shared = new CronSchedules(ZoneId.of("UTC"));
        long base = java.time.Instant.parse("2026-03-27T00:00:00Z").toEpochMilli();
        long t = base;
        for (int i = 0; i < 20_000; i++) {
            t = r.nextInt(10) == 0 ? base + r.nextLong(10L * 86_400_000) : t + r.nextLong(120_000);
            String[] s = schedules[r.nextInt(schedules.length)];
            assertThat(shared.nextFireAfter(s[0], s[1], t))
                    .as("%s %s after %d", s[0], s[1], t)
                    .isEqualTo(new CronSchedules(ZoneId.of("UTC")).nextFireAfter(s[0], s[1], t));
        }
    }
}
