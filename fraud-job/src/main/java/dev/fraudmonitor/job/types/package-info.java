/**
 * Hand-written Flink serializers and type information for the records that cross the job's network
 * edges ({@code ScoringEvent}, {@code GroupCopy}, {@code EntityCopy}, {@code DecisionInput}), for
 * what the source emits ({@code DecodeResult}) and for the stages' keyed state ({@code
 * SessionState}, {@code GroupState}, {@code EntityState}, {@code DecisionState}; {@link
 * dev.fraudmonitor.job.types.StateTypes}). The POJO serializer they replace reads and writes every
 * field by reflection, with a null flag per field: it was 16 to 22 % of the keyed stages' CPU, 30 %
 * of the time full snapshots took, and every state access on RocksDB (benchmarks/RESULTS.md).
 *
 * <p>Each record is written as a bit mask of the fields that are set (non-null, non-zero, true),
 * then those fields only, in declaration order: strings in Flink's {@code StringValue} encoding
 * (one byte per ASCII character, no 64 KiB limit), enums as ordinals, numbers as they are.
 *
 * <p>Rules for changing a record class, enforced by the tests in this package:
 *
 * <ul>
 *   <li>A new, removed or reordered field changes the wire format: change the serializer, and bump
 *       its snapshot's format version so that a restore against the old format is reported as
 *       incompatible instead of misread.
 *   <li>An enum may only gain constants at its end. Each snapshot records the constant names of the
 *       enums its format writes ordinals of, and reports any other change as incompatible.
 *   <li>A state class is in every savepoint: a new format version must come with a reader of the
 *       previous one, and its snapshot must answer "compatible after migration" for the previous
 *       version (as {@code StateSnapshot} does for the POJO format), or savepoints taken before the
 *       change are refused.
 * </ul>
 *
 * <p>The records are kept in no state, so a savepoint holds them only as in-flight data of an
 * unaligned checkpoint; the snapshots keep even that restore explicit. The states are written field
 * after field in declaration order, arrays as their length and elements (the session's
 * de-duplication table as its length, a bit per slot and the slots in use); their snapshots ({@link
 * dev.fraudmonitor.job.types.StateSnapshot}) also take over state that an older job kept with the
 * POJO serializer, so its savepoints restore into this one.
 */
package dev.fraudmonitor.job.types;
