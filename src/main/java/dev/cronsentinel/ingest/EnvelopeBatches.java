package dev.cronsentinel.ingest;

/**
 * The split both managed-cluster batches share (AKS {@code records[]}, CloudWatch {@code logEvents[]}): each
 * entry by byte range, an entry that is no object dead-lettered alone, a batch broken in its own structure
 * dead-lettered from the entry being read, an empty batch filtered, and a batch glued after this one (an
 * Event Hubs capture or a Firehose object without separators) handed back to be read next.
 */
final class EnvelopeBatches {
    /** Reads one entry of the batch, {@code b[start, stop)}, known to start with {@code '{'}. */
    interface Entry {
        void read(int index, int start, int stop);
    }

    private EnvelopeBatches() {}

    /**
     * Splits the batch at {@code b[off, off + len)}.
     *
     * @param label how dead letters name the batch's entries, e.g. {@code AKS records}
     * @return where a batch glued after this one starts, or -1
     */
    static int split(EventListSplitter splitter, byte[] b, int off, int len, String label, Entry entry, EnvelopeItems items) {
        boolean complete = splitter.split(b, off, len, (index, start, stop) -> {
            if (b[start] != '{') {
                items.deadLetter(b, start, stop - start, "not-an-object", label + "[" + index + "] is not an object");
            } else {
                entry.read(index, start, stop);
            }
        });
        if (!complete && splitter.trailing() && b[splitter.resumeAt()] == '{') {
            return splitter.resumeAt();
        }
        if (!complete) {
            int from = splitter.resumeAt();
            int rest = off + len - from;
            items.deadLetter(b, from, rest, splitter.wrongType() ? "wrong-type" : "malformed-json",
                    label + " after " + splitter.items() + " entries, at byte " + (from - off) + ": " + splitter.error());
        } else if (splitter.items() == 0) {
            items.filtered("empty-envelope");
        }
        return -1;
    }
}
