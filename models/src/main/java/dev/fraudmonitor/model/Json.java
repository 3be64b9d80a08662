package dev.fraudmonitor.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration for every record the job reads or writes, so alerts, holds and dead
 * letters look the same wherever they are written: ISO-8601 instants as strings, null fields
 * omitted, unknown properties ignored on read (forward compatible).
 *
 * <p>The mapper is shared and thread-safe; do not reconfigure it. Derive an {@code ObjectReader} or
 * {@code ObjectWriter} if you need different settings.
 */
public final class Json {
    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .defaultPropertyInclusion(
                            JsonInclude.Value.construct(
                                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                    .build();

    private Json() {}

    /** The shared, configured mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
