package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.model.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link EntityCopy}: one copy of a decision input per entity it links. */
public final class EntityCopySerializer extends TypeSerializerSingleton<EntityCopy> {
    private static final long serialVersionUID = 1L;

    public static final EntityCopySerializer INSTANCE = new EntityCopySerializer();

    /** The version of the format below; see the package documentation for when it changes. */
    static final int FORMAT_VERSION = 1;

    private EntityCopySerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public EntityCopy createInstance() {
        return new EntityCopy();
    }

    @Override
    public EntityCopy copy(EntityCopy from) {
        return copyOf(from);
    }

    @Override
    public EntityCopy copy(EntityCopy from, EntityCopy reuse) {
        return copyOf(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(EntityCopy record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public EntityCopy deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public EntityCopy deserialize(EntityCopy reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<EntityCopy> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    // One bit per field, in declaration order: set when the field is non-null, non-zero or true.
    private static final long KEY = 1L << 0;
    private static final long ENTITY = 1L << 1;
    private static final long INPUT = 1L << 2;
    private static final long FORWARD = 1L << 3;

    static void write(EntityCopy c, DataOutputView out) throws IOException {
        long mask = 0;
        if (c.key != null) mask |= KEY;
        if (c.entity != null) mask |= ENTITY;
        if (c.input != null) mask |= INPUT;
        if (c.forward) mask |= FORWARD;
        Wire.writeMask(out, mask);
        if (c.key != null) Wire.writeString(out, c.key);
        if (c.entity != null) Wire.writeString(out, c.entity);
        if (c.input != null) DecisionInputSerializer.write(c.input, out);
    }

    static EntityCopy read(DataInputView in) throws IOException {
        long mask = Wire.readMask(in);
        EntityCopy c = new EntityCopy();
        if ((mask & KEY) != 0) c.key = Wire.readString(in);
        if ((mask & ENTITY) != 0) c.entity = Wire.readString(in);
        if ((mask & INPUT) != 0) c.input = DecisionInputSerializer.read(in);
        c.forward = (mask & FORWARD) != 0;
        return c;
    }

    static EntityCopy copyOf(EntityCopy from) {
        EntityCopy c = new EntityCopy();
        c.key = from.key;
        c.entity = from.entity;
        c.input = from.input == null ? null : DecisionInputSerializer.copyOf(from.input);
        c.forward = from.forward;
        return c;
    }

    /** The snapshot of this serializer (see {@link RecordSnapshot}). */
    public static final class Snapshot extends RecordSnapshot<EntityCopy> {
        public Snapshot() {
            super(INSTANCE, FORMAT_VERSION, DecisionInput.Kind.class, EventType.class);
        }
    }
}
