package dev.fraudmonitor.demo;

import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes one contract JSON event per line (JSON Lines), e.g. to replay or inspect a run. */
public final class JsonLinesEventSink implements EventSink {
    private final EventCodec codec = new EventCodec();
    private final Writer out;
    private final boolean closeUnderlying;

    private JsonLinesEventSink(Writer out, boolean closeUnderlying) {
        this.out = out;
        this.closeUnderlying = closeUnderlying;
    }

    /** Creates or truncates {@code file}. */
    public static JsonLinesEventSink toFile(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new JsonLinesEventSink(
                    Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes to standard output (not closed by {@link #close()}). */
    public static JsonLinesEventSink toStdout() {
        return new JsonLinesEventSink(
                new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)),
                false);
    }

    @Override
    public void send(CheckoutEvent event) {
        try {
            out.write(codec.encodeToString(event));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event", e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush events", e);
        }
    }

    @Override
    public void close() {
        try {
            if (closeUnderlying) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close events file", e);
        }
    }
}
