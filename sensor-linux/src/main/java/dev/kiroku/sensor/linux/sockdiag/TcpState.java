package dev.kiroku.sensor.linux.sockdiag;

/** Kernel socket states ({@code include/net/tcp_states.h}); UDP sockets report ESTABLISHED (connected) or CLOSE. */
public enum TcpState {
    UNKNOWN, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN,
    CLOSING, NEW_SYN_RECV, BOUND_INACTIVE;

    static TcpState of(int code) {
        TcpState[] all = values();
        return code > 0 && code < all.length ? all[code] : UNKNOWN;
    }

    /** Bit of this state in an {@code inet_diag_req_v2.idiag_states} mask. */
    public int mask() {
        return 1 << ordinal();
    }
}
