package dev.cronsentinel.model;

/** Alert severity, ordered from least to most severe. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    /** The next level up, saturating at CRITICAL: correlation raises a confirmed chain one step. */
    public Severity raised() {
        return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
    }
}
