package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class BulkActionStateSerializerTest {

    @Test
    void bufferedActionsSurviveACheckpointRoundTrip() throws IOException {
        BulkAction versioned = BulkAction.index("cs-escalation-1", 4, "{\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8));
        BulkAction plain = BulkAction.index("dl-1", BulkAction.NO_VERSION, "{}".getBytes(StandardCharsets.UTF_8));
        BulkAction rejected = BulkAction.rejected("cs-workload-2", new byte[100_000], "elasticsearch-oversized", 4096);
        BufferedRequestState<BulkAction> state = new BufferedRequestState<>(List.of(
                new RequestEntryWrapper<>(versioned, versioned.sizeInBytes()),
                new RequestEntryWrapper<>(plain, plain.sizeInBytes()),
                new RequestEntryWrapper<>(rejected, rejected.sizeInBytes())));

        BulkActionStateSerializer serializer = new BulkActionStateSerializer();
        BufferedRequestState<BulkAction> back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        List<RequestEntryWrapper<BulkAction>> entries = back.getBufferedRequestEntries();
        assertThat(entries).hasSize(3);
        assertSame(entries.get(0).getRequestEntry(), versioned);
        assertSame(entries.get(1).getRequestEntry(), plain);
        BulkAction r = entries.get(2).getRequestEntry();
        assertSame(r, rejected);
        assertThat(r.document()).hasSize(4096);
        assertThat(r.fullLength()).isEqualTo(100_000);
        assertThat(entries).extracting(RequestEntryWrapper::getSize)
                .containsExactly(versioned.sizeInBytes(), plain.sizeInBytes(), rejected.sizeInBytes());
    }

    @Test
    void refusesACorruptState() throws IOException {
        BulkAction a = BulkAction.index("id", 1, new byte[] {'{', '}'});
        BulkActionStateSerializer serializer = new BulkActionStateSerializer();
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(a, 10))));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion(), cut)).isInstanceOf(IOException.class);
    }

    private static void assertSame(BulkAction actual, BulkAction expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.document()).isEqualTo(expected.document());
        assertThat(actual.rejection()).isEqualTo(expected.rejection());
        assertThat(actual.fullLength()).isEqualTo(expected.fullLength());
    }
}
