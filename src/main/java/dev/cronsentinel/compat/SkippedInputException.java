package dev.cronsentinel.compat;

/**
 * Input that the seed-query oracle skips ("skipped: ..." on its stderr) and that a compatibility profile
 * must therefore neither score nor lose: the caller dead-letters it with {@link #reason()}. Checked, so a
 * caller cannot forget that bad input exists.
 *
 * <p>Reasons, each a short machine-readable category for {@code DeadLetter.reason}:
 * <ul>
 *   <li>{@value #BLANK}: nothing but whitespace (the line reader drops these silently, as the oracle does);</li>
 *   <li>{@value #INVALID_UTF8}: bytes that are not UTF-8 (the oracle dies on these; see {@link SeedQueryLines});</li>
 *   <li>{@value #NOT_JSON}: rejected by Python's {@code json.loads}, including integers of more than 4300
 *       digits, which Python refuses to convert;</li>
 *   <li>{@value #TOO_DEEP}: nested deeper than {@link PythonJsonParser#MAX_DEPTH} (the oracle dies with a
 *       RecursionError near the same depth);</li>
 *   <li>{@value #NOT_OBJECT}: valid JSON, but not an object (a top-level array, a string, an EventList item
 *       that is not an object);</li>
 *   <li>{@value #ITEMS_NOT_ITERABLE}: an EventList whose {@code items} is a non-zero number or {@code true}
 *       (the oracle dies with a TypeError).</li>
 * </ul>
 */
public final class SkippedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final String BLANK = "blank";
    public static final String INVALID_UTF8 = "invalid-utf8";
    public static final String NOT_JSON = "not-json";
    public static final String TOO_DEEP = "too-deep";
    public static final String NOT_OBJECT = "not-object";
    public static final String ITEMS_NOT_ITERABLE = "eventlist-items-not-iterable";

    private final String reason;
    private final String detail;

    public SkippedInputException(String reason, String detail) {
        // Bad input is routine (it is dead-lettered, not debugged): no stack trace to fill.
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    /** The same skip, with where it happened prepended to the detail (e.g. {@code line 3, item 2}). */
    SkippedInputException at(String where) {
        return new SkippedInputException(reason, where + ": " + detail);
    }

    /** One of the constants above. */
    public String reason() {
        return reason;
    }

    /** A human-readable explanation. */
    public String detail() {
        return detail;
    }
}
