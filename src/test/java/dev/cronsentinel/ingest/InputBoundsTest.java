package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.AuditDecoderTest.CJ_REF;
import static dev.cronsentinel.ingest.AuditDecoderTest.cronJobBody;
import static dev.cronsentinel.ingest.AuditDecoderTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.testing.Allocations;
import dev.cronsentinel.testing.HostileInputs;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Hostile sizes are handled within a memory bound, proven by counting the bytes the decoding thread
 * allocates (not by timing): a 10 MB event or a 2.2 GB line costs a bounded prefix, never a tree or a buffer
 * of its size, and the amplification bombs the fuzz test found stay proportional to their input.
 */
class InputBoundsTest {
    private static final DecoderConfig DEFAULTS = DecoderConfig.defaults();
    private static final int MiB = 1 << 20;

    @Test
    void aTenMegabyteRequestObjectIsDeadLetteredFromItsPrefixWithoutBeingParsed() throws Exception {
        String filler = "A".repeat(10 * MiB);
        String decisiveFirst = event("create", CJ_REF, "\"requestObject\":{\"spec\":{\"x\":\"" + filler + "\"}}");
        // The same event with the bodies before verb, stage and objectRef: the pre-filter must skip 10 MB.
        String bodiesFirst = "{\"requestObject\":{\"spec\":{\"x\":\"" + filler + "\"}}," + decisiveFirst.substring(1);
        for (String json : new String[] {decisiveFirst, bodiesFirst}) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            TestData.Decoded d = new TestData.Decoded();
            AuditDecoder decoder = new AuditDecoder(DEFAULTS);
            decoder.decode(new RawAuditRecord("warm-up", 0, new byte[] {'{', '}'}), new TestData.Decoded());
            long allocated = Allocations.allocatedBy(() -> decoder.decode(new RawAuditRecord("test", 1, bytes), d));

            assertThat(d.events).isEmpty();
            DeadLetter dl = d.deadLetters.get(0);
            assertThat(dl.reason()).isEqualTo("oversized");
            assertThat(dl.payloadLength()).isEqualTo(bytes.length);
            assertThat(dl.payload()).isEqualTo(Arrays.copyOf(bytes, DEFAULTS.deadLetterPrefixBytes()));
            // The prefix is 64 KiB; a tree of the event would need more than 20 MB for the string alone.
            assertThat(allocated).as("bytes allocated to dead-letter a 10 MB event").isLessThan(MiB);
        }
    }

    @Test
    void aMultiGigabyteLineCostsABoundedPrefixAndTheNextLineIsReadNormally() throws Exception {
        long hugeLength = (1L << 31) + 50 * MiB; // past Integer.MAX_VALUE
        byte[] head = event("create", CJ_REF, "\"requestObject\":{\"x\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] next = (event("create", CJ_REF, cronJobBody("{\"containers\":[{\"name\":\"a\",\"image\":\"alpine\"}]}")) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        InputStream in = new HugeLine(head, hugeLength, next);
        // As the file source reads: at most max-record-bytes + 1, so the decoder sees that it was cut.
        BoundedLineReader lines = new BoundedLineReader(in, DEFAULTS.maxRecordBytes() + 1);
        AuditDecoder decoder = new AuditDecoder(DEFAULTS);
        TestData.Decoded d = new TestData.Decoded();

        long allocated = Allocations.allocatedBy(() -> {
            long lineNo = 0;
            while (lines.next()) {
                decoder.decode(new RawAuditRecord("huge.log", ++lineNo, lines.bytes(), lines.totalLength()), d);
            }
        });

        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("oversized");
            assertThat(dl.position()).isEqualTo(1);
            assertThat(dl.detail()).contains("record of " + hugeLength + " bytes");
            // The model's length is an int: a line past 2 GiB reports Integer.MAX_VALUE, the detail the truth.
            assertThat(dl.payloadLength()).isEqualTo(Integer.MAX_VALUE);
            assertThat(dl.payload()).hasSize(DEFAULTS.deadLetterPrefixBytes()).startsWith(head);
        });
        assertThat(d.events).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("cj"));
        // The reader keeps at most max-record-bytes (16 MiB) of the line, plus one copy for the record.
        assertThat(allocated).as("bytes allocated to read a %d-byte line", hugeLength)
                .isLessThan(3L * DEFAULTS.maxRecordBytes() + 8 * MiB);
    }

    @Test
    void aJsonPatchThatNamesFarArrayIndexesCannotInflateTheTree() throws Exception {
        // Before the growth budget, this 1 MB patch made the decoder allocate 3.8 GB (22,000 arrays of 10,000 nulls).
        assertDecodedWithin(HostileInputs.bomb(HostileInputs.Bomb.JSON_PATCH_PADDING, 20_000), 64L * MiB);
        assertDecodedWithin(HostileInputs.bomb(HostileInputs.Bomb.JSON_PATCH_DEEP_POINTERS, 5_000), 64L * MiB);
    }

    @Test
    void aJsonPatchStillRebuildsWhatARealPatchWrites() {
        String patch = "\"requestObject\":[{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/spec/containers/3/securityContext\",\"value\":{\"privileged\":true}},"
                + "{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/spec/volumes/-\",\"value\":{\"name\":\"s\",\"hostPath\":{\"path\":\"/\"}}}]";
        TestData.Decoded d = TestData.decode(event("patch", CJ_REF, patch));
        assertThat(d.events).singleElement().satisfies(e -> {
            assertThat(e.templates().get(0).containers()).singleElement().satisfies(c -> assertThat(c.privileged()).isTrue());
            assertThat(e.templates().get(0).volumes()).extracting(v -> v.hostPath()).containsExactly("/");
        });
    }

    @Test
    void deadLetterDetailsQuoteInputOnlyBriefly() {
        TestData.Decoded d = TestData.decode("{\"protoPayload\":{\"methodName\":\"io.k8s.batch.v1.cronjobs.create\"},\"timestamp\":\""
                + "y".repeat(500_000) + "\",\"insertId\":\"" + "i".repeat(500_000) + "\"}");
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("bad-timestamp");
            assertThat(dl.detail()).hasSizeLessThan(200);
        });
        String timestamp = event("create", CJ_REF, "").replace("2026-11-20T10:00:00.010000Z", "y".repeat(500_000));
        assertThat(TestData.decode(timestamp).deadLetters).singleElement()
                .satisfies(dl -> assertThat(dl.detail()).hasSizeLessThan(200));
    }

    private static void assertDecodedWithin(byte[] record, long maxAllocated) throws Exception {
        AuditDecoder decoder = new AuditDecoder(DEFAULTS);
        TestData.Decoded d = new TestData.Decoded();
        long allocated = Allocations.allocatedBy(() -> decoder.decode(new RawAuditRecord("bomb", 1, record), d));
        assertThat(d.total()).isEqualTo(1);
        assertThat(allocated).as("bytes allocated to decode a %d-byte bomb", record.length).isLessThan(maxAllocated);
    }

    /** A stream of one line of {@code length} bytes ({@code head}, then 'A's) and then {@code next}, made on the fly. */
    private static final class HugeLine extends InputStream {
        private final byte[] head;
        private final long length;
        private final byte[] next;
        private final byte[] filler = new byte[64 * 1024];
        private long pos;

        HugeLine(byte[] head, long length, byte[] next) {
            this.head = head;
            this.length = length;
            this.next = next;
            Arrays.fill(filler, (byte) 'A');
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = length + 1 + next.length;
            if (pos >= total) {
                return -1;
            }
            int n;
            if (pos < head.length) {
                n = (int) Math.min(len, head.length - pos);
                System.arraycopy(head, (int) pos, b, off, n);
            } else if (pos < length) {
                n = (int) Math.min(Math.min(len, filler.length), length - pos);
                System.arraycopy(filler, 0, b, off, n);
            } else if (pos == length) {
                b[off] = '\n';
                n = 1;
            } else {
                int at = (int) (pos - length - 1);
                n = Math.min(len, next.length - at);
                System.arraycopy(next, at, b, off, n);
            }
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {}
    }
}
