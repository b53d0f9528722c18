package dev.cronsentinel.compat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text with the grammar and the values of Python's {@code json.loads}, and remembers, for an
 * object at the top, the raw text of each member's value as the oracle's {@code top_level_raw} slices it.
 * Built on Jackson's streaming parser, whose char offsets give the raw spans, fenced where Jackson and
 * Python disagree:
 * <ul>
 *   <li>only Python's spellings {@code NaN}, {@code Infinity}, {@code -Infinity} are accepted (Jackson's
 *       non-numeric mode also takes {@code +INF}, {@code -INF}, {@code +Infinity});</li>
 *   <li>integers of more than {@value #MAX_INT_DIGITS} digits are rejected, as CPython's int conversion
 *       limit makes {@code json.loads} raise ValueError;</li>
 *   <li>Jackson's length limits on strings, names and numbers are lifted (Python has none), field names are
 *       not canonicalised (so hostile key sets cannot trip the symbol table), nesting stops at
 *       {@value #MAX_DEPTH};</li>
 *   <li>the input is a decoded String, so a byte-order mark is an unexpected character, as in Python.</li>
 * </ul>
 *
 * <p>Values are Python's, in Java types: an object is a {@link LinkedHashMap} (a repeated key keeps its
 * first position and its last value, as a Python dict built from the pairs does), an array a {@link List},
 * a string a {@link String} (lone surrogates from {@code \\uXXXX} escapes kept), an integer a {@link Long}
 * or {@link java.math.BigInteger}, a float a {@link Double} (correctly rounded, like Python's), {@code
 * true}/{@code false} a {@link Boolean}, {@code null} Java {@code null}.
 */
public final class PythonJsonParser {

    /** Nesting limit; CPython's json raises RecursionError a little below 1000 levels. */
    public static final int MAX_DEPTH = 1000;

    /** CPython's default {@code sys.get_int_max_str_digits()}. */
    static final int MAX_INT_DIGITS = 4300;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private PythonJsonParser() {}

    /** A parsed JSON text. */
    public static final class Document {
        private final String text;
        private final Object value;
        private final Map<String, int[]> spans;

        private Document(String text, Object value, Map<String, int[]> spans) {
            this.text = text;
            this.value = value;
            this.spans = spans;
        }

        /** The value, in the Java types listed on {@link PythonJsonParser}. */
        public Object value() {
            return value;
        }

        /**
         * The raw text of a top-level member's value exactly as it is written in the input (escapes,
         * spacing and all), of its last occurrence when the key repeats; null when the key is absent or
         * the document is not an object.
         */
        public String rawText(String key) {
            int[] span = spans.get(key);
            return span == null ? null : text.substring(span[0], span[1]);
        }
    }

    /**
     * Parses a whole JSON text, as {@code json.loads} does: one value, JSON whitespace (space, tab, CR, LF)
     * around it and nothing else.
     */
    public static Document parse(String text) throws SkippedInputException {
        try (JsonParser p = FACTORY.createParser(text.toCharArray())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SkippedInputException(SkippedInputException.NOT_JSON, "Expecting value: empty input");
            }
            Map<String, int[]> spans = new HashMap<>();
            Object value = t == JsonToken.START_OBJECT ? readTopObject(p, text, spans) : readValue(p, t);
            if (p.nextToken() != null) {
                throw new SkippedInputException(SkippedInputException.NOT_JSON,
                        "Extra data at char " + p.currentTokenLocation().getCharOffset());
            }
            return new Document(text, value, spans);
        } catch (StreamConstraintsException e) {
            throw new SkippedInputException(SkippedInputException.TOO_DEEP, firstLine(e));
        } catch (JsonProcessingException e) {
            throw new SkippedInputException(SkippedInputException.NOT_JSON, firstLine(e));
        } catch (IOException e) {
            // A char[] source cannot fail to read; anything here is still a parse failure.
            throw new SkippedInputException(SkippedInputException.NOT_JSON, firstLine(e));
        }
    }

    private static Map<String, Object> readTopObject(JsonParser p, String text, Map<String, int[]> spans)
            throws IOException, SkippedInputException {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonToken t = p.nextToken();
        while (t == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken valueToken = p.nextToken();
            int start = (int) p.currentTokenLocation().getCharOffset();
            Object value = readValue(p, valueToken);
            // The value ends where the next member (or the closing brace) begins, less the comma and the
            // whitespace between: no value ends in whitespace or a comma.
            t = p.nextToken();
            int end = trimBack(text, (int) p.currentTokenLocation().getCharOffset());
            out.put(key, value);
            spans.put(key, new int[] {start, end});
        }
        return out;
    }

    private static int trimBack(String text, int boundary) {
        int end = boundary;
        while (end > 0 && isJsonSpace(text.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && text.charAt(end - 1) == ',') {
            end--;
            while (end > 0 && isJsonSpace(text.charAt(end - 1))) {
                end--;
            }
        }
        return end;
    }

    private static boolean isJsonSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException, SkippedInputException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    map.put(key, readValue(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(p, item));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return readInt(p);
            case VALUE_NUMBER_FLOAT:
                return readFloat(p.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new SkippedInputException(SkippedInputException.NOT_JSON, "unexpected token " + t);
        }
    }

    private static Object readInt(JsonParser p) throws IOException, SkippedInputException {
        String digits = p.getText();
        int count = digits.length() - (digits.charAt(0) == '-' ? 1 : 0);
        if (count > MAX_INT_DIGITS) {
            throw new SkippedInputException(SkippedInputException.NOT_JSON,
                    "Exceeds the limit (" + MAX_INT_DIGITS + " digits) for integer string conversion: value has "
                            + count + " digits");
        }
        switch (p.getNumberType()) {
            case INT:
            case LONG:
                return p.getLongValue();
            default:
                return p.getBigIntegerValue();
        }
    }

    private static Double readFloat(String text) throws SkippedInputException {
        char c0 = text.charAt(0);
        boolean nonNumeric = c0 == 'N' || c0 == 'I' || c0 == '+' || (c0 == '-' && text.length() > 1
                && text.charAt(1) == 'I');
        if (!nonNumeric) {
            // Correctly rounded, as CPython's float(): the same double for the same text.
            return Double.parseDouble(text);
        }
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                throw new SkippedInputException(SkippedInputException.NOT_JSON,
                        "'" + text + "' is not a value Python's json accepts");
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
