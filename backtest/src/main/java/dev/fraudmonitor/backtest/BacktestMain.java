package dev.fraudmonitor.backtest;

import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The {@code scripts/backtest.sh} command: options in, report out; see {@link BacktestOptions}. */
public final class BacktestMain {
    private BacktestMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code (0 done, 1 failed, 2 bad options). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        BacktestOptions o;
        try {
            o = BacktestOptions.parse(args);
        } catch (BacktestException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (o.help) {
            out.println(BacktestOptions.USAGE);
            return 0;
        }
        try {
            Report report = execute(o, err);
            out.print(report.toTable(o.maxIds));
            out.flush();
            return 0;
        } catch (BacktestException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Loads what the options name, runs the backtest, writes the JSON report if asked. */
    static Report execute(BacktestOptions o, PrintStream err) {
        RuleSet candidate = RuleSets.fromFile("--rules", o.rules);
        Backtest.Candidate baseline = null;
        ListSnapshot lists = ListSnapshot.empty();
        if (o.redis != null) {
            RuleSets.InForce inForce = RuleSets.fromRedis(o.redis, o.prefix);
            lists = inForce.lists();
            baseline =
                    new Backtest.Candidate(
                            inForce.rules(),
                            "the rule set in force in Redis (" + o.prefix + "rules)");
        }
        if (o.baselineRules != null) {
            baseline =
                    new Backtest.Candidate(
                            RuleSets.fromFile("--baseline-rules", o.baselineRules),
                            "file " + o.baselineRules);
        }
        Properties client =
                o.kafka == null
                        ? new Properties()
                        : KafkaClients.clientProperties(o.kafkaProperties, o.kafkaProperty);
        Labels labels = null;
        if (o.labels != null) {
            labels = Labels.fromFile(o.labels);
        } else if (o.labelsTopic != null) {
            labels = Labels.fromTopic(o.kafka, o.labelsTopic, client);
        }
        Backtest backtest =
                new Backtest(
                        new Backtest.Candidate(candidate, "file " + o.rules),
                        baseline,
                        lists,
                        labels,
                        o.expiryEvery);
        Backtest.Result result;
        try (EventSource source =
                o.events != null
                        ? new FileSource(o.events)
                        : new KafkaTopicSource(o.kafka, o.topic, o.from, o.to, client)) {
            result = backtest.run(source, new Progress(source, err, o.progress));
        }
        Report report = new Report(result);
        if (o.json != null) {
            write(o.json, report);
        }
        return report;
    }

    private static void write(Path file, Report report) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Json.mapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(file.toFile(), report.toJson());
        } catch (IOException e) {
            throw new BacktestException(
                    "--json " + file + ": cannot write the report there: " + e.getMessage());
        }
    }
}
