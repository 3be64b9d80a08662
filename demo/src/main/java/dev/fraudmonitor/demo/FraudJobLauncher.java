package dev.fraudmonitor.demo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the fraud job to the current context environment (the demo's MiniCluster).
 *
 * <p>Uses the job's public entry points {@code JobConfig.of(Map)}, {@code
 * FraudJob.flinkConfiguration(JobConfig)} and {@code FraudJob.define(env, JobConfig)}, looked up by
 * name so this module builds while the job module is still being written; replace with direct calls
 * once the job has landed.
 */
final class FraudJobLauncher {
    static final String JOB_CONFIG = "dev.fraudmonitor.job.config.JobConfig";
    static final String FRAUD_JOB = "dev.fraudmonitor.job.FraudJob";

    private FraudJobLauncher() {}

    /** True if the job classes are on the classpath. */
    static boolean available() {
        try {
            Class.forName(FRAUD_JOB);
            Class.forName(JOB_CONFIG);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static JobClient submit(Map<String, String> overrides, int parallelism, String jobName) {
        try {
            Class<?> configClass = Class.forName(JOB_CONFIG);
            Class<?> jobClass = Class.forName(FRAUD_JOB);
            Object config = configClass.getMethod("of", Map.class).invoke(null, overrides);
            Configuration flinkConf =
                    (Configuration)
                            jobClass.getMethod("flinkConfiguration", configClass)
                                    .invoke(null, config);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
            env.setParallelism(parallelism);
            Method define =
                    jobClass.getMethod("define", StreamExecutionEnvironment.class, configClass);
            define.invoke(null, env, config);
            return env.executeAsync(jobName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "the fraud job (" + FRAUD_JOB + ") is not on the classpath; build fraud-job",
                    e);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot start the fraud job: " + c, c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "the fraud job's entry points changed (expected JobConfig.of(Map),"
                            + " FraudJob.flinkConfiguration(JobConfig), FraudJob.define(env,"
                            + " JobConfig)): "
                            + e,
                    e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot submit the fraud job: " + e, e);
        }
    }
}
