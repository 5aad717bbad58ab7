/** Blocking execution by SHA-256 with a fanotify permission group, a hash cache, open guards for interpreters and a watchdog that answers ALLOW. */
package dev.kiroku.response.execblock;
