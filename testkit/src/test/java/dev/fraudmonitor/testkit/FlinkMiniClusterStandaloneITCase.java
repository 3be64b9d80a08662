package dev.fraudmonitor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** {@link FlinkMiniCluster#start()} is what the demo launcher uses outside JUnit. */
class FlinkMiniClusterStandaloneITCase {

    @Test
    void startRunCloseWithoutJUnitExtension() throws Exception {
        List<Long> got = new ArrayList<>();
        try (FlinkMiniCluster cluster = FlinkMiniCluster.start()) {
            StreamExecutionEnvironment env = cluster.env();
            assertEquals(2, env.getParallelism());
            try (CloseableIterator<Long> it =
                    env.fromSequence(1, 10).map(x -> x * 2).executeAndCollect("standalone")) {
                it.forEachRemaining(got::add);
            }
        }
        Collections.sort(got);
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L), got);
    }
}
