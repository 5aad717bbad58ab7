package dev.kiroku.sensor.linux.audit;

import java.util.ArrayList;
import java.util.List;

import static dev.kiroku.sensor.linux.audit.AuditRule.Condition.equal;

/**
 * The rules an {@link AuditSource} installs, all {@code -a always,exit} with the source's key:
 * <pre>
 * -F arch=b64 -S execve,execveat                       (unless another feed reports execs)
 * -F arch=b32 -S execve,execveat                       (optional, same)
 * -F arch=b64 -S connect,accept,accept4,bind -F saddr_fam=2
 * -F arch=b64 -S connect,accept,accept4,bind -F saddr_fam=10
 * -F arch=b64 -S listen
 * -F arch=b64 -S setuid,setgid,setreuid,setregid,setresuid,setresgid
 * </pre>
 * {@code saddr_fam} keeps AF_UNIX and netlink noise out; accept without an address buffer
 * (addr NULL) has no SOCKADDR and is therefore not reported.
 */
public final class KirokuAuditRules {

    private KirokuAuditRules() {
    }

    /**
     * Record types Kiroku does not read, which the kernel need not format or send while Kiroku is
     * the audit daemon: PROCTITLE (the command line again, hex-encoded and cut at 128 bytes; the
     * argv comes whole from EXECVE) and PATH (two per exec, for the executable and its loader; the
     * executable's path comes from the SYSCALL record's {@code exe}). Three of an exec's seven records.
     */
    public static final List<Integer> EXCLUDED_WHILE_DAEMON = List.of(AuditRecordTypes.PROCTITLE, AuditRecordTypes.PATH);

    /** @param execs whether to include the execve/execveat rules (false while the BPF process sensor reports execs) */
    public static List<AuditRule> rules(String key, boolean include32Bit, boolean execs) {
        List<AuditRule> rules = new ArrayList<>();
        if (execs) {
            rules.add(AuditRule.exitAlways(AuditRule.ARCH_X86_64, List.of(59, 322), key));
            if (include32Bit) {
                rules.add(AuditRule.exitAlways(AuditRule.ARCH_I386, List.of(11, 358), key));
            }
        }
        for (int family : new int[] {2, 10}) {
            rules.add(AuditRule.exitAlways(AuditRule.ARCH_X86_64, List.of(42, 43, 288, 49), key,
                    equal(AuditRule.FIELD_SADDR_FAM, family)));
        }
        rules.add(AuditRule.exitAlways(AuditRule.ARCH_X86_64, List.of(50), key));
        rules.add(AuditRule.exitAlways(AuditRule.ARCH_X86_64, List.of(105, 106, 113, 114, 117, 119), key));
        return rules;
    }
}
