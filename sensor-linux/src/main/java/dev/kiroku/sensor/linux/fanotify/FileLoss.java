package dev.kiroku.sensor.linux.fanotify;

import java.time.Instant;

/**
 * File events were lost.
 *
 * @param time   when the loss was noticed
 * @param count  for a kernel queue overflow, the number of FAN_Q_OVERFLOW notices (the kernel
 *               does not say how many events each one stands for: at least one, usually many)
 * @param reason why
 */
public record FileLoss(Instant time, long count, String reason) implements FileActivity {
}
