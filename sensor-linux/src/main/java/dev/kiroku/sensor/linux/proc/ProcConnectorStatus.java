package dev.kiroku.sensor.linux.proc;

/**
 * @param running  whether the source is reading
 * @param received datagrams received
 * @param notices  notices handed to the sink
 * @param overruns ENOBUFS errors (lost notices, count unknown)
 * @param sinkFailures notices the sink threw on
 */
public record ProcConnectorStatus(boolean running, long received, long notices, long overruns, long sinkFailures) {
}
