package dev.kiroku.detect.sigma;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two builds of the matcher on a loaded machine: both in one JVM (a class loader each, this class's
 * test classes beside each build's main classes), matching fresh copies of the same events (new strings, as a
 * parser makes them) in alternating order A-B, B-A, round after round, and printing the per-round ratio B/A
 * (its median and quartiles over the rounds after the first two). Two runs of one build on a machine at load 30
 * differ by ±20 %; rounds a second apart, paired, by far less.
 * {@code java -cp <test classes>:<deps> dev.kiroku.detect.sigma.PairedBenchMain DIR_A DIR_B [N=10000] [ROUNDS=16]}
 * where DIR_A and DIR_B are {@code detect/target/classes} directories (copies) of the two builds.
 */
public final class PairedBenchMain {
    private PairedBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        URL tests = PairedBenchMain.class.getProtectionDomain().getCodeSource().getLocation();
        Class<?>[] side = new Class<?>[2];
        Object[] matcher = new Object[2];
        for (int i = 0; i < 2; i++) {
            ClassLoader loader = new BuildLoader(new URL[] {Path.of(args[i]).toUri().toURL(), tests}, PairedBenchMain.class.getClassLoader());
            side[i] = loader.loadClass(Side.class.getName());
            matcher[i] = side[i].getMethod("matcher").invoke(null);
        }
        List<?> events = (List<?>) side[0].getMethod("events", int.class).invoke(null, n);
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int i = r % 2 == 0 ? k : 1 - k;
                long[] res = (long[]) side[i].getMethod("run", Object.class, List.class).invoke(null, matcher[i], events);
                double rate = events.size() / (res[0] / 1e9);
                rates.get(i).add(rate);
                System.out.printf("round %d %s: %.0f events per CPU second, %d matches%n", r, i == 0 ? "A" : "B", rate, res[1]);
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = Math.min(2, rounds - 1); r < rounds; r++) ratios.add(rates.get(1).get(r) / rates.get(0).get(r));
        Collections.sort(ratios);
        System.out.printf("B/A per round: median %.3f, quartiles %.3f..%.3f (%d rounds)%n", ratios.get(ratios.size() / 2),
                ratios.get(ratios.size() / 4), ratios.get(ratios.size() * 3 / 4), ratios.size());
        for (int i = 0; i < 2; i++) {
            List<Double> l = new ArrayList<>(rates.get(i).subList(Math.min(2, rounds - 1), rounds));
            Collections.sort(l);
            System.out.printf("%s: median %.0f events per CPU second (%s)%n", i == 0 ? "A" : "B", l.get(l.size() / 2), args[i]);
        }
    }

    /** Loads the detect classes from its own URLs first, so each build has its own copy; the rest from the parent. */
    private static final class BuildLoader extends URLClassLoader {
        BuildLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.kiroku.detect.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }

    /** One build's side, called by reflection inside its class loader. */
    public static final class Side {
        private Side() {
        }

        public static Object matcher() throws Exception {
            return BenchInputs.matcher(Datasets.root());
        }

        /** The first {@code max} events of the Linux audit logs and security-datasets archives, as parsed maps. */
        public static List<Map<String, ?>> events(int max) throws Exception {
            return new ArrayList<>(BenchInputs.events(Datasets.root(), max));
        }

        /** Matches fresh copies of the events in batches of 4,096 (as the bench): {thread CPU nanoseconds, matches}. */
        @SuppressWarnings("unchecked")
        public static long[] run(Object matcher, List<Map<String, ?>> events) {
            CompiledMatcher m = (CompiledMatcher) matcher;
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long nanos = 0;
            long matches = 0;
            for (int b = 0; b < events.size(); b += 4096) {
                List<Document> docs = new ArrayList<>();
                for (int i = b; i < Math.min(events.size(), b + 4096); i++) docs.add(new MapDocument((Map<String, ?>) copy(events.get(i))));
                long c0 = cpu.getCurrentThreadCpuTime();
                for (Document d : docs) matches += m.match(d).size();
                nanos += cpu.getCurrentThreadCpuTime() - c0;
            }
            return new long[] {nanos, matches};
        }

        private static Object copy(Object v) {
            return switch (v) {
                case String s -> new String(s.toCharArray());
                case Map<?, ?> map -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : map.entrySet()) o.put((String) e.getKey(), copy(e.getValue()));
                    yield o;
                }
                case List<?> list -> {
                    List<Object> o = new ArrayList<>();
                    for (Object x : list) o.add(copy(x));
                    yield o;
                }
                case null, default -> v;
            };
        }
    }
}
