package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChainWindowsTest {
    private final ChainWindows windows = new ChainWindows(config(), new CronSchedules(config().controllerTimeZone()));

    @Test
    void aCronJobIsAwaitedUntilItsNextFireTimePlusTheGrace() {
        assertThat(windows.cronJobDeadline(t("09:02:13"), "*/5 * * * *", null)).isEqualTo(t("09:10:00"));
        assertThat(windows.cronJobDeadline(t("09:10:02"), "0 * * * *", "Europe/Berlin")).isEqualTo(t("10:05:00"));
    }

    @Test
    void theWaitIsCappedByTheMaximumWindow() {
        long from = t("09:10:02");
        assertThat(windows.cronJobDeadline(from, "@yearly", null)).isEqualTo(from + Duration.ofHours(26).toMillis());
    }

    @Test
    void withoutAUsableScheduleTheDefaultWindowApplies() {
        long from = t("09:10:02");
        assertThat(windows.cronJobDeadline(from, null, null)).isEqualTo(from + Duration.ofMinutes(10).toMillis());
        assertThat(windows.cronJobDeadline(from, "not a schedule", null)).isEqualTo(from + Duration.ofMinutes(10).toMillis());
        assertThat(windows.jobDeadline(from)).isEqualTo(from + Duration.ofMinutes(10).toMillis());
    }

    @Test
    void eachPodExtendsItsJobsWindowUpToTheMaximum() {
        long job = t("09:00:00");
        long deadline = windows.jobDeadline(job);
        assertThat(windows.jobDeadlineAfterPod(deadline, job, t("09:08:00"))).isEqualTo(t("09:18:00"));
        assertThat(windows.jobDeadlineAfterPod(t("09:18:00"), job, t("09:01:00"))).as("never shrinks").isEqualTo(t("09:18:00"));
        assertThat(windows.jobDeadlineAfterPod(deadline, job, job + Duration.ofHours(30).toMillis()))
                .isEqualTo(job + Duration.ofHours(26).toMillis());
    }

    @Test
    void orphanWindowsAreAlignedToTheEpoch() {
        assertThat(windows.orphanWindowStart(t("09:59:59.999"))).isEqualTo(t("09:00:00"));
        assertThat(windows.orphanWindowStart(t("10:00:00"))).isEqualTo(t("10:00:00"));
        assertThat(windows.orphanWindowEnd(t("09:10:00"))).isEqualTo(t("10:00:00"));
    }
}
