/** The fraud-scoring Flink job. */
package dev.fraudmonitor.job;
