package dev.kiroku.agent.loss;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LossLedgerTest {
    @Test
    void reportsOnlyIncreasesForTheIntervalSinceTheLastReport() {
        Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
        AtomicLong audit = new AtomicLong(5);
        AtomicLong queue = new AtomicLong();
        LossLedger ledger = new LossLedger(t0);
        ledger.register("audit", "kernel lost counter", audit::get);
        ledger.register("queue", "queue full", queue::get);

        assertThat(ledger.report(t0.plusSeconds(10))).isEmpty();
        audit.addAndGet(7);
        var reports = ledger.report(t0.plusSeconds(20));
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo("audit");
            assertThat(r.count()).isEqualTo(7);
            assertThat(r.from()).isEqualTo(t0.plusSeconds(10));
            assertThat(r.to()).isEqualTo(t0.plusSeconds(20));
        });
        assertThat(ledger.totals()).containsEntry("audit", 12L).containsEntry("queue", 0L);
    }

    @Test
    void aSourceRegisteredTwiceFails() {
        LossLedger ledger = new LossLedger(Instant.EPOCH);
        ledger.register("audit", "x", () -> 0);
        assertThatThrownBy(() -> ledger.register("audit", "y", () -> 0)).hasMessageContaining("audit");
    }
}
