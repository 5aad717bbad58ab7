package dev.kiroku.fleet.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The ship call's deadline follows the server's pace: longer while answers are slow or late, back to 60 s after. */
class ShipDeadlineTest {

    @Test
    void quickAnswersKeepTheFloor() {
        ShipDeadline deadline = new ShipDeadline();
        assertThat(deadline.next()).isEqualTo(ShipDeadline.FLOOR);
        deadline.answered(Duration.ofMillis(40));
        deadline.answered(Duration.ofSeconds(14));
        assertThat(deadline.next()).isEqualTo(ShipDeadline.FLOOR);
    }

    @Test
    void aSlowServerGetsFourTimesItsSlowestAnswerThenHalvesBackAsAnswersQuicken() {
        ShipDeadline deadline = new ShipDeadline();
        deadline.answered(Duration.ofSeconds(50));
        assertThat(deadline.next()).isEqualTo(Duration.ofSeconds(200));
        deadline.answered(Duration.ofSeconds(1));
        assertThat(deadline.next()).isEqualTo(Duration.ofSeconds(100));
        deadline.answered(Duration.ofSeconds(1));
        assertThat(deadline.next()).isEqualTo(ShipDeadline.FLOOR);
    }

    @Test
    void everyExpiryDoublesTheWaitUpToTheCeiling() {
        ShipDeadline deadline = new ShipDeadline();
        deadline.expired();
        assertThat(deadline.next()).isEqualTo(Duration.ofSeconds(120));
        for (int i = 0; i < 10; i++) deadline.expired();
        assertThat(deadline.next()).isEqualTo(ShipDeadline.CEILING);
        deadline.answered(Duration.ofHours(2));
        assertThat(deadline.next()).isEqualTo(ShipDeadline.CEILING);
    }
}
