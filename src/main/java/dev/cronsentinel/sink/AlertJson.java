package dev.cronsentinel.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cronsentinel.model.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The alert wire format: the {@link Alert} record's components as JSON fields, enums written through their
 * lower-case {@code toString()}, null fields omitted. The Kafka sink uses flink-json's
 * {@code JsonSerializationSchema} with {@link #configureFlinkMapper} so both paths produce the same bytes.
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = newMapper();

    private AlertJson() {}

    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The same settings on Flink's shaded Jackson, for flink-json's serialization schemas. */
    public static org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper newFlinkMapper() {
        return new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                .setSerializationInclusion(
                        org.apache.flink.shaded.jackson2.com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .enable(org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature
                        .WRITE_ENUMS_USING_TO_STRING)
                .enable(org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature
                        .READ_ENUMS_USING_TO_STRING)
                .disable(org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature
                        .FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static String toJson(Alert alert) {
        try {
            return MAPPER.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Alert fromJson(String json) {
        try {
            return MAPPER.readValue(json, Alert.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
