package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * State descriptors of the correlation functions. Every piece of state is cleared by an event-time timer when
 * its window ends; the processing-time TTL is only a backstop (a key whose watermark stopped advancing).
 */
final class CorrelationState {
    private CorrelationState() {}

    static <T> ValueStateDescriptor<T> value(String name, Class<T> type, CorrelationConfig cfg) {
        ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, TypeInformation.of(type));
        d.enableTimeToLive(ttl(cfg));
        return d;
    }

    static <T> ListStateDescriptor<T> list(String name, Class<T> type, CorrelationConfig cfg) {
        ListStateDescriptor<T> d = new ListStateDescriptor<>(name, TypeInformation.of(type));
        d.enableTimeToLive(ttl(cfg));
        return d;
    }

    private static StateTtlConfig ttl(CorrelationConfig cfg) {
        return StateTtlConfig.newBuilder(cfg.stateTtl())
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
    }

    /** Behind the watermark: everything up to the watermark has been handled, so the event can no longer be placed. */
    static boolean isLate(Long timestamp, long watermark) {
        return timestamp != null && timestamp <= watermark;
    }
}
