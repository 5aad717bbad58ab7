package dev.kiroku.sensor.linux.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Names of the syscalls Kiroku classifies, per audit architecture ({@code arch=} of SYSCALL). */
final class Syscalls {

    static final long ARCH_X86_64 = 0xC000003EL;
    static final long ARCH_I386 = 0x40000003L;
    static final long ARCH_AARCH64 = 0xC00000B7L;

    /** What an activity mapper does with a syscall. */
    enum Kind { EXEC, SOCKET, CREDENTIAL, OTHER }

    private static final Map<Long, Map<Integer, String>> NAMES = new HashMap<>();

    static {
        NAMES.put(ARCH_X86_64, table(
                59, "execve", 322, "execveat", 42, "connect", 43, "accept", 288, "accept4", 49, "bind", 50, "listen",
                105, "setuid", 106, "setgid", 113, "setreuid", 114, "setregid", 117, "setresuid", 119, "setresgid",
                122, "setfsuid", 123, "setfsgid"));
        NAMES.put(ARCH_I386, table(
                11, "execve", 358, "execveat", 362, "connect", 364, "accept4", 361, "bind", 363, "listen",
                23, "setuid", 46, "setgid", 70, "setreuid", 71, "setregid", 164, "setresuid", 170, "setresgid",
                213, "setuid", 214, "setgid", 203, "setreuid", 204, "setregid", 208, "setresuid", 210, "setresgid",
                215, "setfsuid", 216, "setfsgid", 138, "setfsuid", 139, "setfsgid"));
        NAMES.put(ARCH_AARCH64, table(
                221, "execve", 281, "execveat", 203, "connect", 202, "accept", 242, "accept4", 200, "bind",
                201, "listen", 146, "setuid", 144, "setgid", 145, "setreuid", 143, "setregid", 147, "setresuid",
                149, "setresgid", 151, "setfsuid", 152, "setfsgid"));
    }

    private Syscalls() {
    }

    private static Map<Integer, String> table(Object... pairs) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Integer) pairs[i], (String) pairs[i + 1]);
        }
        return m;
    }

    /** The syscall's name, or {@code syscall(N)} when Kiroku has no name for it. */
    static String name(long arch, int number) {
        Map<Integer, String> m = NAMES.get(arch);
        String n = m == null ? null : m.get(number);
        return n != null ? n : "syscall(" + number + ")";
    }

    static Kind kind(String name) {
        return switch (name) {
            case "execve", "execveat" -> Kind.EXEC;
            case "connect", "accept", "accept4", "bind", "listen" -> Kind.SOCKET;
            case "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid" ->
                    Kind.CREDENTIAL;
            default -> Kind.OTHER;
        };
    }

    /** How many leading arguments of a credential syscall are ids. */
    static int idArguments(String name) {
        return switch (name) {
            case "setreuid", "setregid" -> 2;
            case "setresuid", "setresgid" -> 3;
            default -> 1;
        };
    }

    static final List<String> ARGUMENT_FIELDS = List.of("a0", "a1", "a2", "a3");
}
