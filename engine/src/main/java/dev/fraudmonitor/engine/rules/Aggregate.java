package dev.fraudmonitor.engine.rules;

/** How a VELOCITY rule aggregates the matching events of its window. */
public enum Aggregate {
    /** Number of matching events. */
    COUNT,
    /** Number of distinct values of an attribute (exact up to 256, saturates above). */
    DISTINCT,
    /** Sum of a numeric attribute (AMOUNT). */
    SUM
}
