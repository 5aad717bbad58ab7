package dev.kiroku.sensor.linux.audit;

import java.time.Instant;

/**
 * A connect, accept, accept4, bind or listen. The address is the SOCKADDR record: the peer for
 * connect and accept, the local address for bind; listen has none ({@code family}, {@code address}
 * null, port -1). Non-blocking connects report {@code success=false, exitCode=-115} (EINPROGRESS).
 *
 * @param family  {@code inet}, {@code inet6}, {@code unix} (address = path, {@code @…} for abstract),
 *                {@code netlink}, {@code family(N)} for others, or null without SOCKADDR
 * @param address textual IP (IPv6 in RFC 5952 form, v4-mapped as {@code ::ffff:a.b.c.d})
 */
public record SocketActivity(Instant time, long serial, String syscall, int pid, int ppid, int uid, int euid, int auid,
                             long session, String tty, String comm, String executable, String family, String address,
                             int port, boolean success, long exitCode) implements AuditActivity {
}
