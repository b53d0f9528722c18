package dev.cronsentinel.compat;

import dev.cronsentinel.model.SeedRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The oracle's reading loop ({@code lines_of} and {@code main} in {@code seed_queries.py}) over a whole
 * file's bytes or one record's, so tests and the job share one implementation:
 * <ol>
 *   <li>lines end at LF, CR or CRLF (Python's universal newlines);</li>
 *   <li>each line is stripped of Python whitespace ({@code str.strip()}, Unicode-wide); blank lines are
 *       dropped silently;</li>
 *   <li>a line that {@code json.loads} rejects is skipped;</li>
 *   <li>an object whose {@code kind} is the string {@code "EventList"} yields its {@code items} (when
 *       truthy): each object item is evaluated on its Python re-serialisation; any other item, the keys of
 *       an {@code items} object and the characters of an {@code items} string are skipped as not objects,
 *       one by one, as the oracle does;</li>
 *   <li>any other line is evaluated on its own raw text (a non-object is skipped).</li>
 * </ol>
 * Where the oracle dies instead of skipping (bytes that are not UTF-8 abort its whole file; {@code items}
 * that is a non-zero number or {@code true} raises TypeError; nesting near 1000 levels raises
 * RecursionError), this class skips the offending line or list and carries on, so a bad record costs a
 * dead letter and never the job.
 */
public final class SeedQueryLines {

    /** What a chunk of input yields, in input order. */
    public record Result(List<SeedRow> rows, List<SkippedInputException> skipped) {}

    private SeedQueryLines() {}

    /**
     * Runs the query over every line of {@code bytes} (a file, or one record: a record with line breaks
     * inside is several lines to the oracle).
     */
    public static Result evaluate(byte[] bytes, SeedQueryScorer scorer) {
        List<SeedRow> rows = new ArrayList<>();
        List<SkippedInputException> skipped = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            lineNumber++;
            evaluateLine(bytes, start, end - start, lineNumber, scorer, rows, skipped);
            // CR, LF or CRLF ends a line; CR and LF are single bytes that never occur inside a UTF-8
            // multi-byte sequence, so splitting the bytes before decoding is safe.
            if (end < bytes.length && bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n') {
                end++;
            }
            start = end + 1;
        }
        return new Result(Collections.unmodifiableList(rows), Collections.unmodifiableList(skipped));
    }

    private static void evaluateLine(byte[] bytes, int offset, int length, int lineNumber, SeedQueryScorer scorer,
            List<SeedRow> rows, List<SkippedInputException> skipped) {
        String where = "line " + lineNumber;
        PythonJsonParser.Document doc;
        try {
            String line = PythonText.strip(PythonText.decodeUtf8(bytes, offset, length));
            if (line.isEmpty()) {
                return;
            }
            doc = PythonJsonParser.parse(line);
        } catch (SkippedInputException e) {
            skipped.add(e.at(where));
            return;
        }
        Object value = doc.value();
        if (value instanceof Map && "EventList".equals(((Map<?, ?>) value).get("kind"))) {
            eventList(((Map<?, ?>) value).get("items"), where, scorer, rows, skipped);
            return;
        }
        try {
            add(rows, scorer.evaluateLine(doc));
        } catch (SkippedInputException e) {
            skipped.add(e.at(where));
        }
    }

    /** {@code for item in obj.get("items") or []}, item by item. */
    private static void eventList(Object items, String where, SeedQueryScorer scorer, List<SeedRow> rows,
            List<SkippedInputException> skipped) {
        if (!SeedQueryScorer.truthy(items)) {
            return;
        }
        if (items instanceof List) {
            int index = 0;
            for (Object item : (List<?>) items) {
                index++;
                if (item instanceof Map) {
                    add(rows, scorer.evaluateItem(SeedQueryScorer.asObject(item)));
                } else {
                    skipped.add(SeedQueryScorer.notObject(item).at(where + ", item " + index));
                }
            }
        } else if (items instanceof Map) {
            // Python iterates a dict's keys; each dumps to a JSON string, which is not an object.
            for (Object key : ((Map<?, ?>) items).keySet()) {
                skipped.add(SeedQueryScorer.notObject(key).at(where + ", items key " + key));
            }
        } else if (items instanceof String) {
            // Python iterates a str's code points; each dumps to a JSON string.
            String s = (String) items;
            for (int i = 0, n = 1; i < s.length(); i += Character.charCount(s.codePointAt(i)), n++) {
                skipped.add(SeedQueryScorer.notObject(s).at(where + ", items character " + n));
            }
        } else {
            skipped.add(new SkippedInputException(SkippedInputException.ITEMS_NOT_ITERABLE,
                    where + ": EventList items is " + PythonJsonWriter.dumpsEncodable(items)));
        }
    }

    private static void add(List<SeedRow> rows, SeedRow row) {
        if (row != null) {
            rows.add(row);
        }
    }
}
