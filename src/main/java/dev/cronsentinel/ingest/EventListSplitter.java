package dev.cronsentinel.ingest;

/**
 * Finds the byte range of every item of an audit {@code EventList} batch without parsing the items.
 *
 * <p>Why bytes and not a streaming JSON parser: a parser applies its limits (nesting depth, string length,
 * duplicate keys) to the whole batch, so one item that breaks them (say a custom resource nested 100 deep,
 * which any user who may create that resource can write) would end the split there, and a malicious CronJob
 * later in the same batch would never be decoded. Here nesting is only a counter and strings are only
 * skipped, so such an item is delivered like any other and its own bounded parse dead-letters it, alone.
 * Only a batch whose structure is broken (truncated, a missing comma) stops the split, because its item
 * boundaries are then unknown.
 *
 * <p>The same split serves the managed clusters' batches, whose array has another name: AKS Event Hubs
 * {@code records[]} and CloudWatch Logs {@code logEvents[]}.
 *
 * <p>Not thread-safe: one instance per decoding thread.
 */
final class EventListSplitter {
    private final String arrayKey;

    /** Splits an {@code EventList}'s {@code items}. */
    EventListSplitter() {
        this("items");
    }

    /** Splits the array under {@code arrayKey} (ASCII, no escapes) of a batch object. */
    EventListSplitter(String arrayKey) {
        this.arrayKey = arrayKey;
    }

    /** Receives each item's byte range, in order. */
    interface Items {
        void item(int index, int start, int end);
    }

    private byte[] buf;
    private int end;
    private int pos;
    private int items;
    private int resumeAt;
    private String error;
    private boolean wrongType;
    private boolean trailing;

    /**
     * Splits the batch in {@code bytes[offset, offset + length)} and hands each item to {@code sink}.
     *
     * @return true when the batch was read to its end; otherwise {@link #error()} says why and
     *     {@link #resumeAt()} where the part that was not delivered starts
     */
    boolean split(byte[] bytes, int offset, int length, Items sink) {
        buf = bytes;
        pos = offset;
        end = offset + length;
        items = 0;
        resumeAt = offset;
        error = null;
        wrongType = false;
        trailing = false;
        try {
            scan(sink);
            return true;
        } catch (Broken b) {
            error = b.getMessage();
            return false;
        }
    }

    /** Items delivered by the last split. */
    int items() {
        return items;
    }

    /** Why the last split stopped early. */
    String error() {
        return error;
    }

    /** True when the last split stopped because {@code items} was not an array (rather than broken JSON). */
    boolean wrongType() {
        return wrongType;
    }

    /** True when the last split read the whole batch and stopped at content glued after it ({@link #resumeAt()}). */
    boolean trailing() {
        return trailing;
    }

    /** Where the undelivered rest of the batch starts: the item being read, or the break. */
    int resumeAt() {
        return resumeAt;
    }

    private void scan(Items sink) {
        if (end - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
        }
        skipWs();
        expect('{');
        skipWs();
        boolean itemsSeen = false;
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipWs();
                resumeAt = pos;
                expect('"');
                int keyStart = pos;
                if (skipStringBody()) {
                    // It might decode to "items": never guess, hand the rest over whole.
                    throw new Broken("an escaped key in the batch");
                }
                boolean isItems = pos - 1 - keyStart == arrayKey.length() && matches(keyStart, arrayKey);
                skipWs();
                expect(':');
                skipWs();
                if (isItems) {
                    if (itemsSeen) {
                        throw new Broken("a second " + arrayKey + " field");
                    }
                    itemsSeen = true;
                    readItems(sink);
                } else {
                    skipValue();
                }
                skipWs();
                byte c = next("',' or '}'");
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw new Broken("expected ',' or '}' at byte " + (pos - 1));
                }
            }
        }
        skipWs();
        if (pos < end) {
            resumeAt = pos;
            trailing = true;
            throw new Broken("trailing content after the batch");
        }
    }

    private void readItems(Items sink) {
        if (peek() == 'n' && matches(pos, "null")) {
            pos += 4;
            return;
        }
        if (peek() != '[') {
            wrongType = true;
            throw new Broken(arrayKey + " must be an array");
        }
        pos++;
        skipWs();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWs();
            resumeAt = pos;
            int start = pos;
            skipValue();
            sink.item(items++, start, pos);
            skipWs();
            resumeAt = pos;
            byte c = next("',' or ']'");
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw new Broken("expected ',' or ']' after item " + (items - 1) + " at byte " + (pos - 1));
            }
        }
    }

    /** Skips one value; nesting is counted, never limited, and strings are skipped with their escapes. */
    private void skipValue() {
        byte c = peek();
        if (c == '"') {
            pos++;
            skipStringBody();
            return;
        }
        if (c == '{' || c == '[') {
            long level = 0;
            while (pos < end) {
                byte b = buf[pos++];
                if (b == '"') {
                    skipStringBody();
                } else if (b == '{' || b == '[') {
                    level++;
                } else if (b == '}' || b == ']') {
                    if (--level == 0) {
                        return;
                    }
                }
            }
            throw new Broken("truncated JSON: unclosed object or array");
        }
        int start = pos;
        while (pos < end) {
            byte b = buf[pos];
            if (b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw new Broken("value missing at byte " + start);
        }
    }

    /** Skips a string body after its opening quote; returns true when it contained an escape. */
    private boolean skipStringBody() {
        boolean escaped = false;
        while (pos < end) {
            byte c = buf[pos++];
            if (c == '"') {
                return escaped;
            }
            if (c == '\\') {
                escaped = true;
                pos++;
            }
        }
        throw new Broken("truncated JSON: unterminated string");
    }

    private boolean matches(int at, String ascii) {
        if (end - at < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (buf[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private byte peek() {
        if (pos >= end) {
            throw new Broken("truncated JSON: input ended inside the batch");
        }
        return buf[pos];
    }

    private byte next(String expected) {
        if (pos >= end) {
            throw new Broken("truncated JSON: expected " + expected);
        }
        return buf[pos++];
    }

    private void expect(char c) {
        if (next("'" + c + "'") != c) {
            throw new Broken("expected '" + c + "' at byte " + (pos - 1));
        }
    }

    private void skipWs() {
        while (pos < end) {
            byte c = buf[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    /** Control flow for "the batch's structure is broken here"; no stack trace, it is an expected outcome. */
    private static final class Broken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message, null, false, false);
        }
    }
}
