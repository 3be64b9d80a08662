package dev.fraudmonitor.backtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A JSON-lines file of contract events, read in file order.
 *
 * <p>The file is taken as a recording of the stream (what {@code scripts/simulate.sh --out} and a
 * topic dump write): its order is the arrival order, so an event that arrived late stays late, as
 * the job saw it. It is streamed, not loaded: a day of traffic does not have to fit in memory.
 */
final class FileSource implements EventSource {
    private final Path file;
    private final long size;
    private volatile long done;

    FileSource(Path file) {
        this.file = file;
        try {
            this.size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BacktestException(
                    "--events "
                            + file
                            + ": no such file; give a JSON-lines file of contract events");
        } catch (IOException e) {
            throw new BacktestException("--events " + file + ": cannot read it: " + e.getMessage());
        }
    }

    @Override
    public void forEach(RecordSink sink) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            byte[] line = new byte[4096];
            int len = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line = append(line, len, buf, from, i - from);
                        len += i - from;
                        emit(sink, line, len);
                        len = 0;
                        from = i + 1;
                    }
                }
                line = append(line, len, buf, from, n - from);
                len += n - from;
                done += n;
            }
            emit(sink, line, len);
        } catch (IOException e) {
            throw new UncheckedIOException("--events " + file + ": cannot read it", e);
        }
    }

    private static byte[] append(byte[] line, int len, byte[] buf, int from, int count) {
        if (len + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, len + count));
        }
        System.arraycopy(buf, from, line, len, count);
        return line;
    }

    private static void emit(RecordSink sink, byte[] line, int len) {
        int end = len;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        if (isBlank(line, end)) {
            return;
        }
        sink.accept(Arrays.copyOf(line, end), -1);
    }

    private static boolean isBlank(byte[] line, int len) {
        for (int i = 0; i < len; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    @Override
    public long done() {
        return done;
    }

    @Override
    public long total() {
        return size;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public String order() {
        return "file order (a recording is in arrival order, as the job saw it)";
    }
}
