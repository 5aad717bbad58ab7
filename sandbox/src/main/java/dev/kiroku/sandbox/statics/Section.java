package dev.kiroku.sandbox.statics;

/**
 * A section of an executable.
 *
 * @param name       section name as stored (may be empty or garbage in malformed files)
 * @param offset     file offset of its bytes
 * @param size       bytes in the file
 * @param executable whether it is mapped executable
 * @param writable   whether it is mapped writable
 * @param entropy    bits per byte of its file bytes
 */
public record Section(String name, long offset, long size, boolean executable, boolean writable, double entropy) {
}
