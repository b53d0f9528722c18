package dev.cronsentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Runs first in the {@code clock-ahead} run (Maven profile {@code clock-ahead}, what {@code .ci/run} uses) and
 * fails it if the wall clock did not move: without this, a missing libfaketime would let the date-sensitive
 * tests pass again on today's date and prove nothing. Not named {@code *Test}, so the ordinary run skips it.
 */
class ClockAheadCheck {
    @Test
    void theWallClockReadsAYearAheadOfTheBuild() {
        String realStart = System.getProperty("cronsentinel.clock-ahead.real-start");
        assertThat(realStart).as("set by the clock-ahead surefire execution").isNotBlank();
        Instant build = Instant.parse(realStart);
        assertThat(Instant.now())
                .as("wall clock under LD_PRELOAD=%s FAKETIME=%s", System.getenv("LD_PRELOAD"),
                        System.getenv("FAKETIME"))
                .isAfter(build.plus(Duration.ofDays(360)));
    }
}
