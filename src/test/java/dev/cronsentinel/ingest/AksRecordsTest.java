package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AKS control-plane logs as diagnostic settings stream them to Event Hubs ({@code fixtures/envelopes/aks.jsonl};
 * its README cites the sources: Azure Monitor's resource-log schema and its Event Hubs {@code records} batch,
 * the AKS resource-log reference for the {@code kube-audit}/{@code kube-audit-admin} categories and
 * {@code properties.log}, Falco's k8saudit-aks plugin, which skips the non-JSON lines of other categories).
 */
class AksRecordsTest {
    private static final List<byte[]> LINES = TestData.lines(TestData.resource("fixtures/envelopes/aks.jsonl"));
    private static final String RESOURCE_ID = "/SUBSCRIPTIONS/0b1f6471-1bf0-4dda-aec3-cb9272f09590/RESOURCEGROUPS/PROD-RG/"
            + "PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-WEU";

    private static TestData.Decoded line(int n) {
        return TestData.decode(DecoderConfig.defaults(), LINES.get(n - 1));
    }

    @Test
    void aBatchIsSplitPerRecordAndABrokenRecordCostsOnlyItself() {
        TestData.Decoded d = line(1);
        assertThat(d.events).extracting(WorkloadEvent::auditId).containsExactly("aks-cj-1", "aks-pod-1");
        assertThat(d.events.get(0).source()).isEqualTo(new EventSource("azure", "aks-event-hubs", "PROD-WEU", null, null,
                "0b1f6471-1bf0-4dda-aec3-cb9272f09590", RESOURCE_ID, "records[0]"));
        assertThat(d.events.get(1).source().position()).as("properties.log as an object").isEqualTo("records[1]");
        assertThat(d.filtered).as("kube-apiserver's klog line, a lease update").containsExactly("aks-category", "resource");
        assertThat(d.deadLetters).extracting(DeadLetter::reason).containsExactly("malformed-json", "not-an-object");
        assertThat(d.deadLetters.get(0).detail()).startsWith("aks-event-hubs records[3]: ");
    }

    @Test
    void aSingleRecordIsUnwrappedAsBefore() {
        TestData.Decoded d = line(2);
        assertThat(d.events).singleElement().satisfies(e -> {
            assertThat(e.verb()).isEqualTo("patch");
            assertThat(e.source().resourceId()).isEqualTo(RESOURCE_ID);
            assertThat(e.source().position()).isNull();
        });
    }

    @Test
    void aTruncatedBatchKeepsTheRecordsBeforeTheBreak() {
        TestData.Decoded d = line(3);
        assertThat(d.events).extracting(WorkloadEvent::auditId).containsExactly("aks-cj-1", "aks-pod-1");
        assertThat(d.deadLetters).singleElement().satisfies(dl -> {
            assertThat(dl.reason()).isEqualTo("malformed-json");
            assertThat(dl.detail()).contains("AKS records after 2 entries");
        });
    }

    @Test
    void otherCategoriesAreFilteredFromTheirRecordAlone() {
        assertThat(TestData.decode("{\"records\":[{\"category\":\"guard\",\"properties\":{\"log\":\"denied\"}},"
                + "{\"category\":\"cluster-autoscaler\",\"properties\":{\"log\":{\"x\":1}}}]}").filtered)
                .containsExactly("aks-category", "aks-category");
        assertThat(TestData.decode("{\"records\":[]}").filtered).containsExactly("empty-envelope");
        assertThat(TestData.decode("{\"records\":[{\"category\":\"kube-audit\",\"properties\":{}}]}").deadLetters)
                .extracting(DeadLetter::reason).containsExactly("unknown-format");
        assertThat(TestData.decode("{\"records\":{\"category\":\"kube-audit\"}}").deadLetters)
                .extracting(DeadLetter::reason).containsExactly("wrong-type");
    }

    @Test
    void theResourceIdNamesClusterAndSubscription() {
        assertThat(AksRecordsSplitter.clusterName(RESOURCE_ID)).isEqualTo("PROD-WEU");
        assertThat(AksRecordsSplitter.subscription(RESOURCE_ID)).isEqualTo("0b1f6471-1bf0-4dda-aec3-cb9272f09590");
        assertThat(AksRecordsSplitter.clusterName("/subscriptions/s/resourceGroups/rg")).isNull();
    }
}
