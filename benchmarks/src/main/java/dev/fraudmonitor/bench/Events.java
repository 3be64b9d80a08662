package dev.fraudmonitor.bench;

import dev.fraudmonitor.demo.BlockList;
import dev.fraudmonitor.demo.CheckoutSimulator;
import dev.fraudmonitor.demo.EventSink;
import dev.fraudmonitor.demo.Ticker;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventType;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark's input: the demo's {@link CheckoutSimulator} (ordinary customers, every attack
 * typology, benign look-alikes) run on a virtual clock, so a long stretch of realistic traffic is
 * generated in seconds with its event times and session timing intact.
 */
final class Events {
    private Events() {}

    /** One generated event and the virtual time the simulator sent it at. */
    record Sent(CheckoutEvent event, long sentAt) {}

    /** What a generation produced. */
    record Summary(long events, Map<EventType, Long> mix, BlockList blockList) {
        String mixText() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<EventType, Long> e : mix.entrySet()) {
                if (sb.length() > 0) sb.append(", ");
                sb.append(e.getKey())
                        .append(' ')
                        .append(String.format("%.1f%%", 100.0 * e.getValue() / events));
            }
            return sb.toString();
        }
    }

    /**
     * Generates exactly {@code n} events as a shop sending {@code rate} events/s would, starting at
     * virtual time {@code startMillis}, handing each to {@code out} in send order.
     */
    static Summary generate(
            long n,
            double rate,
            double attackRatio,
            long seed,
            long startMillis,
            Consumer<Sent> out)
            throws InterruptedException {
        CheckoutSimulator sim =
                new CheckoutSimulator(
                        new CheckoutSimulator.Settings(rate, null, attackRatio, seed, true), null);
        Ticker clock = Ticker.virtual(startMillis);
        Map<EventType, Long> mix = new EnumMap<>(EventType.class);
        long[] count = {0};
        sim.run(
                new EventSink() {
                    @Override
                    public void send(CheckoutEvent e) {
                        if (count[0] >= n) {
                            sim.stop();
                            return;
                        }
                        count[0]++;
                        mix.merge(e.type(), 1L, Long::sum);
                        out.accept(new Sent(e, clock.millis()));
                        if (count[0] == n) {
                            sim.stop();
                        }
                    }
                },
                clock);
        return new Summary(count[0], mix, sim.blockList());
    }
}
