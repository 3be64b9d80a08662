/**
 * The rule engine: rule definitions, their JSON form, per-key state and the evaluators.
 *
 * <p>Plain Java on purpose (no Flink types): the Flink operators in {@code job.operators} only hold
 * {@link dev.fraudmonitor.engine.rules.GroupState} / {@link
 * dev.fraudmonitor.engine.rules.SessionState} in keyed state and call {@link
 * dev.fraudmonitor.engine.rules.GroupEvaluator} / {@link
 * dev.fraudmonitor.engine.rules.SessionEvaluator}. The rule language is documented in {@code
 * docs/rules.md}.
 */
package dev.fraudmonitor.engine.rules;
