package dev.cronsentinel.redact;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;

/**
 * Replaces credential shapes in text with a visible marker ({@code <redacted:bearer>}, ...), so alert
 * evidence and dead letters can travel to Kafka, Elasticsearch and files without carrying the secrets that
 * commands, headers and env vars of the audited requests hold. Pure code, no regular expressions: every rule
 * is a hand-written scan whose look-ahead is bounded, so the whole pass is linear in the input.
 *
 * <p>What is redacted:
 * <ul>
 *   <li>{@code Authorization: <scheme> <credential>} and {@code Bearer <token>} anywhere: the credential;</li>
 *   <li>URL user info ({@code scheme://user:password@host}: the password; {@code scheme://token@host}: all of it);</li>
 *   <li>{@code -u user:password} / {@code --user user:password} (curl, wget): the password;</li>
 *   <li>{@code --password x}, {@code --token=x} and any flag whose name {@linkplain #secretName looks secret}: the value;</li>
 *   <li>{@code NAME=value} where NAME looks secret (shell assignments, {@code -e}, {@code --env}): the value,
 *       unless the value is a reference ({@code $VAR});</li>
 *   <li>in JSON (escaped or not, as in {@code last-applied-configuration}): the {@code value} of an env entry whose
 *       {@code name} looks secret, and the string value of a member whose key looks secret;</li>
 *   <li>PEM private key blocks, AWS access key ids ({@code AKIA}/{@code ASIA}), GitHub tokens ({@code ghp_} ...,
 *       {@code github_pat_}), Slack tokens ({@code xox?-}) and JWTs ({@code eyJ...}).</li>
 * </ul>
 * A redacted value never matches a rule again, so redacting twice changes nothing. Over-redaction (a
 * harmless {@code MONKEY=1}) is accepted: a missing value is a smaller loss than a leaked one.
 */
public final class SecretRedactor {
    static final String MARK = "<redacted:";
    private static final int MAX_TOKEN = 4096;
    private static final int MAX_USERINFO = 256;
    private static final int MAX_NAME = 128;
    private static final int MAX_ESCAPE_RUN = 15;
    /** How the scorer marks a value it cut to its bound: {@code <first chars>...(N chars)}. */
    private static final String CUT_MARK = "...(";
    private static final int MAX_CUT_PREFIX = 1024;

    private SecretRedactor() {}

