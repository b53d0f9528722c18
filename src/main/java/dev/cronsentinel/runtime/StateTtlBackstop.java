package dev.cronsentinel.runtime;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/**
 * The one TTL configuration every keyed state of the job carries. Each state leaves by an event-time timer of
 * its own function; this processing-time TTL is only the backstop for keys whose timer can never fire (an event
 * time that never comes back, a timer lost to a bug), so that no key's state outlives it. Written on create and
 * on every write, and an expired value is never returned, so a backstop expiry looks exactly like the timer's.
 */
public final class StateTtlBackstop {
    private StateTtlBackstop() {}

    /** The backstop for state that its timers clear well within {@code ttl}. */
    public static StateTtlConfig of(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
    }
}
