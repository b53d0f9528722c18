package dev.cronsentinel.ingest;

import dev.cronsentinel.model.RawAuditRecord;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.api.common.io.compression.InflaterInputStreamFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Reads archived audit logs (one event or {@code EventList} per line, optionally {@code .gz}/{@code .deflate}
 * compressed) for Flink's {@code FileSource}, as {@link RawAuditRecord}s that name the file and the line.
 *
 * <p>A {@code BulkFormat} rather than a {@code StreamFormat} because only it is handed the split, and so the
 * file path each record must carry for the dead-letter output and for tracing alerts back. Files are not
 * split (compressed files cannot be); a restored reader skips the lines it had already emitted.
 */
public final class AuditLogFileFormat implements BulkFormat<RawAuditRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 256;

    private final int maxRecordBytes;

    public AuditLogFileFormat(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public Reader<RawAuditRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return open(split, 0);
    }

    @Override
    public Reader<RawAuditRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return open(split, skip);
    }

    private Reader<RawAuditRecord> open(FileSourceSplit split, long skip) throws IOException {
        Path path = split.path();
        FileSystem fs = path.getFileSystem();
        InputStream in = fs.open(path);
        InflaterInputStreamFactory<?> inflater = StandardDeCompressors.getDecompressorForFileName(path.getPath());
        if (inflater != null) {
            in = inflater.create(in);
        }
        LineReader reader = new LineReader(in, path.toString(), maxRecordBytes);
        for (long i = 0; i < skip; i++) {
            if (!reader.lines.next()) {
                break;
            }
            reader.lineNo++;
        }
        return reader;
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawAuditRecord> getProducedType() {
        return TypeInformation.of(RawAuditRecord.class);
    }

    private static final class LineReader implements Reader<RawAuditRecord> {
        private final InputStream in;
        private final BoundedLineReader lines;
        private final String origin;
        private long lineNo;

        LineReader(InputStream in, String origin, int maxRecordBytes) {
            this.in = in;
            // One byte over the limit, so the decoder sees the record is oversized.
            this.lines = new BoundedLineReader(in, maxRecordBytes + 1);
            this.origin = origin;
        }

        @Override
        public RecordIterator<RawAuditRecord> readBatch() throws IOException {
            RawAuditRecord[] batch = new RawAuditRecord[BATCH];
            long firstLine = lineNo;
            int n = 0;
            while (n < BATCH && lines.next()) {
                lineNo++;
                batch[n++] = new RawAuditRecord(origin, lineNo, lines.bytes(), lines.totalLength());
            }
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<RawAuditRecord> it = new ArrayResultIterator<>();
            // Position = lines already emitted; restore skips that many lines from the start of the file.
            it.set(batch, n, CheckpointedPosition.NO_OFFSET, firstLine);
            return it;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
