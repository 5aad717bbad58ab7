package dev.kiroku.response.destinations;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.nft.Nft;
import dev.kiroku.response.nft.NftException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Blocks traffic to and from addresses, networks and domains with nftables sets in the agent's own
 * table {@code inet kiroku_blocklist} (separate from the isolation table, so releasing an
 * isolation never lifts a block). Domains are blocked by the addresses they resolve to, refreshed
 * by {@link #refreshDomains()} (periodically with {@link #refreshEvery}).
 *
 * <p>Every change renders the whole table and applies it in one nft transaction; only after that
 * succeeded is the state file replaced. A failed change leaves both as they were.
 */
public final class DestinationBlocker {
    public static final String BLOCK = "block_destination";
    public static final String UNBLOCK = "unblock_destination";
    public static final String TABLE = "kiroku_blocklist";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Resolves a domain to its addresses (the JDK resolver in production). */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String domain) throws UnknownHostException;
    }

    private final Nft nft;
    private final Path stateFile;
    private final Resolver resolver;
    private final Set<String> protectedAddresses;
    private BlockedDestinations state;

    /**
     * @param protectedAddresses addresses that must never be blocked (the Kiroku server), as text
     */
    public DestinationBlocker(Nft nft, Path stateFile, Resolver resolver, Set<String> protectedAddresses) throws IOException {
        this.nft = nft;
        this.stateFile = stateFile;
        this.resolver = resolver;
        this.protectedAddresses = Set.copyOf(protectedAddresses);
        this.state = Files.exists(stateFile) ? JSON.readValue(stateFile.toFile(), BlockedDestinations.class)
                : BlockedDestinations.none();
    }

    public static Resolver systemResolver() {
        return domain -> Arrays.asList(InetAddress.getAllByName(domain));
    }

    public synchronized BlockedDestinations current() {
        return state;
    }

    /** Blocks each target; one result per target, malformed or unresolvable ones fail alone. */
    public synchronized List<ActionResult> block(List<String> targets) {
        Set<String> networks = new TreeSet<>(state.networks());
        Map<String, List<String>> domains = new HashMap<>(state.domains());
        List<ActionResult> results = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (String target : targets) {
            try {
                Destination d = Destination.parse(target);
                if (d instanceof Destination.Network n) {
                    refuseProtected(List.of(n.element()));
                    if (networks.add(n.element())) {
                        changed.add(target);
                    } else {
                        results.add(ActionResult.already(BLOCK, target, "already blocked"));
                    }
                } else if (d instanceof Destination.Domain dom) {
                    List<String> addresses = resolve(dom.name());
                    refuseProtected(addresses);
                    if (addresses.equals(domains.get(dom.name()))) {
                        results.add(ActionResult.already(BLOCK, target, "already blocked"));
                    } else {
                        domains.put(dom.name(), addresses);
                        changed.add(target);
                    }
                }
            } catch (IllegalArgumentException | UnknownHostException e) {
                results.add(ActionResult.failed(BLOCK, target, e instanceof UnknownHostException
                        ? "cannot resolve " + target + ": " + e.getMessage() : e.getMessage()));
            }
        }
        results.addAll(commit(new BlockedDestinations(List.copyOf(networks), domains), BLOCK, changed, "blocked"));
        return inOrder(targets, results);
    }

    /** Lifts blocks; targets that were not blocked report so. */
    public synchronized List<ActionResult> unblock(List<String> targets) {
        Set<String> networks = new TreeSet<>(state.networks());
        Map<String, List<String>> domains = new HashMap<>(state.domains());
        List<ActionResult> results = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (String target : targets) {
            try {
                Destination d = Destination.parse(target);
                boolean removed = d instanceof Destination.Network n ? networks.remove(n.element())
                        : domains.remove(((Destination.Domain) d).name()) != null;
                if (removed) {
                    changed.add(target);
                } else {
                    results.add(ActionResult.already(UNBLOCK, target, "was not blocked"));
                }
            } catch (IllegalArgumentException e) {
                results.add(ActionResult.failed(UNBLOCK, target, e.getMessage()));
            }
        }
        results.addAll(commit(new BlockedDestinations(List.copyOf(networks), domains), UNBLOCK, changed, "unblocked"));
        return inOrder(targets, results);
    }

    /**
     * Resolves every blocked domain again and applies the new addresses; a domain that no longer
     * resolves keeps its last addresses. Returns the domains whose addresses changed.
     */
    public synchronized List<String> refreshDomains() throws NftException, IOException {
        Map<String, List<String>> domains = new HashMap<>(state.domains());
        List<String> changed = new ArrayList<>();
        for (String domain : state.domains().keySet()) {
            try {
                List<String> now = resolve(domain);
                if (!now.equals(domains.get(domain)) && protectedAddresses.stream().noneMatch(now::contains)) {
                    domains.put(domain, now);
                    changed.add(domain);
                }
            } catch (UnknownHostException e) {
                // keep the last known addresses: a resolver outage must not lift a block
            }
        }
        if (!changed.isEmpty()) {
            BlockedDestinations next = new BlockedDestinations(state.networks(), domains);
            apply(next);
            save(next);
            state = next;
        }
        return changed;
    }

    /** Refreshes domains every {@code period} on a daemon thread until the returned handle is closed. */
    public AutoCloseable refreshEvery(Duration period) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("destination-refresh").daemon().factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                refreshDomains();
            } catch (NftException | IOException | RuntimeException e) {
                // the next round tries again; the blocks in force stay
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /** Applies the saved blocks again (the table does not survive a reboot). */
    public synchronized ActionResult reapplyOnStart() {
        try {
            apply(state);
            return ActionResult.done(BLOCK, "destinations", "re-applied " + state.networks().size() + " networks and "
                    + state.domains().size() + " domains");
        } catch (NftException e) {
            return ActionResult.failed(BLOCK, "destinations", e.getMessage());
        }
    }

    private List<ActionResult> commit(BlockedDestinations next, String action, List<String> changed, String verb) {
        if (changed.isEmpty()) {
            return List.of();
        }
        try {
            apply(next);
        } catch (NftException e) {
            return changed.stream().map(t -> ActionResult.failed(action, t, e.getMessage() + "; blocks unchanged")).toList();
        }
        try {
            save(next);
        } catch (IOException e) {
            try {
                apply(state);
            } catch (NftException ignored) {
                // reported below: the file is the truth on the next start
            }
            return changed.stream().map(t -> ActionResult.failed(action, t, "cannot save " + stateFile + ": "
                    + e.getMessage() + "; blocks unchanged")).toList();
        }
        state = next;
        return changed.stream().map(t -> ActionResult.done(action, t, verb,
                next.domains().containsKey(t.toLowerCase(java.util.Locale.ROOT))
                        ? Map.of("addresses", next.domains().get(t.toLowerCase(java.util.Locale.ROOT))) : Map.of())).toList();
    }

    /** The results in the order the targets were given (each target has exactly one). */
    private static List<ActionResult> inOrder(List<String> targets, List<ActionResult> results) {
        List<ActionResult> pool = new ArrayList<>(results);
        List<ActionResult> ordered = new ArrayList<>();
        for (String t : targets) {
            for (int i = 0; i < pool.size(); i++) {
                if (pool.get(i).target().equals(t)) {
                    ordered.add(pool.remove(i));
                    break;
                }
            }
        }
        ordered.addAll(pool);
        return ordered;
    }

    private void apply(BlockedDestinations blocks) throws NftException {
        if (blocks.isEmpty()) {
            if (nft.tableExists("inet", TABLE)) {
                nft.command("delete", "table", "inet", TABLE);
            }
            return;
        }
        nft.apply(script(blocks));
    }

    /** The whole table: two interval sets and drop rules on input, output and forward. */
    static String script(BlockedDestinations blocks) {
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(blocks.networks());
        blocks.domains().values().forEach(all::addAll);
        for (String element : all) {
            (element.contains(":") ? v6 : v4).add(element);
        }
        return "add table inet " + TABLE + "\n"
                + "delete table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
                + "  set v4 { type ipv4_addr; flags interval; auto-merge;" + elements(v4) + " }\n"
                + "  set v6 { type ipv6_addr; flags interval; auto-merge;" + elements(v6) + " }\n"
                + chain("input", "saddr") + chain("output", "daddr") + chain("forward", "daddr")
                + "}\n";
    }

    private static String chain(String hook, String direction) {
        return "  chain " + hook + " {\n"
                + "    type filter hook " + hook + " priority -200; policy accept;\n"
                + "    ip " + direction + " @v4 drop\n"
                + "    ip6 " + direction + " @v6 drop\n"
                + "  }\n";
    }

    private static String elements(Set<String> set) {
        return set.isEmpty() ? "" : " elements = { " + String.join(", ", set) + " };";
    }

    private List<String> resolve(String domain) throws UnknownHostException {
        List<String> out = new ArrayList<>(new TreeSet<>(resolver.resolve(domain).stream()
                .map(a -> Destination.of(a).element()).toList()));
        if (out.isEmpty()) {
            throw new UnknownHostException(domain + " resolved to no address");
        }
        return out;
    }

    private void refuseProtected(List<String> elements) {
        for (String e : elements) {
            if (protectedAddresses.contains(e)) {
                throw new IllegalArgumentException(e + " is the Kiroku server's address; blocking it would cut the agent off");
            }
        }
    }

    private void save(BlockedDestinations blocks) throws IOException {
        Path dir = stateFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".destinations-", ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(blocks));
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
