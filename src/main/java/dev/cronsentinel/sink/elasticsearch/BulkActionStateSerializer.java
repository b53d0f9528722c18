package dev.cronsentinel.sink.elasticsearch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * Writes the sink's buffered {@link BulkAction}s into checkpoints and reads them back, so actions accepted but
 * not yet acknowledged by Elasticsearch survive a failure (for example, the whole time a node is down).
 * Format version 1: {@code id (UTF), version (long), rejected (boolean), [reason (UTF)], fullLength (int),
 * documentLength (int), document bytes}.
 */
public final class BulkActionStateSerializer extends AsyncSinkWriterStateSerializer<BulkAction> {
    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    protected void serializeRequestToStream(BulkAction a, DataOutputStream out) throws IOException {
        out.writeUTF(a.id());
        out.writeLong(a.version());
        out.writeBoolean(a.rejection() != null);
        if (a.rejection() != null) {
            out.writeUTF(a.rejection());
        }
        out.writeInt(a.fullLength());
        out.writeInt(a.document().length);
        out.write(a.document());
    }

    @Override
    protected BulkAction deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String id = in.readUTF();
        long version = in.readLong();
        String rejection = in.readBoolean() ? in.readUTF() : null;
        int fullLength = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > fullLength) {
            throw new IOException("corrupt buffered bulk action for id " + id + ": document length " + length);
        }
        byte[] document = new byte[length];
        in.readFully(document);
        return new BulkAction(id, version, document, rejection, fullLength);
    }
}
