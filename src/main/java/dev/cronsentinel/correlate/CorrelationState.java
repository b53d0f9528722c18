package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.runtime.StateTtlBackstop;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;

/**
 * What the two link functions share: their state descriptors, and which input they admit. Every piece of state
 * is cleared by an event-time timer when its window ends; the processing-time TTL is only a backstop (a key
 * whose watermark stopped advancing).
 */
final class CorrelationState {
    private CorrelationState() {}

    static <T> ValueStateDescriptor<T> value(String name, Class<T> type, CorrelationConfig cfg) {
        ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, TypeInformation.of(type));
        d.enableTimeToLive(StateTtlBackstop.of(cfg.stateTtl()));
        return d;
    }

    static <T> ListStateDescriptor<T> list(String name, Class<T> type, CorrelationConfig cfg) {
        ListStateDescriptor<T> d = new ListStateDescriptor<>(name, TypeInformation.of(type));
        d.enableTimeToLive(StateTtlBackstop.of(cfg.stateTtl()));
        return d;
    }

    /**
     * Whether a scored event takes part in correlation. One behind the watermark (everything up to the watermark
     * has been handled, so it can no longer be placed) goes to the late side output and is counted; a refused
     * write created nothing, so it is never a root nor a spawn.
     */
    static boolean admit(ScoredEvent s, Long timestamp, long watermark, Counter late, Consumer<ScoredEvent> lateOutput) {
        if (timestamp != null && timestamp <= watermark) {
            late.inc();
            lateOutput.accept(s);
            return false;
        }
        return s.role() != EventRole.ATTEMPT;
    }
}
