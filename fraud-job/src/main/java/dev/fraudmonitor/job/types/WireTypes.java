package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.job.event.DecodeResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The type information of every record the topology passes between operators, to give to {@code
 * process(..., type)}, {@code flatMap(..., type)} and output tags, so Flink never falls back to
 * analysing the classes itself.
 */
public final class WireTypes {
    public static final TypeInformation<DecodeResult> DECODE_RESULT =
            new RecordTypeInfo<>(DecodeResult.class, DecodeResultSerializer.INSTANCE);
    public static final TypeInformation<ScoringEvent> SCORING_EVENT =
            new RecordTypeInfo<>(ScoringEvent.class, ScoringEventSerializer.INSTANCE);
    public static final TypeInformation<GroupCopy> GROUP_COPY =
            new RecordTypeInfo<>(GroupCopy.class, GroupCopySerializer.INSTANCE);
    public static final TypeInformation<DecisionInput> DECISION_INPUT =
            new RecordTypeInfo<>(DecisionInput.class, DecisionInputSerializer.INSTANCE);
    public static final TypeInformation<EntityCopy> ENTITY_COPY =
            new RecordTypeInfo<>(EntityCopy.class, EntityCopySerializer.INSTANCE);

    private WireTypes() {}
}
