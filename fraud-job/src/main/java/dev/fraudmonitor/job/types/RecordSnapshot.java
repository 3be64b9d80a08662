package dev.fraudmonitor.job.types;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a record serializer: its format version, and the constant names of every enum the
 * format writes ordinals of. Every enum must have kept its old constants in their old places (new
 * ones appended). Then what an older serializer wrote in the same format version is read as it is;
 * in an older version the subclass can still read ({@link #serializerFor}), it is read with that
 * version's reader and rewritten in the current one ("compatible after migration"). Anything else
 * is incompatible, so a restore fails instead of misreading.
 *
 * <p>Subclasses name the serializer, the format version and the enums, in a public no-argument
 * constructor (Flink instantiates a snapshot by its class name when it reads one back).
 */
public abstract class RecordSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final TypeSerializer<T> serializer;
    private final int formatVersion;

    /** The version of the data this snapshot describes: formatVersion, or what was read back. */
    private int version;

    private List<List<String>> enumConstants;

    @SafeVarargs
    protected RecordSnapshot(
            TypeSerializer<T> serializer, int formatVersion, Class<? extends Enum<?>>... enums) {
        this.serializer = serializer;
        this.formatVersion = formatVersion;
        this.version = formatVersion;
        this.enumConstants = new ArrayList<>(enums.length);
        for (Class<? extends Enum<?>> e : enums) {
            List<String> names = new ArrayList<>();
            for (Enum<?> c : e.getEnumConstants()) {
                names.add(c.name());
            }
            enumConstants.add(names);
        }
    }

    /**
     * The serializer that reads data written in {@code version}, or null if this job cannot. A
     * subclass whose format changed returns a reader of the older versions it still restores.
     */
    protected TypeSerializer<T> serializerFor(int version) {
        return version == formatVersion ? serializer : null;
    }

    /** This snapshot, made to describe data of an older {@code version} its subclass reads. */
    protected final RecordSnapshot<T> describing(int version) {
        if (serializerFor(version) == null) {
            throw new IllegalArgumentException("no reader of format version " + version);
        }
        this.version = version;
        return this;
    }

    @Override
    public int getCurrentVersion() {
        return version;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(enumConstants.size());
        for (List<String> names : enumConstants) {
            out.writeInt(names.size());
            for (String name : names) {
                out.writeUTF(name);
            }
        }
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (serializerFor(readVersion) == null) {
            throw new IOException(
                    getClass().getName()
                            + ": format version "
                            + readVersion
                            + " cannot be read by this job, which writes version "
                            + formatVersion);
        }
        version = readVersion;
        int enums = in.readInt();
        List<List<String>> read = new ArrayList<>(enums);
        for (int i = 0; i < enums; i++) {
            int n = in.readInt();
            List<String> names = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                names.add(in.readUTF());
            }
            read.add(names);
        }
        enumConstants = read;
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        // Appended enum constants, the only other change compatibility allows, leave old data
        // readable by the reader of its format version.
        return serializerFor(version);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        RecordSnapshot<T> old = (RecordSnapshot<T>) oldSnapshot;
        if (old.enumConstants.size() != enumConstants.size()
                || old.serializerFor(old.version) == null) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        for (int i = 0; i < enumConstants.size(); i++) {
            List<String> before = old.enumConstants.get(i);
            List<String> now = enumConstants.get(i);
            if (before.size() > now.size() || !now.subList(0, before.size()).equals(before)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
        }
        return old.version == version
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
    }
}
