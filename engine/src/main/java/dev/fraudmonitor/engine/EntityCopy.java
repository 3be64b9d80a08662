package dev.fraudmonitor.engine;

/**
 * One copy of a decision input for one entity it carries: {@code "ACCOUNT|acct-7"}. Exactly one
 * copy of each input is the one that forwards it to the decision step, after the linked hits that
 * entity knows of, so a session hears of an incident's earlier sessions before it decides on its
 * own evidence.
 */
public class EntityCopy {
    /** Entity and value: what the entity step is keyed by (the job: a 64-bit digest of it). */
    public String key;

    public String entity;
    public DecisionInput input;
    public boolean forward;

    public EntityCopy() {}

    public EntityCopy(String entity, String value, DecisionInput input, boolean forward) {
        this.key = entity + '|' + value;
        this.entity = entity;
        this.input = input;
        this.forward = forward;
    }
}
