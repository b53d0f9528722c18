package dev.cronsentinel.compat;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a Python {@code re} pattern into an RE2J (linear-time) pattern that matches the same strings,
 * for the subset of the syntax that the seed queries use. RE2J alone would differ from Python in two ways
 * that the seed patterns hit:
 * <ul>
 *   <li>{@code \s}: Python's matches every {@code str.isspace()} character (U+00A0, U+2003, U+0085,
 *       U+001C..U+001F, ...); RE2J's only {@code [\t\n\f\r ]}, not even U+000B. It becomes an explicit
 *       class of {@link PythonText#WHITESPACE}.</li>
 *   <li>{@code (?i)}: Python matches a cased character when the simple lower-case mapping of the input
 *       character equals the pattern character's, or equals a lower-case letter with the same upper case
 *       (so {@code i} also matches U+0130 and U+0131; {@code k} U+212A; {@code s} U+017F). RE2J folds by
 *       Unicode case-folding orbits and misses U+0130 and U+0131. Each cased literal becomes an explicit
 *       class of the characters Python accepts for it.</li>
 * </ul>
 *
 * <p>Supported syntax: literals; {@code \} before a character that is not an ASCII letter or digit; {@code
 * \s}, {@code \S}; {@code .} (anything but a line feed, in both engines); groups {@code (...)} and {@code
 * (?:...)}; {@code |}; {@code *}, {@code +}, {@code ?} and their lazy forms; one leading {@code (?i)}, and
 * under it ASCII letters as the only cased literals. Anything else (classes, counted repetition, anchors,
 * other escapes and flags) is refused with a reason rather than translated approximately.
 */
public final class PythonRegex {

    /** Characters that are not literals in a Python pattern and that this subset does not support. */
    private static final String UNSUPPORTED = "[]{}^$";

    private static volatile int[][] asciiCaseClasses;

    private final String source;
    private final boolean ignoreCase;
    private final StringBuilder out = new StringBuilder();
    private int pos;

    private PythonRegex(String source) {
        this.source = source;
        this.ignoreCase = source.startsWith("(?i)");
        this.pos = ignoreCase ? 4 : 0;
    }

    /** Compiles a Python pattern; the result's {@code find()} agrees with Python's {@code re.search}. */
    public static Pattern compile(String pythonPattern) {
        return Pattern.compile(translate(pythonPattern));
    }

    /**
     * The RE2J pattern text for a Python pattern.
     *
     * @throws IllegalArgumentException naming the construct and its position when the pattern is not valid
     *     Python or leaves the supported subset
     */
    public static String translate(String pythonPattern) {
        PythonRegex t = new PythonRegex(pythonPattern);
        t.alternation();
        if (t.pos < pythonPattern.length()) {
            throw t.error("unbalanced parenthesis");
        }
        return t.out.toString();
    }

    private void alternation() {
        concatenation();
        while (pos < source.length() && source.charAt(pos) == '|') {
            pos++;
            out.append('|');
            concatenation();
        }
    }

    private void concatenation() {
        while (pos < source.length() && source.charAt(pos) != '|' && source.charAt(pos) != ')') {
            atom();
            quantifier();
        }
    }

    private void quantifier() {
        if (pos >= source.length() || "*+?".indexOf(source.charAt(pos)) < 0) {
            return;
        }
        out.append(source.charAt(pos++));
        if (pos < source.length() && source.charAt(pos) == '?') {
            out.append(source.charAt(pos++));
        } else if (pos < source.length() && source.charAt(pos) == '+') {
            throw error("possessive quantifiers are not supported");
        }
        if (pos < source.length() && "*+?".indexOf(source.charAt(pos)) >= 0) {
            throw error("multiple repeat");
        }
    }

    private void atom() {
        int cp = source.codePointAt(pos);
        if (cp == '(') {
            int open = pos;
            pos++;
            if (source.startsWith("?:", pos)) {
                pos += 2;
            } else if (source.startsWith("?", pos)) {
                throw error("only (?:...) groups and one leading (?i) are supported");
            }
            out.append("(?:");
            alternation();
            if (pos >= source.length()) {
                pos = open;
                throw error("missing ), unterminated subpattern");
            }
            pos++;
            out.append(')');
        } else if (cp == '*' || cp == '+' || cp == '?') {
            throw error("nothing to repeat");
        } else if (cp == '.') {
            pos++;
            out.append('.');
        } else if (cp == '\\') {
            escape();
        } else if (cp < 0x80 && UNSUPPORTED.indexOf(cp) >= 0) {
            throw error("'" + (char) cp + "' (classes, counted repetition, anchors) is not supported");
        } else {
            pos += Character.charCount(cp);
            literal(cp);
        }
    }

    private void escape() {
        if (pos + 1 >= source.length()) {
            throw error("bad escape (end of pattern)");
        }
        int cp = source.codePointAt(pos + 1);
        if (cp == 's' || cp == 'S') {
            out.append(cp == 's' ? "[" : "[^");
            for (int w : PythonText.WHITESPACE) {
                appendCodePoint(w);
            }
            out.append(']');
        } else if (cp < 0x80 && Character.isLetterOrDigit(cp)) {
            throw error("escape \\" + (char) cp + " is not supported");
        } else {
            literal(cp);
        }
        pos += 1 + Character.charCount(cp);
    }

    private void literal(int cp) {
        if (ignoreCase && isCased(cp)) {
            if (cp >= 0x80) {
                throw error("non-ASCII cased literal under (?i) is not supported");
            }
            out.append('[');
            for (int c : caseClass(cp)) {
                appendCodePoint(c);
            }
            out.append(']');
        } else {
            appendCodePoint(cp);
        }
    }

    private void appendCodePoint(int cp) {
        if (cp < 0x80 && Character.isLetterOrDigit(cp)) {
            out.append((char) cp);
        } else {
            out.append("\\x{").append(Integer.toHexString(cp)).append('}');
        }
    }

    private IllegalArgumentException error(String reason) {
        return new IllegalArgumentException(reason + " at position " + pos);
    }

    /** CPython's {@code _sre.unicode_iscased}. */
    private static boolean isCased(int cp) {
        return cp != Character.toLowerCase(cp) || cp != Character.toUpperCase(cp);
    }

    /**
     * Every code point that Python's {@code (?i)} lets match the ASCII letter {@code letter}: those whose
     * simple lower case is the letter's lower case {@code l}, or is another lower-case character with the
     * same upper case as {@code l} (CPython's "ignore-case fixes", e.g. U+0131 for i, U+017F for s).
     */
    static int[] caseClass(int letter) {
        int[][] classes = asciiCaseClasses;
        if (classes == null) {
            classes = computeAsciiCaseClasses();
            asciiCaseClasses = classes;
        }
        return classes[Character.toLowerCase(letter) - 'a'].clone();
    }

    private static int[][] computeAsciiCaseClasses() {
        // First the lower-case characters equivalent to each letter (same upper case), then every code
        // point whose simple lower case is one of them.
        Map<Integer, Integer> letterOfLower = new HashMap<>();
        for (int x = 0; x <= Character.MAX_CODE_POINT; x++) {
            int upper = Character.toUpperCase(x);
            if (x == Character.toLowerCase(x) && upper >= 'A' && upper <= 'Z') {
                letterOfLower.put(x, upper - 'A');
            }
        }
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            members.add(new ArrayList<>());
        }
        for (int x = 0; x <= Character.MAX_CODE_POINT; x++) {
            Integer letter = letterOfLower.get(Character.toLowerCase(x));
            if (letter != null) {
                members.get(letter).add(x);
            }
        }
        int[][] out = new int[26][];
        for (int i = 0; i < 26; i++) {
            out[i] = members.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}
