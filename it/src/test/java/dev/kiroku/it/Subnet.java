package dev.kiroku.it;

/**
 * A private /29 for one test process's namespaces, 10.213.X.Y derived from the pid so that tests of parallel runs
 * (other worktrees on this machine) do not pick the same addresses.
 */
record Subnet(int base) {
    static Subnet forThisProcess() {
        long pid = ProcessHandle.current().pid();
        return new Subnet((int) (pid % 8192) * 8);
    }

    /** The n-th address (1..6) of the subnet. */
    String address(int n) {
        int host = base + n;
        return "10.213." + (host >> 8) + "." + (host & 0xff);
    }

    int prefix() {
        return 29;
    }
}
