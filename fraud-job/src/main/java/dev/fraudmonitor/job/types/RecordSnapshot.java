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
 * format writes ordinals of. The current serializer reads what an older one wrote only when the
 * format version is the same and every enum kept its old constants in their old places (new ones
 * appended); anything else is incompatible, so a restore fails instead of misreading.
 *
 * <p>Subclasses only name the serializer, the format version and the enums, in a public no-argument
 * constructor (Flink instantiates a snapshot by its class name when it reads one back).
 */
public abstract class RecordSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final TypeSerializer<T> serializer;
    private final int formatVersion;
    private List<List<String>> enumConstants;

    @SafeVarargs
    protected RecordSnapshot(
            TypeSerializer<T> serializer, int formatVersion, Class<? extends Enum<?>>... enums) {
        this.serializer = serializer;
        this.formatVersion = formatVersion;
        this.enumConstants = new ArrayList<>(enums.length);
        for (Class<? extends Enum<?>> e : enums) {
            List<String> names = new ArrayList<>();
            for (Enum<?> c : e.getEnumConstants()) {
                names.add(c.name());
            }
            enumConstants.add(names);
        }
    }

    @Override
    public int getCurrentVersion() {
        return formatVersion;
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
        if (readVersion != formatVersion) {
            throw new IOException(
                    getClass().getName()
                            + ": format version "
                            + readVersion
                            + " cannot be read by this job, which writes version "
                            + formatVersion);
        }
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
        // The only change compatibility allows (appended enum constants) leaves old data readable
        // by the current serializer.
        return serializer;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        RecordSnapshot<T> old = (RecordSnapshot<T>) oldSnapshot;
        if (old.formatVersion != formatVersion
                || old.enumConstants.size() != enumConstants.size()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        for (int i = 0; i < enumConstants.size(); i++) {
            List<String> before = old.enumConstants.get(i);
            List<String> now = enumConstants.get(i);
            if (before.size() > now.size() || !now.subList(0, before.size()).equals(before)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
        }
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
}
