package dev.fraudmonitor.job.config;

import java.util.function.Function;

/**
 * One configuration option: its key, default, meaning and how to read it from text.
 *
 * @param key dotted name, used as {@code --key value} on the command line and as {@code FRAUD_KEY}
 *     (upper case, dots and dashes as underscores) in the environment
 * @param defaultValue text of the default, or null when the option is required
 * @param expected what a valid value looks like, quoted in error messages
 */
public record Option<T>(
        String key,
        String defaultValue,
        String description,
        String expected,
        Function<String, T> parser) {

    public String envName() {
        return "FRAUD_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
