package dev.cronsentinel.prefilter;

import com.google.re2j.Pattern;
import java.io.Serializable;

/**
 * A user-supplied RE2J pattern that checks its required literals ({@link LiteralPrefilter}) before running.
 * Same answers as {@code pattern.matcher(text).find()}, much cheaper when the literals are absent, which is
 * the common case on hot paths (every command line, every pod creator). Serializable as its source text; the
 * compiled forms are rebuilt where it is used.
 */
public final class PrefilteredPattern implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private transient Pattern pattern;
    private transient LiteralPrefilter prefilter;

    public PrefilteredPattern(String source) {
        this.source = source;
        compile();
    }

    public static PrefilteredPattern compile(String source) {
        return new PrefilteredPattern(source);
    }

    private void compile() {
        pattern = Pattern.compile(source);
        prefilter = LiteralPrefilter.of(source);
    }

    /** True when the pattern matches somewhere in {@code text}. */
    public boolean find(String text) {
        if (pattern == null) {
            compile(); // after deserialization
        }
        return prefilter.mightMatch(text) && pattern.matcher(text).find();
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }
}
