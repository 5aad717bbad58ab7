package dev.kiroku.detect.sigma;

/** Runs the bench from the test classpath: {@code java -cp ... dev.kiroku.detect.sigma.BenchMain [--quick] [--json]}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        boolean json = java.util.Arrays.asList(args).contains("--json");
        System.exit(SigmaBench.run(quick, json, System.out));
    }
}
