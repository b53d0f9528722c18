package dev.cronsentinel.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class SeedRowTest {

    @Test
    void isSerializedAsPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeedRow.class);
    }

    @Test
    void nonStringFieldsIsNeverNullAndDefaultsToEmpty() {
        SeedRow plain = new SeedRow("a", "s", "t", "jobs", "create", "ns", "n", "u", "ua", "ip", Map.of("F", 1), 1);
        assertThat(plain.nonStringFields()).isEmpty();
        SeedRow withNull = new SeedRow("a", "s", "t", "jobs", "create", "ns", "n", "u", "ua", "ip", Map.of("F", 1), 1,
                null);
        assertThat(withNull.nonStringFields()).isEmpty();
        assertThat(withNull).isEqualTo(plain);
        SeedRow odd = new SeedRow("5", "s", "t", "jobs", "create", "ns", "n", "u", "ua", "ip", Map.of("F", 1), 1,
                List.of("auditID"));
        assertThat(odd).isNotEqualTo(plain);
    }
}
