package dev.fraudmonitor.job.config;

/**
 * A configuration value the job cannot start with; the message names the option and what it
 * expected.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
