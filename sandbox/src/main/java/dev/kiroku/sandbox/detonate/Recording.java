package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;

import java.io.IOException;
import java.util.List;

/**
 * Where a detonation's behaviour comes from: an agent started for it ({@link SensorRecording}) or
 * the agent already recording this machine ({@link LiveRecording}). Either way the events are the
 * machine's; {@link SandboxScope} keeps the sample's.
 */
interface Recording extends AutoCloseable {
    /** Who recorded, for the report, including anything that limited the recording. */
    String description();

    /**
     * Called once the sandbox has ended: waits for the last events to arrive and returns everything
     * recorded, in order.
     *
     * @param launcherPid the host pid of the sandbox's launcher (it ends last)
     * @param cgroupPath  the sandbox's cgroup path, as processes' cgroup fields show it
     */
    List<Event> finish(long launcherPid, String cgroupPath) throws IOException, InterruptedException;

    @Override
    void close() throws IOException;
}
