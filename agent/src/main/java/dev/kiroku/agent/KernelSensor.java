package dev.kiroku.agent;

import dev.kiroku.agent.enrich.Observation;
import dev.kiroku.agent.loss.LossLedger;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A kernel source as the agent drives it: started once; if it cannot start, it stays in the status
 * as failed with the reason and the other sensors run on.
 */
final class KernelSensor implements Agent.Sensor {
    /** Starts a source; throws when it cannot. */
    interface Start {
        void run() throws Exception;
    }

    private final String name;
    private final String failure;
    private final Supplier<AgentStatus.Sensor> running;
    private final Consumer<LossLedger> losses;
    private final AutoCloseable source;
    private final Consumer<Consumer<Observation>> pull;

    private KernelSensor(String name, String failure, Supplier<AgentStatus.Sensor> running, Consumer<LossLedger> losses,
                         AutoCloseable source, Consumer<Consumer<Observation>> pull) {
        this.name = name;
        this.failure = failure;
        this.running = running;
        this.losses = losses;
        this.source = source;
        this.pull = pull;
    }

    /**
     * @param running the status while it runs
     * @param losses  registers its loss counters (only when it started)
     */
    static KernelSensor start(String name, AutoCloseable source, Start start, Supplier<AgentStatus.Sensor> running,
                              Consumer<LossLedger> losses) {
        return start(name, source, start, running, losses, batch -> { });
    }

    /** @param pull hands what the source holds to a batch, on the enrichment thread ({@link Agent.Sensor#pull}) */
    static KernelSensor start(String name, AutoCloseable source, Start start, Supplier<AgentStatus.Sensor> running,
                              Consumer<LossLedger> losses, Consumer<Consumer<Observation>> pull) {
        try {
            start.run();
            return new KernelSensor(name, null, running, losses, source, pull);
        } catch (Exception e) {
            try {
                source.close();
            } catch (Exception ignored) {
                // it did not start; nothing of it is left to release
            }
            return new KernelSensor(name, e.getMessage() == null ? e.toString() : e.getMessage(), running, ledger -> { }, source,
                    batch -> { });
        }
    }

    /** Why the source did not start, or null when it runs. */
    String failure() {
        return failure;
    }

    @Override
    public void pull(Consumer<Observation> batch) {
        pull.accept(batch);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AgentStatus.Sensor status() {
        return failure != null ? new AgentStatus.Sensor(name, "failed", "-", failure) : running.get();
    }

    @Override
    public void registerLosses(LossLedger ledger) {
        losses.accept(ledger);
    }

    @Override
    public void close() throws Exception {
        if (failure == null) source.close();
    }
}
