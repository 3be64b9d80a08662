/** Embedded demo: real Kafka, Redis and a Flink MiniCluster with simulated checkout traffic. */
package dev.fraudmonitor.demo;
