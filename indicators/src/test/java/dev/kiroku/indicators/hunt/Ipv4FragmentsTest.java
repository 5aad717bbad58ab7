package dev.kiroku.indicators.hunt;

import dev.kiroku.indicators.expr.IpRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Ipv4FragmentsTest {

    @Test
    void aDottedPrefixIsItsNetwork() {
        assertThat(Ipv4Fragments.networksContaining("103.41.124.")).contains(List.of("103.41.124.0/24"));
        // "10.1.2." also ends in 110.1.2.x and 210.1.2.x
        assertThat(Ipv4Fragments.networksContaining(" 10.1.2.")).contains(List.of("10.1.2.0/24", "110.1.2.0/24", "210.1.2.0/24"));
        assertThat(Ipv4Fragments.networksContaining("10.1.")).as("also a.10.1.x for every a: too many networks").isEmpty();
        assertThat(Ipv4Fragments.networksContaining("abc.def")).isEmpty();
        assertThat(Ipv4Fragments.networksContaining("41")).as("no dot: anywhere in any octet").isEmpty();
        assertThat(Ipv4Fragments.networksContaining(".41.")).as("a leading free octet").isEmpty();
    }

    @Test
    void anAddressComparisonThatCannotBeNarrowedSelectsTheEventsWithAnAddress() {
        dev.kiroku.indicators.expr.Compare c = new dev.kiroku.indicators.expr.Compare(
                dev.kiroku.indicators.expr.Field.of("PortItem/remoteIP", "destination.ip"), dev.kiroku.indicators.expr.Operator.CONTAINS, "41", false);
        String q = QueryTranslator.query(c).text();
        assertThat(q).contains(":0.0.0.0/0").contains("::/0");
        dev.kiroku.store.EventQuery.parse(q, java.time.InstantSource.system());
    }

    /** Seeded property: for random addresses and random pieces of their text, the networks hold exactly the addresses containing the piece. */
    @Test
    void theNetworksHoldExactlyTheAddressesWhoseTextContainsThePiece() {
        Random random = new Random(20261127);
        int checked = 0;
        for (int round = 0; round < 3000; round++) {
            String address = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            int from = random.nextInt(address.length());
            int to = from + 1 + random.nextInt(address.length() - from);
            String piece = address.substring(from, to);
            Optional<List<String>> networks = Ipv4Fragments.networksContaining(piece);
            if (networks.isEmpty()) continue;
            checked++;
            assertThat(within(networks.get(), address)).as("%s contains %s: %s", address, piece, networks.get()).isTrue();
            for (int other = 0; other < 20; other++) {
                String candidate = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
                assertThat(within(networks.get(), candidate)).as("%s for %s", candidate, piece).isEqualTo(candidate.contains(piece));
            }
        }
        assertThat(checked).isGreaterThan(150);
    }

    private static boolean within(List<String> networks, String address) {
        return networks.stream().anyMatch(n -> IpRange.parse(n).contains(address));
    }
}
