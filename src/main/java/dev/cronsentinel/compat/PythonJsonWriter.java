package dev.cronsentinel.compat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes values of {@link PythonJsonParser}'s model as Python's {@code json.dumps(value, separators=(",",
 * ":"), ensure_ascii=False)} does, character for character. The oracle re-serialises every item of an
 * {@code EventList} this way before its regexes see the text, so the exact output decides what they match:
 * <ul>
 *   <li>no spaces; object members in insertion order (a repeated key already collapsed by the parser);</li>
 *   <li>strings escape only {@code "}, {@code \\}, and the controls U+0000..U+001F ({@code \n \r \t \b \f}
 *       by name, the rest as lower-case {@code \\u00xx}); {@code /}, {@code &}, DEL and all non-ASCII
 *       characters are written raw;</li>
 *   <li>integers verbatim ({@code -0} is Python's int 0, so it prints {@code 0}); floats as {@code
 *       repr(float)}, see {@link #floatRepr}; non-finite floats as {@code NaN}, {@code Infinity}, {@code
 *       -Infinity}.</li>
 * </ul>
 *
 * <p>Floats: {@link #floatRepr} agrees with CPython on every double tested (60,000, random bit patterns
 * and decimal edge cases, in {@code PythonJsonWriterTest}); no residual difference is known. Even if one
 * existed it could not change a seed flag: a float's text holds only digits, {@code . e + -} (or the
 * words {@code NaN}/{@code Infinity}, spelled as Python does) and sits between JSON delimiters ({@code : ,
 * [ ]}), while every seed pattern needs a run of at least two letters ({@code nc}, {@code /proc}, {@code
 * hostPath}, ...) or a literal {@code .}/{@code +} inside such a word, none of which a float's text can
 * supply or break; {@code .*} in {@code privileged.*true} only spans it. A new pattern in a rule file that
 * matched digits across a delimiter would lose that guarantee, but still not this agreement.
 */
public final class PythonJsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PythonJsonWriter() {}

    /** Python's output exactly, lone surrogates included raw (Python keeps them in the str it returns). */
    public static String dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, false);
        return sb.toString();
    }

    /**
     * The same text, except that lone surrogates are written as {@code \\udxxx} escapes so the result can
     * be encoded as UTF-8. Python cannot print such a string at all (its stdout encoder raises), so there
     * is no oracle output to match and this is the one place the renderer departs from it.
     */
    public static String dumpsEncodable(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, true);
        return sb.toString();
    }

    static void append(StringBuilder sb, Object value, boolean escapeLoneSurrogates) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String) {
            appendString(sb, (String) value, escapeLoneSurrogates);
        } else if (value instanceof Boolean) {
            sb.append(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            sb.append(value);
        } else if (value instanceof Double) {
            sb.append(floatJson((Double) value));
        } else if (value instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                append(sb, item, escapeLoneSurrogates);
            }
            sb.append(']');
        } else if (value instanceof Map) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = ((Map<?, ?>) value).entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                appendString(sb, (String) e.getKey(), escapeLoneSurrogates);
                sb.append(':');
                append(sb, e.getValue(), escapeLoneSurrogates);
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("not a value of the Python JSON model: " + value.getClass());
        }
    }

    /** A JSON string literal as Python's {@code encode_basestring} writes it. */
    static void appendString(StringBuilder sb, String s, boolean escapeLoneSurrogates) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20) {
                        appendUnicodeEscape(sb, c);
                    } else if (escapeLoneSurrogates && Character.isSurrogate(c) && !pairedAt(s, i)) {
                        appendUnicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && pairedAt(s, i)) {
                        sb.append(c).append(s.charAt(++i));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static void appendUnicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }

    private static String floatJson(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return floatRepr(d);
    }

    /**
     * Python's {@code repr(float)} for a finite double: the shortest decimal that reads back as the same
     * double (the nearest such one when two qualify), written in fixed notation when its decimal exponent
     * is in [-4, 16) and as {@code d.ddde+XX} otherwise, with {@code .0} added to integral fixed values.
     * Java 17's {@link Double#toString} is not always shortest and formats differently, hence this.
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("not finite: " + d);
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0";
        }
        double a = Math.abs(d);
        BigDecimal shortest = shortestRoundTrip(a);
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // a == 0.<digits> * 10^decpt
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (decpt <= -4 || decpt > 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        } else if (decpt <= 0) {
            sb.append("0.");
            for (int i = 0; i < -decpt; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (decpt >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < decpt; i++) {
                sb.append('0');
            }
            sb.append(".0");
        } else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return sb.toString();
    }

    /** The shortest decimal (trailing zeros stripped) that parses back to {@code a}, a positive double. */
    private static BigDecimal shortestRoundTrip(double a) {
        BigDecimal exact = new BigDecimal(a);
        for (int p = 1; p <= 17; p++) {
            // The nearest p-digit decimals below and above: if neither reads back as a, no p-digit one does.
            BigDecimal lo = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal hi = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean loOk = Double.parseDouble(lo.toString()) == a;
            boolean hiOk = Double.parseDouble(hi.toString()) == a;
            BigDecimal pick;
            if (loOk && hiOk) {
                int cmp = exact.subtract(lo).compareTo(hi.subtract(exact));
                if (cmp != 0) {
                    pick = cmp < 0 ? lo : hi;
                } else {
                    pick = lo.unscaledValue().testBit(0) ? hi : lo;
                }
            } else if (loOk) {
                pick = lo;
            } else if (hiOk) {
                pick = hi;
            } else {
                continue;
            }
            return pick.stripTrailingZeros();
        }
        throw new AssertionError("17 significant digits always round-trip a double: " + a);
    }
}
