package dev.kiroku.response.isolation;

import dev.kiroku.response.nft.Endpoint;

import java.util.List;

/**
 * The nftables script that isolates the endpoint: the agent's own {@code inet} table at priority
 * -200 with policy drop on input, output and forward. Accepted are loopback, and per allowed
 * endpoint: new and established packets to it, established replies from it, and related ICMP
 * errors of those connections. Established traffic is scoped to the allowed peers, so
 * connections to any other host die at once.
 *
 * <p>The script starts with {@code add table}/{@code delete table}, so applying it replaces an
 * older version of the table in the same transaction (atomic and idempotent).
 */
public final class IsolationRuleset {
    /** The agent's isolation table; release deletes exactly this table. */
    public static final String FAMILY = "inet";
    public static final String TABLE = "kiroku_isolation";

    private IsolationRuleset() {
    }

    public static String script(List<Endpoint> allowed) {
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (Endpoint e : allowed) {
            String fam = e.nftFamily();
            String addr = e.address().getHostAddress();
            out.append("    ").append(fam).append(" daddr ").append(addr).append(' ').append(e.protocol())
                    .append(" dport ").append(e.port()).append(" ct state new,established accept\n");
            out.append("    ").append(fam).append(" daddr ").append(addr).append(" ct state related accept\n");
            in.append("    ").append(fam).append(" saddr ").append(addr).append(' ').append(e.protocol())
                    .append(" sport ").append(e.port()).append(" ct state established accept\n");
            in.append("    ").append(fam).append(" saddr ").append(addr).append(" ct state related accept\n");
        }
        return "add table " + FAMILY + " " + TABLE + "\n"
                + "delete table " + FAMILY + " " + TABLE + "\n"
                + "table " + FAMILY + " " + TABLE + " {\n"
                + "  chain input {\n"
                + "    type filter hook input priority -200; policy drop;\n"
                + "    iif \"lo\" accept\n"
                + in
                + "  }\n"
                + "  chain output {\n"
                + "    type filter hook output priority -200; policy drop;\n"
                + "    oif \"lo\" accept\n"
                + out
                + "  }\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority -200; policy drop;\n"
                + "  }\n"
                + "}\n";
    }
}
