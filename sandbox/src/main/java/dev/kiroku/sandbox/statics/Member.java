package dev.kiroku.sandbox.statics;

/**
 * An archive member as listed in the static report.
 *
 * @param path   "outer.zip!dir/file" (nested archives add further '!' parts)
 * @param size   decompressed bytes read
 * @param type   type by content
 * @param sha256 of the bytes read
 */
public record Member(String path, long size, String type, String sha256) {
}
