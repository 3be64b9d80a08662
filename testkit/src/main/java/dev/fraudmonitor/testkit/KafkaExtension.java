package dev.fraudmonitor.testkit;

import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 wrapper around {@link EmbeddedKafka}: one broker per test class.
 *
 * <pre>{@code @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();}</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean sasl;
    private EmbeddedKafka kafka;

    public KafkaExtension() {
        this(false);
    }

    private KafkaExtension(boolean sasl) {
        this.sasl = sasl;
    }

    /** A broker whose client listener requires SASL ({@link EmbeddedKafka#startSasl()}). */
    public static KafkaExtension sasl() {
        return new KafkaExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (kafka == null) {
            kafka = sasl ? EmbeddedKafka.startSasl() : EmbeddedKafka.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The running broker; only valid between beforeAll and afterAll. */
    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException(
                    "Kafka is not running: register KafkaExtension as a static @RegisterExtension");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Creates {@code <prefix>-<uuid>} with {@code partitions} partitions and returns its name. */
    public String newTopic(String prefix, int partitions) {
        String name = prefix + "-" + UUID.randomUUID();
        kafka().createTopic(name, partitions);
        return name;
    }
}
