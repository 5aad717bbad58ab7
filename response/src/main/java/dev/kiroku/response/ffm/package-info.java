/** The libc calls response needs beyond the sensors' own bindings (pidfds, fanotify permission groups, fstat). */
package dev.kiroku.response.ffm;
