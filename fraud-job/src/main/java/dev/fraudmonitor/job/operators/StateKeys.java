package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The keys the stages keep their state under: the first 64 bits of the SHA-256 digest of the
 * session id or grouping value, not the string itself.
 *
 * <p>A string key costs 56–74 bytes per key on the heap and is written with every key into every
 * snapshot and every RocksDB key; a {@code Long} costs 24 bytes on the heap and 8 in a snapshot.
 * The records keep the strings, which the rules and alerts read.
 *
 * <p>The digest is cryptographic because some values come from the client (device ids, emails):
 * with a fast non-cryptographic hash an attacker could craft a value that lands on a given
 * customer's key and add to that customer's counts. With SHA-256 that takes about 2<sup>64</sup>
 * digests per target. Two distinct values sharing a key by chance is a birthday collision: about 3
 * in a million for a subtask holding 10 million keys at once.
 *
 * <p>There are about four digests per event (each keyed exchange digests a record upstream to
 * partition it and downstream to find its state), about 70 ns each; warm runs of the benchmark
 * measure no throughput cost against string keys (benchmarks/RESULTS.md, "Throughput by run
 * order").
 *
 * <p>Changing this function changes where every key's state lives: savepoints of a version with
 * other keys are rewritten by {@code dev.fraudmonitor.job.savepoint.KeyMigration}.
 */
public final class StateKeys {
    public static final TypeInformation<Long> TYPE = Types.LONG;

    public static final KeySelector<ScoringEvent, Long> SESSION = e -> of(e.sessionId);
    public static final KeySelector<GroupCopy, Long> GROUP = c -> of(c.key);
    public static final KeySelector<EntityCopy, Long> ENTITY = c -> of(c.key);
    public static final KeySelector<DecisionInput, Long> DECISION = h -> of(h.sessionId);

    /** Per thread: the digest and the array its result is written into (no array per key). */
    private static final class Sha256 {
        final MessageDigest digest;
        final byte[] result = new byte[32];

        Sha256() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }

    private static final ThreadLocal<Sha256> SHA256 = ThreadLocal.withInitial(Sha256::new);

    private StateKeys() {}

    /** The state key of a session id or grouping value. */
    public static long of(String value) {
        Sha256 sha = SHA256.get();
        byte[] d = sha.result;
        sha.digest.update(value.getBytes(StandardCharsets.UTF_8));
        try {
            sha.digest.digest(d, 0, d.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        long k = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            k = (k << 8) | (d[i] & 0xFF);
        }
        return k;
    }
}
