package dev.kiroku.sandbox.statics;

/**
 * What a {@link StaticCheck} looks at: one file (the sample or an archive member) in memory.
 *
 * @param name       the sample's name, or "archive.zip!dir/member" for a member
 * @param sha256     SHA-256 of {@code bytes}, hex
 * @param bytes      the content (bounded by the analyser's size limit)
 * @param type       type by content
 * @param executable parsed headers for ELF/PE, else null
 * @param indicators URLs, IPs and domains found in the content
 */
public record StaticSubject(String name, String sha256, byte[] bytes, FileType type, ExecutableInfo executable,
                            Indicators indicators) {
}
