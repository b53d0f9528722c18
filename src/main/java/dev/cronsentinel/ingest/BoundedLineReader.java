package dev.cronsentinel.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-separated records as raw bytes, never holding more than {@code maxBytes} of one line in
 * memory: a longer line keeps its first {@code maxBytes} bytes and reports its true length, so the decoder
 * can dead-letter it as oversized with a bounded prefix instead of the reader running out of heap on a
 * hostile multi-gigabyte line. A trailing {@code \r} is dropped (CRLF files).
 */
public final class BoundedLineReader {
    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;

    private byte[] line = new byte[1024];
    private int lineLen;
    private long lineTotal;

    public BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** Reads the next line; false at end of input. Then {@link #bytes()} and {@link #totalLength()} describe it. */
    public boolean next() throws IOException {
        lineLen = 0;
        lineTotal = 0;
        boolean any = false;
        while (true) {
            if (pos >= limit) {
                if (eof || !fill()) {
                    return any;
                }
            }
            any = true;
            int start = pos;
            int nl = -1;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int stop = nl < 0 ? limit : nl;
            append(start, stop - start);
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                if (lineLen > 0 && lineTotal <= maxBytes && line[lineLen - 1] == '\r') {
                    lineLen--;
                    lineTotal--;
                }
                return true;
            }
        }
    }

    private void append(int from, int n) {
        lineTotal += n;
        int room = maxBytes - lineLen;
        int keep = Math.min(room, n);
        if (keep <= 0) {
            return;
        }
        if (lineLen + keep > line.length) {
            line = Arrays.copyOf(line, Math.min(maxBytes, Math.max(line.length * 2, lineLen + keep)));
        }
        System.arraycopy(buf, from, line, lineLen, keep);
        lineLen += keep;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** A copy of the kept bytes of the current line. */
    public byte[] bytes() {
        return Arrays.copyOf(line, lineLen);
    }

    /** The length of the whole current line, which exceeds {@code bytes().length} when it was cut. */
    public long totalLength() {
        return lineTotal;
    }
}
