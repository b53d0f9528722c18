package dev.cronsentinel.alert;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.UndecodableEvent;
import org.apache.flink.api.common.functions.MapFunction;

/** Turns a relevant write that could not be decoded into its {@code undecodable} alert ({@link AlertFactory#fromUndecodable}). */
public class UndecodableAlertFunction implements MapFunction<UndecodableEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final String profile;
    private final String ruleVersion;

    public UndecodableAlertFunction(String profile, String ruleVersion) {
        this.profile = profile;
        this.ruleVersion = ruleVersion;
    }

    @Override
    public Alert map(UndecodableEvent u) {
        return AlertFactory.fromUndecodable(u, profile, ruleVersion);
    }
}
