package dev.fraudmonitor.console;

import dev.fraudmonitor.console.auth.Passwords;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code console [options]} runs the console; {@code console hash-password} prints a bcrypt hash of
 * a password read from the terminal (or standard input) for the users file.
 */
public final class ConsoleMain {
    private ConsoleMain() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-console.xml");
        }
        List<String> a = Arrays.asList(args);
        if (!a.isEmpty() && a.get(0).equals("hash-password")) {
            System.exit(hashPassword());
        }
        if (!a.isEmpty() && (a.get(0).equals("--help") || a.get(0).equals("-h"))) {
            System.out.println("Usage: console [options]   |   console hash-password\n");
            System.out.print(ConsoleConfig.usage());
            return;
        }
        ConsoleConfig config;
        try {
            config = ConsoleConfig.parse(a, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CareConsole console = CareConsole.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(console::close, "console-shutdown"));
        System.out.printf(
                "Care console on http://%s:%d/  (metrics on http://%s:%d/metrics)%n",
                config.bind(), console.port(), config.bind(), console.metricsPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static int hashPassword() throws Exception {
        char[] password;
        Console terminal = System.console();
        if (terminal != null) {
            password = terminal.readPassword("Password: ");
            char[] again = terminal.readPassword("Again: ");
            if (!Arrays.equals(password, again)) {
                System.err.println("The two passwords differ; nothing printed.");
                return 1;
            }
        } else {
            String line =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                            .readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length < 12) {
            System.err.println("Use at least 12 characters; nothing printed.");
            return 1;
        }
        System.out.println(Passwords.hash(new String(password), Passwords.DEFAULT_STRENGTH));
        return 0;
    }
}
