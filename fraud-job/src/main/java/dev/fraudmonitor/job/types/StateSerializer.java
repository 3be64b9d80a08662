package dev.fraudmonitor.job.types;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The part every keyed-state serializer of this package shares. A subclass writes every field in
 * declaration order (strings may be null, arrays may be null) and copies deeply: the heap backend
 * copies a value before changing it while a snapshot still holds it, and RocksDB (de)serializes it
 * on every access, so these methods run once per event or more.
 */
abstract class StateSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    abstract void write(T value, DataOutputView out) throws IOException;

    abstract T read(DataInputView in) throws IOException;

    abstract T copyOf(T from);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public T copy(T from) {
        return copyOf(from);
    }

    @Override
    public T copy(T from, T reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    private static final int STAGING_SIZE = 1024;
    private static final int STAGING_KEPT = 64 * 1024;

    /**
     * A heap snapshot hands each value a {@code DataOutputStream} over the checkpoint stream, where
     * every int and byte is a call through three streams: the value is written to an array first
     * and handed over in one call. RocksDB and the network pass an in-memory serializer, written to
     * directly. One array per thread: the async snapshot threads and the task share this
     * serializer.
     */
    private static final ThreadLocal<DataOutputSerializer> STAGING =
            ThreadLocal.withInitial(() -> new DataOutputSerializer(STAGING_SIZE));

    @Override
    public void serialize(T value, DataOutputView target) throws IOException {
        if (target instanceof DataOutputSerializer) {
            write(value, target);
            return;
        }
        DataOutputSerializer staging = STAGING.get();
        staging.clear();
        write(value, staging);
        target.write(staging.getSharedBuffer(), 0, staging.length());
        if (staging.length() > STAGING_KEPT) {
            // A hot key's state can be large: its array is not kept for the thread's life.
            STAGING.remove();
        }
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }
}
