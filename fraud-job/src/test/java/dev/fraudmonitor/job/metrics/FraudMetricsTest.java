package dev.fraudmonitor.job.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FraudMetricsTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopServing() {
        FraudMetrics.get().close();
    }

    @Test
    void closeStopsServingAndFreesThePortAndServeStartsAgain() throws Exception {
        FraudMetrics metrics = FraudMetrics.get();
        int port = metrics.serve(freePort());
        assertTrue(port > 0, "serving");
        metrics.duplicate();
        HttpResponse<String> before = get(port);
        assertEquals(200, before.statusCode());
        assertTrue(before.body().contains("fraud_events_duplicate_total"), before.body());

        metrics.close();
        assertThrows(ConnectException.class, () -> get(port), "nothing listens after close()");
        // The port is free again: this JVM can bind it.
        try (ServerSocket s = new ServerSocket(port)) {
            assertEquals(port, s.getLocalPort());
        }
        metrics.close(); // closing twice is harmless

        assertEquals(port, metrics.serve(port), "serve() starts again after close()");
        HttpResponse<String> after = get(port);
        assertEquals(200, after.statusCode());
        assertTrue(after.body().contains("fraud_events_duplicate_total"), "counts survive close()");
    }

    @Test
    void aCompletedCheckpointIsReportedWithItsIdAndAge() {
        FraudMetrics metrics = FraudMetrics.get();
        metrics.checkpointCompleted(41);
        metrics.checkpointCompleted(40); // a late notification does not move the id back
        String text = metrics.scrape();
        assertTrue(text.contains("\nfraud_checkpoint_last_completed_id 41.0\n"), text);
        double age = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("fraud_checkpoint_last_completed_age_seconds ")) {
                age = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        assertTrue(age >= 0 && age < 60, "age " + age);
    }

    private HttpResponse<String> get(int port) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
