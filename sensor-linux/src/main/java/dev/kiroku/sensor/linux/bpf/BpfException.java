package dev.kiroku.sensor.linux.bpf;

import java.io.IOException;

/** A BPF object could not be opened, loaded, attached or read; the message names the libbpf call. */
public final class BpfException extends IOException {
    public BpfException(String message) {
        super(message);
    }
}
