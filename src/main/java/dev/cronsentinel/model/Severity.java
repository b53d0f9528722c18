package dev.cronsentinel.model;

/** Alert severity, ordered from least to most severe. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    /** The next level up, saturating at CRITICAL: correlation raises a confirmed chain one step. */
    public Severity raised() {
        return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
    }

    /** The wire name: alert JSON writes enums through {@code toString()}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
