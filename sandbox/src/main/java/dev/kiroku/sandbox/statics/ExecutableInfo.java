package dev.kiroku.sandbox.statics;

import java.util.List;

/**
 * What the header parsers learned about an executable.
 *
 * @param format     "elf64", "elf32", "pe32", "pe32+"
 * @param machine    architecture ("x86_64", "aarch64", "i386", "0x1234" when unknown)
 * @param kind       "executable", "shared object", "relocatable", "core", "dll"
 * @param entryPoint entry address
 * @param sections   sections with their entropy
 * @param imports    imported symbol names ("execve", "KERNEL32.dll!VirtualAlloc")
 * @param interpreter ELF program interpreter (dynamic loader), or null (static binary / PE)
 * @param problems   what was malformed, each naming where; parsing stops at the first structural problem
 */
public record ExecutableInfo(String format, String machine, String kind, long entryPoint, List<Section> sections,
                             List<String> imports, String interpreter, List<String> problems) {
    public ExecutableInfo {
        sections = List.copyOf(sections);
        imports = List.copyOf(imports);
        problems = List.copyOf(problems);
    }
}
