/** Killing a process or a whole tree by entity id, through pidfds so a reused pid is never hit. */
package dev.kiroku.response.kill;
