package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.connector.base.sink.writer.strategy.AIMDScalingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.BasicRequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.BasicResultInfo;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.junit.jupiter.api.Test;

class BackoffRateLimitingStrategyTest {

    private static BackoffRateLimitingStrategy strategy() {
        return new BackoffRateLimitingStrategy(CongestionControlRateLimitingStrategy.builder()
                .setMaxInFlightRequests(1)
                .setInitialMaxInFlightMessages(10)
                .setScalingStrategy(AIMDScalingStrategy.builder(20).build())
                .build());
    }

    @Test
    void aPauseBlocksUntilItsOwnResume() {
        BackoffRateLimitingStrategy s = strategy();
        BasicRequestInfo five = new BasicRequestInfo(5);
        assertThat(s.shouldBlock(five)).isFalse();

        long first = s.pause();
        assertThat(s.shouldBlock(five)).isTrue();
        long second = s.pause();
        s.resume(first);
        assertThat(s.shouldBlock(five)).as("an older pause's timer must not end a newer pause").isTrue();
        s.resume(second);
        assertThat(s.shouldBlock(five)).isFalse();
    }

    @Test
    void stillAppliesTheInFlightLimitOfItsDelegate() {
        BackoffRateLimitingStrategy s = strategy();
        BasicRequestInfo five = new BasicRequestInfo(5);
        s.registerInFlightRequest(five);
        assertThat(s.shouldBlock(five)).isTrue();
        s.registerCompletedRequest(new BasicResultInfo(0, 5));
        assertThat(s.shouldBlock(five)).isFalse();
    }
}
