package dev.fraudmonitor.job.io;

import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Writes each hold record to Redis the moment the decision is made, so the checkout system sees it
 * in one GET without waiting for a checkpoint.
 *
 * <p>The write is idempotent (a replay after a failure rewrites the same record) and never
 * overwrites a record a rep has already RELEASED. While Redis is down, records wait in order, are
 * retried on every later write and checkpoint, and are part of the checkpoint, so a restart during
 * an outage loses none of them; scoring and the Kafka outputs are not held up.
 */
public final class RedisHoldSink implements Sink<Output>, SupportsWriterState<Output, Output> {
    private static final long serialVersionUID = 1L;

    /** SET unless the stored record is already RELEASED. */
    static final String WRITE_UNLESS_RELEASED =
            "local cur = redis.call('GET', KEYS[1]) "
                    + "if cur and string.find(cur, '\"status\":\"RELEASED\"', 1, true) then return 0 end "
                    + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1";

    private final JobConfig config;

    public RedisHoldSink(JobConfig config) {
        this.config = config;
    }

    @Override
    public StatefulSinkWriter<Output, Output> createWriter(WriterInitContext context) {
        return new Writer(config, List.of());
    }

    @Override
    public StatefulSinkWriter<Output, Output> restoreWriter(
            WriterInitContext context, Collection<Output> pending) {
        return new Writer(config, pending);
    }

    @Override
    public SimpleVersionedSerializer<Output> getWriterStateSerializer() {
        return new PendingSerializer();
    }

    /** Pending hold records in a checkpoint: key and JSON, length-prefixed. */
    static final class PendingSerializer implements SimpleVersionedSerializer<Output> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Output o) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(o.key);
                out.writeLong(o.ingestTime);
                out.writeInt(o.json.length);
                out.write(o.json);
            }
            return bytes.toByteArray();
        }

        @Override
        public Output deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String key = in.readUTF();
                long ingest = in.readLong();
                byte[] json = new byte[in.readInt()];
                in.readFully(json);
                return new Output(key, json, ingest);
            }
        }
    }

    static final class Writer implements StatefulSinkWriter<Output, Output> {
        private static final Logger LOG = LoggerFactory.getLogger(RedisHoldSink.class);
        private final RedisClient redis;
        private final RedisKeys keys;
        private final String ttlMillis;
        private final Deque<Output> pending = new ArrayDeque<>();
        private final FraudMetrics metrics;
        private boolean failing;
        private long nextRetry;

        Writer(JobConfig config, Collection<Output> restored) {
            this.pending.addAll(restored);
            this.metrics = FraudMetrics.get(config);
            this.redis = RedisClients.create(config.redis(), config.get(JobConfig.REDIS_TIMEOUT));
            this.keys = new RedisKeys(config.get(JobConfig.REDIS_PREFIX));
            this.ttlMillis = Long.toString(config.get(JobConfig.HOLD_TTL).toMillis());
        }

        @Override
        public void write(Output hold, Context context) {
            pending.addLast(hold);
            drain();
        }

        @Override
        public void flush(boolean endOfInput) {
            drain();
        }

        @Override
        public List<Output> snapshotState(long checkpointId) {
            return new ArrayList<>(pending);
        }

        private void drain() {
            // While Redis is down, try at most once a second so scoring is not slowed by timeouts.
            if (failing && System.currentTimeMillis() < nextRetry) {
                return;
            }
            while (!pending.isEmpty()) {
                Output o = pending.peekFirst();
                long start = System.nanoTime();
                try {
                    redis.eval(
                            WRITE_UNLESS_RELEASED,
                            List.of(keys.hold(o.key)),
                            List.of(new String(o.json, StandardCharsets.UTF_8), ttlMillis));
                } catch (RuntimeException e) {
                    metrics.redisError("hold_write");
                    nextRetry = System.currentTimeMillis() + 1000;
                    if (!failing) {
                        failing = true;
                        LOG.error(
                                "Cannot write hold records to Redis ({}); {} waiting, retried on the next write or checkpoint",
                                e.toString(),
                                pending.size());
                    }
                    return;
                }
                metrics.redisHoldWrite(System.nanoTime() - start);
                pending.removeFirst();
                if (failing) {
                    failing = false;
                    LOG.info("Hold records reach Redis again");
                }
            }
        }

        @Override
        public void close() {
            drain();
            if (!pending.isEmpty()) {
                LOG.warn(
                        "{} hold records not written to Redis at close; the last checkpoint holds them",
                        pending.size());
            }
            redis.close();
        }
    }
}
