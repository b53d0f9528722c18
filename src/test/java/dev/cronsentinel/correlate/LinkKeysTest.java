package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.job;
import static dev.cronsentinel.correlate.ChainEvents.pod;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkKeysTest {
    private final LinkKeys keys = new LinkKeys(Duration.ofHours(26).toMillis());
    private final long run = t("09:05:00");
    private final long minutes = run / 60_000;

    @Test
    void cronJobRootsAndControllerJobsMeetOnNamespaceAndCronJobName() {
        assertThat(keys.toCronJobStage(cronJob("log-rotate").build())).isTrue();
        assertThat(keys.toCronJobStage(cronJob("log-rotate").verb("patch").build())).isTrue();
        assertThat(keys.toCronJobStage(cronJob("log-rotate").refused().build())).isFalse();
        assertThat(keys.toCronJobStage(spawnedJob("log-rotate", "cj-1", run).build())).isTrue();
        assertThat(keys.toCronJobStage(job("node-debug").build())).isFalse();

        assertThat(keys.cronJobKey(cronJob("log-rotate").build())).isEqualTo("payments/log-rotate");
        assertThat(keys.cronJobKey(spawnedJob("log-rotate", "cj-1", run).build())).isEqualTo("payments/log-rotate");
        assertThat(keys.cronJobKey(spawnedJob("log-rotate", null, run).noOwner().build())).as("by the scheduled-minute name")
                .isEqualTo("payments/log-rotate");
    }

    @Test
    void jobsAndTheirPodsMeetOnNamespaceAndJobName() {
        assertThat(keys.toJobStage(job("node-debug").build())).isTrue();
        assertThat(keys.toJobStage(job("node-debug").refused().build())).isFalse();
        assertThat(keys.toJobStage(spawnedJob("log-rotate", "cj-1", run).build())).as("controller Jobs go through the CronJob stage")
                .isFalse();
        assertThat(keys.toJobStage(pod("node-debug", "job-1", "abcde").build())).isTrue();
        assertThat(keys.toJobStage(cronJob("log-rotate").build())).isFalse();

        assertThat(keys.jobKey(job("node-debug").build())).isEqualTo("payments/node-debug");
        assertThat(keys.jobKey(pod("node-debug", "job-1", "abcde").build())).isEqualTo("payments/node-debug");
    }

    @Test
    void aPodsJobComesFromTheOwnerThenTheLabelThenTheGeneratedName() {
        assertThat(keys.jobOf(pod("a", "u", "bcdfg").build().event())).isEqualTo("a");
        assertThat(keys.jobOf(pod("unrelated", "u", "name").noOwner().label("from-label").build().event())).isEqualTo("from-label");
        assertThat(keys.jobOf(pod("other", "u", "bcdfg").noOwner().build().event())).isEqualTo("other");
        assertThat(keys.jobOf(pod("log-rotate-" + minutes, "u", "x7k2p").noOwner().build().event())).isEqualTo("log-rotate-" + minutes);
        // a name whose suffix is not the controller's generated one tells nothing
        assertThat(keys.jobOf(pod("x", "u", "aeiou").noOwner().build().event())).isNull();
    }

    @Test
    void theScheduledMinuteSuffixCountsOnlyNearTheEventTime() {
        assertThat(keys.cronJobOfJobName("log-rotate-" + minutes, run + 40)).isEqualTo("log-rotate");
        assertThat(keys.cronJobOfJobName("a-b-c-" + minutes, run + 40)).isEqualTo("a-b-c");
        assertThat(keys.cronJobOfJobName("backup-2024", run)).as("a year, not a scheduled minute").isNull();
        assertThat(keys.cronJobOfJobName("log-rotate-" + minutes, run + Duration.ofDays(2).toMillis())).isNull();
        assertThat(keys.cronJobOfJobName("log-rotate-" + (minutes + 10), run)).as("a minute in the future").isNull();
        assertThat(keys.cronJobOfJobName("node-debug", run)).isNull();
        assertThat(keys.cronJobOfJobName(null, run)).isNull();
    }
}
