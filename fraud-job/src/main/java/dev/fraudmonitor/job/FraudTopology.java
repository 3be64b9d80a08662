package dev.fraudmonitor.job;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.EntityStep;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.operators.DecisionStage;
import dev.fraudmonitor.job.operators.EntityStage;
import dev.fraudmonitor.job.operators.GroupStage;
import dev.fraudmonitor.job.operators.SessionStage;
import dev.fraudmonitor.job.operators.StageOperator;
import dev.fraudmonitor.job.operators.StageRules;
import dev.fraudmonitor.job.operators.StateKeys;
import dev.fraudmonitor.job.types.WireTypes;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The whole job as one function of its input: decoded records in, alerts, holds and dead letters
 * out. {@link FraudJob} connects it to Kafka and Redis; tests connect it to whatever they need. See
 * docs/ARCHITECTURE.md for the picture.
 */
public final class FraudTopology {
    static final OutputTag<byte[]> DEAD_LETTERS =
            new OutputTag<>("dead-letters", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private FraudTopology() {}

    /** The outputs of the topology. */
    public record Outputs(
            DataStream<Output> alerts, DataStream<Output> holds, DataStream<byte[]> deadLetters) {}

    /**
     * @param rules where the stages get the rules in force: {@link StageRules#redis} in the job
     */
    public static Outputs build(
            DataStream<DecodeResult> decoded, JobConfig config, StageRules rules) {
        SingleOutputStreamOperator<ScoringEvent> events =
                decoded.process(new SplitDeadLetters(), WireTypes.SCORING_EVENT)
                        .name("valid events")
                        .uid("split-dead-letters");
        DataStream<byte[]> deadLetters = events.getSideOutput(DEAD_LETTERS);

        SingleOutputStreamOperator<GroupCopy> copies =
                events.keyBy(StateKeys.SESSION, StateKeys.TYPE)
                        .transform(
                                "session: dedup, session rules, fan-out",
                                WireTypes.GROUP_COPY,
                                new StageOperator<>(new SessionStage(config, rules)))
                        .uid("session-stage");

        SingleOutputStreamOperator<DecisionInput> groupHits =
                copies.keyBy(StateKeys.GROUP, StateKeys.TYPE)
                        .transform(
                                "group: velocity and history rules",
                                WireTypes.DECISION_INPUT,
                                new StageOperator<>(new GroupStage(config, rules)))
                        .uid("group-stage");

        // Every input passes the entity stage, which puts the linked sessions' hits before it.
        // Each stage's hits are fanned out apart, so the fan-out chains to the stage: after a
        // union it would be a task of its own, one more hand-over of every hit.
        DataStream<EntityCopy> entityCopies =
                entityFanOut(copies.getSideOutput(SessionStage.HITS), "session")
                        .union(entityFanOut(groupHits, "group"));
        SingleOutputStreamOperator<DecisionInput> decisionInputs =
                entityCopies
                        .keyBy(StateKeys.ENTITY, StateKeys.TYPE)
                        .transform(
                                "entity: risk across sessions, cases",
                                WireTypes.DECISION_INPUT,
                                new StageOperator<>(new EntityStage(config, rules)))
                        .uid("entity-stage");

        SingleOutputStreamOperator<Output> alerts =
                decisionInputs
                        .keyBy(StateKeys.DECISION, StateKeys.TYPE)
                        .transform(
                                "decision: score, alert, hold",
                                TypeInformation.of(Output.class),
                                new StageOperator<>(new DecisionStage(config, rules)))
                        .uid("decision-stage");

        return new Outputs(alerts, alerts.getSideOutput(DecisionStage.HOLDS), deadLetters);
    }

    private static DataStream<EntityCopy> entityFanOut(
            DataStream<DecisionInput> hits, String stage) {
        return hits.flatMap(
                        (DecisionInput in, Collector<EntityCopy> out) ->
                                EntityStep.copies(in).forEach(out::collect),
                        WireTypes.ENTITY_COPY)
                .name("entity fan-out of " + stage + " hits")
                .uid("entity-fan-out-" + stage);
    }

    /** Valid events go on; dead letters leave by a side output. */
    static final class SplitDeadLetters extends ProcessFunction<DecodeResult, ScoringEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(DecodeResult d, Context ctx, Collector<ScoringEvent> out) {
            if (d.event != null) {
                out.collect(d.event);
            } else {
                ctx.output(DEAD_LETTERS, d.deadLetter);
            }
        }
    }
}
