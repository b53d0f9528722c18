package dev.cronsentinel.compat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Python 3 text semantics that the seed-query oracle ({@code shared/oracle/seed_queries.py}) depends on and
 * Java does not share: what {@code str.isspace()} calls whitespace (used by {@code str.strip()} and by the
 * {@code \s} of a {@code re} pattern), and strict UTF-8 decoding.
 */
public final class PythonText {

    /**
     * Every code point for which Python's {@code str.isspace()} is true (Unicode 14, Python 3.11): bidi
     * class WS, B or S, or category Zs. Java's {@link Character#isWhitespace} differs (it excludes U+00A0,
     * U+2007, U+202F and U+0085), and RE2J's {@code \s} is only {@code [\t\n\f\r ]}. {@code
     * PythonRegexTest} checks this list against the running python3. All of them are in the BMP.
     */
    static final int[] WHITESPACE = {
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000
    };

    private PythonText() {}

    /** Python's {@code chr(cp).isspace()}. */
    public static boolean isSpace(int cp) {
        if (cp > 0x3000) {
            return false;
        }
        for (int w : WHITESPACE) {
            if (w == cp) {
                return true;
            }
        }
        return false;
    }

    /** Python's {@code s.strip()} without arguments: removes {@link #isSpace} characters at both ends. */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        // Every Python whitespace character is a single UTF-16 unit, and no surrogate half is whitespace.
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * Decodes UTF-8 the way Python's strict {@code utf-8} codec does: malformed sequences, overlong forms
     * and encoded surrogates are errors, a byte-order mark is kept as U+FEFF.
     *
     * @throws SkippedInputException with reason {@code invalid-utf8}
     */
    public static String decodeUtf8(byte[] bytes, int offset, int length) throws SkippedInputException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SkippedInputException(SkippedInputException.INVALID_UTF8, "not valid UTF-8: " + e);
        }
    }
}
