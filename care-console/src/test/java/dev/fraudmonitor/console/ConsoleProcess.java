package dev.fraudmonitor.console;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The console as a separate JVM from this test's classpath, so it can be killed with SIGKILL. */
final class ConsoleProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("Care console on http://[^:]+:(\\d+)/");
    private final Process process;
    private final int port;

    ConsoleProcess(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ConsoleMain.class.getName());
        cmd.addAll(args);
        process =
                new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        CompletableFuture<Integer> started = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    Matcher m = STARTED.matcher(line);
                                    if (m.find()) {
                                        started.complete(Integer.parseInt(m.group(1)));
                                    }
                                }
                            } catch (IOException e) {
                                // The process was killed.
                            }
                            started.completeExceptionally(
                                    new IllegalStateException("console exited; see " + log));
                        },
                        "console-stdout");
        reader.setDaemon(true);
        reader.start();
        port = started.get(90, TimeUnit.SECONDS);
    }

    int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook, no clean close of anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }

    static Path logFile(String name) {
        return new File("target", name + ".log").toPath().toAbsolutePath();
    }
}
