package dev.cronsentinel.alert;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.UndecodableEvent;
import java.time.Clock;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Turns a relevant write that could not be decoded into its {@code undecodable} alert
 * ({@link AlertFactory#fromUndecodable}). The clock stands in for the event time only when the envelope scan
 * could read no timestamp; it is injected so tests do not depend on the date.
 */
public class UndecodableAlertFunction implements MapFunction<UndecodableEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final String profile;
    private final String ruleVersion;
    private final Clock clock;

    public UndecodableAlertFunction(String profile, String ruleVersion, Clock clock) {
        this.profile = profile;
        this.ruleVersion = ruleVersion;
        this.clock = clock;
    }

    @Override
    public Alert map(UndecodableEvent u) {
        return AlertFactory.fromUndecodable(u, profile, ruleVersion, clock.millis());
    }
}
