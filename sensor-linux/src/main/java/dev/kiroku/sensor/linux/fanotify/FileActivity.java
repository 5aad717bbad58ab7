package dev.kiroku.sensor.linux.fanotify;

import java.time.Instant;

/** What {@link FanotifyFileSource} hands to its sink: a file notice, or a count of lost ones. */
public sealed interface FileActivity permits FileNotice, FileLoss {

    /** When the agent read it from the kernel (fanotify carries no timestamp). */
    Instant time();
}
