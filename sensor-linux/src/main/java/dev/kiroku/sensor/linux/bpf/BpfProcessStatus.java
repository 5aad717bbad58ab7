package dev.kiroku.sensor.linux.bpf;

/**
 * @param records  records read from the ring buffer
 * @param dropped  records the kernel programs had no ring buffer room for (lost)
 * @param malformed records too short for their kind (never expected: a mismatch of object and reader)
 */
public record BpfProcessStatus(boolean running, long records, long dropped, long malformed, long sinkFailures) {
}