    /**
     * True for env var, flag and JSON key names that usually hold a secret: they contain {@code PASSWORD},
     * {@code PASSWD}, {@code PASSPHRASE}, {@code SECRET}, {@code TOKEN}, {@code CREDENTIAL}, {@code PRIVATE},
     * {@code KEY} or {@code AUTH} (not {@code AUTHOR}), or end in {@code _PWD}; case and separators ignored.
     */
    public static boolean secretName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        String u = name.toUpperCase(Locale.ROOT);
        return u.contains("PASSWORD") || u.contains("PASSWD") || u.contains("PASSPHRASE") || u.contains("SECRET")
                || u.contains("TOKEN") || u.contains("CREDENTIAL") || u.contains("PRIVATE") || u.contains("KEY")
                || (u.contains("AUTH") && !u.contains("AUTHOR")) || u.endsWith("_PWD");
    }

    /** The text with every credential shape replaced; the same instance when there was none; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return new Scan(new Scan(text).json()).text();
    }

    /**
     * Raw bytes (a dead letter's payload, perhaps not even UTF-8) with every credential shape replaced. Read
     * as ISO-8859-1, one char per byte, so no byte is lost or altered outside a redacted range; the same
     * array when there was nothing to redact.
     */
    public static byte[] redact(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return raw;
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        String out = redact(text);
        return out == text ? raw : out.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The text with every occurrence of the given values (known secrets, such as the values of env vars with
     * secret names that the scorer expanded into a command line) replaced by {@code <redacted:env>}, then
     * {@link #redact(String)}. Values shorter than four characters are left alone: they would redact noise.
     */
    public static String redact(String text, Collection<String> knownSecrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : knownSecrets) {
            if (secret != null && secret.length() >= 4 && out.contains(secret)) {
                out = out.replace(secret, MARK + "env>");
            }
        }
        return redact(redactCutSecret(out, knownSecrets));
    }

    /**
     * Evidence values are cut to a bound and end in {@code ...(N chars)}; a secret the cut went through shows
     * only its start. Replaces that start too (four characters or more), so no prefix of a known secret survives
     * at the cut. The cut is within the bound, so the comparisons are bounded too.
     */
    private static String redactCutSecret(String text, Collection<String> knownSecrets) {
        int cut = text.lastIndexOf(CUT_MARK);
        if (cut < 4) {
            return text;
        }
        for (String secret : knownSecrets) {
            if (secret == null) {
                continue;
            }
            for (int k = Math.min(secret.length() - 1, Math.min(cut, MAX_CUT_PREFIX)); k >= 4; k--) {
                if (text.regionMatches(cut - k, secret, 0, k)) {
                    return text.substring(0, cut - k) + MARK + "env>" + text.substring(cut);
                }
            }
        }
        return text;
    }

    /** One pass over one text; collects output only once something is redacted. */
    private static final class Scan {
        private final String s;
        private final int n;
        private StringBuilder out;
        /** Everything before this index has been copied to {@code out} (or needs no copy). */
        private int copied;

        Scan(String s) {
            this.s = s;
            this.n = s.length();
        }

        private void replace(int from, int to, String kind) {
            if (out == null) {
                out = new StringBuilder(n + 32);
            }
            out.append(s, copied, from).append(MARK).append(kind).append('>');
            copied = to;
        }

        private String result() {
            if (out == null) {
                return s;
            }
            out.append(s, copied, n);
            return out.toString();
        }

        // ---- JSON: env entries and secret-keyed members, at any escape depth ----

        /**
         * Walks the quoted strings of JSON text, including JSON nested in JSON strings (quotes preceded by
         * backslashes, as in {@code last-applied-configuration}), and redacts a member value when its key looks
         * secret, or when it is the {@code value} of an object whose adjacent {@code name} member looks secret
         * (either order).
         */
        String json() {
            if (s.indexOf('"') >= 0) {
                jsonRange(0, n, 0);
            }
            return result();
        }

        /**
         * Scans {@code [start, end)} for members whose quotes are preceded by {@code run} backslashes (escape
         * depth d has 2^d - 1), and descends into string values that hold JSON one level deeper. Every level
         * reads its range once, and there are at most five levels, so the scan stays linear.
         */
        private void jsonRange(int start, int end, int run) {
            int lastValueFrom = -1;
            int lastValueTo = -1;
            boolean lastNameSecret = false;
            int i = start;
            while (i < end) {
                int q = s.indexOf('"', i);
                if (q < 0 || q >= end) {
                    return;
                }
                if (backslashesBefore(q, start) != run) {
                    i = q + 1;
                    continue;
                }
                int keyEnd = closing(q + 1, end, run);
                if (keyEnd < 0) {
                    return;
                }
                int afterKey = keyEnd + run + 1;
                int colon = skipSpace(afterKey, end);
                if (colon >= end || s.charAt(colon) != ':') {
                    i = afterKey;
                    continue;
                }
                int v = skipSpace(colon + 1, end);
                int valueQuote = v + run;
                if (valueQuote >= end || s.charAt(valueQuote) != '"' || !backslashes(v, run)) {
                    // Not a string value: the member breaks any name/value pairing.
                    lastValueFrom = -1;
                    lastNameSecret = false;
                    i = afterKey;
                    continue;
                }
                int from = valueQuote + 1;
                int valueEnd = closing(from, end, run);
                String key = s.substring(q + 1, keyEnd);
                if (valueEnd < 0) {
                    // Unterminated value (a truncated record): redact to the end if it may be a secret.
                    if (secretKey(key) || (key.equals("value") && lastNameSecret)) {
                        redactValue(from, end);
                    }
                    return;
                }
                boolean redacted = false;
                if (key.equals("name")) {
                    boolean secret = secretName(s.substring(from, valueEnd));
                    if (secret && lastValueFrom >= copied) {
                        replace(lastValueFrom, lastValueTo, "secret");
                    }
                    lastNameSecret = secret;
                    lastValueFrom = -1;
                } else if (key.equals("value")) {
                    if (lastNameSecret) {
                        redacted = redactValue(from, valueEnd);
                        lastValueFrom = -1;
                    } else {
                        lastValueFrom = from;
                        lastValueTo = valueEnd;
                    }
                    lastNameSecret = false;
                } else {
                    if (secretKey(key)) {
                        redacted = redactValue(from, valueEnd);
                    }
                    lastNameSecret = false;
                    lastValueFrom = -1;
                }
                int deeper = 2 * run + 1;
                if (!redacted && deeper <= MAX_ESCAPE_RUN && s.indexOf('"', from) < valueEnd) {
                    jsonRange(from, valueEnd, deeper);
                }
                i = valueEnd + run + 1;
            }
        }

        private boolean redactValue(int from, int to) {
            if (to > from && from >= copied && !s.startsWith(MARK, from)) {
                replace(from, to, "secret");
                return true;
            }
            return false;
        }

        /**
         * A key that names a secret itself, not a reference to one: {@code secretName}, {@code secretKeyRef}'s
         * {@code key} and {@code *Name}/{@code *Ref}/{@code *Path}/{@code *File} keys name where a secret lives.
         */
        private static boolean secretKey(String key) {
            return secretName(key) && !key.equals("key") && !key.endsWith("Name") && !key.endsWith("Ref")
                    && !key.endsWith("Path") && !key.endsWith("File") && !key.endsWith("Seconds");
        }

        private int backslashesBefore(int i, int from) {
            int k = 0;
            while (i - k - 1 >= from && s.charAt(i - k - 1) == '\\' && k <= MAX_ESCAPE_RUN) {
                k++;
            }
            return k;
        }

        private boolean backslashes(int from, int run) {
            for (int k = 0; k < run; k++) {
                if (from + k >= n || s.charAt(from + k) != '\\') {
                    return false;
                }
            }
            return true;
        }

        /**
         * The index of the first backslash (or the quote) of the quote that closes a string opened at depth
         * {@code run}, or -1. Such a quote is preceded by a run of backslashes congruent to {@code run} modulo
         * {@code 2 * (run + 1)}: deeper quotes and escaped backslashes come in longer runs.
         */
        private int closing(int from, int end, int run) {
            int i = from;
            while (i < end) {
                int q = s.indexOf('"', i);
                if (q < 0 || q >= end) {
                    return -1;
                }
                int k = 0;
                while (q - k - 1 >= from && s.charAt(q - k - 1) == '\\') {
                    k++;
                }
                if (k % (2 * (run + 1)) == run) {
                    return q - run;
                }
                i = q + 1;
            }
            return -1;
        }

        private int skipSpace(int i, int end) {
            while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
            return i;
        }

        // ---- text shapes ----

        String text() {
            int i = 0;
            while (i < n) {
                int next = at(i);
                i = next > i ? next : i + 1;
            }
            return result();
        }

        /** Tries every rule at {@code i}; returns where scanning continues (i when nothing matched). */
        private int at(int i) {
            char c = s.charAt(i);
            switch (c) {
                case 'a', 'A' -> {
                    if (startsWithIgnoreCase(i, "authorization") && wordStart(i)) {
                        return authorization(i + "authorization".length());
                    }
                    if ((s.startsWith("AKIA", i) || s.startsWith("ASIA", i)) && wordStart(i)
                            && run(i + 4, SecretRedactor::upperAlnum) == 16 && !upperAlnum(charAt(i + 20))) {
                        replace(i, i + 20, "aws-key");
                        return i + 20;
                    }
                }
                case 'b', 'B' -> {
                    if (startsWithIgnoreCase(i, "bearer") && wordStart(i)) {
                        int t = skipBlanks(i + 6);
                        if (t > i + 6) {
                            return credential(t, "bearer", i + 6);
                        }
                    }
                }
                case 'g' -> {
                    if (wordStart(i) && (s.startsWith("ghp_", i) || s.startsWith("gho_", i) || s.startsWith("ghu_", i)
                            || s.startsWith("ghs_", i) || s.startsWith("ghr_", i))) {
                        int len = run(i + 4, SecretRedactor::alnum);
                        if (len >= 20) {
                            replace(i, i + 4 + len, "github-token");
                            return i + 4 + len;
                        }
                    }
                    if (wordStart(i) && s.startsWith("github_pat_", i)) {
                        int len = run(i + 11, ch -> alnum(ch) || ch == '_');
                        if (len >= 20) {
                            replace(i, i + 11 + len, "github-token");
                            return i + 11 + len;
                        }
                    }
                }
                case 'x' -> {
                    if (wordStart(i) && s.startsWith("xox", i) && i + 4 < n && s.charAt(i + 4) == '-'
                            && "abprs".indexOf(s.charAt(i + 3)) >= 0) {
                        int len = run(i + 5, ch -> alnum(ch) || ch == '-');
                        if (len >= 10) {
                            replace(i, i + 5 + len, "slack-token");
                            return i + 5 + len;
                        }
                    }
                }
                case 'e' -> {
                    if (wordStart(i) && s.startsWith("eyJ", i)) {
                        return jwt(i);
                    }
                }
                case ':' -> {
                    if (s.startsWith("://", i)) {
                        return userInfo(i + 3);
                    }
                }
                case '-' -> {
                    if (s.startsWith("-----BEGIN ", i)) {
                        return privateKey(i);
                    }
                    if (flagStart(i)) {
                        return flag(i);
                    }
                }
                default -> { }
            }
            return identStart(c) && wordStart(i) ? assignment(i) : i;
        }

        private int authorization(int i) {
            int j = i;
            // "Authorization": "Bearer x", Authorization: Basic x, authorization=x
            while (j < n && j - i < 8 && (s.charAt(j) == '"' || s.charAt(j) == '\\' || s.charAt(j) == '\'' || blank(s.charAt(j)))) {
                j++;
            }
            if (j >= n || (s.charAt(j) != ':' && s.charAt(j) != '=')) {
                return i;
            }
            j = skipQuotesAndBlanks(j + 1);
            int scheme = run(j, SecretRedactor::alnum);
            if (scheme == 0) {
                return j;
            }
            int afterScheme = j + scheme;
            int t = skipBlanks(afterScheme);
            if (t > afterScheme && s.startsWith(MARK, t)) {
                return t + MARK.length();
            }
            if (t > afterScheme && run(t, SecretRedactor::tokenChar) > 0) {
                String kind = s.regionMatches(true, j, "bearer", 0, 6) && scheme == 6 ? "bearer"
                        : s.regionMatches(true, j, "basic", 0, 5) && scheme == 5 ? "basic" : "credential";
                return credential(t, kind, t);
            }
            // The header with a bare credential: Authorization: <token>
            return credential(j, "credential", j);
        }

        /** Redacts the credential token at {@code t} (token characters, bounded); returns where to go on. */
        private int credential(int t, String kind, int otherwise) {
            if (s.startsWith(MARK, t)) {
                return t + MARK.length();
            }
            int len = run(t, SecretRedactor::tokenChar);
            if (len == 0) {
                return otherwise;
            }
            replace(t, t + len, kind);
            return t + len;
        }

        private int jwt(int i) {
            int a = run(i, SecretRedactor::base64Url);
            if (a < 10 || charAt(i + a) != '.') {
                return i + Math.max(a, 1);
            }
            int b = run(i + a + 1, SecretRedactor::base64Url);
            if (b < 10 || charAt(i + a + 1 + b) != '.') {
                return i + a;
            }
            int c = run(i + a + b + 2, SecretRedactor::base64Url);
            int end = i + a + b + 2 + c;
            replace(i, end, "jwt");
            return end;
        }

        private int userInfo(int i) {
            int j = i;
            int colon = -1;
            while (j < n && j - i < MAX_USERINFO) {
                char ch = s.charAt(j);
                if (ch == '@') {
                    break;
                }
                if (ch == '/' || ch == '?' || ch == '#' || ch == '"' || ch == '\'' || ch == '\\' || blank(ch)
                        || ch == '<' || ch == '>') {
                    return j;
                }
                if (ch == ':' && colon < 0) {
                    colon = j;
                }
                j++;
            }
            if (j >= n || s.charAt(j) != '@' || j == i) {
                return j;
            }
            if (colon < 0) {
                replace(i, j, "userinfo");
            } else if (colon + 1 < j) {
                replace(colon + 1, j, "password");
            }
            return j + 1;
        }

        private int privateKey(int i) {
            int header = -1;
            for (int j = i + 11; j < Math.min(n, i + 80); j++) {
                if (s.startsWith("-----", j)) {
                    header = j;
                    break;
                }
            }
            if (header < 0 || !s.substring(i, header).endsWith("PRIVATE KEY")) {
                return i + 11;
            }
            int end = s.indexOf("-----END ", header + 5);
            int stop;
            if (end < 0) {
                stop = n;
            } else {
                int close = s.indexOf("-----", end + 9);
                stop = close < 0 || close - end > 80 ? n : close + 5;
            }
            replace(i, stop, "private-key");
            return stop;
        }

        private boolean flagStart(int i) {
            if (i > 0) {
                char p = s.charAt(i - 1);
                if (!(blank(p) || p == '"' || p == '\'' || p == ',' || p == '[' || p == '(')) {
                    return false;
                }
            }
            return i + 1 < n && (alnum(s.charAt(i + 1)) || s.charAt(i + 1) == '-');
        }

        /** {@code -u user:pw}, {@code --user=user:pw}, {@code --password pw}, {@code --api-token=x}. */
        private int flag(int i) {
            int nameStart = i + 1;
            if (charAt(nameStart) == '-') {
                nameStart++;
            }
            int len = run(nameStart, ch -> alnum(ch) || ch == '-' || ch == '_');
            if (len == 0 || len > MAX_NAME) {
                return i + 1;
            }
            String name = s.substring(nameStart, nameStart + len);
            int afterName = nameStart + len;
            boolean user = name.equals("u") || name.equals("user") || name.equals("proxy-user")
                    || name.equals("http-user") || name.equals("U");
            boolean secret = !user && secretName(name);
            // curl's -uuser:pw form: the credential glued to the flag.
            if (name.length() > 1 && name.charAt(0) == 'u' && nameStart == i + 1 && charAt(afterName) == ':') {
                return userPassword(nameStart + 1, afterName);
            }
            if (!user && !secret) {
                return afterName;
            }
            int t = afterName;
            if (charAt(t) == '=') {
                t++;
            } else {
                int j = t;
                while (j < n && j - t < 8 && (blank(s.charAt(j)) || s.charAt(j) == '"' || s.charAt(j) == '\''
                        || s.charAt(j) == ',' || s.charAt(j) == '\\')) {
                    j++;
                }
                if (j == t) {
                    return afterName;
                }
                t = j;
            }
            t = skipQuotesAndBlanks(t);
            if (user) {
                return userPassword(t, afterName);
            }
            if (charAt(t) == '$' || charAt(t) == '-' || s.startsWith(MARK, t)) {
                return t;
            }
            int v = tokenRun(t);
            if (v > 0) {
                replace(t, t + v, "secret");
            }
            return t + v;
        }

        private int userPassword(int t, int otherwise) {
            int v = tokenRun(t);
            int colon = indexWithin(':', t, t + v);
            if (v == 0 || colon < 0 || colon >= t + v - 1 || s.startsWith(MARK, colon + 1) || charAt(colon + 1) == '$') {
                return Math.max(otherwise, t + v);
            }
            replace(colon + 1, t + v, "password");
            return t + v;
        }

        /** {@code DB_PASSWORD=hunter2}: the value, unless it is a reference ({@code $X}) or already redacted. */
        private int assignment(int i) {
            int len = run(i, ch -> alnum(ch) || ch == '_' || ch == '.' || ch == '-');
            int eq = i + len;
            if (len > MAX_NAME || charAt(eq) != '=' || !secretName(s.substring(i, eq))) {
                return i + len;
            }
            int t = eq + 1;
            while (t < n && t - eq <= 2 && (s.charAt(t) == '"' || s.charAt(t) == '\'' || s.charAt(t) == '\\')) {
                t++;
            }
            if (charAt(t) == '$' || s.startsWith(MARK, t)) {
                return t;
            }
            int v = tokenRun(t);
            if (v > 0) {
                replace(t, t + v, "secret");
            }
            return t + v;
        }

        /** Length of a shell word or header value at {@code t}: up to a blank, quote, backslash or separator. */
        private int tokenRun(int t) {
            return run(t, ch -> !(blank(ch) || ch == '"' || ch == '\'' || ch == '\\' || ch == ';' || ch == '&'
                    || ch == '|' || ch == ',' || ch == ')' || ch == '`' || ch == '<' || ch == '>'));
        }

        /** The first {@code c} in {@code [from, to)}, or -1: never a search past the token (linear time). */
        private int indexWithin(char c, int from, int to) {
            for (int j = from; j < to; j++) {
                if (s.charAt(j) == c) {
                    return j;
                }
            }
            return -1;
        }

        private int run(int from, CharPredicate p) {
            int j = from;
            while (j < n && j - from < MAX_TOKEN && p.test(s.charAt(j))) {
                j++;
            }
            return j - from;
        }

        private int skipBlanks(int i) {
            while (i < n && blank(s.charAt(i))) {
                i++;
            }
            return i;
        }

        private int skipQuotesAndBlanks(int i) {
            int start = i;
            while (i < n && i - start < 8 && (blank(s.charAt(i)) || s.charAt(i) == '"' || s.charAt(i) == '\''
                    || s.charAt(i) == '\\')) {
                i++;
            }
            return i;
        }

        private boolean startsWithIgnoreCase(int i, String word) {
            return s.regionMatches(true, i, word, 0, word.length());
        }

        /** True when {@code i} does not continue a word (so {@code xAKIA...} and {@code nobearer} do not match). */
        private boolean wordStart(int i) {
            return i == 0 || !(alnum(s.charAt(i - 1)) || s.charAt(i - 1) == '_');
        }

        private char charAt(int i) {
            return i < n ? s.charAt(i) : '\0';
        }
    }

    @FunctionalInterface
    private interface CharPredicate {
        boolean test(char c);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean upperAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean base64Url(char c) {
        return alnum(c) || c == '-' || c == '_';
    }

    /** Characters of a bearer token or an HTTP credential (RFC 6750 b64token, plus JWT and base64 padding). */
    private static boolean tokenChar(char c) {
        return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
    }
}
