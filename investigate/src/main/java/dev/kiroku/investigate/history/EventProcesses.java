package dev.kiroku.investigate.history;

import dev.kiroku.event.FileChange;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

/** The process a payload names. */
public final class EventProcesses {
    private EventProcesses() {
    }

    /** The process that caused the payload, or null (loss reports, inventory sockets without owner). */
    public static ProcessInfo process(Payload payload) {
        return switch (payload) {
            case ProcessStart s -> s.process();
            case ProcessExit e -> e.process();
            case FileChange f -> f.process();
            case NetworkActivity n -> n.process();
            case UserActivity u -> u.process();
            case LossReport ignored -> null;
            case dev.kiroku.event.ExecutionBlocked b -> b.process();
            case dev.kiroku.event.YaraDetection y -> y.process();
        };
    }
}
