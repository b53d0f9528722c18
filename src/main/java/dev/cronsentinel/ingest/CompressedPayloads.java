package dev.cronsentinel.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * Gzip bodies, raw or base64-encoded, as a CloudWatch Logs subscription delivers them: Kinesis Data Streams
 * and Firehose carry each delivery gzip-compressed, and a Kinesis-to-Kafka bridge may pass the bytes through
 * or base64-encode them (the Kinesis {@code data} field). Recognised by their first bytes only: the gzip magic
 * {@code 1f 8b}, or {@code H4sI}, which is what every base64 gzip stream starts with.
 *
 * <p>Decompression is bounded: the output stops one byte past the limit (the decoder's
 * {@code ingest.max-record-bytes}), so a zip bomb costs at most the limit in memory and is reported as
 * {@link TooLarge}, never as an {@link OutOfMemoryError}.
 */
final class CompressedPayloads {
    private static final byte[] BASE64_GZIP = {'H', '4', 's', 'I'};

    private CompressedPayloads() {}

    /** True when the record is gzip or base64 gzip. */
    static boolean isCompressed(byte[] b) {
        return isGzip(b) || startsWith(b, BASE64_GZIP);
    }

    /**
     * The decompressed bytes of a record {@link #isCompressed} accepted.
     *
     * @throws TooLarge when they would exceed {@code maxBytes}
     * @throws IOException when the base64 or the gzip stream is corrupt or truncated
     */
    static byte[] inflate(byte[] b, int maxBytes) throws IOException {
        byte[] gzip = isGzip(b) ? b : base64(b);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
            byte[] out = new byte[Math.min(maxBytes + 1, Math.max(1024, gzip.length * 4))];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    if (n > maxBytes) {
                        throw new TooLarge(maxBytes);
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) maxBytes + 1, (long) out.length * 2));
                }
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n > maxBytes) {
                throw new TooLarge(maxBytes);
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
    }

    private static byte[] base64(byte[] b) throws IOException {
        int end = b.length;
        while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        try {
            return Base64.getDecoder().decode(end == b.length ? b : Arrays.copyOf(b, end));
        } catch (IllegalArgumentException e) {
            throw new IOException("not valid base64: " + e.getMessage());
        }
    }

    private static boolean isGzip(byte[] b) {
        return b.length >= 2 && b[0] == (byte) 0x1f && b[1] == (byte) 0x8b;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The decompressed record would exceed the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(int maxBytes) {
            super("decompresses to more than ingest.max-record-bytes=" + maxBytes + " bytes");
        }
    }
}
