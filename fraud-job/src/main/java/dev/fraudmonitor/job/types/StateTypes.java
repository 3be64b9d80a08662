package dev.fraudmonitor.job.types;

import dev.fraudmonitor.engine.DecisionState;
import dev.fraudmonitor.engine.EntityState;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.SessionState;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The type information of every stage's keyed state, for the stages' state descriptors. */
public final class StateTypes {
    public static final TypeInformation<SessionState> SESSION_STATE =
            new RecordTypeInfo<>(SessionState.class, SessionStateSerializer.INSTANCE);
    public static final TypeInformation<GroupState> GROUP_STATE =
            new RecordTypeInfo<>(GroupState.class, GroupStateSerializer.INSTANCE);
    public static final TypeInformation<EntityState> ENTITY_STATE =
            new RecordTypeInfo<>(EntityState.class, EntityStateSerializer.INSTANCE);
    public static final TypeInformation<DecisionState> DECISION_STATE =
            new RecordTypeInfo<>(DecisionState.class, DecisionStateSerializer.INSTANCE);

    private StateTypes() {}
}
