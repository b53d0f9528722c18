package dev.cronsentinel.context;

import java.util.Locale;

/**
 * The family of a user agent: its product name, lower-cased, without version or platform.
 * {@code kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46} is {@code kubectl},
 * {@code python-requests/2.31.0} is {@code python-requests}, {@code Go-http-client/2.0} is
 * {@code go-http-client}. Versions are dropped so that an upgrade is not a new client.
 *
 * <p>The user agent is client-supplied: a careful attacker can copy the real one. The signal catches the
 * careless majority (stolen tokens replayed from scripts); it is never the only evidence.
 */
public final class ClientFamily {
    /** The family of a request without a user agent. */
    public static final String NONE = "(none)";
    private static final int MAX_LENGTH = 64;

    private ClientFamily() {}

    public static String of(String userAgent) {
        if (userAgent == null) {
            return NONE;
        }
        String ua = userAgent.strip();
        int end = 0;
        while (end < ua.length() && end < MAX_LENGTH) {
            char ch = ua.charAt(end);
            if (ch == '/' || ch == ' ' || ch == '(' || ch == ';') {
                break;
            }
            end++;
        }
        return end == 0 ? NONE : ua.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
