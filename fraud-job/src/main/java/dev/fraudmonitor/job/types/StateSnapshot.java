package dev.fraudmonitor.job.types;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * The snapshot of a keyed-state serializer: a {@link RecordSnapshot} that also takes over state
 * written by Flink's POJO serializer of the same class, which is what the job kept its stage states
 * with before it had these serializers. Flink then reads the old state with the POJO serializer and
 * writes it in this format: on restore for the heap backend, by a migration pass over the state for
 * RocksDB. So a savepoint of an older job restores into this one.
 */
public abstract class StateSnapshot<T> extends RecordSnapshot<T> {
    private final Class<T> type;

    @SafeVarargs
    protected StateSnapshot(
            Class<T> type,
            TypeSerializer<T> serializer,
            int formatVersion,
            Class<? extends Enum<?>>... enums) {
        super(serializer, formatVersion, enums);
        this.type = type;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot instanceof PojoSerializerSnapshot<T> pojo) {
            TypeSerializer<T> old = pojo.restoreSerializer();
            return old instanceof PojoSerializer<T> && old.createInstance().getClass() == type
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
        return super.resolveSchemaCompatibility(oldSnapshot);
    }
}
