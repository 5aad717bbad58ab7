package dev.kiroku.sandbox.statics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a PE file's COFF and optional headers, section table and import directory
 * ("dll!function"). Bounded and checked like {@link ElfParser}.
 */
public final class PeParser {
    private static final int MAX_DLLS = 256;
    private static final int MAX_FUNCTIONS_PER_DLL = 4096;
    private static final long IMAGE_SCN_MEM_EXECUTE = 0x20000000L;
    private static final long IMAGE_SCN_MEM_WRITE = 0x80000000L;

    private PeParser() {
    }

    private record RawSection(long virtualAddress, long virtualSize, long rawOffset, long rawSize) {
    }

    public static ExecutableInfo parse(byte[] b) {
        List<String> problems = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        List<RawSection> raw = new ArrayList<>();
        Set<String> imports = new LinkedHashSet<>();
        String format = "pe";
        String machine = "?";
        String kind = "executable";
        long entry = 0;
        try {
            long pe = Bytes.u32(b, 0x3C, true);
            long coff = pe + 4;
            int m = Bytes.u16(b, coff, true);
            machine = switch (m) {
                case 0x14c -> "i386";
                case 0x8664 -> "x86_64";
                case 0xaa64 -> "aarch64";
                case 0x1c0, 0x1c4 -> "arm";
                default -> String.format("0x%x", m);
            };
            int sectionCount = Bytes.u16(b, coff + 2, true);
            int optionalSize = Bytes.u16(b, coff + 16, true);
            int characteristics = Bytes.u16(b, coff + 18, true);
            if ((characteristics & 0x2000) != 0) kind = "dll";
            long optional = coff + 20;
            int magic = Bytes.u16(b, optional, true);
            boolean plus = magic == 0x20b;
            if (magic != 0x10b && magic != 0x20b) throw new Bytes.Malformed(String.format("optional header magic 0x%x at offset %d", magic, optional));
            format = plus ? "pe32+" : "pe32";
            entry = Bytes.u32(b, optional + 16, true);
            long directories = Bytes.u32(b, optional + (plus ? 108 : 92), true);
            long importRva = 0;
            if (directories > 1) importRva = Bytes.u32(b, optional + (plus ? 112 : 96) + 8, true);
            long table = optional + optionalSize;
            if (sectionCount > ElfParser.MAX_SECTIONS) {
                problems.add("section count " + sectionCount + " above " + ElfParser.MAX_SECTIONS);
                sectionCount = ElfParser.MAX_SECTIONS;
            }
            for (int i = 0; i < sectionCount; i++) {
                long at = table + i * 40L;
                Bytes.check(b, at, 40);
                String name = Bytes.cString(b, at, 8);
                long vsize = Bytes.u32(b, at + 8, true);
                long va = Bytes.u32(b, at + 12, true);
                long rawSize = Bytes.u32(b, at + 16, true);
                long rawOffset = Bytes.u32(b, at + 20, true);
                long flags = Bytes.u32(b, at + 36, true);
                boolean inFile = rawOffset + rawSize <= b.length;
                if (!inFile) problems.add("section " + i + " (" + name + ") raw data lies outside the file: offset " + rawOffset + " size " + rawSize);
                long size = inFile ? rawSize : 0;
                sections.add(new Section(name, rawOffset, size, (flags & IMAGE_SCN_MEM_EXECUTE) != 0,
                        (flags & IMAGE_SCN_MEM_WRITE) != 0, inFile ? Entropy.of(b, (int) rawOffset, (int) rawSize) : 0));
                raw.add(new RawSection(va, Math.max(vsize, rawSize), rawOffset, size));
            }
            if (importRva != 0) imports(b, plus, importRva, raw, imports, problems);
        } catch (Bytes.Malformed e) {
            problems.add("malformed PE: " + e.getMessage());
        }
        return new ExecutableInfo(format, machine, kind, entry, sections, new ArrayList<>(imports), null, problems);
    }

    private static long offsetOf(long rva, List<RawSection> sections) {
        for (RawSection s : sections) {
            if (rva >= s.virtualAddress() && rva < s.virtualAddress() + s.virtualSize()) {
                long off = rva - s.virtualAddress();
                if (off >= s.rawSize()) break;
                return s.rawOffset() + off;
            }
        }
        throw new Bytes.Malformed(String.format("RVA 0x%x is in no section's file data", rva));
    }

    private static void imports(byte[] b, boolean plus, long importRva, List<RawSection> sections, Set<String> imports,
                                List<String> problems) {
        long descriptor = offsetOf(importRva, sections);
        for (int d = 0; d < MAX_DLLS; d++, descriptor += 20) {
            long lookup = Bytes.u32(b, descriptor, true);
            long nameRva = Bytes.u32(b, descriptor + 12, true);
            long thunks = Bytes.u32(b, descriptor + 16, true);
            if (nameRva == 0 && thunks == 0) return;
            String dll = Bytes.cString(b, offsetOf(nameRva, sections), 128);
            long at = offsetOf(lookup != 0 ? lookup : thunks, sections);
            int width = plus ? 8 : 4;
            for (int f = 0; f < MAX_FUNCTIONS_PER_DLL; f++, at += width) {
                long thunk = plus ? Bytes.u64(b, at, true) : Bytes.u32(b, at, true);
                if (thunk == 0) break;
                boolean ordinal = plus ? thunk < 0 : (thunk & 0x80000000L) != 0;
                if (ordinal) {
                    imports.add(dll + "!#" + (thunk & 0xFFFF));
                } else {
                    imports.add(dll + "!" + Bytes.cString(b, offsetOf(thunk & 0x7FFFFFFFL, sections) + 2, 128));
                }
            }
        }
        problems.add("more than " + MAX_DLLS + " imported DLLs; stopped reading imports");
    }
}
